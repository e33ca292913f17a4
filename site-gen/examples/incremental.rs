//! How long `serve` takes to show an edit on a big site.
//!
//! Generates a 1 000-page site in a temporary folder (10 sections of 100
//! pages, about 3 KB of French Markdown each: headings, a list, a table, a
//! code block, `@/` links with anchors; half the sections dated, so the
//! feed and sitemap follow), builds it once in a [`Session`], then edits one
//! page 20 times (its body, then its title, then its date) and prints the
//! median rebuild time of each kind of edit, with its stages.
//!
//! ```sh
//! cargo run --release -p site-gen --example incremental
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use site_gen::{BuildOptions, RebuildReport, Session};

const SECTIONS: usize = 10;
const PAGES: usize = 100;
/// Rebuilds per kind of edit (`RUNS=200` for a profiler).
fn runs() -> usize {
    std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
}

fn page(s: usize, p: usize, title: &str, date: usize, extra: &str) -> String {
    let next = (p + 1) % PAGES;
    let previous = (p + PAGES - 1) % PAGES;
    let other = (s + 1) % SECTIONS;
    let order = if s.is_multiple_of(2) {
        format!("date = 2024-{:02}-{:02}\n", 1 + date % 12, 1 + date % 28)
    } else {
        format!("weight = {p}\n")
    };
    let mut md = format!(
        "+++\ntitle = \"{title}\"\ndescription = \"Ce qu’il faut savoir sur le sujet {p}.\"\n{order}+++\n\n\
         Une introduction : voir [la page suivante](@/rubrique-{s}/page-{next}.md#installation) \
         et [une autre rubrique](@/rubrique-{other}/_index.md).{extra}\n\n<!-- more -->\n\n\
         ## Installation\n\nOn commence par installer les outils « de base ».\n\n"
    );
    for k in 0..3 {
        md.push_str(&format!(
            "## Partie {k} : l’entretien\n\n\
             L’association assure la maintenance des postes ; elle intervient sur place ou à \
             distance ! Les adhérents paient une cotisation annuelle, le reste est facturé à \
             l’heure : c’est simple, et chacun sait ce qu’il paie.\n\n\
             - sauvegardes quotidiennes, vérifiées chaque semaine\n\
             - mises à jour de sécurité des postes et des serveurs\n\
             - assistance téléphonique du lundi au vendredi\n\n\
             | Service | Prix | Durée |\n|---|---:|---|\n\
             | Assistance | 45 € | 1 h |\n| Formation | 300 € | 1 jour |\n\n\
             ```sh\nsudo apt update && sudo apt full-upgrade\n```\n\n\
             Voir aussi [la page précédente](@/rubrique-{s}/page-{previous}.md#partie-{k}-l-entretien).\n\n"
        ));
    }
    md
}

fn title(s: usize, p: usize) -> String {
    format!("Page {p} de la rubrique {s} : l’essentiel")
}

fn generate(root: &Path) {
    let write = |path: PathBuf, text: String| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let content = root.join("content");
    write(
        content.join("_index.md"),
        "+++\ntitle = \"Accueil\"\n+++\n\nBienvenue à l’Amie.\n".into(),
    );
    for s in 0..SECTIONS {
        write(
            content.join(format!("rubrique-{s}/_index.md")),
            format!("+++\ntitle = \"Rubrique {s}\"\n+++\n\nLa rubrique {s}.\n"),
        );
        for p in 0..PAGES {
            write(
                content.join(format!("rubrique-{s}/page-{p}.md")),
                page(s, p, &title(s, p), p, ""),
            );
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    generate(dir.path());
    let opts = BuildOptions {
        widget: false,
        ..BuildOptions::new(dir.path())
    };

    let start = Instant::now();
    let mut session = Session::new(opts.clone());
    let first = session.rebuild(&[]).expect("the generated site builds");
    let full = start.elapsed();
    let files = session.files().map_or(0, |f| f.len());
    println!(
        "{SECTIONS} rubriques × {PAGES} pages, {files} fichiers : première construction {}",
        ms(full)
    );
    print_stages(&first);

    // The edited page is in a dated section, listed in the feed.
    let (s, p) = (0, 42);
    let rel = format!("content/rubrique-{s}/page-{p}.md");
    let path = dir.path().join(&rel);
    type Edit = fn(usize) -> String;
    let kinds: [(&str, Edit); 3] = [
        ("corps", |i| {
            page(0, 42, &title(0, 42), 42, &format!(" Modification {i}."))
        }),
        ("titre", |i| {
            page(0, 42, &format!("{} ({i})", title(0, 42)), 42, "")
        }),
        ("date", |i| page(0, 42, &title(0, 42), 42 + i + 1, "")),
    ];
    for (kind, text) in kinds {
        let mut times = Vec::new();
        let mut last = None;
        for i in 0..runs() {
            std::fs::write(&path, text(i)).unwrap();
            let start = Instant::now();
            let report = session
                .rebuild(std::slice::from_ref(&path))
                .expect("rebuilds");
            times.push(start.elapsed());
            last = Some(report);
        }
        let report = last.expect("ran");
        println!(
            "{rel} modifié ({kind}) : médiane {} sur {} ({} Markdown, {} pages, {} autres rendus ; {} fichiers changés)",
            ms(median(times)),
            runs(),
            report.markdown,
            report.pages,
            report.others,
            report.changed.len()
        );
        print_stages(&report);
    }

    // The same edit with a full build, for comparison.
    if std::env::var_os("NO_FULL").is_some() {
        return;
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        site_gen::build(&opts).expect("builds");
        times.push(start.elapsed());
    }
    println!(
        "construction complète (pour comparer) : médiane {}",
        ms(median(times))
    );
}

fn print_stages(report: &RebuildReport) {
    let stages: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, d)| format!("{stage} {}", ms(*d)))
        .collect();
    println!("    {}", stages.join(" · "));
}

//! Synthetic sites in the Zola/Hugo layout, deterministic (seeded).
//!
//! `content/_index.md`, then `content/section-K/_index.md` for K in
//! `0..sections`, and the pages `content/section-K/page-I.md` (page I in
//! section I % sections). Each page has a TOML front matter (title, date,
//! description) and about 3 KB of French Markdown: headings, paragraphs, a
//! list, a table, a code block and internal links to other pages.
//!
//! The two [`Flavor`]s hold the same text; only the link syntax and the
//! site's configuration differ.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Which generator a corpus is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `@/section-K/page-I.md` links, `site.toml` with a menu of the
    /// sections (the built-in theme gives navigation, Atom feed, sitemap).
    SiteGen,
    /// `{{< ref "/section-K/page-I.md" >}}` links, `hugo.toml` and a
    /// minimal layout (navigation, RSS, sitemap, robots.txt, 404).
    Hugo,
}

impl Flavor {
    /// Folder name of this variant inside a corpus folder.
    pub fn dir_name(self) -> &'static str {
        match self {
            Flavor::SiteGen => "site-gen",
            Flavor::Hugo => "hugo",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusOptions {
    /// Pages (sections and home not counted).
    pub pages: usize,
    pub sections: usize,
    pub seed: u64,
}

impl CorpusOptions {
    pub fn new(pages: usize) -> Self {
        CorpusOptions {
            pages,
            sections: 10,
            seed: 0x5eed_2025,
        }
    }
}

/// What a generated corpus holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusInfo {
    pub root: PathBuf,
    pub pages: usize,
    pub sections: usize,
    /// Bytes of Markdown written (front matter included), pages only.
    pub page_bytes: usize,
}

/// Base URL of both variants.
pub const BASE_URL: &str = "https://banc.example";
/// Title of both variants.
pub const SITE_TITLE: &str = "Banc d’essai de l’Amie";
/// Id of the last heading of every page (links with an anchor point at it).
pub const SUMMARY_ANCHOR: &str = "en-resume";

/// Source path (relative to `content/`) of page `i`.
pub fn page_source(opts: &CorpusOptions, i: usize) -> String {
    format!("section-{}/page-{i}.md", i % opts.sections)
}

/// URL path of page `i` (`/section-3/page-13/`), the same for both generators.
pub fn page_url_path(opts: &CorpusOptions, i: usize) -> String {
    format!("/section-{}/page-{i}/", i % opts.sections)
}

/// Writes both variants under `dir` (`dir/site-gen`, `dir/hugo`).
pub fn generate_both(dir: &Path, opts: &CorpusOptions) -> io::Result<[CorpusInfo; 2]> {
    Ok([
        generate(&dir.join(Flavor::SiteGen.dir_name()), opts, Flavor::SiteGen)?,
        generate(&dir.join(Flavor::Hugo.dir_name()), opts, Flavor::Hugo)?,
    ])
}

/// Writes one variant of the corpus at `root` (created; must not hold
/// another corpus's `content/`, which is replaced).
pub fn generate(root: &Path, opts: &CorpusOptions, flavor: Flavor) -> io::Result<CorpusInfo> {
    assert!(opts.sections > 0, "at least one section");
    let content = root.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content)?;
    }
    std::fs::create_dir_all(&content)?;
    match flavor {
        Flavor::SiteGen => std::fs::write(root.join("site.toml"), site_toml(opts))?,
        Flavor::Hugo => write_hugo_files(root)?,
    }
    std::fs::write(content.join("_index.md"), home_markdown(opts, flavor))?;
    for k in 0..opts.sections {
        let dir = content.join(format!("section-{k}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("_index.md"), section_markdown(opts, k, flavor))?;
    }
    let mut page_bytes = 0;
    for i in 0..opts.pages {
        let text = page_markdown(opts, i, flavor);
        page_bytes += text.len();
        std::fs::write(content.join(page_source(opts, i)), text)?;
    }
    Ok(CorpusInfo {
        root: root.to_path_buf(),
        pages: opts.pages,
        sections: opts.sections,
        page_bytes,
    })
}

/// The whole file of page `i` (front matter and Markdown).
pub fn page_markdown(opts: &CorpusOptions, i: usize, flavor: Flavor) -> String {
    let mut rng = Rng::new(opts.seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let topic = *rng.pick(TOPICS);
    let title = format!("Fiche {i} : {topic}");
    let date = date_string(18_262 + rng.below(5 * 365) as i64); // from 2020-01-01
    let description = format!(
        "{} {} {} {}.",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(COMPLEMENTS)
    );
    let mut out = String::with_capacity(3600);
    let _ = write!(
        out,
        "+++\ntitle = {}\ndate = {date}\ndescription = {}\n+++\n\n",
        toml_string(&title),
        toml_string(&description)
    );

    let link = |rng: &mut Rng, anchor: bool| -> String {
        let mut target = rng.below(opts.pages.max(1));
        if target == i && opts.pages > 1 {
            target = (target + 1) % opts.pages;
        }
        let text = rng.pick(LINK_TEXTS);
        let anchor = if anchor { Some(SUMMARY_ANCHOR) } else { None };
        format!(
            "[{text}]({})",
            link_target(flavor, &page_source(opts, target), anchor)
        )
    };
    let mut headings = HEADINGS.to_vec();
    rng.shuffle(&mut headings);

    // Introduction.
    paragraph(&mut out, &mut rng, 4, None);
    let _ = writeln!(out, "## {}\n", headings[0]);
    let l = link(&mut rng, false);
    paragraph(&mut out, &mut rng, 4, Some(&l));
    // A list, one item with a link.
    let items = 5 + rng.below(2);
    let linked_item = rng.below(items);
    for n in 0..items {
        if n == linked_item {
            let l = link(&mut rng, false);
            let _ = writeln!(out, "- {} : {l} ;", rng.pick(LIST_ITEMS));
        } else {
            let _ = writeln!(out, "- {} ;", rng.pick(LIST_ITEMS));
        }
    }
    out.push('\n');
    let _ = writeln!(out, "## {}\n", headings[1]);
    paragraph(&mut out, &mut rng, 3, None);
    // A table.
    out.push_str("| Poste | Jours par an | Coût annuel | Remarque |\n");
    out.push_str("| --- | ---: | ---: | --- |\n");
    for _ in 0..5 {
        let days = 1 + rng.below(18);
        let _ = writeln!(
            out,
            "| {} | {days} | {} € | {} |",
            rng.pick(TABLE_ITEMS),
            french_thousands(days * 222),
            rng.pick(REMARKS)
        );
    }
    out.push('\n');
    let _ = writeln!(out, "### {}\n", headings[2]);
    paragraph(&mut out, &mut rng, 2, None);
    // A code block.
    let _ = writeln!(
        out,
        "```toml\n[structure]\nnom = \"{}\"\nparts = {}\npostes = {}\nserveurs = {}\nservices = [\"assistance\", \"sauvegardes\"]\n```\n",
        rng.pick(STRUCTURES),
        1 + rng.below(6),
        2 + rng.below(20),
        rng.below(3)
    );
    let l = link(&mut rng, true);
    paragraph(&mut out, &mut rng, 3, Some(&l));
    let _ = writeln!(out, "## En résumé {{#{SUMMARY_ANCHOR}}}\n");
    let section = i % opts.sections;
    let l = format!(
        "[la rubrique {}]({})",
        section + 1,
        link_target(flavor, &format!("section-{section}/_index.md"), None)
    );
    paragraph(&mut out, &mut rng, 2, Some(&l));
    out
}

/// `_index.md` of section `k`.
pub fn section_markdown(opts: &CorpusOptions, k: usize, flavor: Flavor) -> String {
    let mut rng = Rng::new(opts.seed ^ 0xa5a5_0000 ^ k as u64);
    let mut out = format!(
        "+++\ntitle = \"Rubrique {}\"\ndescription = \"{} : les fiches de la rubrique {}.\"\nweight = {}\n+++\n\n",
        k + 1,
        rng.pick(TOPICS),
        k + 1,
        k + 1
    );
    let next = (k + 1) % opts.sections;
    let l = format!(
        "[la rubrique suivante]({})",
        link_target(flavor, &format!("section-{next}/_index.md"), None)
    );
    paragraph(&mut out, &mut rng, 3, Some(&l));
    out
}

/// `content/_index.md`.
pub fn home_markdown(opts: &CorpusOptions, flavor: Flavor) -> String {
    let mut rng = Rng::new(opts.seed ^ 0x4040);
    let mut out = format!(
        "+++\ntitle = {}\ndescription = \"Un site de {} fiches pour mesurer les générateurs.\"\n+++\n\n",
        toml_string(SITE_TITLE),
        opts.pages
    );
    let l = format!(
        "[la première rubrique]({})",
        link_target(flavor, "section-0/_index.md", None)
    );
    paragraph(&mut out, &mut rng, 3, Some(&l));
    out
}

/// A link destination to the document whose source path is `source`.
pub fn link_target(flavor: Flavor, source: &str, anchor: Option<&str>) -> String {
    let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
    match flavor {
        Flavor::SiteGen => format!("@/{source}{anchor}"),
        Flavor::Hugo => format!("{{{{< ref \"/{source}{anchor}\" >}}}}"),
    }
}

/// `site.toml` of the site-gen variant: the menu lists every section.
pub fn site_toml(opts: &CorpusOptions) -> String {
    let mut out = format!(
        "title = {}\ndescription = \"Corpus synthétique pour les mesures de performance.\"\nbase_url = \"{BASE_URL}\"\nlanguage = \"fr\"\n",
        toml_string(SITE_TITLE)
    );
    for k in 0..opts.sections {
        let _ = write!(
            out,
            "\n[[menu]]\nname = \"Rubrique {}\"\nurl = \"@/section-{k}/_index.md\"\n",
            k + 1
        );
    }
    out
}

/// `hugo.toml`: same site, work comparable to site-gen's (no taxonomies,
/// feeds limited to 20 entries like site-gen's Atom feed, no syntax
/// highlighting since site-gen does none).
pub fn hugo_toml() -> String {
    format!(
        r#"baseURL = "{BASE_URL}/"
languageCode = "fr"
defaultContentLanguage = "fr"
title = {}
disableKinds = ["taxonomy", "term"]
enableRobotsTXT = true
sectionPagesMenu = "main"

[services.rss]
limit = 20

[markup.highlight]
codeFences = false

[markup.goldmark.renderer]
unsafe = true

[markup.tableOfContents]
startLevel = 2
endLevel = 3
"#,
        toml_string(SITE_TITLE)
    )
}

/// Hugo's layout, (path, text): navigation, TOC, listings like site-gen's
/// default theme.
pub const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        r##"<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} — {{ site.Title }}{{ end }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" title="{{ site.Title }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | absURL }}">
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
<div class="wrap">
<a class="brand" href="{{ site.Home.Permalink }}"><span>{{ site.Title }}</span></a>
<nav class="site-nav" aria-label="Navigation principale">
<ul>
{{- $current := . }}
{{- range site.Menus.main }}
<li><a href="{{ .URL | absURL }}"{{ if $current.IsMenuCurrent "main" . }} aria-current="page"{{ else if $current.HasMenuCurrent "main" . }} aria-current="true"{{ end }}>{{ .Name }}</a></li>
{{- end }}
</ul>
</nav>
</div>
</header>
<main id="contenu" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
<div class="wrap">
<nav class="footer-nav" aria-label="Pied de page">
<ul><li><a href="{{ "index.xml" | absURL }}">Flux des actualités</a></li></ul>
</nav>
</div>
</footer>
</body>
</html>
"##,
    ),
    (
        "layouts/_default/single.html",
        r##"{{ define "main" }}
<article>
<header class="page-header">
<h1>{{ .Title }}</h1>
{{- if not .Date.IsZero }}
<p class="meta">Publié le <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time> · {{ .ReadingTime }}&nbsp;min de lecture</p>
{{- end }}
</header>
<nav class="toc" aria-labelledby="toc-titre">
<h2 id="toc-titre">Sommaire</h2>
{{ .TableOfContents }}
</nav>
<div class="content">
{{ .Content }}
</div>
</article>
{{ end }}
"##,
    ),
    (
        "layouts/_default/list.html",
        r##"{{ define "main" }}
<header class="page-header">
<h1>{{ .Title }}</h1>
</header>
{{- with .Content }}
<div class="content">
{{ . }}
</div>
{{- end }}
<div class="listing">
<h2>Dans cette rubrique</h2>
<ul class="entries">
{{- range .Pages }}
<li class="entry">
<h3><a href="{{ .Permalink }}">{{ .Title }}</a></h3>
{{- if not .Date.IsZero }}
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time></p>
{{- end }}
{{- with .Description }}
<p>{{ . }}</p>
{{- end }}
</li>
{{- end }}
</ul>
</div>
{{ end }}
"##,
    ),
    (
        "layouts/index.html",
        r##"{{ define "main" }}
<div class="hero">
<h1>{{ .Title }}</h1>
{{- with .Description }}
<p class="lead">{{ . }}</p>
{{- end }}
</div>
{{- with .Content }}
<div class="content">
{{ . }}
</div>
{{- end }}
<div class="listing">
<h2>Nos rubriques</h2>
<ul class="cards">
{{- range .Sections }}
<li>
<h3><a href="{{ .Permalink }}">{{ .Title }}</a></h3>
{{- with .Description }}
<p>{{ . }}</p>
{{- end }}
</li>
{{- end }}
</ul>
</div>
{{ end }}
"##,
    ),
    (
        "layouts/404.html",
        r##"{{ define "main" }}
<h1>Page introuvable</h1>
<p class="lead">La page demandée n’existe pas, ou plus à cette adresse (erreur&nbsp;404).</p>
<p>Repartez de la <a href="{{ site.Home.Permalink }}">page d’accueil</a>.</p>
{{ end }}
"##,
    ),
];

/// The default theme's style sheet, served by the Hugo variant too.
pub const STYLE_CSS: &str = include_str!("../../themes/default/static/style.css");

fn write_hugo_files(root: &Path) -> io::Result<()> {
    std::fs::create_dir_all(root)?;
    std::fs::write(root.join("hugo.toml"), hugo_toml())?;
    for (path, text) in HUGO_LAYOUTS {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    std::fs::create_dir_all(root.join("static"))?;
    std::fs::write(root.join("static/style.css"), STYLE_CSS)
}

/// Appends a paragraph of `sentences` sentences; `link` (Markdown) is put
/// in one of them.
fn paragraph(out: &mut String, rng: &mut Rng, sentences: usize, link: Option<&str>) {
    let with_link = link.map(|_| rng.below(sentences));
    for n in 0..sentences {
        if n > 0 {
            out.push(' ');
        }
        let s = sentence(rng, if with_link == Some(n) { link } else { None });
        out.push_str(&s);
    }
    out.push_str("\n\n");
}

/// One French sentence, with the site's typography to exercise: `:`, `;`,
/// `?`, `!`, « », apostrophes, emphasis.
fn sentence(rng: &mut Rng, link: Option<&str>) -> String {
    let subject = rng.pick(SUBJECTS);
    let verb = rng.pick(VERBS);
    let mut object = rng.pick(OBJECTS).to_string();
    match rng.below(8) {
        0 => object = format!("*{object}*"),
        1 => object = format!("**{object}**"),
        _ => {}
    }
    let complement = rng.pick(COMPLEMENTS);
    let mut s = match rng.below(6) {
        0 => format!("Pourquoi {} {verb} {object} {complement} ?", lower(subject)),
        1 => format!(
            "{subject} {verb} {object} : {} {} {}.",
            lower(rng.pick::<&str>(SUBJECTS)),
            rng.pick(VERBS),
            rng.pick(OBJECTS)
        ),
        2 => format!(
            "{subject} {verb} {object} {complement} ; c’est « {} » !",
            rng.pick(QUOTES)
        ),
        _ => format!("{subject} {verb} {object} {complement}."),
    };
    if let Some(link) = link {
        s.pop();
        let _ = write!(s, " (voir {link}).");
    }
    s
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `4 440` (narrow no-break space, like the site's figures).
fn french_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian).
fn date_string(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// SplitMix64: small, seeded, the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; the bias is negligible here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for k in (1..items.len()).rev() {
            items.swap(k, self.below(k + 1));
        }
    }
}

const TOPICS: &[&str] = &[
    "sauvegardes du secrétariat",
    "postes de travail vieillissants",
    "messagerie de l’association",
    "réseau du tiers-lieu",
    "serveur de fichiers partagé",
    "mots de passe et double authentification",
    "logiciels libres au bureau",
    "imprimantes capricieuses",
    "site web de la structure",
    "formations des bénévoles",
    "inventaire du matériel",
    "restauration après sinistre",
    "hébergement des données",
    "mises à jour de sécurité",
    "outils de travail collaboratif",
];

const SUBJECTS: &[&str] = &[
    "L’informaticien de l’Amie",
    "La structure adhérente",
    "Chaque poste de travail",
    "Le serveur de fichiers",
    "L’équipe bénévole",
    "La sauvegarde hebdomadaire",
    "Le réseau de l’association",
    "La coopérative d’activités",
    "Le conseil d’administration",
    "La trésorière",
    "Le tiers-lieu du village",
    "L’épicerie solidaire",
    "Le centre social",
    "La mairie partenaire",
];

const VERBS: &[&str] = &[
    "vérifie",
    "met à jour",
    "surveille",
    "sécurise",
    "documente",
    "restaure",
    "remplace",
    "configure",
    "planifie",
    "mutualise",
    "inventorie",
    "répare",
];

const OBJECTS: &[&str] = &[
    "les copies de sauvegarde",
    "le pare-feu du local",
    "les comptes des salariés",
    "l’imprimante du secrétariat",
    "les mots de passe",
    "le logiciel de comptabilité",
    "la boîte aux lettres partagée",
    "les ordinateurs portables",
    "le disque réseau",
    "les licences des logiciels",
    "la connexion à la fibre",
    "l’agenda commun",
    "les dossiers des adhérents",
];

const COMPLEMENTS: &[&str] = &[
    "chaque semaine",
    "avant l’assemblée générale",
    "sans interrompre le travail",
    "en lien avec le bureau",
    "pour un coût maîtrisé",
    "dès la première alerte",
    "une fois par trimestre",
    "avec l’accord des salariés",
    "en suivant la procédure écrite",
    "à la demande des bénévoles",
];

const QUOTES: &[&str] = &[
    "mieux vaut prévenir que guérir",
    "une part, neuf jours",
    "le temps partagé coûte moins cher",
    "pas de sauvegarde, pas de données",
    "l’informatique au service du projet",
];

const LINK_TEXTS: &[&str] = &[
    "la fiche voisine",
    "nos conseils",
    "le détail",
    "cette autre fiche",
    "la procédure",
    "l’exemple complet",
];

const LIST_ITEMS: &[&str] = &[
    "un inventaire à jour des postes et des logiciels",
    "une sauvegarde hors site, testée chaque mois",
    "des comptes nominatifs plutôt que partagés",
    "un gestionnaire de mots de passe pour l’équipe",
    "des mises à jour appliquées sans attendre",
    "une charte informatique signée par chacun",
    "un contact unique pour toutes les demandes",
    "une formation courte pour les nouveaux arrivants",
];

const HEADINGS: &[&str] = &[
    "Le constat",
    "Ce que fait l’Amie",
    "Combien de jours ?",
    "Les étapes",
    "Ce qu’il faut retenir de l’intervention",
    "Pour aller plus loin",
    "Questions fréquentes",
    "Le coût, poste par poste",
];

const TABLE_ITEMS: &[&str] = &[
    "Assistance",
    "Sauvegardes",
    "Maintenance",
    "Formations",
    "Hébergement",
    "Supervision",
    "Services web",
];

const REMARKS: &[&str] = &[
    "à distance",
    "sur place",
    "mutualisé",
    "selon la saison",
    "une fois par an",
];

const STRUCTURES: &[&str] = &[
    "Épicerie solidaire",
    "Comité des fêtes",
    "Ressourcerie",
    "Tiers-lieu du bourg",
    "Association sportive",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(date_string(0), "1970-01-01");
        assert_eq!(date_string(18_262), "2020-01-01");
        assert_eq!(date_string(19_782), "2024-02-29");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(french_thousands(999), "999");
        assert_eq!(french_thousands(4440), "4\u{202f}440");
    }

    #[test]
    fn pages_are_deterministic_and_about_3_kb() {
        let opts = CorpusOptions::new(200);
        let sizes: Vec<usize> = (0..200)
            .map(|i| page_markdown(&opts, i, Flavor::SiteGen).len())
            .collect();
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((2700..=3600).contains(&mean), "mean page size {mean}");
        assert_eq!(
            page_markdown(&opts, 7, Flavor::Hugo),
            page_markdown(&opts, 7, Flavor::Hugo)
        );
        let other = CorpusOptions { seed: 1, ..opts };
        assert_ne!(
            page_markdown(&opts, 7, Flavor::SiteGen),
            page_markdown(&other, 7, Flavor::SiteGen)
        );
    }

    #[test]
    fn both_flavors_hold_the_same_text() {
        let opts = CorpusOptions::new(50);
        for i in 0..50 {
            let sg = page_markdown(&opts, i, Flavor::SiteGen);
            let hugo = page_markdown(&opts, i, Flavor::Hugo);
            let hugo_as_sg = hugo.replace("{{< ref \"/", "@/").replace("\" >}}", "");
            assert_eq!(sg, hugo_as_sg, "page {i}");
            assert!(sg.contains("\n| --- |") && sg.contains("```toml") && sg.contains("\n- "));
            assert!(sg.matches("](@/").count() >= 4, "page {i} has its links");
        }
    }

    #[test]
    fn links_point_at_pages_that_exist() {
        let opts = CorpusOptions::new(30);
        for i in 0..30 {
            let page = page_markdown(&opts, i, Flavor::SiteGen);
            for part in page.split("](@/").skip(1) {
                let target = part.split([')', '#']).next().unwrap();
                let ok = (0..30).any(|j| page_source(&opts, j) == target)
                    || (0..opts.sections).any(|k| target == format!("section-{k}/_index.md"));
                assert!(ok, "page {i} links to {target}");
                assert_ne!(target, page_source(&opts, i), "no link to itself");
            }
        }
    }
}

//! Bad input never crashes, never corrupts, never escapes.
//!
//! Inputs the build must refuse are rows of tables ([`Case`]): the files
//! that break a valid site, and the messages the maintainer must read (file,
//! line where it is known, French message). One driver ([`check_cases`])
//! runs every row the same way: the library build fails with those messages
//! (on a small stack, under a hang detector), and so does `site-gen build`
//! run after a good build: non-zero exit, no panic, the same messages, and
//! the previous `public/` byte for byte as it was, with no staging folder
//! nor lock left beside it. Inputs that must be accepted are tests of their
//! own below the tables. `build_errors.rs` holds the first, simpler cases.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{
    hidden_in, messages, on_small_stack, page, run_in, snapshot, stderr, Site, HOME, TARIFS,
};
use site_gen::{build, BuildOptions, BuiltSite};

// ===================================================================
// The driver
// ===================================================================

/// One bad input: files written over a site that built, and what the
/// build must say about them.
struct Case {
    name: &'static str,
    /// Valid files of the first build, besides [`HOME`].
    good: Vec<(String, Vec<u8>)>,
    /// The files that break it (written after the first build).
    bad: Vec<(String, Vec<u8>)>,
    /// Symbolic links (path, target as written in the link).
    links: Vec<(String, String)>,
    /// (how the message starts: `file:line:`, a part of the message).
    expect: Vec<(String, String)>,
    /// How many problems are reported, when that is known.
    exactly: Option<usize>,
}

fn case(name: &'static str) -> Case {
    Case {
        name,
        good: Vec::new(),
        bad: Vec::new(),
        links: Vec::new(),
        expect: Vec::new(),
        exactly: None,
    }
}

impl Case {
    fn good(mut self, path: &str, text: &str) -> Case {
        self.good.push((path.into(), text.as_bytes().to_vec()));
        self
    }

    fn file(mut self, path: &str, bytes: impl AsRef<[u8]>) -> Case {
        self.bad.push((path.into(), bytes.as_ref().to_vec()));
        self
    }

    fn link(mut self, path: &str, target: &str) -> Case {
        self.links.push((path.into(), target.into()));
        self
    }

    fn expect(mut self, start: impl Into<String>, part: &str) -> Case {
        self.expect.push((start.into(), part.into()));
        self
    }

    fn exactly(mut self, count: usize) -> Case {
        self.exactly = Some(count);
        self
    }
}

/// Runs every case; fails once, listing every case that went wrong.
fn check_cases(cases: Vec<Case>) {
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|c| {
            let name = c.name;
            check_case(c).err().map(|why| format!("── {name}\n{why}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn check_case(c: Case) -> Result<(), String> {
    assert!(
        !c.expect.is_empty(),
        "{}: say what the build must say",
        c.name
    );
    let mut problems = Vec::new();
    let site = Site::new(&[HOME]);
    for (path, bytes) in &c.good {
        site.write_bytes(path, bytes);
    }
    let first = site.cli_build();
    if !first.status.success() {
        return Err(format!("the first build failed:\n{}", stderr(&first)));
    }
    let public = site.path("public");
    let before = snapshot(&public);
    for (path, bytes) in &c.bad {
        site.write_bytes(path, bytes);
    }
    for (path, target) in &c.links {
        link(&site, target, path);
    }

    // The library: every expected message.
    let root = site.root().to_path_buf();
    let library = on_small_stack(c.name, move || {
        let mut opts = BuildOptions::new(root);
        opts.widget = false;
        build(&opts).map(|_| ()).map_err(|d| messages(&d))
    });
    match library {
        Ok(()) => problems.push("the library build succeeded".to_string()),
        Err(errors) => {
            for (start, part) in &c.expect {
                if !errors
                    .iter()
                    .any(|e| e.starts_with(start.as_str()) && e.contains(part.as_str()))
                {
                    problems.push(format!("library: no « {start}…{part} »"));
                }
            }
            if c.exactly.is_some_and(|n| n != errors.len()) {
                problems.push(format!("library: {} problems", errors.len()));
            }
            if !problems.is_empty() {
                problems.push(format!("library said: {errors:#?}"));
            }
        }
    }

    // The command line, over the site it built before.
    let second = site.cli_build();
    let err = stderr(&second);
    if second.status.success() {
        problems.push("site-gen build succeeded".into());
    }
    if err.contains("panicked") {
        problems.push("site-gen build panicked".into());
    }
    // Each problem is printed as `erreur <file:line:col: message>`, the
    // message possibly over several lines, then the source line.
    let text = format!("\n{err}");
    let blocks: Vec<&str> = text.split("\nerreur ").skip(1).collect();
    for (start, part) in &c.expect {
        let start = shown(start);
        let found = blocks
            .iter()
            .any(|b| b.starts_with(start.as_str()) && b.contains(part.as_str()));
        if !found {
            problems.push(format!("site-gen: no line « {start}…{part} »"));
        }
    }
    if !err.contains("le site précédent n’a pas été modifié") {
        problems.push("site-gen does not say the site was kept".into());
    }
    if !problems.is_empty() {
        problems.push(format!("site-gen said:\n{err}"));
    }
    if snapshot(&public) != before {
        problems.push("public/ changed".into());
    }
    let left = hidden_in(site.root());
    if !left.is_empty() {
        problems.push(format!("left beside public/: {left:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// How the terminal shows a file name: control characters escaped
/// (`\u{a}`), never sent raw.
fn shown(start: &str) -> String {
    start
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(unix)]
fn link(site: &Site, target: &str, path: &str) {
    std::os::unix::fs::symlink(target, site.path(path)).expect("symlink");
}

#[cfg(not(unix))]
fn link(_: &Site, _: &str, _: &str) {}

/// The 1-based line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}"))
        + 1
}

// ===================================================================
// Front matter
// ===================================================================

#[test]
fn bad_front_matter() {
    let depth = 50_000;
    check_cases(vec![
        case("YAML never closed")
            .file("content/a.md", "---\ntitle: A\n\nTexte\n")
            .expect("content/a.md:1:1", "il manque la ligne « --- »"),
        case("only an opening delimiter")
            .file("content/a.md", "+++")
            .expect("content/a.md:1:1", "non fermé"),
        case("invalid TOML")
            .file(
                "content/a.md",
                "+++\ntitle = \"A\"\ndescription = \"pas fermée\n+++\nTexte\n",
            )
            // Where the string opens, as the TOML parser says.
            .expect("content/a.md:3:26", "TOML mal écrit"),
        case("invalid YAML")
            .file("content/a.md", "---\ntitle: A\naliases: [\"/x\"\n---\n")
            .expect("content/a.md:3:10", "YAML invalide : unclosed bracket '['"),
        case("a date that is not a date")
            .file(
                "content/a.md",
                "+++\ntitle = \"A\"\ndate = \"le 18 janvier\"\n+++\n",
            )
            .expect("content/a.md:3:", "AAAA-MM-JJ"),
        case("a YAML date in French order")
            .file("content/a.md", "---\ntitle: A\ndate: 18/01/2025\n---\n")
            .expect("content/a.md:3:", "AAAA-MM-JJ"),
        case("a date that does not exist")
            .file("content/a.md", "---\ndate: 2025-02-30\n---\n")
            .expect("content/a.md:2:", "date invalide"),
        case("wrong types")
            .file("content/a.md", "+++\nweight = \"premier\"\n+++\n")
            .file("content/b.md", "+++\naliases = \"/ancienne/\"\n+++\n")
            .file("content/c.md", "+++\ntitle = 12\n+++\n")
            .file("content/d.md", "+++\nsort_by = \"hasard\"\n+++\n")
            .file("content/e.md", "+++\nextra = 3\n+++\n")
            .expect("content/a.md:2:", "valeur invalide")
            .expect("content/b.md:2:", "valeur invalide")
            .expect("content/c.md:2:", "valeur invalide")
            .expect("content/d.md:2:", "hasard")
            .expect("content/e.md:2:", "valeur invalide"),
        case("an unknown key in YAML")
            .file("content/a.md", "---\ntitle: A\ndescripton: x\n---\n")
            .expect("content/a.md:3:", "vouliez-vous dire « description »"),
        case("a key with a BOM and CRLF line ends")
            .file("content/b.md", "\u{feff}+++\r\ntitel = \"B\"\r\n+++\r\n")
            .expect("content/b.md:2:1", "titel"),
        case("a broken link after a BOM and CRLF line ends")
            .file(
                "content/a.md",
                "\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\n\r\nTexte.\r\n\r\n[cassé](@/absent.md)\r\n",
            )
            .expect("content/a.md:7:1", "@/absent.md"),
        case("deeply nested extra values")
            .file(
                "content/a.md",
                format!(
                    "+++\n[extra]\nx = {}1{}\n+++\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            )
            .file(
                "content/b.md",
                format!(
                    "---\nextra:\n  x: {}1{}\n---\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            )
            .expect(
                "content/a.md:3:85",
                "front matter trop imbriqué (trop de niveaux de [ ] ou { })",
            )
            .expect(
                "content/b.md:3:38",
                "front matter trop imbriqué (plus de 32 niveaux de [ ] ou { })",
            )
            .exactly(2),
        case("a YAML alias bomb")
            .file("content/bombe.md", alias_bomb())
            .expect(
                "content/bombe.md:8:16",
                "front matter trop gros ou trop complexe (des alias YAML qui se multiplient",
            ),
    ]);
}

/// Each level repeats the previous one nine times: 9^9 strings if expanded.
fn alias_bomb() -> String {
    let mut yaml = String::from(
        "---\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        yaml.push_str(&format!("  {}: &{} [{refs}]\n", w[1], w[1]));
    }
    yaml.push_str("---\n");
    yaml
}

// ===================================================================
// Files that are not Markdown text
// ===================================================================

#[test]
fn files_that_are_not_markdown_text() {
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "# Titre\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    check_cases(vec![
        case("Latin-1, refused at its first bad byte")
            .file(
                "content/latin1.md",
                b"+++\ntitle = \"x\"\n+++\nL'\xe9t\xe9\n",
            )
            .expect(
                "content/latin1.md:4:3",
                "le fichier n’est pas en UTF-8 : réenregistrez-le en UTF-8",
            ),
        case("UTF-16").file("content/utf16.md", utf16).expect(
            "content/utf16.md",
            "le fichier est en UTF-16 : réenregistrez-le en UTF-8",
        ),
        case("a PNG named .md")
            .file(
                "content/image.md",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06",
            )
            .expect(
                "content/image.md",
                "fichier binaire (octet nul) : un fichier .md doit être du texte",
            ),
        case("a page that turns binary")
            .good("content/faq.md", "# FAQ\n")
            .file("content/faq.md", b"\0\x01\x02\xff")
            .expect("content/faq.md", "fichier binaire (octet nul)"),
        case("unclosed shortcodes among pathological Markdown")
            .file("content/piege.md", pathological_shortcodes())
            // Line 204: after the table (202 lines) and a blank line.
            .expect(
                "content/piege.md:204:1",
                "shortcode « a » : nom d'argument attendu",
            ),
    ]);
}

fn pathological_shortcodes() -> String {
    let mut body = "|a".repeat(10_000);
    body.push('\n');
    body.push_str(&"|-".repeat(10_000));
    body.push('\n');
    for _ in 0..200 {
        body.push_str(&"|x".repeat(10_000));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(&"{{ a(".repeat(10_000));
    body.push_str("\n\n");
    body.push_str(&"{{/* ".repeat(10_000));
    body.push_str("\n\n");
    body.push_str(&"# {#".repeat(10_000));
    body.push('\n');
    body
}

// ===================================================================
// Slugs, aliases and paths that try to leave the output folder
// ===================================================================

#[test]
fn slugs_aliases_and_names_that_escape_or_clash() {
    let one_name = "un slug est un seul nom, sans / ni \\ ni ..";
    check_cases(vec![
        case("slugs that name a path")
            .file("content/a.md", "+++\nslug = \"../../../etc/passwd\"\n+++\n")
            .file("content/b.md", "+++\nslug = \"/tmp/absolu\"\n+++\n")
            .file("content/c.md", "+++\nslug = \"..\\\\..\\\\windows\"\n+++\n")
            .file("content/e.md", "+++\nslug = \"../..\"\n+++\n")
            .expect("content/a.md", one_name)
            .expect("content/b.md", one_name)
            .expect("content/c.md", one_name)
            .expect("content/e.md", one_name),
        case("a slug made of symbols only")
            .file("content/a.md", "+++\nslug = \"*!\"\n+++\n")
            .expect(
                "content/a.md",
                "ni le nom du fichier ni `slug` ne donnent une adresse",
            ),
        case("a section slug that escapes")
            .file("content/rubrique/_index.md", "+++\nslug = \"../..\"\n+++\n")
            .file("content/rubrique/page.md", "# Page\n")
            .expect("content/rubrique/_index.md", "un slug est un seul nom"),
        case("reserved Windows names")
            .file("content/con.md", "# Con\n")
            .file("content/b.md", "+++\nslug = \"NUL\"\n+++\n")
            .file("content/lpt1/_index.md", "# Dossier\n")
            .expect(
                "content/con.md",
                "l’adresse « con » est un nom réservé par Windows",
            )
            .expect(
                "content/b.md",
                "l’adresse « nul » est un nom réservé par Windows",
            )
            .expect(
                "content/lpt1/_index.md",
                "l’adresse « lpt1 » est un nom réservé par Windows",
            ),
        case("a reserved Windows name with .html URLs")
            .file("site.toml", "url_style = \"html\"\n")
            .file("content/aux.md", "# Aux\n")
            .expect(
                "content/aux.md",
                "l’adresse « aux » est un nom réservé par Windows",
            ),
        case("aliases that escape")
            .file("content/a.md", "+++\naliases = [\"/../../x.html\"]\n+++\n")
            .file(
                "content/b.md",
                "+++\naliases = [\"/a/..\\\\..\\\\x\"]\n+++\n",
            )
            .file("content/c.md", "+++\naliases = [\"/a\\u0000b/\"]\n+++\n")
            .file(
                "content/d.md",
                "+++\naliases = [\"C:/Windows/x.html\"]\n+++\n",
            )
            .file("content/e.md", "+++\naliases = [\"/%2e%2e/x.html\"]\n+++\n")
            .file("content/f.md", "+++\naliases = [\"/con/\"]\n+++\n")
            .file("content/g.md", "+++\naliases = [\"/\"]\n+++\n")
            .file("content/h.md", "+++\naliases = [\"/a\\nb/\"]\n+++\n")
            .file(
                "content/i.md",
                "+++\naliases = [\"/a<b>\\\"c\\\"|d*.html\"]\n+++\n",
            )
            .expect(
                "content/a.md",
                "alias « /../../x.html » refusé : chemin invalide",
            )
            .expect(
                "content/b.md",
                "alias « /a/..\\..\\x » refusé : caractère interdit",
            )
            .expect("content/c.md", "refusé : caractère interdit")
            .expect(
                "content/d.md",
                "alias « C:/Windows/x.html » refusé : caractère interdit",
            )
            .expect(
                "content/e.md",
                "alias « /%2e%2e/x.html » refusé : caractère interdit",
            )
            .expect(
                "content/f.md",
                "alias « /con/ » refusé : nom de fichier réservé par Windows",
            )
            .expect(
                "content/g.md",
                "alias « / » refusé : il remplacerait la page d’accueil",
            )
            .expect("content/h.md", "refusé : caractère interdit")
            .expect("content/i.md", "refusé : caractère interdit")
            .exactly(9),
        case("an alias that escapes, in a page that built")
            .good("content/faq.md", "# FAQ\n")
            .file(
                "content/faq.md",
                "+++\naliases = [\"../../../x.html\"]\n+++\n",
            )
            .expect(
                "content/faq.md",
                "alias « ../../../x.html » refusé : chemin invalide",
            ),
        case("an alias that collides with a page")
            .file("content/faq.md", "# FAQ\n")
            .file("content/b.md", "+++\naliases = [\"/faq/\"]\n+++\n")
            .expect(
                "content/b.md",
                "l’alias produit faq/index.html, déjà produit par content/faq.md",
            )
            .expect("content/b.md", "deux contenus à la même adresse"),
        case("a page and a section at the same URL")
            .file("content/faq.md", "# FAQ\n")
            .file("content/faq/_index.md", "# Rubrique FAQ\n")
            .expect(
                "content/faq.md",
                "la page produit faq/index.html, déjà produit par content/faq/_index.md",
            )
            .expect("content/faq.md", "deux contenus à la même adresse"),
        case("a file beside pages that collides with a page")
            .file("content/a.md", "# A\n")
            .file("content/a/index.html", "<p>à la main</p>")
            .expect(
                "content/a/index.html",
                "le fichier produit a/index.html, déjà produit par content/a.md",
            )
            .expect("content/a/index.html", "deux contenus à la même adresse"),
        case("file names with backslashes")
            .file("content/a\\..\\..\\evil.md", "# Piège\n")
            .file("content/b\\..\\..\\evil.png", "png")
            .expect(
                "content/a\\..\\..\\evil.md",
                "nom de fichier ou de dossier contenant « \\ » refusé",
            )
            .expect(
                "content/b\\..\\..\\evil.png",
                "nom de fichier ou de dossier contenant « \\ » refusé",
            ),
        case("files beside pages with a reserved or odd name")
            .file("content/con.txt", "x")
            .file("content/a:b.png", "x")
            .file("content/saut\nde ligne.png", "x")
            .expect(
                "content/con.txt",
                "nom de fichier refusé : nom de fichier réservé",
            )
            .expect(
                "content/a:b.png",
                "nom de fichier refusé : caractère interdit",
            )
            .expect(
                "content/saut\nde ligne.png",
                "nom de fichier refusé : caractère interdit",
            ),
    ]);
}

#[cfg(unix)]
#[test]
fn symbolic_links_that_loop_dangle_or_leave_content() {
    check_cases(vec![
        case("a loop of links")
            .link("content/a.md", "b.md")
            .link("content/b.md", "a.md")
            .expect("content/a.md", "lien symbolique cassé ou en boucle")
            .expect("content/b.md", "lien symbolique cassé ou en boucle"),
        case("a link to its own folder")
            .link("content/boucle", ".")
            .expect(
                "content/boucle",
                "lien symbolique vers un dossier non pris en charge",
            ),
        case("links out of content/")
            .file("secret.md", "# Secret\n")
            .link("content/fuite.md", "../secret.md")
            .link("content/passwd.txt", "/etc/passwd")
            .expect(
                "content/fuite.md",
                "lien symbolique vers l’extérieur de content/ refusé",
            )
            .expect(
                "content/passwd.txt",
                "lien symbolique vers l’extérieur de content/ refusé",
            ),
        case("a dangling link")
            .link("content/casse.md", "absent.md")
            .expect("content/casse.md", "lien symbolique cassé ou en boucle"),
    ]);
}

// ===================================================================
// Templates and themes
// ===================================================================

#[test]
fn bad_templates_and_themes() {
    let nested = [
        format!("{{{{ {}1{} }}}}", "(".repeat(5_000), ")".repeat(5_000)),
        format!("{{{{ {}1{} }}}}", "[".repeat(5_000), "]".repeat(5_000)),
        format!(
            "{}x{}",
            "{% if a %}".repeat(2_000),
            "{% endif %}".repeat(2_000)
        ),
        format!(
            "{}x{}",
            "{% for a in b %}".repeat(2_000),
            "{% endfor %}".repeat(2_000)
        ),
        // Unclosed: still measured, still refused.
        "{% if a %}".repeat(5_000),
    ];
    let mut cases = vec![
        case("syntax errors in several templates")
            .file("templates/page.html", "{% if %}\n")
            .file("templates/shortcodes/note.html", "<p>\n\n{{ texte \n</p>")
            // Tera points where it noticed: the line after the unclosed `{{`.
            .expect("templates/page.html:1:7", "erreur de syntaxe : attendu")
            .expect("templates/shortcodes/note.html:4:2", "erreur de syntaxe : attendu")
            .exactly(2),
        case("a template named in front matter that escapes is just missing")
            .file("content/a.md", "+++\ntemplate = \"../../../etc/passwd\"\n+++\n")
            .expect("content/a.md", "gabarit « ../../../etc/passwd » introuvable dans le thème"),
        case("a render error in one page names the page and the template")
            .file("content/bonne.md", "# Bonne\n")
            .file("content/mauvaise.md", "+++\ntemplate = \"x.html\"\n+++\n")
            .file("templates/x.html", "<p>{{ variable_inconnue }}</p>\n")
            .expect("content/mauvaise.md", "erreur du gabarit « x.html »")
            .expect(
                "content/mauvaise.md",
                "la variable « variable_inconnue » n’existe pas",
            )
            .exactly(1),
        case("a render error in a page that built")
            .good("content/faq.md", "# FAQ\n")
            .file("content/faq.md", "+++\ntemplate = \"x.html\"\n+++\n")
            .file("templates/x.html", "{{ absente.champ }}")
            .expect(
                "content/faq.md: erreur du gabarit « x.html »",
                "la variable « absente.champ » n’existe pas",
            ),
        case("a missing theme")
            .file("site.toml", "theme = \"disparu\"\n")
            .expect("site.toml", "thème « disparu » introuvable : le dossier themes/disparu/ n’existe pas"),
        case("a theme name that escapes")
            .file("site.toml", "theme = \"../../etc\"\n")
            .expect("site.toml", "theme doit être un nom de dossier sous themes/ (trouvé « ../../etc »)"),
        case("a theme without its required templates")
            .file("site.toml", "theme = \"vide\"\n")
            .file("themes/vide/templates/page.html", "{{ page.title }}")
            .expect("templates", "le thème n’a pas de gabarit « index.html »")
            .expect("templates", "le thème n’a pas de gabarit « section.html »")
            .expect("templates", "le thème n’a pas de gabarit « 404.html »"),
        case("a template that includes itself")
            .file("content/a.md", "+++\ntemplate = \"boucle.html\"\n+++\n")
            .file("templates/boucle.html", "x{% include \"boucle.html\" %}")
            .expect(
                "templates/boucle.html",
                "récursion sans fin : « boucle.html » → « boucle.html »",
            ),
        case("a macro that calls itself forever")
            .file("content/a.md", "+++\ntemplate = \"boucle.html\"\n+++\n")
            .file(
                "templates/boucle.html",
                "{% import \"boucle.html\" as b %}{% macro f(n) %}{{ b::f(n=n+1) }}{% endmacro f %}{{ b::f(n=0) }}",
            )
            .expect(
                "templates/boucle.html",
                "récursion sans fin : la macro « f » de boucle.html → la macro « f » de boucle.html",
            ),
    ];
    for text in nested {
        cases.push(
            case("deeply nested template syntax")
                .file("templates/page.html", text)
                .file("content/a.md", "# A\n")
                .expect("templates/page.html", "trop imbriqué"),
        );
    }
    check_cases(cases);
}

#[test]
fn bad_configuration() {
    check_cases(vec![
        case("an unknown key")
            .file("site.toml", "titre = \"Amie\"\n")
            .expect("site.toml:1:1", "clé inconnue « titre »")
            .expect("site.toml:1:1", "« title »"),
        case("a pricing data path out of the site")
            .file("site.toml", "pricing_data = \"../../etc/passwd\"\n")
            .expect(
                "site.toml",
                "pricing_data doit être un chemin relatif au dossier du site, sans « .. » (trouvé « ../../etc/passwd »)",
            ),
        case("an absolute pricing data path")
            .file("site.toml", "pricing_data = \"/etc/passwd\"\n")
            .expect(
                "site.toml",
                "pricing_data doit être un chemin relatif au dossier du site, sans « .. » (trouvé « /etc/passwd »)",
            ),
    ]);
}

// ===================================================================
// Pricing data
// ===================================================================

const CALC_PAGE: (&str, &str) = (
    "content/tarifs.md",
    "+++\ntitle = \"Tarifs\"\n+++\nTexte.\n\n{{ calculateur() }}\n",
);

/// A site with the calculator that built, whose data file becomes `text`.
fn pricing(name: &'static str, text: &str) -> Case {
    case(name)
        .good(CALC_PAGE.0, CALC_PAGE.1)
        .good("content/tarifs.toml", TARIFS)
        .file("content/tarifs.toml", text)
}

#[test]
fn bad_pricing_data() {
    let negative = TARIFS.replace("salaires_par_an = 20000", "salaires_par_an = -20000");
    let zero = TARIFS.replace("parts = 12", "parts = 0");
    let minus = TARIFS.replace("parts = 12", "parts = -3");
    let days = TARIFS.replace(
        "jours_mutualises_par_an = 24",
        "jours_mutualises_par_an = 200",
    );
    let unknown = TARIFS.replace(
        "heures_par_jour = 7",
        "heures_par_jour = 7\nheures_par_jours = 7",
    );
    let decimals = TARIFS.replace("jours_par_poste = 0.5", "jours_par_poste = 0.125");
    let douze = TARIFS.replace("parts = 12", "parts = \"douze\"");
    let at = |text: &str, prefix: &str| format!("content/tarifs.toml:{}:", line_of(text, prefix));
    check_cases(vec![
        case("a calculator page without pricing data")
            .file(CALC_PAGE.0, CALC_PAGE.1)
            .expect("content/tarifs.md:6:1", "a besoin du fichier de tarifs"),
        pricing("a negative price", &negative)
            .expect(at(&negative, "salaires_par_an"), "poste.salaires_par_an"),
        pricing("zero parts", &zero).expect(at(&zero, "parts = "), "strictement positive"),
        pricing("a negative number of parts", &minus).expect(
            at(&minus, "parts = "),
            "clé « poste.parts » (valeur\u{202f}: -3)\u{202f}: doit être strictement positive",
        ),
        pricing("days that do not add up", &days)
            .expect(
                at(&days, "jours_mutualises_par_an"),
                "clé « poste.jours_mutualises_par_an »",
            )
            .expect(
                at(&days, "jours_mutualises_par_an"),
                "les jours mutualisés doivent être moins nombreux que les jours travaillés par an",
            ),
        pricing("an unknown key", &unknown).expect(
            at(&unknown, "heures_par_jours"),
            "clé inconnue « heures_par_jours »",
        ),
        pricing("too many decimals", &decimals)
            .expect(
                at(&decimals, "jours_par_poste"),
                "clé « services.assistance.jours_par_poste »",
            )
            .expect(
                at(&decimals, "jours_par_poste"),
                "au plus deux chiffres après la virgule",
            ),
        pricing("a number in words", &douze).expect(
            at(&douze, "parts = "),
            "clé « poste.parts »\u{202f}: valeur invalide",
        ),
        case("pricing data that is not text")
            .good(CALC_PAGE.0, CALC_PAGE.1)
            .good("content/tarifs.toml", TARIFS)
            .file("content/tarifs.toml", b"\xff\xfe\x00\x01")
            .expect(
                "content/tarifs.toml",
                "le fichier n’est pas en UTF-8 : réenregistrez-le en UTF-8",
            ),
    ]);
}

// ===================================================================
// Raw HTML refused in safe mode
// ===================================================================

#[test]
fn script_links_in_safe_mode() {
    check_cases(vec![case("javascript: links")
        .file("site.toml", "raw_html = false\n")
        .file(
            "content/a.md",
            "[clic](javascript:alert(1))\n\n<javascript:alert(2)>\n\n[x]: JaVaScRiPt:alert(3)\n\n[réf][x]\n",
        )
        .expect("content/a.md:1:1", "adresse refusée (script) : « javascript:alert(1) »")
        .expect("content/a.md:3:1", "adresse refusée (script) : « javascript:alert(2) »")
        .expect(
            "content/a.md:7:1",
            "adresse refusée (script) : « JaVaScRiPt:alert(3) »",
        )
        .exactly(3)]);
}

// ===================================================================
// Inputs that must be accepted
// ===================================================================

#[test]
fn empty_file_builds() {
    let site = Site::new(&[HOME, ("content/vide.md", "")]);
    let built = site.ok();
    let html = page(&built, "vide/index.html");
    assert!(html.contains("<title>vide"), "{html}");
}

#[test]
fn empty_front_matter_builds() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\n+++\n"),
        ("content/b.md", "---\n---\n# Titre B\n"),
    ]);
    let built = site.ok();
    assert!(page(&built, "a/index.html").contains("<title>a"));
    assert!(page(&built, "b/index.html").contains("<title>Titre B"));
}

#[test]
fn byte_order_mark_builds() {
    let site = Site::new(&[
        HOME,
        (
            "content/bom.md",
            "\u{feff}+++\ntitle = \"Avec BOM\"\n+++\nTexte.\n",
        ),
        ("content/bom-seul.md", "\u{feff}# Titre sans en-tête\n"),
    ]);
    let built = site.ok();
    let html = page(&built, "bom/index.html");
    assert!(html.contains("<title>Avec BOM"), "{html}");
    assert!(!html.contains('\u{feff}'), "the BOM is not copied");
    let html = page(&built, "bom-seul/index.html");
    assert!(html.contains("<title>Titre sans en-tête"), "{html}");
}

#[test]
fn crlf_line_endings_build() {
    let text = "+++\r\ntitle = \"Windows\"\r\ndate = 2025-01-18\r\n+++\r\n# Titre\r\n\r\nVoir [la FAQ](@/faq.md#tarifs).\r\n";
    let site = Site::new(&[
        HOME,
        ("content/windows.md", text),
        (
            "content/faq.md",
            "---\r\ntitle: FAQ\r\n---\r\n## Tarifs\r\n",
        ),
    ]);
    let built = site.ok();
    let html = page(&built, "windows/index.html");
    assert!(html.contains("<title>Windows"), "{html}");
    assert!(
        html.contains("href=\"http://127.0.0.1:1111/faq/#tarifs\""),
        "{html}"
    );
}

/// Builds `body` as `content/piege.md` on a small stack: its page.
fn builds_on_small_stack(body: String) -> String {
    let site = Site::new(&[HOME, ("content/piege.md", &body)]);
    let root = site.root().to_path_buf();
    on_small_stack("a pathological page", move || {
        let mut opts = BuildOptions::new(root);
        opts.widget = false;
        match build(&opts) {
            Ok(built) => page(&built, "piege/index.html"),
            Err(d) => panic!("{d}"),
        }
    })
}

#[test]
fn a_very_large_page_builds_whole() {
    let para =
        "## Section « test » : ok ?\n\nDu *texte* avec un [lien](@/_index.md) et du `code`.\n\n";
    let count = 5 * 1024 * 1024 / para.len() + 1;
    let html = builds_on_small_stack(para.repeat(count));
    // Every section is there, with its emphasis, link and code.
    assert_eq!(html.matches("<h2 id=\"section-test-ok").count(), count);
    assert_eq!(html.matches("<em>texte</em>").count(), count);
    assert_eq!(html.matches("<code>code</code>").count(), count);
    assert_eq!(
        html.matches("<a href=\"http://127.0.0.1:1111/\">lien</a>")
            .count(),
        count
    );
}

#[test]
fn thousands_of_nested_block_quotes() {
    let html = builds_on_small_stack(">".repeat(20_000) + " fond\n");
    assert!(html.contains("fond"));
}

#[test]
fn thousands_of_nested_lists() {
    let html = builds_on_small_stack("- ".repeat(20_000) + "fond\n");
    assert!(html.contains("fond"));
    let indented: String = (0..3_000)
        .map(|i| format!("{}1. niveau {i}\n", "   ".repeat(i)))
        .collect();
    let html = builds_on_small_stack(indented);
    assert_eq!(html.matches("niveau ").count(), 3_000);
    assert!(html.contains("niveau 2999"));
}

#[test]
fn nested_quotes_lists_and_headings_mixed() {
    let html = builds_on_small_stack("> 1. - ".repeat(5_000) + "# fond !\n");
    assert!(html.contains("fond"));
}

#[test]
fn pathological_emphasis_keeps_every_word() {
    let mut body = "*mot **autre ".repeat(30_000);
    body.push_str("\n\n");
    body.push_str(&"_".repeat(50_000));
    body.push_str("\n\n");
    body.push_str(&"**trois*".repeat(30_000));
    body.push_str("\n\n");
    body.push_str(&"~~quatre".repeat(30_000));
    body.push('\n');
    let html = builds_on_small_stack(body);
    for word in ["mot", "autre", "trois", "quatre"] {
        assert_eq!(html.matches(word).count(), 30_000, "{word}");
    }
}

#[test]
fn pathological_links_and_images_keep_the_text_after_them() {
    let mut body = "[".repeat(30_000);
    body.push_str(&"](".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"![".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"[a](".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"[x]: <".repeat(10_000));
    body.push_str("\n\n");
    body.push_str(&"<a".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"`".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"[^1]".repeat(10_000));
    body.push_str("\n\n[^1]: note\n\nFin du piège.\n");
    let html = builds_on_small_stack(body);
    // Unclosed, each run is text, kept whole (and escaped).
    assert_eq!(html.matches("[a](").count(), 20_000);
    assert_eq!(html.matches("![").count(), 20_000);
    assert_eq!(html.matches("&lt;a").count(), 20_000);
    // The run of backticks opens a code block that is never closed: it
    // holds the rest of the page, as CommonMark says.
    assert!(html.contains("[^1]: note\n\nFin du piège.\n</code></pre>"));
}

#[test]
fn a_control_character_in_a_slug_is_dropped_like_any_symbol() {
    let site = Site::new(&[HOME, ("content/d.md", "+++\nslug = \"a\\u0000b\"\n+++\n")]);
    assert!(site.ok().files.contains_key("a-b/index.html"));
}

#[test]
fn hidden_files_are_not_published() {
    let site = Site::new(&[HOME]);
    site.write("content/..\\..\\evil.md", "# Piège\n");
    site.write("content/.cache/x.md", "# Caché\n");
    site.write("content/.htaccess", "Deny from all");
    let built = site.ok();
    assert!(
        built
            .files
            .keys()
            .all(|k| !k.contains("evil") && !k.contains("cach") && !k.contains("htaccess")),
        "{:?}",
        built.files.keys()
    );
}

#[test]
fn files_beside_pages_are_copied() {
    let site = Site::new(&[
        HOME,
        ("content/logo.png", "png"),
        (
            "content/services/_index.md",
            "+++\nslug = \"nos-services\"\n+++\n",
        ),
        ("content/services/Plaquette 2025.pdf", "pdf"),
    ]);
    let built = site.ok();
    assert_eq!(built.files["logo.png"], b"png");
    assert_eq!(built.files["nos-services/Plaquette 2025.pdf"], b"pdf");
}

#[test]
fn section_without_index_builds() {
    let site = Site::new(&[
        HOME,
        ("content/sans-index/page.md", "# Une page\n"),
        ("content/sans-index/image.txt", "fichier"),
        ("content/Dossier Accentué/autre.md", "# Autre\n"),
    ]);
    let built = site.ok();
    assert!(built.files.contains_key("sans-index/page/index.html"));
    assert!(built.files.contains_key("sans-index/image.txt"));
    assert!(built
        .files
        .contains_key("dossier-accentue/autre/index.html"));
    assert!(!built.files.contains_key("sans-index/index.html"));
}

#[cfg(unix)]
#[test]
fn symlink_to_a_file_inside_content_is_allowed() {
    let site = Site::new(&[HOME, ("content/vraie.md", "# Vraie page\n")]);
    std::os::unix::fs::symlink("vraie.md", site.path("content/lien.md")).unwrap();
    let built = site.ok();
    assert!(page(&built, "lien/index.html").contains("Vraie page"));
    assert!(built.files.contains_key("vraie/index.html"));
}

#[test]
fn missing_pricing_data_without_a_calculator_page_builds() {
    let built = Site::new(&[HOME]).ok();
    assert!(built.files.contains_key("index.html"));
    assert!(
        !built.files.keys().any(|k| k.contains("tarifs")),
        "{:?}",
        built.files.keys()
    );
}

// ===================================================================
// The output folder
// ===================================================================

/// `site-gen build --output <out>` fails without panicking, with `why`.
fn assert_output_refused(site: &Site, out: &Path, why: &str, env: &[(&str, &Path)]) {
    let o = run_in(
        site.root(),
        &["build", "--no-widget", "--output", &out.to_string_lossy()],
        env,
    );
    let err = stderr(&o);
    assert!(!o.status.success(), "{out:?} should be refused");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("dossier de sortie refusé"), "{err}");
    assert!(err.contains(why), "expected {why:?} in {err}");
}

#[test]
fn output_into_the_sources_is_refused() {
    let site = Site::new(&[HOME, ("content/faq.md", "# FAQ\n")]);
    let before = snapshot(site.root());
    assert_output_refused(&site, site.root(), "il contient les sources", &[]);
    assert_output_refused(&site, &site.path("content"), "dans les sources", &[]);
    assert_output_refused(&site, &site.path("content/faq"), "dans les sources", &[]);
    assert_output_refused(
        &site,
        site.root().parent().unwrap(),
        "il contient les sources",
        &[],
    );
    assert_eq!(
        snapshot(site.root()),
        before,
        "nothing was written or removed"
    );
}

#[test]
fn output_at_a_repository_root_is_refused() {
    let site = Site::new(&[HOME]);
    let repo = site.beside("depot");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("index.html"), "pas un site").unwrap();
    assert_output_refused(&site, &repo, "dépôt git", &[]);
    assert!(repo.join(".git").is_dir());
    assert_eq!(
        std::fs::read(repo.join("index.html")).unwrap(),
        b"pas un site"
    );
}

#[test]
fn output_at_the_filesystem_root_is_refused() {
    let site = Site::new(&[HOME]);
    assert_output_refused(&site, Path::new("/"), "racine du système", &[]);
    assert_output_refused(&site, Path::new("/tmp/../"), "racine du système", &[]);
}

#[test]
fn output_at_the_home_folder_is_refused() {
    let site = Site::new(&[HOME]);
    let home = site.beside("maison");
    std::fs::create_dir_all(&home).unwrap();
    assert_output_refused(&site, &home, "dossier personnel", &[("HOME", &home)]);
    assert!(home.is_dir());
}

#[test]
fn output_that_is_a_file_or_a_foreign_folder_is_refused() {
    let site = Site::new(&[HOME]);
    let file = site.beside("fichier.txt");
    std::fs::write(&file, "x").unwrap();
    assert_output_refused(&site, &file, "pas un dossier", &[]);
    let foreign = site.beside("documents");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("lettre.odt"), "x").unwrap();
    assert_output_refused(&site, &foreign, "pas vide", &[]);
    assert_eq!(std::fs::read(foreign.join("lettre.odt")).unwrap(), b"x");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_to_the_sources_is_refused() {
    let site = Site::new(&[HOME]);
    let link = site.beside("raccourci");
    std::os::unix::fs::symlink(site.root(), &link).unwrap();
    assert_output_refused(&site, &link, "il contient les sources", &[]);
}

#[test]
fn staging_folder_never_replaces_the_output_when_writing_fails() {
    let site = Site::new(&[HOME]);
    let out = site.path("public");
    let good: BTreeMap<String, Vec<u8>> = [("index.html", "v1"), ("a/index.html", "a1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    site_gen::output::write_site(site.root(), &out, &good).expect("first write");
    let before = snapshot(&out);
    // `x` is both a file and a folder: the write fails half-way.
    let bad: BTreeMap<String, Vec<u8>> = (0..200)
        .map(|i| (format!("p{i:03}/index.html"), b"v2".to_vec()))
        .chain([
            ("index.html".to_string(), b"v2".to_vec()),
            ("x".to_string(), b"fichier".to_vec()),
            ("x/index.html".to_string(), b"dossier".to_vec()),
        ])
        .collect();
    let err = site_gen::output::write_site(site.root(), &out, &bad).expect_err("fails");
    assert!(err.to_string().contains("écriture impossible"), "{err}");
    assert_eq!(snapshot(&out), before, "the old site is still in place");
    assert_eq!(hidden_in(site.root()), Vec::<String>::new());
}

// ===================================================================
// Injection: maintainer text is escaped everywhere
// ===================================================================

const PAYLOAD: &str = "\"><script>alert(1)</script>&'";

/// Text outputs of the site (HTML, XML, text), by path.
fn text_files(site: &BuiltSite) -> Vec<(&String, String)> {
    site.files
        .iter()
        .filter(|(k, _)| {
            [".html", ".xml", ".txt", ".css", ".js"]
                .iter()
                .any(|e| k.ends_with(e))
        })
        .map(|(k, v)| (k, String::from_utf8_lossy(v).into_owned()))
        .collect()
}

#[test]
fn titles_and_descriptions_are_escaped_in_every_output() {
    let toml_payload = PAYLOAD.replace('\\', "\\\\").replace('"', "\\\"");
    let config = format!(
        "title = \"{p}\"\ndescription = \"{p}\"\nauthor = \"{p}\"\n\
         [[menu]]\nname = \"{p}\"\nurl = \"@/actus/nouvelle.md\"\n\
         [organisation]\nname = \"{p}\"\naddress = \"{p}\"\nemail = \"{p}\"\n",
        p = toml_payload
    );
    let article = format!(
        "+++\ntitle = \"{p}\"\ndescription = \"{p}\"\ndate = 2025-01-18\n\
         aliases = [\"/ancienne.html\"]\n[extra]\nx = \"{p}\"\n+++\n\
         ## Titre `{p}`\n\n### Autre\n\n#### Encore\n\nTexte `{p}`.\n\n<!-- more -->\n\nSuite.\n",
        p = toml_payload
    );
    let section = format!(
        "+++\ntitle = \"{p}\"\ndescription = \"{p}\"\n+++\n",
        p = toml_payload
    );
    let site = Site::new(&[
        ("site.toml", &config),
        ("content/_index.md", &section),
        ("content/actus/_index.md", &section),
        ("content/actus/nouvelle.md", &article),
        // The title comes from the heading, code included.
        (
            "content/sans-titre.md",
            "# Titre `<script>alert(1)</script>` &\n",
        ),
        (
            "content/tarifs.md",
            "+++\ntitle = \"Tarifs\"\n+++\n{{ calculateur() }}\n",
        ),
        ("content/tarifs.toml", TARIFS),
    ]);
    let built = site.ok();
    assert!(built.files.contains_key("atom.xml"), "the feed is tested");
    assert!(built.files.contains_key("sitemap.xml"));
    assert!(built.files.contains_key("ancienne.html"));
    for (path, text) in text_files(&built) {
        assert!(
            !text.contains("<script>alert"),
            "{path} holds an unescaped payload:\n{text}"
        );
        assert!(
            !text.contains("\"><script"),
            "{path} lets a quote out:\n{text}"
        );
    }
    // The payload is there, escaped, where it is shown.
    let html = page(&built, "actus/nouvelle/index.html");
    assert!(
        html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"),
        "{html}"
    );
    let html = page(&built, "sans-titre/index.html");
    assert!(html.contains("<title>Titre &lt;script&gt;"), "{html}");
    let feed = page(&built, "atom.xml");
    assert!(feed.contains("<title>&quot;&gt;&lt;script&gt;"), "{feed}");
    // The widget's data attribute holds only safe characters (its texts,
    // the association's name and address, are percent-encoded).
    let tarifs = page(&built, "tarifs/index.html");
    let attr = tarifs
        .split("data-calculateur-model=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the widget's model attribute");
    assert!(
        attr.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b",-%._~".contains(&b)),
        "{attr}"
    );
    assert!(
        attr.ends_with(",%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26%27"),
        "the name travels percent-encoded: {attr}"
    );
}

#[test]
fn base_url_with_markup_is_escaped() {
    let site = Site::new(&[
        HOME,
        (
            "site.toml",
            "base_url = \"https://amie.example/\\\"><script>alert(1)</script>\"\n",
        ),
        ("content/actu.md", "+++\ndate = 2025-01-01\n+++\n# Actu\n"),
    ]);
    let built = site.ok();
    for (path, text) in text_files(&built) {
        if path == "robots.txt" {
            continue; // plain text, never parsed as HTML
        }
        assert!(!text.contains("<script>alert"), "{path}:\n{text}");
    }
}

#[test]
fn shortcode_arguments_are_escaped_by_theme_templates() {
    let site = Site::new(&[
        HOME,
        (
            "templates/shortcodes/note.html",
            "<aside title=\"{{ texte }}\">{{ texte }}</aside>",
        ),
        (
            "content/a.md",
            "{{ note(texte=\"\\\"><script>alert(1)</script>\") }}\n",
        ),
    ]);
    let built = site.ok();
    let html = page(&built, "a/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("<aside title=\"&quot;&gt;&lt;script&gt;"),
        "{html}"
    );
}

#[test]
fn safe_mode_escapes_raw_html_everywhere() {
    let body =
        "<script>alert(1)</script>\n\nTexte <img src=x onerror=alert(1)> et <b>gras</b>.\n\n\
                <div onclick=\"x()\">\n\n*bloc*\n\n</div>\n\n\
                ## Titre {#id\" onmouseover=\"alert(1)}\n\n\
                ## Deux <script>alert(1)</script> {.c onclick=alert(1)}\n\n### Trois\n\n\
                ![alt\" onerror=\"alert(1)](image.png \"t\\\" onerror=\\\"x\")\n";
    let site = Site::new(&[
        HOME,
        ("site.toml", "raw_html = false\n"),
        ("content/a.md", body),
    ]);
    // A real image: its `<picture>` escapes the description and title too.
    site.write_bytes("content/image.png", &common::images::png(4, 4));
    let built = site.ok();
    let html = page(&built, "a/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("<div onclick"), "{html}");
    assert!(!html.contains("<b>gras"), "{html}");
    assert!(!html.contains("\" onmouseover=\""), "{html}");
    assert!(!html.contains("\" onerror=\""), "{html}");
    assert!(!html.contains("onclick=\"alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("class=\"toc\""),
        "the table of contents is tested: {html}"
    );
}

#[test]
fn raw_html_passes_through_by_default() {
    let site = Site::new(&[
        HOME,
        (
            "content/a.md",
            "<div class=\"encadre\">Texte <b>gras</b></div>\n",
        ),
    ]);
    let built = site.ok();
    let html = page(&built, "a/index.html");
    assert!(
        html.contains("<div class=\"encadre\">Texte <b>gras</b></div>"),
        "{html}"
    );
}

#[test]
fn reasonably_nested_template_builds() {
    let text = format!(
        "{}{{{{ page.title }}}}{}",
        "{% if page %}".repeat(50),
        "{% endif %}".repeat(50)
    );
    let site = Site::new(&[
        HOME,
        ("templates/page.html", &text),
        ("content/a.md", "# Titre A\n"),
    ]);
    let built = site.ok();
    assert_eq!(page(&built, "a/index.html"), "Titre A");
}

// ---------------------------------------------------------------------------
// Inputs found by the fuzzers (fuzz/: front_matter, markdown, slug) go here,
// one test each, so the normal test run keeps them fixed without nightly.

/// fuzz/markdown, crash-ee7a3d5b…, minimised to `## {{{/**/}}}`: a
/// shortcode written inside a heading's `{…}` attributes left the
/// generator's private placeholder characters in the page.
#[test]
fn fuzz_shortcode_in_heading_attributes_leaves_no_placeholder() {
    let body = "## {{{/**/}}}\n\n# Un {.{{/* classe */}}}\n\n# Deux {#{{/* id */}}}\n\n\
                # Trois {#trois{{/* x */}} k={{/* v */}}}\n";
    for raw_html in [true, false] {
        let site = Site::new(&[
            HOME,
            ("site.toml", &format!("raw_html = {raw_html}\n")),
            ("content/a.md", body),
        ]);
        let built = site.ok();
        for (path, text) in text_files(&built) {
            assert!(
                !text.contains(['\u{E000}', '\u{E001}', '\u{E002}', '\u{E003}']),
                "{path} holds a placeholder (raw_html = {raw_html}):\n{text}"
            );
        }
        let html = page(&built, "a/index.html");
        // Unescaped, as everywhere (Zola).
        assert!(html.contains("class=\"{{ classe }}\""), "{html}");
        assert!(html.contains("<h1 id=\"deux\">"), "{html}");
        assert!(html.contains("<h1 id=\"trois\""), "{html}");
    }
}

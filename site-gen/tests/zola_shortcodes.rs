//! Shortcodes written for Zola work unchanged: body calls
//! `{% name(…) %}…{% end %}` (with `body`), escaped calls printed without
//! their escape (in code too), `nth`, `page`, `config` and `lang` in the
//! shortcode's template, Markdown shortcodes (`.md`) and the `markdown`
//! filter; mistakes are French errors at the file's line and column; a
//! rebuild after a change to what a shortcode sees equals a fresh build.

mod common;

use std::path::Path;

use common::{page, Rebuilds, Site};
use site_gen::BuildOptions;

/// The shared Zola-style fixture, built in memory.
fn fixture() -> site_gen::BuiltSite {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola");
    let mut opts = BuildOptions::new(root);
    opts.widget = false;
    site_gen::build(&opts).unwrap_or_else(|d| panic!("the fixture builds:\n{d}"))
}

/// `html` from `from` up to `to` (both included).
fn between<'h>(html: &'h str, from: &str, to: &str) -> &'h str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in:\n{html}"));
    let len = html[start..]
        .find(to)
        .unwrap_or_else(|| panic!("{to:?} after {from:?} in:\n{html}"));
    &html[start..start + len + to.len()]
}

const NBSP: char = '\u{202F}';

#[test]
fn zola_shortcode_files_render_the_fixture_page() {
    let built = fixture();
    let html = page(&built, "shortcodes/index.html");
    let contexte = "<span class=\"contexte\">Démonstration des shortcodes · Site d’exemple à la Zola · fr · appel";
    // A body call: the body given as Markdown to the `markdown` filter,
    // its own call rendered first (the first `contexte()` of the page;
    // the newline ending its template's file kept, as in Zola).
    assert_eq!(
        between(&html, "<div class=\"note\" id=\"note-1\">", "</div>"),
        format!(
            "<div class=\"note\" id=\"note-1\">\n<p class=\"note-titre\">À savoir</p>\n\
             <p>Un corps en <strong>Markdown</strong>, avec {contexte} 1</span>\n.</p>\n\n</div>"
        )
    );
    // `nth` counts each shortcode's calls.
    assert!(
        html.contains("<div class=\"note\" id=\"note-2\">"),
        "{html}"
    );
    assert!(html.contains("<p>Une deuxième note.</p>"), "{html}");
    // Zola's example: the body as it is (escaped by the HTML template).
    assert_eq!(
        between(&html, "<blockquote>\n    Une", "</blockquote>"),
        "<blockquote>\n    Une citation brève. <br>\n    -- Une lectrice\n</blockquote>"
    );
    // A Markdown shortcode: its output is parsed with the page.
    assert!(
        html.contains(
            "<blockquote>\n<p><strong>Rappel</strong> — le corps d’un shortcode écrit en Markdown.</p>\n</blockquote>"
        ),
        "{html}"
    );
    // Inline, the second call.
    assert!(
        html.contains(&format!(
            "<p>Un appel dans une phrase{NBSP}: {contexte} 2</span>\n.</p>"
        )),
        "{html}"
    );
    // Escaped calls, printed as Zola prints them, in code too; a call in a
    // code block shows its output as code (the third call).
    assert!(
        html.contains(&format!(
            "<p>Dans le texte{NBSP}: {{{{ contexte() }}}} et {{% note() %}} texte {{% end %}}.</p>"
        )),
        "{html}"
    );
    assert!(html.contains("<code>{{ contexte() }}</code>"), "{html}");
    // Between escaped body tags, nothing is read (as in Zola).
    assert!(
        html.contains(
            "<code class=\"language-md\">{% note(titre=\"Exemple\") %}\n\
             Du texte avec {{ contexte() }}.\n{% end %}\n</code>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<pre><code>&lt;span class=\"contexte\"&gt;Démonstration des shortcodes · \
             Site d’exemple à la Zola · fr · appel 3&lt;/span&gt;\n\n</code></pre>"
        ),
        "{html}"
    );
    assert!(!html.contains("{{/*") && !html.contains("{%/*"), "{html}");
}

/// The build fails; its messages.
fn errors_of(page_text: &str) -> Vec<String> {
    Site::new(&[
        common::HOME,
        ("content/essai.md", page_text),
        (
            "templates/shortcodes/note.html",
            "<aside>{{ body }}</aside>",
        ),
    ])
    .errors()
}

#[test]
fn unclosed_and_stray_body_tags_are_french_errors_at_their_place() {
    let errors = errors_of("+++\ntitle = \"Essai\"\n+++\n\nTexte.\n\n  {% note() %}\nsans fin\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "content/essai.md:7:3: shortcode « note » ouvert ici mais jamais fermé : ajoutez {% end %}"
        ),
        "{errors:?}"
    );
    let errors = errors_of("+++\ntitle = \"Essai\"\n+++\n\n{% note() %}a{% end %}\nb {% end %}\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/essai.md:6:3: « {% end %} » ne ferme aucun shortcode"),
        "{errors:?}"
    );
    let errors = errors_of("+++\ntitle = \"Essai\"\n+++\n\n{% inconnu() %}\nx\n{% end %}\n");
    assert!(
        errors[0].starts_with(
            "content/essai.md:5:1: shortcode « inconnu » : aucun gabarit \
             templates/shortcodes/inconnu.html ou inconnu.md, et ce n’est pas un shortcode intégré"
        ),
        "{errors:?}"
    );
}

#[test]
fn a_shortcode_template_problem_names_the_call_and_the_template() {
    let errors = Site::new(&[
        common::HOME,
        (
            "content/essai.md",
            "+++\ntitle = \"Essai\"\n+++\n\nTexte.\n\n{% note() %}\nx\n{% end %}\n",
        ),
        (
            "templates/shortcodes/note.html",
            "<aside>{{ titre }}</aside>",
        ),
    ])
    .errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "content/essai.md:7:1: shortcode « note » : erreur du gabarit « shortcodes/note.html » :"
        ),
        "{errors:?}"
    );
    assert!(errors[0].contains("titre"), "{errors:?}");
}

const SHORTCODE: &str = "<b>{{ page.title }}|{{ nth }}|{{ body }}|{{ config.title }}</b>";

fn session_site() -> Site {
    Site::new(&[
        (
            "site.toml",
            "title = \"Essai\"\nbase_url = \"https://exemple.invalid\"\n",
        ),
        common::HOME,
        (
            "content/essai.md",
            "+++\ntitle = \"Premier titre\"\n+++\n\n{% note() %}\nCorps\n{% end %}\n",
        ),
        ("templates/shortcodes/note.html", SHORTCODE),
    ])
}

fn fresh(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    site.ok().files.into_iter().collect()
}

#[test]
fn a_rebuild_follows_what_shortcodes_see() {
    let s = session_site();
    let essai = "essai/index.html";
    let shown = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        String::from_utf8_lossy(&files[essai]).into_owned()
    };
    assert!(
        shown(&fresh(&s)).contains("<b>Premier titre|1|Corps|Essai</b>"),
        "{}",
        shown(&fresh(&s))
    );
    let mut rebuilds = Rebuilds::new(&s);
    let edits: [(&str, String); 3] = [
        // The page's title only: its text is the same.
        (
            "content/essai.md",
            "+++\ntitle = \"Autre titre\"\n+++\n\n{% note() %}\nCorps\n{% end %}\n".into(),
        ),
        // The shortcode's template.
        (
            "templates/shortcodes/note.html",
            SHORTCODE.replace("<b>", "<i>"),
        ),
        // The body.
        (
            "content/essai.md",
            "+++\ntitle = \"Autre titre\"\n+++\n\n{% note() %}\nNouveau corps\n{% end %}\n".into(),
        ),
    ];
    for (file, text) in edits {
        rebuilds.write(file, &text);
    }
    let last = shown(&fresh(&s));
    assert!(
        last.contains("<i>Autre titre|1|Nouveau corps|Essai</b>"),
        "{last}"
    );
}

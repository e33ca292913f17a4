//! Tests of the whole rendering (`render`, `first_heading`).

use super::*;

/// Pages and shortcodes of a small test site.
struct TestEnv;

impl RenderEnv for TestEnv {
    fn page_url(&self, source_path: &str) -> Option<String> {
        match source_path {
            "combien-ca-coute.md" => Some("/combien-ca-coute/".into()),
            "services/_index.md" => Some("/services/".into()),
            "images/logo.png" => Some("/images/logo.png".into()),
            "photo.jpg" => Some("/photo.jpg".into()),
            _ => None,
        }
    }

    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        let args = call.args;
        let html = match call.name {
            "video" => match args.get("id").and_then(|v| v.as_str()) {
                Some(id) => format!("<div class=\"video\" data-id=\"{id}\"></div>"),
                None => return Err("argument « id » manquant".into()),
            },
            "prix" => "<strong>42 €</strong>".into(),
            "echo" => format!("<code>{}</code>", serde_json::Value::Object(args.clone())),
            // A body shortcode: the body as given, and the call's number.
            "note" => format!(
                "<aside data-nth=\"{}\">{}</aside>",
                call.nth,
                call.body.unwrap_or("(sans corps)")
            ),
            // A Markdown shortcode (`templates/shortcodes/md.md`).
            "md" => {
                return Ok(ShortcodeOutput::Markdown(format!(
                    "**{}** [lien](@/combien-ca-coute.md)",
                    call.body.unwrap_or("gras")
                )))
            }
            name => return Err(format!("shortcode inconnu : {name}").into()),
        };
        Ok(ShortcodeOutput::Html(html))
    }
}

const FR: MarkdownOptions = MarkdownOptions {
    french_typography: true,
    raw_html: true,
};
const PLAIN: MarkdownOptions = MarkdownOptions {
    french_typography: false,
    raw_html: true,
};
const SAFE: MarkdownOptions = MarkdownOptions {
    french_typography: false,
    raw_html: false,
};

fn ok(md: &str, opts: MarkdownOptions) -> Rendered {
    match render(md, 1, &opts, &TestEnv) {
        Ok(r) => r,
        Err(e) => panic!("unexpected errors: {e:#?}"),
    }
}

fn html(md: &str) -> String {
    ok(md, PLAIN).html
}

fn errors(md: &str, first_line: usize) -> Vec<(usize, usize, String)> {
    match render(md, first_line, &PLAIN, &TestEnv) {
        Ok(r) => panic!("expected errors, got {}", r.html),
        Err(e) => e
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect(),
    }
}

// ----- headings ---------------------------------------------------------

#[test]
fn heading_ids_dedup_and_custom() {
    let r = ok(
        "# Combien ça coûte ?\n\n## Exemples\n\n## Exemples\n\n## Autre {#tarifs}\n\n### L'équipe d'Amie\n",
        FR,
    );
    assert_eq!(
        r.heading_ids,
        [
            "combien-ca-coute",
            "exemples",
            "exemples-1",
            "tarifs",
            "l-equipe-d-amie"
        ]
    );
    assert!(r.html.starts_with(
        "<h1 id=\"combien-ca-coute\">Combien ça coûte\u{202F}?</h1>\n<h2 id=\"exemples\">"
    ));
    assert!(r.html.contains("<h2 id=\"tarifs\">Autre</h2>"));
    assert!(r
        .html
        .contains("<h3 id=\"l-equipe-d-amie\">L’équipe d’Amie</h3>"));
}

#[test]
fn toc_is_nested() {
    let r = ok(
        "# Titre\n\n## A\n\n### A1\n\n### A2\n\n## B `code`\n\n#### B profond\n",
        PLAIN,
    );
    assert_eq!(r.toc.len(), 1);
    let top = &r.toc[0];
    assert_eq!((top.level, top.id.as_str()), (1, "titre"));
    let kids: Vec<_> = top.children.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(kids, ["A", "B code"]);
    assert_eq!(top.children[0].children.len(), 2);
    assert_eq!(top.children[1].children[0].id, "b-profond");
    assert_eq!(top.children[1].children[0].level, 4);
}

#[test]
fn duplicate_custom_ids_are_errors() {
    let e = errors("## Un {#x}\n\n## Deux {#x}\n", 3);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1), (5, 1));
    assert!(e[0].2.contains("#x"), "{}", e[0].2);
}

#[test]
fn first_heading_text() {
    assert_eq!(
        first_heading("Intro\n\n#\n\n## Combien *ça* `coûte` ?\n\n# Autre\n").as_deref(),
        Some("Combien ça coûte ?")
    );
    assert_eq!(first_heading("Titre\n=====\n").as_deref(), Some("Titre"));
    assert_eq!(
        first_heading("# Vidéo {{ video(id=\"x\") }}\n").as_deref(),
        Some("Vidéo")
    );
    assert_eq!(first_heading("pas de titre\n"), None);
    assert_eq!(first_heading("```\n# pas un titre\n```\n"), None);
}

// ----- links --------------------------------------------------------------

#[test]
fn source_links_are_resolved_and_recorded() {
    let r = ok(
        "Voir [les prix](@/combien-ca-coute.md#exemples) et\n[nos services](@/services/_index.md).\n\n\
         ![logo](@/images/logo.png)\n",
        PLAIN,
    );
    assert!(r
        .html
        .contains("<a href=\"/combien-ca-coute/#exemples\">les prix</a>"));
    assert!(r.html.contains("<a href=\"/services/\">nos services</a>"));
    assert!(r
        .html
        .contains("<img src=\"/images/logo.png\" alt=\"logo\" />"));
    assert_eq!(
        r.links,
        [
            LinkRef {
                target: "combien-ca-coute.md".into(),
                anchor: Some("exemples".into()),
                by_source_path: true,
                line: 1,
                column: 6
            },
            LinkRef {
                target: "services/_index.md".into(),
                anchor: None,
                by_source_path: true,
                line: 2,
                column: 1
            },
            LinkRef {
                target: "images/logo.png".into(),
                anchor: None,
                by_source_path: true,
                line: 4,
                column: 1
            },
        ]
    );
}

#[test]
fn site_relative_and_same_page_links_are_recorded() {
    let r = ok(
        "[a](/services/#tarifs) [b](#haut) [c](https://exemple.fr/x) [d](mailto:a@b.fr) [e](#)\n",
        PLAIN,
    );
    let got: Vec<_> = r
        .links
        .iter()
        .map(|l| {
            (
                l.target.as_str(),
                l.anchor.as_deref(),
                l.by_source_path,
                l.column,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("/services/", Some("tarifs"), false, 1),
            ("", Some("haut"), false, 24)
        ]
    );
    assert!(r.html.contains("href=\"/services/#tarifs\""));
}

#[test]
fn broken_links_are_reported_at_their_file_position() {
    // The Markdown starts at line 10 of the file (after the front matter).
    let md = "Intro.\n\n  Voir [ceci](@/xyz.md) et [cela](@/abc.md#x).\n\n> ![img](@/manque.png)\n";
    let e = errors(md, 10);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (12, 8));
    assert!(
        e[0].2.starts_with("lien cassé : @/xyz.md n'existe pas"),
        "{}",
        e[0].2
    );
    assert_eq!((e[1].0, e[1].1), (12, 28));
    assert!(e[1].2.contains("@/abc.md"));
    assert_eq!((e[2].0, e[2].1), (14, 3));
    assert!(e[2].2.starts_with("image cassée : @/manque.png"));
}

#[test]
fn columns_count_characters_and_follow_shortcodes() {
    // "Été {{ prix() }} " shifts the link: columns are in characters of the file.
    let e = errors("Été {{ prix() }} é [x](@/nope.md)\n", 7);
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1), (7, 20));
}

#[test]
fn reference_definitions() {
    let md =
        "Voir [les prix][p] et [encore][p].\n\n[p]: @/combien-ca-coute.md#x\n[q]: @/absent.md\n";
    let e = errors(md, 2);
    // The broken definition is reported once, at the definition.
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (5, 1));
    assert!(e[0].2.contains("@/absent.md"));

    let r = ok(
        "Voir [les prix][p] et [encore][p].\n\n[p]: @/combien-ca-coute.md#x\n",
        PLAIN,
    );
    assert_eq!(r.html.matches("href=\"/combien-ca-coute/#x\"").count(), 2);
    assert_eq!(r.links.len(), 1);
    assert_eq!((r.links[0].line, r.links[0].column), (3, 1));
}

#[test]
fn unknown_reference_and_relative_md_are_reported() {
    let e = errors(
        "[x][nulle-part] et [y](autre.md)\n\n[sic] reste du texte.\n",
        1,
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (1, 1));
    assert!(e[0].2.contains("[nulle-part]"));
    assert_eq!((e[1].0, e[1].1), (1, 20));
    assert_eq!(
        e[1].2,
        "page introuvable : autre.md (cherchée dans content/)"
    );
}

#[test]
fn relative_md_links_and_files_resolve_like_at_links() {
    let r = ok(
        "[t](combien-ca-coute.md#x) [s](./services/_index.md) ![p](photo.jpg)\n",
        PLAIN,
    );
    assert!(
        r.html.contains("href=\"/combien-ca-coute/#x\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"/services/\""), "{}", r.html);
    assert!(r.html.contains("src=\"/photo.jpg\""), "{}", r.html);
    // The anchor of a relative `.md` link is checked like a `@/` one.
    assert!(r.links.iter().any(|l| l.target == "combien-ca-coute.md"
        && l.by_source_path
        && l.anchor.as_deref() == Some("x")));
}

// ----- where links and ids are written (for `check`) ---------------------------

/// (value, line, column) of each place.
fn at(places: &[Place]) -> Vec<(&str, usize, usize)> {
    places
        .iter()
        .map(|p| (p.value.as_str(), p.line, p.column))
        .collect()
}

#[test]
fn every_link_destination_is_placed_as_the_html_gets_it() {
    let md = "[a](https://exemple.fr/x) [b](photo.jpg) ![c](@/images/logo.png)\n\
              [d](/services/#tarifs) [e](#haut) <contact@amie.fr> <https://x.fr>\n\
              \n\
              [f][ext] [g][int] [h][ext]\n\
              \n\
              [ext]: https://ailleurs.fr/\n\
              [int]: @/combien-ca-coute.md#x\n";
    let r = ok(md, PLAIN);
    // A reference link checked at its definition (`@/`, `/…`, `#…`) is
    // placed there, once; any other at each use.
    assert_eq!(
        at(&r.places.links),
        [
            ("/combien-ca-coute/#x", 7, 1),
            ("https://exemple.fr/x", 1, 1),
            ("/photo.jpg", 1, 27),
            ("/images/logo.png", 1, 42),
            ("/services/#tarifs", 2, 1),
            ("#haut", 2, 24),
            ("mailto:contact@amie.fr", 2, 35),
            ("https://x.fr", 2, 53),
            ("https://ailleurs.fr/", 4, 1),
            ("https://ailleurs.fr/", 4, 19),
        ]
    );
    for (value, _, _) in at(&r.places.links) {
        assert!(r.html.contains(&format!("=\"{value}\"")), "{value}");
    }
    assert!(r.places.raw_links.is_empty() && r.places.ids.is_empty());
}

#[test]
fn raw_html_links_and_heading_ids_are_placed_where_written() {
    let md = "<div id=\"bloc\">\n\
              \x20 <a class=\"x\"\n\
              \x20    href=\"/a/?x=1&amp;y=2\">a</a>\n\
              </div>\n\
              \n\
              > Cité <img alt=\"é\" src=\"/i.png\">\n\
              \n\
              - <a\n\
              \x20 href=\"/liste/\">l</a>\n\
              \n\
              \x20 b <span\n\
              \t  id=t>\n\
              \n\
              `<a href=\"/code/\">` <!-- <a href=/commentaire/> --> {{ prix() }} <b id=apres>\n\
              \n\
              ## Titre {.c #caf&eacute;}\n\
              \n\
              Titre {#s}\n\
              ===\n";
    let r = ok(md, PLAIN);
    assert_eq!(
        at(&r.places.raw_links),
        [("/a/?x=1&y=2", 3, 6), ("/i.png", 6, 21), ("/liste/", 9, 3)]
    );
    assert_eq!(
        at(&r.places.ids),
        [
            ("bloc", 1, 6),
            ("t", 12, 4),
            ("apres", 14, 69),
            ("caf&eacute;", 16, 10),
            ("s", 18, 7)
        ]
    );
    // Safe mode: the raw HTML is shown as text, its links and ids are none.
    let safe = ok(md, SAFE);
    assert!(safe.places.raw_links.is_empty());
    assert_eq!(
        at(&safe.places.ids),
        [("caf&eacute;", 16, 10), ("s", 18, 7)]
    );
}

// ----- shortcodes -------------------------------------------------------------

#[test]
fn shortcode_block_replaces_paragraph() {
    let h = html("Avant.\n\n{{ video(id=\"abc\") }}\n\nAprès.\n");
    assert_eq!(
        h,
        "<p>Avant.</p>\n<div class=\"video\" data-id=\"abc\"></div>\n<p>Après.</p>\n"
    );
}

#[test]
fn shortcode_inline() {
    let h = html("Le prix : {{ prix() }} par mois.\n");
    assert_eq!(h, "<p>Le prix : <strong>42 €</strong> par mois.</p>\n");
    let h = html("- {{ prix() }}\n- b\n");
    assert_eq!(
        h,
        "<ul>\n<li><strong>42 €</strong></li>\n<li>b</li>\n</ul>\n"
    );
}

#[test]
fn shortcode_arguments_survive_smart_punctuation_and_typography() {
    let r = ok(
        "{{ echo(t=\"l'été -- \\\"oui\\\"... : !\", n=3, f=1.5, ok=true) }}\n",
        FR,
    );
    assert_eq!(
        r.html,
        "<code>{\"f\":1.5,\"n\":3,\"ok\":true,\"t\":\"l'été -- \\\"oui\\\"... : !\"}</code>\n"
    );
}

#[test]
fn shortcode_in_code_shows_its_output_as_code() {
    // As in Zola: code is no shelter, the output is shown as code.
    let h = html("`{{ prix() }}`\n\n```\n{{ video(id=\"y\") }}\n```\n\n    {{ prix() }}\n");
    assert_eq!(
        h,
        "<p><code>&lt;strong&gt;42 €&lt;/strong&gt;</code></p>\n\
         <pre><code>&lt;div class=\"video\" data-id=\"y\"&gt;&lt;/div&gt;\n</code></pre>\n\
         <pre><code>&lt;strong&gt;42 €&lt;/strong&gt;\n</code></pre>\n"
    );
}

#[test]
fn template_syntax_in_code_is_no_mistaken_call() {
    // Outside code `{{ titre }}` is a call missing its parentheses.
    let e = errors("{{ titre }}\n", 1);
    assert!(e[0].2.contains("parenthèses"), "{e:?}");
    let h = html("`{{ titre }}` et\n\n```\n{{ page.title }} {% if x %}{% end %}\n```\n");
    assert_eq!(
        h,
        "<p><code>{{ titre }}</code> et</p>\n\
         <pre><code>{{ page.title }} {% if x %}{% end %}\n</code></pre>\n"
    );
}

#[test]
fn shortcode_literal_escape() {
    let h = html("Écrivez {{/* video(id=\"x\") */}} pour une vidéo.\n");
    assert_eq!(h, "<p>Écrivez {{ video(id=\"x\") }} pour une vidéo.</p>\n");
}

#[test]
fn escaped_shortcodes_are_unescaped_in_code_too() {
    // The text between an escaped body's tags is as typed, its calls too.
    let md =
        "```md\n{{/* prix() */}}\n{%/* note(a=1) */%}\nUn {{ prix() }}\n{%/* end */%}\n```\n\n\
              Inline `{{/* video(id=\"x\") */}}` et `{%/* note() */%}`.\n";
    assert_eq!(
        html(md),
        "<pre><code class=\"language-md\">{{ prix() }}\n{% note(a=1) %}\nUn {{ prix() }}\n{% end %}\n</code></pre>\n\
         <p>Inline <code>{{ video(id=\"x\") }}</code> et <code>{% note() %}</code>.</p>\n"
    );
}

#[test]
fn body_shortcode_gets_its_body_and_count() {
    let md = "Avant.\n\n{% note() %}\n  Un *texte* avec {{ prix() }}\n{% end %}\n\n\
              Et {% note() %}court{% end %} ici.\n";
    assert_eq!(
        html(md),
        "<p>Avant.</p>\n\
         <aside data-nth=\"1\">Un *texte* avec <strong>42 €</strong></aside>\n\
         <p>Et <aside data-nth=\"2\">court</aside> ici.</p>\n"
    );
}

#[test]
fn body_shortcode_errors_name_their_line_and_column() {
    let e = errors("Texte\n\n  {% note() %}\nsans fin\n", 10);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (12, 3));
    assert!(
        e[0].2.contains("« note » ouvert ici mais jamais fermé"),
        "{}",
        e[0].2
    );
    let e = errors("Texte\n\nPuis {% end %}\n", 1);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (3, 6));
    assert!(e[0].2.contains("ne ferme aucun shortcode"), "{}", e[0].2);
}

#[test]
fn markdown_shortcode_is_parsed_with_the_page() {
    let r = ok("Voir {{ md() }}.\n\n{% md() %}corps{% end %}\n", PLAIN);
    assert_eq!(
        r.html,
        "<p>Voir <strong>gras</strong> <a href=\"/combien-ca-coute/\">lien</a>.</p>\n\
         <p><strong>corps</strong> <a href=\"/combien-ca-coute/\">lien</a></p>\n"
    );
    assert_eq!(r.links.len(), 2);
    // A problem in its Markdown is reported at the call, one after it
    // where it is.
    let e = errors(
        "Ligne\n\n  {% md() %}[x](@/nulle.md){% end %} [x][nulle]\n",
        1,
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!((e[0].0, e[0].1), (3, 3), "{e:?}");
    assert_eq!((e[1].0, e[1].1), (3, 38), "{e:?}");
}

#[test]
fn shortcode_in_heading_does_not_pollute_id() {
    let r = ok("## Tarif {{ prix() }}\n", PLAIN);
    assert_eq!(r.heading_ids, ["tarif"]);
    assert_eq!(r.toc[0].title, "Tarif");
    assert_eq!(
        r.html,
        "<h2 id=\"tarif\">Tarif <strong>42 €</strong></h2>\n"
    );
}

#[test]
fn shortcode_errors_are_all_collected_with_positions() {
    let md =
        "Texte\n\n{{ video(id=abc) }}\n\nEt {{ video() }} puis {{ inconnu(a=1) }}\n\n{{ prix(\n";
    let e = errors(md, 4);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (6, 1));
    assert!(e[0].2.contains("« abc »"), "{}", e[0].2);
    assert_eq!((e[1].0, e[1].1), (8, 4));
    assert!(e[1].2.contains("argument « id » manquant"), "{}", e[1].2);
    assert_eq!((e[2].0, e[2].1), (8, 23));
    assert!(e[2].2.contains("inconnu"), "{}", e[2].2);
    assert_eq!((e[3].0, e[3].1), (10, 1));
    assert!(e[3].2.contains("non fermé"), "{}", e[3].2);
}

#[test]
fn shortcode_inside_raw_html() {
    let h = html("<div class=\"x\">\n{{ prix() }}\n</div>\n");
    assert_eq!(h, "<div class=\"x\">\n<strong>42 €</strong>\n</div>\n");
}

#[test]
fn braces_that_are_not_shortcodes_stay_text() {
    assert_eq!(
        html("a {{ b c }} {{ 1 }}\n"),
        "<p>a {{ b c }} {{ 1 }}</p>\n"
    );
}

#[test]
fn private_use_characters_in_source_are_harmless() {
    let h = html("x \u{E000}0\u{E001} {{ prix() }} \u{E002}\n");
    assert_eq!(
        h,
        "<p>x \u{FFFD}0\u{FFFD} <strong>42 €</strong> \u{FFFD}</p>\n"
    );
}

// ----- typography -----------------------------------------------------------

#[test]
fn french_typography_in_text_only() {
    let r = ok(
        "Attention : voir \"ceci\" ! À 10:30 sur https://exemple.fr/a?b=1 ?\n\n\
         `a : b` [lien](https://x.fr/?q=1 \"titre : oui\")\n\n\
         ```\nx : y !\n```\n\n<p title=\"a : b\">c : d</p>\n",
        FR,
    );
    let n = '\u{202F}';
    assert_eq!(
        r.html,
        format!(
            "<p>Attention{n}: voir «{n}ceci{n}»{n}! À 10:30 sur https://exemple.fr/a?b=1{n}?</p>\n\
             <p><code>a : b</code> <a href=\"https://x.fr/?q=1\" title=\"titre : oui\">lien</a></p>\n\
             <pre><code>x : y !\n</code></pre>\n<p title=\"a : b\">c : d</p>\n"
        )
    );
}

#[test]
fn no_typography_when_disabled() {
    assert_eq!(html("Quoi ?\n"), "<p>Quoi ?</p>\n");
}

// ----- raw HTML ---------------------------------------------------------------

#[test]
fn safe_mode_escapes_html() {
    let r = ok(
        "Texte <b onmouseover=\"x()\">gras</b>.\n\n<script>alert(1)</script>\n\n{{ prix() }}\n",
        SAFE,
    );
    assert_eq!(
        r.html,
        "<p>Texte &lt;b onmouseover=\"x()\"&gt;gras&lt;/b&gt;.</p>\n\
         <p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n\
         <strong>42 €</strong>\n"
    );
}

#[test]
fn safe_mode_refuses_script_urls() {
    match render("[x](javascript:alert(1))\n", 1, &SAFE, &TestEnv) {
        Err(e) => assert!(e[0].message.contains("refusée"), "{e:?}"),
        Ok(r) => panic!("{}", r.html),
    }
}

#[test]
fn raw_mode_passes_html() {
    assert_eq!(
        html("Texte <b>gras</b>.\n\n<div>\nbloc\n</div>\n"),
        "<p>Texte <b>gras</b>.</p>\n<div>\nbloc\n</div>\n"
    );
}

// ----- summary, word count, extensions ------------------------------------

#[test]
fn markers_typed_as_entities_cannot_cut_the_summary() {
    // U+E002 ends the summary internally and U+E000/E001 stand for
    // shortcodes: typed as entities they are text like any other.
    for opts in [PLAIN, SAFE] {
        let r = ok(
            "Un [lien &#xE002; ici](/a/) et &#57344;0&#57345;.\n\n<!-- more -->\n\nLa suite.\n",
            opts,
        );
        let summary = r.summary.expect("a summary");
        assert_eq!(
            summary.trim(),
            "<p>Un <a href=\"/a/\">lien \u{FFFD} ici</a> et \u{FFFD}0\u{FFFD}.</p>",
            "{opts:?}"
        );
        assert!(r.html.contains("La suite."));
        assert!(!r.html.contains(['\u{E000}', '\u{E001}', '\u{E002}']));
    }
}

#[test]
fn summary_before_more() {
    let r = ok(
        "Intro **importante**.\n\n<!-- more -->\n\nLa suite.\n",
        SAFE,
    );
    assert_eq!(
        r.summary.as_deref(),
        Some("<p>Intro <strong>importante</strong>.</p>\n")
    );
    assert_eq!(
        r.html,
        "<p>Intro <strong>importante</strong>.</p>\n<span id=\"continue-reading\"></span>\n<p>La suite.</p>\n"
    );
    assert_eq!(ok("Pas de coupure.\n", PLAIN).summary, None);
}

#[test]
fn word_count() {
    let r = ok(
        "# Un titre\n\nL’équipe d’Amie répare vos `ordinateurs` ! {{ prix() }}\n\n```\nnot counted\n```\n",
        FR,
    );
    assert_eq!(r.word_count, 2 + 5);
}

#[test]
fn extensions() {
    let h = html(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~barré~~\n\n- [x] fait\n\nNote[^1].\n\n[^1]: La note.\n",
    );
    assert!(h.contains("<table>"), "{h}");
    assert!(h.contains("<del>barré</del>"), "{h}");
    assert!(
        h.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
        "{h}"
    );
    assert!(h.contains("footnote-definition"), "{h}");
}

// ----- robustness ---------------------------------------------------------

#[test]
fn deeply_nested_input_does_not_crash() {
    let quotes = ">".repeat(10_000) + " fond\n";
    let r = ok(&quotes, FR);
    assert!(r.html.contains("fond"));

    let lists = "- ".repeat(10_000) + "fond\n";
    let r = ok(&lists, FR);
    assert!(r.html.contains("fond"));

    let ordered = "1. ".repeat(10_000) + "# fond !\n";
    let r = ok(&ordered, FR);
    assert!(r.html.contains("fond"));

    let mixed = "> - ".repeat(5_000) + "{{ prix() }}\n";
    let r = ok(&mixed, FR);
    assert!(r.html.contains("42"));

    let indented: String = (0..2_000)
        .map(|i| format!("{}- niveau {i} :\n", "  ".repeat(i)))
        .collect();
    let r = ok(&indented, FR);
    assert!(r.html.contains("niveau 1999"));
}

#[test]
fn pathological_emphasis_and_brackets() {
    let md = "*a **b ".repeat(20_000)
        + &"[".repeat(20_000)
        + &"](".repeat(10_000)
        + &"`".repeat(5_000)
        + &"{{ a(".repeat(5_000)
        + "\n";
    let _ = render(&md, 1, &FR, &TestEnv);
}

#[test]
fn huge_file() {
    let para = "## Section « test » : ok ?\n\nDu texte avec un [lien](@/combien-ca-coute.md#x), \
                du `code` et {{ prix() }} !\n\n";
    let md = para.repeat(20_000);
    let r = ok(&md, FR);
    assert_eq!(r.heading_ids.len(), 20_000);
    assert_eq!(r.heading_ids[19_999], "section-test-ok-19999");
    assert_eq!(r.links.len(), 20_000);
    assert_eq!(r.links[19_999].line, 4 * 19_999 + 3);
}

#[test]
fn empty_input() {
    let r = ok("", FR);
    assert_eq!(r.html, "");
    assert!(r.toc.is_empty());
    assert_eq!(r.word_count, 0);
}

#[test]
fn crlf_line_endings() {
    let e = errors("Titre\r\n\r\n{{ video(\r\n id=1) }} [x](@/n.md)\r\n", 3);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (5, 1));
    assert_eq!((e[1].0, e[1].1), (6, 11));
}

// Word count: one pass gives what splitting on spaces gives.
mod words {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_as_splitting_on_spaces(
            s in "[a-zé0-9 \\t\\n\\r\u{1}\u{1F}\u{B}\u{C}\u{85}\u{A0}\u{1680}\u{2000}\u{2019}\u{2028}\u{202F}\u{205F}\u{3000}.,;:!?«»'*ß中٣क\u{301}😀-]{0,80}"
        ) {
            let by_split = s
                .split(char::is_whitespace)
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            prop_assert_eq!(super::super::words(&s), by_split);
        }
    }
}

// Shortcode syntax in any order: never a panic, never a marker in the
// output, every error inside the text.
mod shortcode_soup {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "{{",
        "}}",
        "{%",
        "%}",
        "{{/*",
        "*/}}",
        "{%/*",
        "*/%}",
        " end ",
        "note(",
        "md(",
        "prix(",
        ")",
        "x=",
        "\"",
        "'",
        "`",
        "[",
        "]",
        ",",
        "1",
        "\n",
        "\n\n",
        "```\n",
        "    ",
        "# ",
        "> ",
        "- ",
        "é",
        "\u{E000}",
        "&#xE001;",
        "<!-- more -->",
        "[a](@/faq.md)",
    ];

    proptest! {
        #[test]
        fn never_panics_nor_leaks_markers(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..60),
            safe in any::<bool>(),
        ) {
            let md: String = picks.iter().map(|&i| TOKENS[i]).collect();
            let opts = if safe { SAFE } else { FR };
            let (rendered, errors) = render_partial(&md, 3, &opts, &TestEnv);
            prop_assert!(
                !rendered.html.contains(['\u{E000}', '\u{E001}', '\u{E002}', '\u{E003}']),
                "{md:?} gave {:?}",
                rendered.html
            );
            let lines = md.split('\n').count();
            for e in errors {
                prop_assert!((3..3 + lines).contains(&e.line), "{md:?}: {e:?}");
                prop_assert!(e.column >= 1, "{md:?}: {e:?}");
            }
        }
    }
}

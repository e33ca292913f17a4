//! Reading built pages as a browser does: HTML parsed by `scraper`
//! (html5ever, the WHATWG parsing algorithm), queried with CSS selectors,
//! every entity decoded. Assertions look at elements and attributes, never
//! at substrings: an `href="` inside a script or a comment is no link.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Node, Selector};

/// A parsed HTML document.
pub struct Page {
    doc: Html,
}

/// A CSS selector written in a test; a bad one is a bug of the test.
fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad CSS selector {css:?}: {e}"))
}

impl Page {
    pub fn parse(html: &str) -> Page {
        Page {
            doc: Html::parse_document(html),
        }
    }

    /// Every element matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.doc.select(&selector(css)).collect()
    }

    /// The first element matching `css`.
    pub fn first(&self, css: &str) -> Option<ElementRef<'_>> {
        self.doc.select(&selector(css)).next()
    }

    /// The `name` attribute of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select(css)
            .into_iter()
            .filter_map(|e| e.attr(name).map(str::to_string))
            .collect()
    }

    /// Every `href` and `src` attribute of the document's elements.
    pub fn links(&self) -> Vec<String> {
        let mut v = self.attrs("[href]", "href");
        v.extend(self.attrs("[src]", "src"));
        v
    }

    /// Every `id` of the document.
    pub fn ids(&self) -> BTreeSet<String> {
        self.attrs("[id]", "id").into_iter().collect()
    }

    /// The `lang` of the root `<html>` element.
    pub fn lang(&self) -> Option<&str> {
        self.doc.root_element().attr("lang")
    }

    /// The name of the document's doctype (`html`), if it has one.
    pub fn doctype(&self) -> Option<&str> {
        self.doc
            .tree
            .root()
            .children()
            .find_map(|n| match n.value() {
                Node::Doctype(d) => Some(d.name()),
                _ => None,
            })
    }

    /// The document's text as a reader gets it: see [`text`].
    pub fn text(&self) -> String {
        text(self.doc.root_element())
    }
}

/// The text of `element`: its text nodes in order, without the contents of
/// `<script>`, `<style>` and `<template>`; the content of `<noscript>` (raw
/// text to a parser running scripts) is parsed and its text kept, since
/// readers without JavaScript see it.
pub fn text(element: ElementRef<'_>) -> String {
    let mut out = String::new();
    push_text(element, &mut out);
    out
}

fn push_text(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => {
                if element.value().name() == "noscript" {
                    let inner = Html::parse_fragment(t);
                    push_text(inner.root_element(), out);
                } else {
                    out.push_str(t);
                }
            }
            Node::Element(e) if matches!(e.name(), "script" | "style" | "template") => {}
            Node::Element(_) => {
                if let Some(el) = ElementRef::wrap(child) {
                    push_text(el, out);
                }
            }
            _ => {}
        }
    }
}

/// The elements matching `css` inside `element`.
pub fn select_in<'a>(element: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    element.select(&selector(css)).collect()
}

/// The content of the `<noscript>` element `noscript`, parsed (a parser
/// running scripts keeps it as raw text).
pub fn noscript_content(noscript: ElementRef<'_>) -> Page {
    let raw: String = noscript.text().collect();
    Page {
        doc: Html::parse_fragment(&raw),
    }
}

/// The rows of `table`, each row the trimmed text of its `<th>`/`<td>`
/// cells (header and body rows alike, nested tables excluded).
pub fn table_rows(table: ElementRef<'_>) -> Vec<Vec<String>> {
    select_in(table, "tr")
        .into_iter()
        .filter(|row| {
            row.ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table")
                .is_some_and(|t| t.id() == table.id())
        })
        .map(|row| {
            row.child_elements()
                .filter(|c| matches!(c.value().name(), "th" | "td"))
                .map(|c| text(c).trim().to_string())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html lang="fr"><head><title>T</title>
<script>var s = '<a href="/pas-un-lien">'; var nan = NaN;</script></head><body>
<!-- <a href="/commentaire"> -->
<p id="a">x &amp; <a href="/b?x=1&amp;y=2">y</a> caf&eacute;</p>
<noscript><p class="sans-js">Sans JavaScript : 2&nbsp;€</p></noscript>
<table><tr><th scope="row">1 part</th><td>2 €</td></tr>
<tr><th>2</th><td><b>4</b><table><tr><td>dedans</td></tr></table></td></tr></table>
<img src="i.png" alt=""></body></html>"#;

    #[test]
    fn reads_elements_not_substrings() {
        let page = Page::parse(PAGE);
        assert_eq!(page.doctype(), Some("html"));
        assert_eq!(page.lang(), Some("fr"));
        // The `href="` in the script and the comment are not links.
        assert_eq!(page.links(), ["/b?x=1&y=2", "i.png"]);
        assert!(page.ids().contains("a"));
        let text = page.text();
        assert!(
            !text.contains("NaN") && !text.contains("pas-un-lien"),
            "{text}"
        );
        assert!(text.contains("x & y café"), "{text}");
        assert!(text.contains("Sans JavaScript : 2\u{A0}€"), "{text}");
        let noscript = page.first("noscript").unwrap();
        assert_eq!(noscript_content(noscript).select("p.sans-js").len(), 1);
        let table = page.first("table").unwrap();
        assert_eq!(
            table_rows(table),
            vec![vec!["1 part", "2 €"], vec!["2", "4dedans"]]
        );
    }
}

//! Images as the page gets them: a processed image of `content/` as a
//! `<picture>` (a WebP `<source>`, the source's format as the `<img>`,
//! `srcset` and `sizes`, `width` and `height` of the real file); every
//! image after the page's first loads lazily (the first stays eager: it is
//! often at the top of the page).

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::images::{plan, Format, Picture};

/// `events` with every image written as HTML (`pictures`: the processed
/// ones, by their URL).
pub(crate) fn write<'e>(
    events: Vec<Event<'e>>,
    pictures: &HashMap<String, Picture>,
) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    let mut seen = 0usize;
    while let Some(event) = iter.next() {
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = event
        else {
            out.push(event);
            continue;
        };
        let alt = alt_text(&mut iter);
        let lazy = seen > 0;
        seen += 1;
        let html = match pictures.get(&*dest_url) {
            Some(p) => picture_html(&dest_url, p, &alt, &title, lazy),
            None => plain_html(&dest_url, &alt, &title, lazy),
        };
        out.push(Event::InlineHtml(CowStr::from(html)));
    }
    out
}

/// The text of an image's description, up to its end (nested images
/// give their own text, as pulldown-cmark's writer does).
fn alt_text<'e>(iter: &mut impl Iterator<Item = Event<'e>>) -> String {
    let mut depth = 1usize;
    let mut alt = String::new();
    for event in iter.by_ref() {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                alt.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

fn loading(lazy: bool) -> &'static str {
    if lazy {
        " loading=\"lazy\" decoding=\"async\""
    } else {
        ""
    }
}

fn title_attr(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", attr(title))
    }
}

/// An image shown as it is (another site's, a GIF, an SVG…).
fn plain_html(url: &str, alt: &str, title: &str, lazy: bool) -> String {
    format!(
        "<img src=\"{}\" alt=\"{}\"{}{} />",
        href(url),
        attr(alt),
        title_attr(title),
        loading(lazy)
    )
}

/// A processed image at `url` (the URL of its largest file).
fn picture_html(url: &str, p: &Picture, alt: &str, title: &str, lazy: bool) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let base = &url[..end];
    let top = p.widths.last().copied().unwrap_or(p.width);
    let srcset = |format: Format| -> String {
        p.widths
            .iter()
            .map(|&w| {
                let u = if w == top && format == p.format {
                    url.to_string()
                } else {
                    plan::derivative(base, w, &p.key, format)
                };
                format!("{} {w}w", href(&u))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sizes = format!("(max-width: {top}px) 100vw, {top}px");
    let mut html = String::from("<picture>");
    if p.format != Format::Webp {
        html.push_str(&format!(
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
            srcset(Format::Webp)
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"{}{} /></picture>",
        href(url),
        srcset(p.format),
        p.width,
        p.height,
        attr(alt),
        title_attr(title),
        loading(lazy)
    ));
    html
}

/// Text in an attribute value.
fn attr(text: &str) -> String {
    crate::templates::escape(text)
}

/// A URL in an attribute value, percent-encoded as pulldown-cmark writes
/// the destinations it gets (spaces, accents), so both give one URL.
fn href(url: &str) -> String {
    const KEEP: &[u8] = b"!#$%()*+,-./:;=?@_~";
    let mut out = String::with_capacity(url.len());
    for &b in url.as_bytes() {
        match b {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            b if b.is_ascii_alphanumeric() || KEEP.contains(&b) => out.push(char::from(b)),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture() -> Picture {
        Picture {
            width: 800,
            height: 600,
            format: Format::Jpeg,
            widths: vec![480, 800],
            key: "k1".into(),
        }
    }

    #[test]
    fn a_picture_has_webp_sources_sizes_and_its_real_size() {
        let html = picture_html("/a/la fête.jpg", &picture(), "Le \"stand\"", "", true);
        assert_eq!(
            html,
            "<picture><source type=\"image/webp\" srcset=\"/a/la%20f%C3%AAte-480.k1.webp 480w, \
             /a/la%20f%C3%AAte-800.k1.webp 800w\" sizes=\"(max-width: 800px) 100vw, 800px\">\
             <img src=\"/a/la%20f%C3%AAte.jpg\" srcset=\"/a/la%20f%C3%AAte-480.k1.jpg 480w, \
             /a/la%20f%C3%AAte.jpg 800w\" sizes=\"(max-width: 800px) 100vw, 800px\" width=\"800\" \
             height=\"600\" alt=\"Le &quot;stand&quot;\" loading=\"lazy\" decoding=\"async\" /></picture>"
        );
    }

    #[test]
    fn only_the_first_image_is_eager() {
        let text = "![a](https://x.org/a.png) ![b](/b.svg \"titre\")";
        let events: Vec<Event<'_>> = pulldown_cmark::Parser::new(text).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, write(events, &HashMap::new()).into_iter());
        assert_eq!(
            html,
            "<p><img src=\"https://x.org/a.png\" alt=\"a\" /> <img src=\"/b.svg\" alt=\"b\" \
             title=\"titre\" loading=\"lazy\" decoding=\"async\" /></p>\n"
        );
    }
}

//! Substitution: each placeholder becomes its shortcode's output once the
//! Markdown is rendered (and is stripped from titles, slugs and counts).

// The one HTML escaper, shared with the widget.
use calculator::format::html_escape as escape_html;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Item, ItemKind, Resolved, ShortcodeCall, ShortcodeOutput, PH_CLOSE, PH_OPEN};
use crate::markdown::RenderEnv;

/// Calls `env` for every shortcode, a body's calls before the body's own
/// (its `body` holds their output), in source order otherwise; errors are
/// (source offset, message).
pub(crate) fn resolve_all(
    items: &[Item],
    env: &dyn RenderEnv,
    errors: &mut Vec<(usize, String)>,
) -> Vec<Resolved> {
    let mut resolved: Vec<Option<Resolved>> = vec![None; items.len()];
    for (i, item) in items.iter().enumerate() {
        if resolved[i].is_some() {
            continue;
        }
        if let ItemKind::Call {
            body: Some(body), ..
        } = &item.kind
        {
            for j in body.inner.clone() {
                if let Some(inner) = items.get(j) {
                    resolved[j] = Some(resolve(inner, None, env, errors));
                }
            }
            // The body with its calls' output as it is (HTML, text, Markdown).
            let text = replace_in(&body.text, |j| {
                resolved.get(j)?.as_ref().map(|r| match r {
                    Resolved::Html(s) | Resolved::Text(s) | Resolved::Markdown(s) => s.clone(),
                })
            });
            resolved[i] = Some(resolve(item, Some(&text), env, errors));
        } else {
            resolved[i] = Some(resolve(item, None, env, errors));
        }
    }
    resolved
        .into_iter()
        .map(|r| r.unwrap_or(Resolved::Text(String::new())))
        .collect()
}

/// What one item becomes (`body`: its body, its calls resolved).
fn resolve(
    item: &Item,
    body: Option<&str>,
    env: &dyn RenderEnv,
    errors: &mut Vec<(usize, String)>,
) -> Resolved {
    let (name, args, nth) = match &item.kind {
        ItemKind::Literal(text) => return Resolved::Text(text.clone()),
        ItemKind::Call {
            name, args, nth, ..
        } => (name, args, *nth),
    };
    let call = ShortcodeCall {
        name,
        args,
        body,
        nth,
        document: env.document_path(),
    };
    match env.shortcode(&call) {
        Ok(ShortcodeOutput::Html(html)) => Resolved::Html(html),
        Ok(ShortcodeOutput::Markdown(md)) => Resolved::Markdown(md),
        Err(message) => {
            errors.push((item.start, format!("shortcode « {name} » : {message}")));
            Resolved::Text(item.source.clone())
        }
    }
}

/// A piece of a string holding placeholders.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece<'s> {
    Str(&'s str),
    Placeholder(usize),
}

/// Splits `s` into text and placeholders (malformed ones stay text).
pub(crate) fn split_placeholders(s: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = s;
    let mut text_start = 0; // in `rest`
    let mut search = 0;
    while let Some(rel) = rest.get(search..).and_then(|r| r.find(PH_OPEN)) {
        let open = search + rel;
        let digits_start = open + PH_OPEN.len_utf8();
        let tail = &rest[digits_start..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let parsed = (digits > 0 && digits < 20)
            .then(|| tail[..digits].parse::<usize>().ok())
            .flatten();
        match parsed {
            Some(index) if tail[digits..].starts_with(PH_CLOSE) => {
                if open > text_start {
                    pieces.push(Piece::Str(&rest[text_start..open]));
                }
                pieces.push(Piece::Placeholder(index));
                let end = digits_start + digits + PH_CLOSE.len_utf8();
                rest = &rest[end..];
                text_start = 0;
                search = 0;
            }
            _ => search = digits_start,
        }
    }
    if text_start < rest.len() {
        pieces.push(Piece::Str(&rest[text_start..]));
    }
    pieces
}

/// `s` without its placeholders (for titles, slugs and word counts).
pub(crate) fn strip_placeholders(s: &str) -> String {
    split_placeholders(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Str(t) => Some(t),
            Piece::Placeholder(_) => None,
        })
        .collect()
}

/// The index of the placeholder if `s` is (apart from whitespace) exactly one.
fn sole_placeholder(s: &str) -> Option<usize> {
    match split_placeholders(s.trim()).as_slice() {
        [Piece::Placeholder(i)] => Some(*i),
        _ => None,
    }
}

/// Replaces the placeholders of `s` by what `f` gives.
fn replace_in(s: &str, mut f: impl FnMut(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    for piece in split_placeholders(s) {
        match piece {
            Piece::Str(t) => out.push_str(t),
            Piece::Placeholder(i) => match f(i) {
                Some(r) => out.push_str(&r),
                None => {
                    out.push(PH_OPEN);
                    out.push_str(&i.to_string());
                    out.push(PH_CLOSE);
                }
            },
        }
    }
    out
}

/// Replaces placeholders in the events by the shortcodes' output. A
/// paragraph made of a single placeholder becomes the block HTML alone.
pub(crate) fn substitute<'a>(
    mut events: Vec<Event<'a>>,
    items: &[Item],
    resolved: &[Resolved],
) -> Vec<Event<'a>> {
    // Without calls there is no placeholder (the source's markers were
    // neutralised): nothing to look for, paragraph by paragraph.
    if items.is_empty() {
        return events;
    }
    let html_of = |i: usize| -> Option<String> {
        resolved.get(i).map(|r| match r {
            Resolved::Html(h) => h.clone(),
            Resolved::Text(t) | Resolved::Markdown(t) => escape_html(t),
        })
    };
    // In code, a call shows its output as code (as in Zola).
    let text_of = |i: usize| -> Option<String> {
        resolved.get(i).map(|r| match r {
            Resolved::Html(s) | Resolved::Text(s) | Resolved::Markdown(s) => s.clone(),
        })
    };
    // In an attribute or a URL, a call is written as typed, an escaped
    // one unescaped.
    let literal_of = |i: usize| {
        items.get(i).map(|item| match &item.kind {
            ItemKind::Literal(text) => text.clone(),
            ItemKind::Call { .. } => item.source.clone(),
        })
    };

    let mut out = Vec::with_capacity(events.len());
    let mut in_code_block = false;
    let mut image_depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        if let Some((html, next)) = block_at(&events, i, resolved) {
            out.push(html);
            i = next;
            continue;
        }
        let event = std::mem::replace(&mut events[i], Event::SoftBreak);
        i += 1;
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(tag @ Tag::Image { .. }) => {
                image_depth += 1;
                out.push(Event::Start(tag_as_typed(tag, &literal_of)));
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                out.push(Event::End(TagEnd::Image));
            }
            Event::Start(tag @ (Tag::Heading { .. } | Tag::Link { .. })) => {
                out.push(Event::Start(tag_as_typed(tag, &literal_of)))
            }
            Event::Text(t) if t.contains(PH_OPEN) => {
                if in_code_block {
                    out.push(Event::Text(replace_in(&t, text_of).into()));
                } else if image_depth > 0 {
                    out.push(Event::Text(replace_in(&t, literal_of).into()));
                } else {
                    push_text(&mut out, &t, resolved);
                }
            }
            Event::Html(t) if t.contains(PH_OPEN) => {
                out.push(Event::Html(replace_in(&t, html_of).into()))
            }
            Event::InlineHtml(t) if t.contains(PH_OPEN) => {
                out.push(Event::InlineHtml(replace_in(&t, html_of).into()))
            }
            Event::Code(t) if t.contains(PH_OPEN) => {
                out.push(Event::Code(replace_in(&t, text_of).into()))
            }
            other => out.push(other),
        }
    }
    out
}

/// A block shortcode at `events[i]`: Start(Paragraph), Text(s)…,
/// End(Paragraph) whose text is one placeholder of HTML. Gives the HTML
/// event and the index after the paragraph.
fn block_at<'a>(
    events: &[Event<'a>],
    i: usize,
    resolved: &[Resolved],
) -> Option<(Event<'a>, usize)> {
    if !matches!(events[i], Event::Start(Tag::Paragraph)) {
        return None;
    }
    let mut j = i + 1;
    let mut text = String::new();
    while let Some(Event::Text(t)) = events.get(j) {
        text.push_str(t);
        j += 1;
    }
    if !matches!(events.get(j), Some(Event::End(TagEnd::Paragraph))) {
        return None;
    }
    let Some(Resolved::Html(html)) = sole_placeholder(&text).and_then(|k| resolved.get(k)) else {
        return None;
    };
    let mut html = html.clone();
    if !html.ends_with('\n') {
        html.push('\n');
    }
    Some((Event::Html(html.into()), j + 1))
}

/// The text `t` with its placeholders replaced by their shortcodes' output
/// (inline HTML, or text to escape).
fn push_text<'a>(out: &mut Vec<Event<'a>>, t: &str, resolved: &[Resolved]) {
    for piece in split_placeholders(t) {
        match piece {
            Piece::Str(s) => out.push(Event::Text(s.to_string().into())),
            Piece::Placeholder(k) => match resolved.get(k) {
                Some(Resolved::Html(h)) => out.push(Event::InlineHtml(h.clone().into())),
                Some(Resolved::Text(s) | Resolved::Markdown(s)) => {
                    out.push(Event::Text(s.clone().into()))
                }
                None => out.push(Event::Text(format!("{PH_OPEN}{k}{PH_CLOSE}").into())),
            },
        }
    }
}

/// A tag whose attributes hold placeholders (image and link URLs and
/// titles; `## Titre {.{{/* x */}} k={{/* y */}}}`), with the calls written
/// back as typed.
fn tag_as_typed<'a>(tag: Tag<'a>, literal_of: &impl Fn(usize) -> Option<String>) -> Tag<'a> {
    match tag {
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Image {
            link_type,
            dest_url: literal_cow(dest_url, literal_of),
            title: literal_cow(title, literal_of),
            id,
        },
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Link {
            link_type,
            dest_url: literal_cow(dest_url, literal_of),
            title: literal_cow(title, literal_of),
            id,
        },
        Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } => Tag::Heading {
            level,
            id: id.map(|id| literal_cow(id, literal_of)),
            classes: classes
                .into_iter()
                .map(|c| literal_cow(c, literal_of))
                .collect(),
            attrs: attrs
                .into_iter()
                .map(|(k, v)| {
                    (
                        literal_cow(k, literal_of),
                        v.map(|v| literal_cow(v, literal_of)),
                    )
                })
                .collect(),
        },
        other => other,
    }
}

fn literal_cow<'a>(s: CowStr<'a>, literal_of: &impl Fn(usize) -> Option<String>) -> CowStr<'a> {
    if s.contains(PH_OPEN) {
        replace_in(&s, literal_of).into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_split() {
        let s = "a\u{E000}12\u{E001}b\u{E000}x\u{E001}\u{E000}3\u{E001}";
        assert_eq!(
            split_placeholders(s),
            [
                Piece::Str("a"),
                Piece::Placeholder(12),
                Piece::Str("b\u{E000}x\u{E001}"),
                Piece::Placeholder(3)
            ]
        );
        assert_eq!(strip_placeholders(s), "ab\u{E000}x\u{E001}");
        assert_eq!(sole_placeholder(" \u{E000}7\u{E001}\n"), Some(7));
        assert_eq!(sole_placeholder("x\u{E000}7\u{E001}"), None);
    }
}

//! French typography: a narrow no-break space (U+202F) before `; : ! ?` and
//! inside « guillemets », and smart English quotes “ ” turned into « ».
//!
//! Works on the text of each block as a whole (across emphasis and links,
//! so `**Attention**!` gets its space), and only on text: code spans, code
//! blocks, raw HTML and link URLs are never touched; neither are URLs written
//! in the text (`https://…`) nor times like `10:30` (a `:` or `?` only gets a
//! space when a space, the end of the block or another punctuation follows).
//!
//! Only a few characters can change anything (`; : ! ?`, `« » “ ”` and the
//! digits before a space), so each `Text` event's bytes are scanned for
//! them; the rules look at the characters around each one, across the
//! block's events, and a text is copied only when it changes.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// U+202F NARROW NO-BREAK SPACE.
pub(crate) const NNBSP: char = '\u{202F}';
/// U+00A0 NO-BREAK SPACE.
const NBSP: char = '\u{A0}';

/// Stand-in for an atom that reads like a word (inline code, footnote mark).
const WORD_ATOM: char = 'a';
/// Stand-in for an atom that reads like a space (line break).
const SPACE_ATOM: char = '\n';

/// Starts of URLs written in text.
const URL_PREFIXES: [&str; 5] = ["https://", "http://", "ftp://", "mailto:", "www."];

/// One piece of a block, in order.
#[derive(Debug, Clone, Copy)]
enum Seg {
    /// The (non-empty) `Text` event of that index: it may be changed.
    Text(usize),
    /// Something else (inline code, line break...), read as this character.
    Atom(char),
}

/// A place in a block: a segment and a byte offset in its text (0 for an
/// atom). Ordered as the block reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    seg: usize,
    off: usize,
}

/// One character of a block.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    at: Pos,
    atom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// A narrow no-break space before the character at `at` (or at the end
    /// of its text).
    Insert,
    /// The character at `at` becomes this one.
    Replace(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Edit {
    at: Pos,
    change: Change,
}

/// Applies French typography to the `Text` events (in place).
pub(crate) fn apply(events: &mut [Event<'_>]) {
    let mut segs: Vec<Seg> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut in_code_block = false;
    let mut in_html_block = false;
    let mut in_autolink = false;
    for i in 0..events.len() {
        match &events[i] {
            Event::Text(t) => {
                if in_code_block || in_html_block {
                    continue;
                }
                if in_autolink {
                    segs.push(Seg::Atom(WORD_ATOM));
                } else if !t.is_empty() {
                    segs.push(Seg::Text(i));
                }
            }
            Event::Code(_) | Event::FootnoteReference(_) | Event::InlineMath(_) => {
                segs.push(Seg::Atom(WORD_ATOM))
            }
            Event::SoftBreak | Event::HardBreak => segs.push(Seg::Atom(SPACE_ATOM)),
            // Raw inline HTML is left alone and does not separate words.
            Event::InlineHtml(_) => {}
            Event::Start(Tag::Link { link_type, .. }) => {
                in_autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
            }
            Event::End(TagEnd::Link) => in_autolink = false,
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Image { .. },
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Image,
            ) => {}
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut segs, &mut edits, events);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut segs, &mut edits, events);
                in_html_block = true;
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            // Any other block boundary.
            _ => flush(&mut segs, &mut edits, events),
        }
    }
    flush(&mut segs, &mut edits, events);
}

/// French spacing of a plain string (one block of text), e.g. a title.
pub fn french_spacing(s: &str) -> String {
    let mut events = [Event::Text(CowStr::Borrowed(s))];
    let mut segs = vec![Seg::Text(0)];
    let mut edits = Vec::new();
    flush(&mut segs, &mut edits, &mut events);
    match events {
        [Event::Text(CowStr::Borrowed(_))] => s.to_string(),
        [Event::Text(t)] => t.into_string(),
        _ => s.to_string(),
    }
}

/// Finds the block's changes and writes them into its events.
fn flush(segs: &mut Vec<Seg>, edits: &mut Vec<Edit>, events: &mut [Event<'_>]) {
    if segs.is_empty() {
        return;
    }
    edits.clear();
    find_edits(
        &Block {
            segs,
            events: &*events,
        },
        edits,
    );
    if !edits.is_empty() {
        edits.sort_unstable();
        // A space may be narrowed twice (after « and before ?).
        edits.dedup_by_key(|e| (e.at, matches!(e.change, Change::Insert)));
        for group in edits.chunk_by(|a, b| a.at.seg == b.at.seg) {
            let Seg::Text(idx) = segs[group[0].at.seg] else {
                continue;
            };
            if let Some(event @ Event::Text(_)) = events.get_mut(idx) {
                let Event::Text(text) = &*event else {
                    continue;
                };
                let changed = edited(text, group);
                *event = Event::Text(changed.into());
            }
        }
    }
    segs.clear();
}

/// `text` with its edits (sorted) made.
fn edited(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 3 * edits.len());
    let mut copied = 0;
    for edit in edits {
        let off = edit.at.off;
        out.push_str(text.get(copied..off).unwrap_or_default());
        match edit.change {
            Change::Insert => {
                out.push(NNBSP);
                copied = off;
            }
            Change::Replace(c) => {
                out.push(c);
                copied = off + text[off..].chars().next().map_or(0, char::len_utf8);
            }
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// A block's characters, read through its events.
struct Block<'b, 'e> {
    segs: &'b [Seg],
    events: &'b [Event<'e>],
}

impl Block<'_, '_> {
    fn text(&self, seg: usize) -> &str {
        match self.segs.get(seg) {
            Some(Seg::Text(i)) => match self.events.get(*i) {
                Some(Event::Text(t)) => t,
                _ => "",
            },
            _ => "",
        }
    }

    /// The character at `at`, or the first one after it when `at` is the
    /// end of a text.
    fn unit_at(&self, at: Pos) -> Option<Unit> {
        let mut at = at;
        loop {
            match self.segs.get(at.seg)? {
                Seg::Atom(c) => {
                    return Some(Unit {
                        c: *c,
                        at: Pos {
                            seg: at.seg,
                            off: 0,
                        },
                        atom: true,
                    })
                }
                Seg::Text(_) => match self
                    .text(at.seg)
                    .get(at.off..)
                    .and_then(|t| t.chars().next())
                {
                    Some(c) => return Some(Unit { c, at, atom: false }),
                    None => {
                        at = Pos {
                            seg: at.seg + 1,
                            off: 0,
                        }
                    }
                },
            }
        }
    }

    fn next(&self, u: &Unit) -> Option<Unit> {
        let at = if u.atom {
            Pos {
                seg: u.at.seg + 1,
                off: 0,
            }
        } else {
            Pos {
                seg: u.at.seg,
                off: u.at.off + u.c.len_utf8(),
            }
        };
        self.unit_at(at)
    }

    /// The character before `at`.
    fn prev(&self, at: Pos) -> Option<Unit> {
        let mut at = at;
        loop {
            if at.off > 0 {
                let c = self.text(at.seg).get(..at.off)?.chars().next_back()?;
                return Some(Unit {
                    c,
                    at: Pos {
                        seg: at.seg,
                        off: at.off - c.len_utf8(),
                    },
                    atom: false,
                });
            }
            let seg = at.seg.checked_sub(1)?;
            match self.segs.get(seg)? {
                Seg::Atom(c) => {
                    return Some(Unit {
                        c: *c,
                        at: Pos { seg, off: 0 },
                        atom: true,
                    })
                }
                Seg::Text(_) => {
                    at = Pos {
                        seg,
                        off: self.text(seg).len(),
                    }
                }
            }
        }
    }

    /// Does a URL written in the text start at `u`?
    fn url_starts_at(&self, u: &Unit) -> bool {
        if u.atom
            || !matches!(u.c, 'h' | 'H' | 'f' | 'F' | 'm' | 'M' | 'w' | 'W')
            || self.prev(u.at).is_some_and(|p| p.c.is_alphanumeric())
        {
            return false;
        }
        URL_PREFIXES.iter().any(|prefix| {
            let mut cur = Some(*u);
            prefix.chars().all(|p| match cur {
                Some(c) if !c.atom && c.c.to_ascii_lowercase() == p => {
                    cur = self.next(&c);
                    true
                }
                _ => false,
            })
        })
    }
}

/// Which characters lie in URLs written in the text, asked in reading
/// order: each stretch of the block is read at most twice.
#[derive(Default)]
struct UrlTracker {
    /// The last position asked about and its answer.
    last: Option<(Pos, bool)>,
}

impl UrlTracker {
    /// Is the (non-space) character at `at` inside a URL, i.e. does a URL
    /// start before it in its word (no space nor atom between)?
    fn protected(&mut self, block: &Block<'_, '_>, at: Pos) -> bool {
        let stop = self.last.map(|(pos, _)| pos);
        let mut from = at;
        let mut known = false;
        loop {
            match block.prev(from) {
                None => break,
                Some(u) if Some(u.at) == stop => {
                    known = self.last.is_some_and(|(_, protected)| protected);
                    break;
                }
                Some(u) if u.atom || u.c.is_whitespace() => break,
                Some(u) => from = u.at,
            }
        }
        let mut protected = known;
        let mut cur = block.unit_at(from);
        while !protected {
            match cur {
                Some(u) if u.at <= at => {
                    protected = block.url_starts_at(&u);
                    cur = block.next(&u);
                }
                _ => break,
            }
        }
        self.last = Some((at, protected));
        protected
    }
}

/// Bytes that start a character the rules act on.
const fn triggers() -> [bool; 256] {
    let mut t = [false; 256];
    t[b';' as usize] = true;
    t[b':' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = true;
        d += 1;
    }
    // « » (C2 AB, C2 BB) and “ ” (E2 80 9C, E2 80 9D).
    t[0xC2] = true;
    t[0xE2] = true;
    t
}

const TRIGGERS: [bool; 256] = triggers();

/// The block's changes, in reading order (or nearly: sorted afterwards).
fn find_edits(block: &Block<'_, '_>, edits: &mut Vec<Edit>) {
    let mut urls = UrlTracker::default();
    for seg in 0..block.segs.len() {
        let bytes = block.text(seg).as_bytes();
        let mut off = 0;
        while let Some(rel) = bytes
            .get(off..)
            .and_then(|rest| rest.iter().position(|&b| TRIGGERS[usize::from(b)]))
        {
            let at = Pos {
                seg,
                off: off + rel,
            };
            let b = bytes[at.off];
            off = at.off + 1;
            match b {
                b';' | b':' | b'!' | b'?' => {
                    punctuation(block, &mut urls, edits, at, char::from(b))
                }
                b'0'..=b'9' => digit(block, edits, at),
                0xC2 => match bytes.get(at.off + 1) {
                    Some(0xAB) => opening(block, &mut urls, edits, at, '«'),
                    Some(0xBB) => closing(block, &mut urls, edits, at, '»'),
                    _ => {}
                },
                0xE2 => match (bytes.get(at.off + 1), bytes.get(at.off + 2)) {
                    (Some(0x80), Some(0x9C)) => {
                        edits.push(Edit {
                            at,
                            change: Change::Replace('«'),
                        });
                        opening(block, &mut urls, edits, at, '“');
                    }
                    (Some(0x80), Some(0x9D)) => {
                        edits.push(Edit {
                            at,
                            change: Change::Replace('»'),
                        });
                        closing(block, &mut urls, edits, at, '”');
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

/// May a `; : ! ?` followed by this get a space before it?
fn ends_phrase(next: Option<Unit>) -> bool {
    match next {
        None => true,
        Some(u) => {
            u.c.is_whitespace()
                || matches!(
                    u.c,
                    '!' | '?' | '.' | ',' | ')' | ']' | '»' | '”' | '"' | '’' | '\'' | '…'
                )
        }
    }
}

/// After these, no space is added before `; : ! ?` (`?!`, `(?)`, `« ?`).
fn opens_or_punct(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | '[' | '{' | '«' | '“' | '‘' | ';' | ':' | '!' | '?')
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | NBSP)
}

/// `; : ! ?` ending a phrase: a narrow space before it (the space typed
/// there becomes one).
fn punctuation(
    block: &Block<'_, '_>,
    urls: &mut UrlTracker,
    edits: &mut Vec<Edit>,
    at: Pos,
    c: char,
) {
    let u = Unit { c, at, atom: false };
    if !ends_phrase(block.next(&u)) {
        return;
    }
    let edit = match block.prev(at) {
        None => return,
        Some(prev) if is_space(prev.c) => Edit {
            at: prev.at,
            change: Change::Replace(NNBSP),
        },
        Some(prev) if prev.c == NNBSP || opens_or_punct(prev.c) => return,
        Some(_) => Edit {
            at,
            change: Change::Insert,
        },
    };
    if !urls.protected(block, at) {
        edits.push(edit);
    }
}

/// « (or “): a narrow space after it.
fn opening(block: &Block<'_, '_>, urls: &mut UrlTracker, edits: &mut Vec<Edit>, at: Pos, c: char) {
    let u = Unit { c, at, atom: false };
    let edit = match block.next(&u) {
        Some(next) if is_space(next.c) => Edit {
            at: next.at,
            change: Change::Replace(NNBSP),
        },
        Some(next) if !next.c.is_whitespace() => Edit {
            at: Pos {
                seg: at.seg,
                off: at.off + c.len_utf8(),
            },
            change: Change::Insert,
        },
        _ => return,
    };
    if !urls.protected(block, at) {
        edits.push(edit);
    }
}

/// » (or ”): a narrow space before it.
fn closing(block: &Block<'_, '_>, urls: &mut UrlTracker, edits: &mut Vec<Edit>, at: Pos, _c: char) {
    let edit = match block.prev(at) {
        None => return,
        Some(prev) if is_space(prev.c) => Edit {
            at: prev.at,
            change: Change::Replace(NNBSP),
        },
        // `«»`: the « already put its space after it (both are in the same
        // word, so the « is outside a URL whenever the » is).
        Some(prev) if matches!(prev.c, '«' | '“') => return,
        Some(prev) if prev.c.is_whitespace() => return,
        Some(_) => Edit {
            at,
            change: Change::Insert,
        },
    };
    if !urls.protected(block, at) {
        edits.push(edit);
    }
}

/// A digit before a space: `24 000 €`, `15 %` keep the number and its unit
/// together (a number is groups of three after a lead of at most three:
/// not `2025 120`).
fn digit(block: &Block<'_, '_>, edits: &mut Vec<Edit>, at: Pos) {
    let u = Unit {
        c: '0',
        at,
        atom: false,
    };
    let Some(space) = block.next(&u).filter(|s| s.c == ' ') else {
        return;
    };
    let Some(after) = block.next(&space) else {
        return;
    };
    let c = match after.c {
        '€' | '%' => NBSP,
        c if c.is_ascii_digit() => {
            // Counted up to 4: only `<= 3` and `== 3` matter.
            let mut lead = 1;
            let mut cur = block.prev(at);
            while lead < 4 {
                match cur {
                    Some(p) if p.c.is_ascii_digit() => {
                        lead += 1;
                        cur = block.prev(p.at);
                    }
                    _ => break,
                }
            }
            let mut digits = 0;
            let mut cur = Some(after);
            while digits < 4 {
                match cur {
                    Some(n) if n.c.is_ascii_digit() => {
                        digits += 1;
                        cur = block.next(&n);
                    }
                    _ => break,
                }
            }
            if lead > 3 || digits != 3 {
                return;
            }
            NNBSP
        }
        _ => return,
    };
    edits.push(Edit {
        at: space.at,
        change: Change::Replace(c),
    });
}

#[cfg(test)]
mod tests;

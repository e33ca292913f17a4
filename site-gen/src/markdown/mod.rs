//! Markdown to HTML: pulldown-cmark with the site's extensions (heading ids,
//! table of contents, `@/` internal links, shortcodes, French typography).
//!
//! INTERFACE (fixed; the implementation lives in this folder):

use std::ops::Range;

use serde::Serialize;

/// How Markdown is turned into HTML, from the site config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Narrow no-break spaces before `; : ! ?` and inside « » (never in code,
    /// URLs or attributes).
    pub french_typography: bool,
    /// Raw HTML in Markdown is passed through (trusted maintainers) or escaped (safe mode).
    pub raw_html: bool,
}

/// A shortcode's arguments, `{{ name(key="value", n=3, ok=true) }}`.
pub type ShortcodeArgs = serde_json::Map<String, serde_json::Value>;

/// One shortcode call of a page, as Zola gives it to the shortcode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShortcodeCall<'a> {
    pub name: &'a str,
    pub args: &'a ShortcodeArgs,
    /// The body of `{% name(…) %}body{% end %}`, trimmed, the calls in it
    /// replaced by their output; `None` for `{{ name(…) }}`.
    pub body: Option<&'a str>,
    /// How many times the page called this shortcode so far, this call
    /// included (1 for the first).
    pub nth: usize,
    /// The source path of the calling document ([`RenderEnv::document_path`]).
    pub document: &'a str,
}

/// What a shortcode gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcodeOutput {
    /// HTML put in the page (a block when the call is alone in its paragraph).
    Html(String),
    /// Markdown written in the page's text in place of the call, before it
    /// is parsed (Zola's `templates/shortcodes/<name>.md`).
    Markdown(String),
}

impl From<String> for ShortcodeOutput {
    fn from(html: String) -> Self {
        ShortcodeOutput::Html(html)
    }
}

/// What rendering one page needs from the rest of the site.
pub trait RenderEnv: Sync {
    /// Final URL of the page, section or copied file whose source path,
    /// relative to `content/`, is `source_path` (e.g. `services/_index.md`,
    /// `actualites/photo.png`), if it exists.
    fn page_url(&self, source_path: &str) -> Option<String>;
    /// Source path, relative to `content/`, of the document being rendered
    /// (`actualites/stand.md`): relative links and images are looked up
    /// beside it, as an editor's preview does. `""` when there is none (the
    /// links resolve from `content/`).
    fn document_path(&self) -> &str {
        ""
    }
    /// What a shortcode call gives; an error is reported at the call.
    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError>;
    /// How the image of `content/` at `source_path` is shown once
    /// processed (its widths and formats), or why it cannot be (reported at
    /// the image); `None`: shown as it is (not a processed format, or not
    /// processed by this environment).
    fn picture(&self, source_path: &str) -> Option<Result<crate::images::Picture, String>> {
        let _ = source_path;
        None
    }
    /// Where the document's headings get a `#` link to themselves (its
    /// section's `insert_anchor_links`).
    fn anchor_links(&self) -> crate::content::front_matter::AnchorLinks {
        crate::content::front_matter::AnchorLinks::None
    }
}

/// Why a shortcode call gave no HTML: what the maintainer reads at the
/// call's line and column (in French, saying what to do). The environment
/// words it (its own typed errors convert into it); this module only adds
/// the position and the shortcode's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError(String);

impl ShortcodeError {
    pub fn new(message: impl Into<String>) -> Self {
        ShortcodeError(message.into())
    }
}

impl std::fmt::Display for ShortcodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShortcodeError {}

impl From<String> for ShortcodeError {
    fn from(message: String) -> Self {
        ShortcodeError(message)
    }
}

impl From<&str> for ShortcodeError {
    fn from(message: &str) -> Self {
        ShortcodeError(message.to_string())
    }
}

/// One heading of the table of contents, with its sub-headings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// A link to another page (`@/path.md#anchor` or a site-relative URL), kept
/// so that anchors and URLs can be checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// `@/` source path (without `@/`) or the URL as written.
    pub target: String,
    pub anchor: Option<String>,
    /// True for `@/` links (target is a source path).
    pub by_source_path: bool,
    pub line: usize,
    pub column: usize,
}

/// A value the Markdown writes into the page's HTML (a link's destination,
/// an id), where it is written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub value: String,
    pub line: usize,
    pub column: usize,
}

impl Place {
    pub(crate) fn new(value: String, (line, column): (usize, usize)) -> Self {
        Place {
            value,
            line,
            column,
        }
    }
}

/// What a page's Markdown writes into its HTML that `check` may have to
/// point at (a broken link, an id given twice), recorded while rendering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// Every link and image destination (other sites, relative, `@/`,
    /// `/…`, `#…`), as the HTML gets it (`@/` resolved to the page's URL).
    /// At the link, except a reference link the renderer checks at its
    /// definition (`@/`, `/…`, `#…`): there, once.
    pub links: Vec<Place>,
    /// `href`, `src` and `srcset` URLs of the raw HTML passed through, as
    /// the HTML gets them (relative and `@/` ones resolved, the others with
    /// character references decoded), at the attribute's name.
    pub raw_links: Vec<Place>,
    /// Ids given by heading attributes (`{#id}` as written, at its `{`) and
    /// by the raw HTML passed through (`id="…"` decoded, at `id`).
    pub ids: Vec<Place>,
}

/// A problem at a position of the Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The unit of an [`Amount`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    Euros,
    Days,
}

/// An amount typed in the text (`2 000 €`, `9 jours`), with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// As typed.
    pub text: String,
    /// In hundredths: cents, hundredths of a day.
    pub value: i64,
    pub unit: AmountUnit,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Nested table of contents.
    pub toc: Vec<Heading>,
    /// Every id given to a heading (for anchor checks).
    pub heading_ids: Vec<String>,
    /// Internal links (`@/…` and `/…`), to check after all pages are rendered.
    pub links: Vec<LinkRef>,
    /// HTML before `<!-- more -->`, if present.
    pub summary: Option<String>,
    pub word_count: usize,
    /// Amounts typed in the text (not printed by shortcodes).
    pub amounts: Vec<Amount>,
    /// Where the text writes each link and id of the HTML.
    pub places: Places,
}

// ---------------------------------------------------------------------------
// Implementation.

mod amounts;
pub mod filter;
mod headings;
mod images;
mod links;
mod markers;
mod position;
mod raw_html;
mod shortcodes;
mod summary;
mod typography;

pub use typography::french_spacing;

#[cfg(test)]
mod tests;

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use position::{LineIndex, OffsetMap};

/// The pulldown-cmark extensions used for every page.
fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Positions and errors of the page being rendered.
pub(crate) struct Ctx<'s> {
    index: LineIndex<'s>,
    map: &'s OffsetMap,
    errors: Vec<MarkdownError>,
}

impl<'s> Ctx<'s> {
    /// File position of an offset of the parsed text (placeholders).
    pub(crate) fn position(&self, text_offset: usize) -> (usize, usize) {
        self.index.position(self.map.to_source(text_offset))
    }

    /// An error at an offset of the parsed text.
    pub(crate) fn error_at(&mut self, text_offset: usize, message: String) {
        let source_offset = self.map.to_source(text_offset);
        self.error_at_source(source_offset, message);
    }

    /// An error at an offset of the source.
    pub(crate) fn error_at_source(&mut self, source_offset: usize, message: String) {
        let (line, column) = self.index.position(source_offset);
        self.errors.push(MarkdownError {
            line,
            column,
            message,
        });
    }
}

/// Renders a page's Markdown (the file's text after its front matter, which
/// starts at line `first_line` of the file). Errors carry positions in the
/// file; all the page's errors are returned together.
pub fn render(
    markdown: &str,
    first_line: usize,
    opts: &MarkdownOptions,
    env: &dyn RenderEnv,
) -> Result<Rendered, Vec<MarkdownError>> {
    let (rendered, errors) = render_partial(markdown, first_line, opts, env);
    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(errors)
    }
}

/// Like [`render`], but keeps what could be rendered beside the errors, so
/// the site can still check the links and anchors of a page with errors
/// and report every problem of a run together.
pub fn render_partial(
    markdown: &str,
    first_line: usize,
    opts: &MarkdownOptions,
    env: &dyn RenderEnv,
) -> (Rendered, Vec<MarkdownError>) {
    render_with(markdown, first_line, opts, env, true)
}

/// [`render_partial`]; `with_shortcodes`: calls are read (a template's
/// `markdown` filter reads none, as in Zola).
fn render_with(
    markdown: &str,
    first_line: usize,
    opts: &MarkdownOptions,
    env: &dyn RenderEnv,
    with_shortcodes: bool,
) -> (Rendered, Vec<MarkdownError>) {
    let source = markers::neutralize(markdown);
    let options = parser_options();

    // Shortcodes are taken out of the source first (code included, as in
    // Zola) and called: the text to parse holds placeholders, or the
    // Markdown of the shortcodes that give Markdown.
    let scanned = if with_shortcodes {
        shortcodes::scan(&source, options)
    } else {
        shortcodes::Scanned::default()
    };
    let mut shortcode_errors = scanned.errors.clone();
    let resolved = shortcodes::resolve_all(&scanned.items, env, &mut shortcode_errors);
    let (text, map) = scanned.text(&source, Some(&resolved));
    let mut ctx = Ctx {
        index: LineIndex::new(&source, first_line),
        map: &map,
        errors: Vec::new(),
    };
    for (offset, message) in shortcode_errors {
        ctx.error_at_source(offset, message);
    }

    // The real parse, on the text with placeholders.
    let (mut events, ranges, defs) = parse(&text, options, &mut ctx);

    let word_count = count_words(&events);
    let amounts = amounts::find(&events, &ranges, &text, &ctx);
    let mut links = Vec::new();
    let mut places = Places::default();
    let mut pictures = std::collections::HashMap::new();
    links::process(
        &mut events,
        &ranges,
        &defs,
        !opts.raw_html,
        env,
        &mut ctx,
        links::Recorded {
            links: &mut links,
            places: &mut places.links,
            pictures: &mut pictures,
        },
    );
    if opts.raw_html {
        raw_html::process(
            &mut events,
            &ranges,
            &text,
            env,
            &mut ctx,
            &mut links,
            &mut places,
        );
    }
    if opts.french_typography {
        typography::apply(&mut events);
    }

    let (ids, toc) = heading_ids(&mut events, &ranges, &text, &mut ctx, &mut places);
    drop(ranges);

    let (mut events, marked) = summary::mark(events);
    if !opts.raw_html {
        events = raw_html::escape(events);
    }
    let events = shortcodes::substitute(events, &scanned.items, &resolved);
    // After the escaping of safe mode: the pictures are the renderer's HTML.
    let events = images::write(events, &pictures);
    let events = headings::insert_anchor_links(events, env.anchor_links());

    let mut html = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let (html, summary) = summary::split(html, marked);

    let mut errors = ctx.errors;
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    let rendered = Rendered {
        html,
        toc,
        heading_ids: ids,
        links,
        summary,
        word_count,
        amounts,
        places,
    };
    (rendered, errors)
}

/// Parses `text` (the source with shortcode placeholders): its events with
/// their byte ranges, and its reference definitions in source order. An
/// unknown reference (`[texte][ref]` without `[ref]: …`) is an error.
fn parse<'t>(
    text: &'t str,
    options: Options,
    ctx: &mut Ctx<'_>,
) -> (Vec<Event<'t>>, Vec<Range<usize>>, Vec<links::RefDef>) {
    let mut broken_references: Vec<(usize, String)> = Vec::new();
    let (events, ranges, defs) = {
        let callback = |link: BrokenLink<'_>| {
            if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
                broken_references.push((link.span.start, link.reference.to_string()));
            }
            None
        };
        let iter =
            Parser::new_with_broken_link_callback(text, options, Some(callback)).into_offset_iter();
        let mut defs: Vec<links::RefDef> = iter
            .reference_definitions()
            .iter()
            .map(|(_, def)| links::RefDef {
                dest: def.dest.to_string(),
                offset: def.span.start,
            })
            .collect();
        defs.sort_by_key(|d| d.offset);
        let (events, ranges): (Vec<Event<'_>>, Vec<_>) = iter.unzip();
        (events, ranges, defs)
    };
    for (offset, reference) in broken_references {
        ctx.error_at(
            offset,
            format!(
                "référence de lien inconnue : [{reference}] (il manque une ligne « [{reference}]: adresse »)"
            ),
        );
    }
    (events, ranges, defs)
}

/// Gives every heading its id (written `{#id}`, or from its text), reports
/// ids used twice, records where custom ids are written, and builds the
/// table of contents.
fn heading_ids(
    events: &mut [Event<'_>],
    ranges: &[Range<usize>],
    text: &str,
    ctx: &mut Ctx<'_>,
    places: &mut Places,
) -> (Vec<String>, Vec<Heading>) {
    let found = headings::find(events);
    let (ids, duplicates) = headings::assign_ids(&found);
    for d in duplicates {
        if let (Some(h), Some(id)) = (found.get(d), ids.get(d)) {
            let offset = ranges.get(h.event).map_or(0, |r| r.start);
            ctx.error_at(
                offset,
                format!("identifiant de titre en double : #{id} est déjà utilisé dans la page"),
            );
        }
    }
    for (h, id) in found.iter().zip(&ids) {
        if let Some(Event::Start(Tag::Heading { id: slot, .. })) = events.get_mut(h.event) {
            *slot = Some(CowStr::from(id.clone()));
        }
        if let (Some(custom), Some(range)) = (&h.custom_id, ranges.get(h.event)) {
            let at = ctx.position(headings::attributes_offset(text, range));
            places.ids.push(Place::new(custom.clone(), at));
        }
    }
    let toc = headings::build_toc(found.iter().zip(&ids).map(|(h, id)| Heading {
        level: h.level,
        id: id.clone(),
        title: h.title.clone(),
        children: Vec::new(),
    }));
    (ids, toc)
}

/// The first byte of a shortcode's placeholder, rare in text (its last
/// one, which `str::contains` looks for, is in every `’`).
const PH_LEAD: u8 = {
    let mut utf8 = [0; 4];
    shortcodes::PH_OPEN.encode_utf8(&mut utf8);
    utf8[0]
};

/// Words of the page's text (inline code included, code blocks and
/// shortcodes not).
fn count_words(events: &[Event<'_>]) -> usize {
    let mut in_code_block = false;
    let mut count = 0;
    for event in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) | Event::Code(t) if !in_code_block => {
                count += if t.as_bytes().contains(&PH_LEAD) {
                    words(&shortcodes::strip_placeholders(t))
                } else {
                    words(t)
                };
            }
            _ => {}
        }
    }
    count
}

/// Words of `text`: runs of non-spaces holding a letter or a digit, as
/// `char::is_whitespace`/`is_alphanumeric` see them. Two scans in turn:
/// outside a word, up to its first letter or digit (the word is counted
/// there); inside, up to the next space, a scan that stops only at ASCII
/// spaces and the four first bytes of non-ASCII spaces, so letters,
/// punctuation and the other characters (`é`, `à`…) pass without being
/// decoded or classified one by one.
fn words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let decode = |i: usize| text.get(i..).and_then(|rest| rest.chars().next());
    let mut count = 0;
    let mut i = 0;
    loop {
        // Outside a word.
        loop {
            let Some(&b) = bytes.get(i) else {
                return count;
            };
            match BYTE_CLASS[usize::from(b)] {
                ALNUM => {
                    i += 1;
                    break;
                }
                NON_ASCII => {
                    let Some(c) = decode(i) else {
                        return count;
                    };
                    i += c.len_utf8();
                    if !c.is_whitespace() && c.is_alphanumeric() {
                        break;
                    }
                }
                _ => i += 1,
            }
        }
        count += 1;
        // Inside a counted word.
        loop {
            let Some(stop) = bytes[i..].iter().position(|&b| WORD_END[usize::from(b)]) else {
                return count;
            };
            i += stop;
            if BYTE_CLASS[usize::from(bytes[i])] == SPACE {
                i += 1;
                break;
            }
            let Some(c) = decode(i) else {
                return count;
            };
            i += c.len_utf8();
            if c.is_whitespace() {
                break;
            }
        }
    }
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
const NON_ASCII: u8 = 3;

/// Each byte's class for [`words`]: ASCII spaces as `char::is_whitespace`
/// sees them (tab, LF, VT, FF, CR, space), ASCII letters and digits.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            NON_ASCII
        } else if matches!(byte, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ') {
            SPACE
        } else if byte.is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// The bytes that may end a word: ASCII spaces, and the first bytes of
/// U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000 (the other spaces
/// `char::is_whitespace` knows; continuation bytes never start one).
const WORD_END: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = BYTE_CLASS[b] == SPACE || matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    table
};

/// Plain text of the first (non-empty) heading, to title a page without
/// front matter. Shortcode calls are left out.
pub fn first_heading(markdown: &str) -> Option<String> {
    let source = markers::neutralize(markdown);
    let options = parser_options();
    let (src, _) = shortcodes::scan(&source, options).text(&source, None);
    let mut in_heading = false;
    let mut text: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(&src, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                let title = headings::plain_text(&text);
                if !title.is_empty() {
                    return Some(title);
                }
            }
            other if in_heading => text.push(other),
            _ => {}
        }
    }
    None
}

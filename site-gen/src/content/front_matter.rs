//! Front matter: TOML between `+++` lines or YAML between `---` lines.
//!
//! Strict like the config: an unknown key is an error with a suggestion,
//! free data goes in `[extra]`.

use std::fmt;

use jiff::civil::Date;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// How a section orders its pages (Zola's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Most recently updated first (`updated`, else `date`).
    UpdateDate,
    Weight,
    Title,
    Slug,
    /// The order of the files' names.
    None,
}

/// Where a section's headings get a `#` link to themselves (Zola's
/// `insert_anchor_links`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

/// The keys of Zola's front matter (pages and sections) and site-gen's
/// own; each keeps Zola's meaning. Section-only keys in a page's front
/// matter are reported by `content::load`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub date: Option<Date>,
    #[serde(default, deserialize_with = "date")]
    pub updated: Option<Date>,
    pub slug: Option<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub weight: Option<i64>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Pages: the URL path, instead of the one made from folders and slug.
    pub path: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// `false`: no output for this document (as in Zola, it is still
    /// listed and seen by templates); it has no address, so a `@/` link to
    /// it is an error (it would lead nowhere).
    #[serde(default = "yes")]
    pub render: bool,
    /// Accepted for Zola's sake, without effect: site-gen builds no
    /// search index.
    #[serde(default = "yes")]
    pub in_search_index: bool,
    /// Pages: the terms of each taxonomy of `site.toml`
    /// (`tags = ["réseau"]`).
    #[serde(default)]
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    /// The line of the file where each taxonomy of `taxonomies` is named
    /// (for the errors about it, found once the config is known).
    #[serde(skip)]
    pub taxonomy_lines: std::collections::BTreeMap<String, usize>,
    /// Sections only: how pages are ordered.
    pub sort_by: Option<SortBy>,
    /// Sections only: the template of their pages.
    pub page_template: Option<String>,
    /// Sections only: pages per pager (none or 0: one page lists them all).
    pub paginate_by: Option<usize>,
    /// Sections only: the folder of pagers 2, 3…  (`page` by default).
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub paginate_reversed: bool,
    /// Sections only.
    #[serde(default)]
    pub insert_anchor_links: AnchorLinks,
    /// Sections only: the section's page sends the reader to this URL.
    pub redirect_to: Option<String>,
    /// Sections only: their pages are listed by the parent section too.
    #[serde(default)]
    pub transparent: bool,
    /// Sections only: an Atom feed of their dated pages.
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for FrontMatter {
    fn default() -> Self {
        FrontMatter {
            title: None,
            description: None,
            date: None,
            updated: None,
            slug: None,
            template: None,
            draft: false,
            weight: None,
            aliases: Vec::new(),
            path: None,
            authors: Vec::new(),
            render: true,
            in_search_index: true,
            taxonomies: Default::default(),
            taxonomy_lines: Default::default(),
            sort_by: None,
            page_template: None,
            paginate_by: None,
            paginate_path: None,
            paginate_reversed: false,
            insert_anchor_links: AnchorLinks::None,
            redirect_to: None,
            transparent: false,
            generate_feeds: false,
            extra: Default::default(),
        }
    }
}

fn yes() -> bool {
    true
}

/// Every key a front matter may hold (read from [`FrontMatter`]'s serde
/// derive, so never out of step with it).
fn keys() -> &'static [&'static str] {
    calculator::data::fields::<FrontMatter>()
}

/// A front matter problem, at a line of the file (1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The other problems found with this one, in the order of the file
    /// (every unknown key is reported at once).
    pub also: Vec<FrontMatterError>,
}

/// `ligne 3, colonne 7 : message` (the file is named by whoever reports it).
impl fmt::Display for FrontMatterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "ligne {l}, colonne {c} : {}", self.message),
            (Some(l), None) => write!(f, "ligne {l} : {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FrontMatterError {}

impl FrontMatterError {
    fn new(message: impl Into<String>) -> Self {
        FrontMatterError {
            line: None,
            column: None,
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// At 1-based `line` and `column` of the front matter's text (which
    /// starts at line 2 of the file).
    fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line.saturating_add(FIRST_LINE - 1));
        self.column = column;
        self
    }

    /// The first of `errors`, holding the others.
    fn all(mut errors: Vec<FrontMatterError>) -> Option<FrontMatterError> {
        if errors.is_empty() {
            return None;
        }
        let mut first = errors.remove(0);
        first.also = errors;
        Some(first)
    }

    /// This problem and the others found with it.
    pub fn iter(&self) -> impl Iterator<Item = &FrontMatterError> {
        std::iter::once(self).chain(&self.also)
    }
}

/// A file split into its front matter and its Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Splits `text` (a whole `.md` file, BOM and CRLF allowed) and parses its
/// front matter. A file without front matter has the default one.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = match first.trim_end() {
        "+++" => "+++",
        "---" => "---",
        _ => {
            return Ok(Split {
                front_matter: FrontMatter::default(),
                body: text,
                body_line: 1,
            })
        }
    };
    // Find the closing delimiter on a line of its own.
    let after_open = first.len() + line_ending_len(&text[first.len()..]);
    let mut offset = after_open;
    for (line_no, line) in (2..).zip(text[after_open..].split_inclusive('\n')) {
        if line.trim_end() == delimiter {
            let raw = &text[after_open..offset];
            let body_start = offset + line.len();
            let front_matter = if delimiter == "+++" {
                parse_toml(raw)?
            } else {
                parse_yaml(raw)?
            };
            return Ok(Split {
                front_matter,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(FrontMatterError {
        line: Some(1),
        column: Some(1),
        message: format!("front matter non fermé : il manque la ligne « {delimiter} » de fin"),
        also: Vec::new(),
    })
}

fn line_ending_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        0
    }
}

/// Front matter lines start at line 2 of the file.
const FIRST_LINE: usize = 2;

fn parse_toml(raw: &str) -> Result<FrontMatter, FrontMatterError> {
    let toml_error = |e: toml::de::Error| {
        let err = FrontMatterError::new(toml_message(raw, &e));
        match e.span() {
            Some(span) => {
                let (line, col) = crate::diagnostics::line_col(raw, span.start);
                err.at(line, Some(col))
            }
            None => err,
        }
    };
    let doc = toml::de::DeTable::parse(raw).map_err(toml_error)?;
    let top = |path: &str| path.is_empty().then(keys);
    let unknown = calculator::data::unknown_keys(doc.get_ref(), &top)
        .into_iter()
        .map(|k| {
            let (line, col) = crate::diagnostics::line_col(raw, k.span.start);
            let written = raw
                .get(k.span.clone())
                .unwrap_or("")
                .trim_matches(['"', '\'']);
            let message = match zola_only(written).filter(|_| k.table.is_empty()) {
                Some(message) => message,
                None => with_extra(k.message),
            };
            FrontMatterError::new(message).at(line, Some(col))
        })
        .collect();
    if let Some(e) = FrontMatterError::all(unknown) {
        return Err(e);
    }
    let taxonomy_lines = toml_taxonomy_lines(raw, &doc);
    let mut front_matter =
        FrontMatter::deserialize(toml::de::Deserializer::from(doc)).map_err(toml_error)?;
    front_matter.taxonomy_lines = taxonomy_lines;
    Ok(front_matter)
}

/// The file line of each key of `[taxonomies]` (a table or an inline table).
fn toml_taxonomy_lines(
    raw: &str,
    doc: &toml::Spanned<toml::de::DeTable<'_>>,
) -> std::collections::BTreeMap<String, usize> {
    let line = |at: usize| crate::diagnostics::line_col(raw, at).0 + FIRST_LINE - 1;
    let mut lines = std::collections::BTreeMap::new();
    for (key, value) in doc.get_ref() {
        if key.get_ref().as_ref() != "taxonomies" {
            continue;
        }
        if let toml::de::DeValue::Table(table) = value.get_ref() {
            for (name, _) in table {
                lines.insert(name.get_ref().to_string(), line(name.span().start));
            }
        }
    }
    lines
}

/// The same for YAML, from the text: each key indented under a top-level
/// `taxonomies:` line.
fn yaml_taxonomy_lines(raw: &str) -> std::collections::BTreeMap<String, usize> {
    let mut lines = std::collections::BTreeMap::new();
    let mut inside = false;
    for (n, text) in raw.lines().enumerate() {
        let indented = text.starts_with([' ', '\t']);
        if !indented {
            inside = text
                .trim_end()
                .strip_prefix("taxonomies:")
                .is_some_and(|rest| rest.trim().is_empty());
            continue;
        }
        let Some((key, _)) = text.trim().split_once(':') else {
            continue;
        };
        if inside && !key.is_empty() {
            let key = key.trim().trim_matches(['"', '\'']);
            lines.entry(key.to_string()).or_insert(n + FIRST_LINE);
        }
    }
    lines
}

/// A TOML message in French, the line's own message when the parser went
/// past the front matter's last line (which the file's `+++` closes).
fn toml_message(raw: &str, e: &toml::de::Error) -> String {
    let message = calculator::data::toml_message(raw, e);
    if message.contains("recurs") || e.message().contains("recurs") {
        return "front matter trop imbriqué (trop de niveaux de [ ] ou { })".into();
    }
    message
}

/// Keys of Zola's front matter (of a version or another) that site-gen
/// does not support yet, with what to write instead: reported by name,
/// never as a typo of another key.
const ZOLA_ONLY: &[(&str, &str)] = &[
    (
        "generate_feed",
        "Zola l’a renommé generate_feeds en 0.19 : écrivez generate_feeds = true dans le _index.md de la section",
    ),
    (
        "order",
        "celui des premières versions de Zola : donnez plutôt un weight aux pages (sort_by = \"weight\" dans la section)",
    ),
    (
        "tags",
        "celui des premières versions de Zola : écrivez tags = [\"…\"] sous [taxonomies]",
    ),
    (
        "category",
        "celui des premières versions de Zola : déclarez une taxonomie dans la configuration et écrivez ses termes sous [taxonomies]",
    ),
];

/// The message of a Zola key site-gen does not support yet, when `key` is one.
fn zola_only(key: &str) -> Option<String> {
    ZOLA_ONLY
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(k, instead)| {
            format!("réglage de Zola « {k} » pas encore pris en charge par site-gen ({instead})")
        })
}

/// The message of an unknown key, saying where free data goes.
fn with_extra(message: String) -> String {
    let end = if message.ends_with('?') { " " } else { ". " };
    format!("{message}{end}Les données libres des gabarits vont dans [extra].")
}

/// Deepest nesting of `[…]`/`{…}` accepted in YAML front matter: the YAML
/// parser takes time growing with the square of the depth, and no front
/// matter needs more than a few levels.
const MAX_YAML_NESTING: usize = 32;

/// Offset of the first bracket deeper than [`MAX_YAML_NESTING`], outside
/// quoted strings and comments (one pass).
fn too_nested(raw: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    for (i, b) in raw.bytes().enumerate() {
        match (quote, b) {
            _ if comment => comment = b != b'\n',
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') => comment = true,
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_YAML_NESTING {
                    return Some(i);
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn parse_yaml(raw: &str) -> Result<FrontMatter, FrontMatterError> {
    if raw.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    if let Some(at) = too_nested(raw) {
        let (line, col) = crate::diagnostics::line_col(raw, at);
        let mut err = FrontMatterError::new(format!(
            "front matter trop imbriqué (plus de {MAX_YAML_NESTING} niveaux de [ ] ou {{ }})"
        ));
        err.line = Some(line + FIRST_LINE - 1);
        err.column = Some(col);
        return Err(err);
    }
    let unknown = yaml_unknown_keys(raw);
    if let Some(e) = FrontMatterError::all(unknown) {
        return Err(e);
    }
    let parsed: Result<FrontMatter, _> = serde_saphyr::from_str_with_options(raw, yaml_options());
    parsed
        .map(|mut front_matter| {
            front_matter.taxonomy_lines = yaml_taxonomy_lines(raw);
            front_matter
        })
        .map_err(|e| {
            let located = e.location().filter(|l| l.line() > 0);
            let line = located.map(|l| usize::try_from(l.line()).unwrap_or(usize::MAX));
            let written = line.and_then(|n| yaml_written(raw, n));
            let err = FrontMatterError::new(yaml_message(&e, written));
            match (line, located) {
                (Some(line), Some(loc)) => {
                    err.at(line, usize::try_from(loc.column()).ok().filter(|&c| c > 0))
                }
                _ => err,
            }
        })
}

/// Every top-level key of a YAML front matter that is not a known key
/// (none when the text is not a mapping: the parse says why).
fn yaml_unknown_keys(raw: &str) -> Vec<FrontMatterError> {
    type Keys = std::collections::HashMap<serde_saphyr::Spanned<String>, de::IgnoredAny>;
    let Ok(map) = serde_saphyr::from_str_with_options::<Keys>(raw, yaml_options()) else {
        return Vec::new();
    };
    let mut unknown: Vec<_> = map
        .into_keys()
        .filter(|k| !keys().contains(&k.value.as_str()))
        .collect();
    unknown.sort_by_key(|k| (k.referenced.line(), k.referenced.column()));
    unknown
        .into_iter()
        .map(|k| {
            let message = zola_only(&k.value).unwrap_or_else(|| {
                with_extra(calculator::data::unknown_key_message(&k.value, keys()))
            });
            let line = usize::try_from(k.referenced.line()).unwrap_or(usize::MAX);
            let col = usize::try_from(k.referenced.column()).ok();
            FrontMatterError::new(message).at(line.max(1), col.filter(|&c| c > 0))
        })
        .collect()
}

/// The value written on line `n` (1-based) of a YAML front matter, when
/// it is a plain `key: value` line.
fn yaml_written(raw: &str, n: usize) -> Option<&str> {
    let line = raw.lines().nth(n.checked_sub(1)?)?;
    let (key, value) = line.split_once(':')?;
    let value = value.trim();
    let value = if value.starts_with(['"', '\'']) {
        value
    } else {
        value.split(" #").next().unwrap_or("").trim()
    };
    (!key.trim().is_empty() && !value.is_empty()).then_some(value)
}

/// YAML read as the front matter of the previous parser read it: only
/// `true`/`false` are booleans, `0755` and `1_000` stay text, `.inf` and
/// `.nan` in `[extra]` become null (as in JSON); no source excerpt in
/// errors (the diagnostic gives the line).
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// The French message of a YAML error (its position is given apart);
/// `written` is the value on its line, for the hints of
/// [`calculator::data::explain`], the one translation of these messages.
fn yaml_message(e: &serde_saphyr::Error, value: Option<&str>) -> String {
    use calculator::data::{explain, translate, unknown_key_message};
    use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};
    let mut e = e;
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = e {
        e = error;
    }
    // The hints write `key = value`, TOML's way: in YAML, the value alone.
    let key = None;
    let wrong_type = |expected: &str| {
        let found = value.unwrap_or("");
        explain(
            &format!("invalid type: string {found:?}, expected {expected}"),
            key,
            value,
        )
    };
    let message = match e {
        Error::Message { msg, .. } => explain(msg, key, value),
        Error::InvalidScalar { ty, .. } => wrong_type(ty),
        Error::SerdeUnknownField { field, .. } => {
            zola_only(field).unwrap_or_else(|| with_extra(unknown_key_message(field, keys())))
        }
        Error::InvalidBooleanStrict { .. } => wrong_type("a boolean"),
        Error::DuplicateMappingKey { key, .. } => match key {
            Some(k) => translate(&format!("duplicate key `{k}`")),
            None => translate("duplicate key"),
        },
        Error::Eof { .. } => "fin inattendue du front matter".into(),
        Error::Budget { .. }
        | Error::AliasReplayCounterOverflow { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => {
            "front matter trop gros ou trop complexe (des alias YAML qui se multiplient ?)".into()
        }
        other => yaml_syntax(&UserMessageFormatter.format_message(other)),
    };
    // The parser's texts may quote the file: no control character in a
    // one-line diagnostic.
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A YAML syntax error in French, as far as its usual causes go.
fn yaml_syntax(msg: &str) -> String {
    let msg = msg.trim();
    if msg.contains("mapping values are not allowed") {
        return "« : » dans une valeur. Mettez le texte entre guillemets : title: \"Bonjour : le site\"".into();
    }
    if msg.contains("recurs") {
        return "front matter trop imbriqué (trop de niveaux de [ ] ou { })".into();
    }
    format!("YAML invalide : {msg}")
}

/// Accepts a TOML date (`date = 2025-01-18`), a TOML datetime, or a string
/// holding either (YAML); keeps the calendar date.
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    struct DateVisitor;
    impl<'de> Visitor<'de> for DateVisitor {
        type Value = Option<Date>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("une date AAAA-MM-JJ")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse_date(s).map(Some).map_err(E::custom)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // The toml crate hands datetimes over as a one-entry map.
            let Some((_, value)) = map.next_entry::<String, String>()? else {
                return Err(de::Error::custom("date vide"));
            };
            parse_date(&value).map(Some).map_err(de::Error::custom)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(DateVisitor)
        }
    }
    d.deserialize_any(DateVisitor)
}

/// A date that is not `AAAA-MM-JJ` (or a datetime starting with one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("date invalide « {0} » : attendu AAAA-MM-JJ, par exemple 2025-03-19")]
pub struct InvalidDate(pub String);

/// `2025-01-18`, or a datetime starting with it (`2025-01-18T10:00:00Z`).
pub fn parse_date(s: &str) -> Result<Date, InvalidDate> {
    let s = s.trim();
    let day = s.get(..10).unwrap_or(s);
    let rest = s.get(10..).unwrap_or("");
    let valid_rest = rest.is_empty() || rest.starts_with(['T', 't', ' ']);
    match day.parse::<Date>() {
        Ok(date) if valid_rest && day.len() == 10 => Ok(date),
        _ => Err(InvalidDate(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_front_matter_with_date_and_extra() {
        let text =
            "+++\ntitle = \"Actu\"\ndate = 2025-01-18\n[extra]\nimage = \"x.png\"\n+++\n# Corps\n";
        let s = split(text).unwrap();
        assert_eq!(s.front_matter.title.as_deref(), Some("Actu"));
        assert_eq!(s.front_matter.date, Some(jiff::civil::date(2025, 1, 18)));
        assert_eq!(s.front_matter.extra["image"], "x.png");
        assert_eq!(s.body, "# Corps\n");
        assert_eq!(s.body_line, 7);
    }

    #[test]
    fn yaml_front_matter_and_crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: Bonjour\r\ndate: 2024-11-02\r\n---\r\nTexte\r\n";
        let s = split(text).unwrap();
        assert_eq!(s.front_matter.title.as_deref(), Some("Bonjour"));
        assert_eq!(s.front_matter.date, Some(jiff::civil::date(2024, 11, 2)));
        assert_eq!(s.body, "Texte\r\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn no_front_matter_is_the_default() {
        let s = split("# Titre\n").unwrap();
        assert_eq!(s.front_matter, FrontMatter::default());
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("+++\ntitle = \"x\"\n# Corps\n").unwrap_err();
        assert!(e.message.contains("non fermé"), "{}", e.message);
    }

    #[test]
    fn unknown_key_suggests_the_right_one_at_its_line() {
        let e = split("+++\ntitle = \"x\"\ntitel = \"y\"\n+++\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("« titel »"), "{}", e.message);
        assert!(e.message.contains("« title »"), "{}", e.message);
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let e = split("+++\ndate = \"hier\"\n+++\n").unwrap_err();
        assert!(e.message.contains("AAAA-MM-JJ"), "{}", e.message);
        assert_eq!(e.line, Some(2));
        let e = split("+++\ndraft = \"oui\"\n+++\n").unwrap_err();
        assert!(e.message.contains("true pour oui"), "{}", e.message);
    }

    #[test]
    fn zola_keys_not_supported_yet_are_named_never_taken_for_typos() {
        for text in [
            "+++\ntitle = \"x\"\ngenerate_feed = true\n+++\n",
            "---\ntitle: x\ngenerate_feed: true\n---\n",
        ] {
            let e = split(text).unwrap_err();
            assert_eq!(e.line, Some(3), "{text:?}");
            assert!(
                e.message.starts_with(
                    "réglage de Zola « generate_feed » pas encore pris en charge par site-gen"
                ),
                "{e}"
            );
            assert!(e.message.contains("generate_feeds = true"), "{e}");
            assert!(!e.message.contains("vouliez-vous dire"), "{e}");
        }
        let e = split("+++\norder = 3\ntags = [\"a\"]\n+++\n").unwrap_err();
        let messages: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages[0].contains("« order » pas encore pris en charge"),
            "{e:?}"
        );
        assert!(
            messages[1].contains("« tags » pas encore pris en charge"),
            "{e:?}"
        );
        // In [extra], any key is free data.
        assert!(split("+++\n[extra]\norder = 3\n+++\n").is_ok());
    }

    #[test]
    fn zola_keys_are_known() {
        let text = "+++\npath = \"a-propos\"\nauthors = [\"Équipe\"]\nrender = false\n\
                    in_search_index = false\n+++\n";
        let fm = split(text).unwrap().front_matter;
        assert_eq!(fm.path.as_deref(), Some("a-propos"));
        assert_eq!(fm.authors, ["Équipe"]);
        assert!(!fm.render && !fm.in_search_index);
        // Other keys keep their did-you-mean.
        let e = split("+++\npaht = \"x\"\n+++\n").unwrap_err();
        assert!(e.message.contains("vouliez-vous dire « path »"), "{e}");
    }

    #[test]
    fn yaml_unknown_key_has_a_line() {
        let e = split("---\ntitle: x\nslgu: y\n---\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("« slug »"), "{}", e.message);
    }

    #[test]
    fn yaml_values_read_as_before() {
        let text = "---\ndraft: true\nextra:\n  a: 0755\n  b: 1_000\n  c: 0x1F\n  d: ~\n  e: 1.5\n  f: .inf\n  g: yes\n  h: 2024-01-02\n---\n";
        let fm = split(text).unwrap().front_matter;
        assert!(fm.draft);
        let expected = serde_json::json!({
            "a": "0755", "b": "1_000", "c": 31, "d": null, "e": 1.5,
            "f": null, "g": "yes", "h": "2024-01-02",
        });
        assert_eq!(serde_json::Value::Object(fm.extra), expected);
    }

    #[test]
    fn yaml_errors_are_in_french_at_their_line() {
        let cases = [
            ("---\ntitle: A\ndraft: oui\n---\n", 3, "false pour non"),
            (
                "---\ntitle: A\ntitle: B\n---\n",
                3,
                "« title » donnée deux fois",
            ),
            ("---\ntitle: A\naliases: [\"/x\"\n---\n", 3, "YAML invalide"),
            ("---\ndate: 18/01/2025\n---\n", 2, "AAAA-MM-JJ"),
        ];
        for (text, line, part) in cases {
            let e = split(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {e:?}");
            assert!(e.message.contains(part), "{text:?}: {e:?}");
        }
        let mut bomb = String::from("---\nextra:\n  a: &a [x,x,x,x,x,x,x,x,x]\n");
        for w in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            bomb.push_str(&format!("  {}: &{} [{refs}]\n", w[1], w[1]));
        }
        bomb.push_str("---\n");
        let e = split(&bomb).unwrap_err();
        assert!(e.message.contains("trop gros ou trop complexe"), "{e:?}");
    }

    #[test]
    fn toml_errors_are_in_french_at_their_line() {
        let deep = format!(
            "+++\n[extra]\nx = {}1{}\n+++\n",
            "[".repeat(200),
            "]".repeat(200)
        );
        let cases = [
            (
                "+++\ndescription = \"pas fermée\n+++\n",
                2,
                "TOML mal écrit\u{202f}: texte non fermé",
            ),
            (
                "+++\nsort_by = \"hasard\"\n+++\n",
                2,
                "valeur inconnue « hasard » (valeurs possibles\u{202f}: ",
            ),
            (
                "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n",
                3,
                "clé « title » donnée deux fois",
            ),
            (
                "+++\nweight = \"x\"\n+++\n",
                2,
                "valeur invalide (texte \"x\")\u{202f}: il faut un nombre entier",
            ),
            (&deep, 3, "front matter trop imbriqué"),
        ];
        for (text, line, part) in cases {
            let e = split(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {e:?}");
            assert!(e.message.contains(part), "{text:?}: {e:?}");
        }
        let e = split("+++\nweight = \"x\"\n+++\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ligne 2, colonne 10 : valeur invalide"),
            "{e}"
        );
        assert_eq!(
            parse_date("hier").unwrap_err().to_string(),
            "date invalide « hier » : attendu AAAA-MM-JJ, par exemple 2025-03-19"
        );
    }

    #[test]
    fn datetimes_keep_their_day() {
        assert_eq!(
            parse_date("2025-03-19T10:00:00Z").unwrap(),
            jiff::civil::date(2025, 3, 19)
        );
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("19/03/2025").is_err());
    }

    #[test]
    fn each_taxonomy_is_found_at_its_line_of_the_file() {
        let toml = "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"x\"]\ncategories = [\"y\"]\n+++\n";
        let lines = split(toml).unwrap().front_matter.taxonomy_lines;
        assert_eq!(lines.get("tags"), Some(&4));
        assert_eq!(lines.get("categories"), Some(&5));
        let inline = "+++\ntaxonomies = { tags = [\"x\"] }\n+++\n";
        assert_eq!(
            split(inline)
                .unwrap()
                .front_matter
                .taxonomy_lines
                .get("tags"),
            Some(&2)
        );
        let yaml =
            "---\ntitle: A\ntaxonomies:\n  tags: [x]\n  \"categories\": [y]\nweight: 1\n---\n";
        let lines = split(yaml).unwrap().front_matter.taxonomy_lines;
        assert_eq!(lines.get("tags"), Some(&4));
        assert_eq!(lines.get("categories"), Some(&5));
        assert_eq!(lines.len(), 2);
    }
}

//! `site-gen check`: builds the site in memory, then verifies the links of
//! the output HTML (internal targets and anchors), duplicate ids, pages no
//! link leads to and, on request, links to other sites.
//!
//! Problems found in a page made from Markdown point at the Markdown file
//! (`content/services.md:14:3`) when the link is written there; links made
//! by templates or shortcodes point at the output file (`faq/index.html:40:9`).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::config::Config;
use crate::content::front_matter;
use crate::diagnostics::{line_col, Diagnostic, Diagnostics};
use crate::site::{build, BuildOptions};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub include_drafts: bool,
    pub widget: bool,
    /// Also request links to other sites.
    pub external: bool,
    /// External URLs containing one of these are not requested.
    pub skip: Vec<String>,
}

/// What the check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Broken links and anchors, duplicate ids (sorted).
    pub problems: Vec<Diagnostic>,
    /// Pages no link leads to from the home page, `[organisation]` values
    /// to fill in, figures of the pricing model typed by hand (sorted).
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
    pub internal_links: usize,
    pub external_links: usize,
}

/// One `href`/`src` of an output page.
#[derive(Debug, Clone)]
struct Link {
    value: String,
    /// Byte offset of the value in the page.
    offset: usize,
}

/// What one output page holds.
#[derive(Debug, Default)]
struct PageInfo {
    links: Vec<Link>,
    /// Every `id` (and `<a name>`) with the offset of each occurrence.
    ids: HashMap<String, Vec<usize>>,
    /// A redirect page (`<meta http-equiv="refresh">`, e.g. an alias).
    redirect: bool,
}

/// The Markdown a page was made from.
struct Source {
    /// As shown to the user: `content/services.md`.
    file: PathBuf,
    body: String,
    /// Line of the file where `body` starts.
    body_line: usize,
}

/// Builds and checks the site; `Err` when the build itself fails.
pub fn check(opts: &CheckOptions) -> Result<CheckReport, Diagnostics> {
    let config = Config::load(&opts.root)?;
    let site = build(&BuildOptions {
        root: opts.root.clone(),
        include_drafts: opts.include_drafts,
        base_url: None,
        widget: opts.widget,
    })?;
    let mut checker = Checker::new(&site.files, config.base_url());
    checker.with_sources(&opts.root, &site.sources);
    checker.internal();
    checker.orphans();
    if opts.external {
        checker.external(&opts.skip);
    }
    let mut report = checker.finish();
    report.warnings.extend(site.warnings);
    report.warnings.extend(site.typed_figures);
    report.warnings.sort();
    Ok(report)
}

/// Where a link target points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A path of this site (decoded, `/`-rooted) and its fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// Another site (`http`/`https`).
    External(String),
    /// `mailto:`, `tel:`, `data:`…: not checked.
    Other,
}

struct Checker<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
    base: String,
    /// Output file → the Markdown it was rendered from.
    sources: HashMap<String, Source>,
    /// `@/` source path (`services/_index.md`) → URL path (`/services/`).
    urls_by_source: HashMap<String, String>,
    pages: BTreeMap<&'a str, (String, PageInfo)>,
    problems: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Template problems already reported: (message) → count of pages.
    template_problems: BTreeMap<String, (Diagnostic, usize)>,
    internal_links: usize,
    external_links: usize,
}

impl<'a> Checker<'a> {
    fn new(files: &'a BTreeMap<String, Vec<u8>>, base: &str) -> Self {
        let pages = files
            .iter()
            .filter(|(k, _)| k.ends_with(".html"))
            .map(|(k, v)| {
                let html = String::from_utf8_lossy(v).into_owned();
                let info = scan(&html);
                (k.as_str(), (html, info))
            })
            .collect();
        Checker {
            files,
            base: base.trim_end_matches('/').to_string(),
            sources: HashMap::new(),
            urls_by_source: HashMap::new(),
            pages,
            problems: Vec::new(),
            warnings: Vec::new(),
            template_problems: BTreeMap::new(),
            internal_links: 0,
            external_links: 0,
        }
    }

    /// Reads the Markdown of each page made from one (`sources`: output
    /// file → Markdown file relative to `root`).
    fn with_sources(&mut self, root: &Path, sources: &BTreeMap<String, PathBuf>) {
        for (output, file) in sources {
            if let Ok(rel) = file.strip_prefix("content") {
                let rel = rel.to_string_lossy().replace('\\', "/");
                self.urls_by_source.insert(rel, url_of(output));
            }
            let Ok(text) = std::fs::read_to_string(root.join(file)) else {
                continue;
            };
            if let Ok(split) = front_matter::split(&text) {
                self.sources.insert(
                    output.clone(),
                    Source {
                        file: file.clone(),
                        body: split.body.to_string(),
                        body_line: split.body_line,
                    },
                );
            }
        }
    }

    /// Classifies a link of the page at `page_url` (`/faq/`).
    fn target(&self, value: &str, page_url: &str) -> Target {
        let value = value.trim();
        if value.is_empty() {
            return Target::Other;
        }
        let rest = if let Some(rest) = strip_base(value, &self.base) {
            rest.to_string()
        } else if let Some(rest) = value.strip_prefix("//") {
            return Target::External(format!("https://{rest}"));
        } else if value.starts_with('/') || value.starts_with('#') || value.starts_with('?') {
            value.to_string()
        } else if let Some((scheme, _)) = value.split_once(':').filter(|(s, _)| is_scheme(s)) {
            let scheme = scheme.to_ascii_lowercase();
            return if scheme == "http" || scheme == "https" {
                Target::External(value.to_string())
            } else {
                Target::Other
            };
        } else {
            // Relative to the page's folder.
            let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{value}")
        };
        let (before_fragment, fragment) = match rest.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (rest.as_str(), None),
        };
        let path = before_fragment.split('?').next().unwrap_or("");
        let path = if path.is_empty() {
            page_url.to_string()
        } else {
            path.to_string()
        };
        let fragment = fragment.filter(|f| !f.is_empty()).map(|f| {
            String::from_utf8_lossy(
                &crate::serve::http::percent_decode(f).unwrap_or_else(|| f.as_bytes().to_vec()),
            )
            .into_owned()
        });
        Target::Internal {
            path: normalise(&path),
            fragment,
        }
    }

    /// The output file serving `path` (`/faq/` → `faq/index.html`).
    fn resolve(&self, path: &str) -> Option<String> {
        let key = path.trim_start_matches('/');
        let key = if key.is_empty() || key.ends_with('/') {
            format!("{key}index.html")
        } else {
            key.to_string()
        };
        if self.files.contains_key(&key) {
            return Some(key);
        }
        let dir_index = format!("{key}/index.html");
        self.files.contains_key(&dir_index).then_some(dir_index)
    }

    fn internal(&mut self) {
        let keys: Vec<&'a str> = self.pages.keys().copied().collect();
        for key in keys {
            let page_url = url_of(key);
            let links = self.pages[key].1.links.clone();
            let mut reported: BTreeSet<String> = BTreeSet::new();
            for link in &links {
                let Target::Internal { path, fragment } = self.target(&link.value, &page_url)
                else {
                    continue;
                };
                self.internal_links += 1;
                let shown = match &fragment {
                    Some(f) if path == page_url => format!("#{f}"),
                    Some(f) => format!("{path}#{f}"),
                    None => path.clone(),
                };
                let message = match self.resolve(&path) {
                    None => format!("lien cassé vers {path} (aucune page)"),
                    Some(target) => match &fragment {
                        Some(f) if target.ends_with(".html") && f != "top" => {
                            let ids = &self.pages[target.as_str()].1.ids;
                            if ids.contains_key(f.as_str()) {
                                continue;
                            }
                            let place = if path == page_url {
                                "cette page".to_string()
                            } else {
                                path.clone()
                            };
                            format!("ancre cassée : #{f} n’existe pas dans {place}")
                        }
                        _ => continue,
                    },
                };
                if reported.insert(format!("{shown}\u{0}{message}")) {
                    self.report(key, &link.value, link.offset, message);
                }
            }
            // Duplicate ids.
            let mut dups: Vec<(String, Vec<usize>)> = self.pages[key]
                .1
                .ids
                .iter()
                .filter(|(_, at)| at.len() > 1)
                .map(|(id, at)| (id.clone(), at.clone()))
                .collect();
            dups.sort();
            for (id, at) in dups {
                let html = &self.pages[key].0;
                let (first_line, _) = line_col(html, at[0]);
                let message = format!(
                    "id « {id} » en double dans la page {page_url} (déjà à la ligne {first_line} du HTML produit) : les liens vers #{id} ne mènent qu’au premier"
                );
                self.report_id(key, &id, at[1], message);
            }
        }
    }

    /// Reports a problem of `link` (as written in the output) in the page `key`.
    fn report(&mut self, key: &str, value: &str, offset: usize, message: String) {
        if let Some(found) = self.source_positions(key, value) {
            for d in found {
                self.problems.push(Diagnostic {
                    message: message.clone(),
                    ..d
                });
            }
            return;
        }
        self.report_in_output(key, offset, message);
    }

    fn report_id(&mut self, key: &str, id: &str, offset: usize, message: String) {
        if let Some(source) = self.sources.get(key) {
            let text = source.body.as_str();
            let needles = [
                format!("{{#{id}}}"),
                format!("id=\"{id}\""),
                format!("id='{id}'"),
            ];
            let mut positions: Vec<usize> = needles
                .iter()
                .flat_map(|n| {
                    text.match_indices(n.as_str())
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>()
                })
                .collect();
            positions.sort();
            if let Some(&pos) = positions.get(1).or(positions.first()) {
                let (l, c) = line_col(text, pos);
                let line = source.body_line + l - 1;
                self.problems
                    .push(Diagnostic::new(&source.file, message).at(line, c));
                return;
            }
        }
        self.report_in_output(key, offset, message);
    }

    /// A problem in the output file itself (a template's link, usually):
    /// reported once with the number of pages where it occurs.
    fn report_in_output(&mut self, key: &str, offset: usize, message: String) {
        let (line, col) = line_col(&self.pages[key].0, offset);
        let d = Diagnostic::new(key, message.clone()).at(line, col);
        self.template_problems
            .entry(message)
            .and_modify(|(_, n)| *n += 1)
            .or_insert((d, 1));
    }

    /// Where the Markdown of page `key` writes a link equal to `value`.
    fn source_positions(&self, key: &str, value: &str) -> Option<Vec<Diagnostic>> {
        let source = self.sources.get(key)?;
        let (body, first_line) = (source.body.as_str(), source.body_line);
        let wanted = comparable(value);
        let mut offsets: Vec<usize> = Vec::new();
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            let dest = match &event {
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
                _ => continue,
            };
            if comparable(&self.resolve_source_link(dest)) == wanted {
                offsets.push(range.start);
            }
        }
        if offsets.is_empty() {
            // Raw HTML in the Markdown: `href="…"`.
            for attr in ["href=\"", "src=\"", "href='", "src='"] {
                for (i, _) in body.match_indices(attr) {
                    let start = i + attr.len();
                    let end = body[start..]
                        .find(['"', '\''])
                        .map_or(body.len(), |e| start + e);
                    if comparable(&decode_entities(&body[start..end])) == wanted {
                        offsets.push(i);
                    }
                }
            }
        }
        if offsets.is_empty() {
            return None;
        }
        offsets.sort();
        offsets.dedup();
        Some(
            offsets
                .into_iter()
                .map(|off| {
                    let (l, c) = line_col(body, off);
                    Diagnostic::new(&source.file, String::new()).at(first_line + l - 1, c)
                })
                .collect(),
        )
    }

    /// A Markdown destination as it appears in the output (`@/faq.md#x` →
    /// the page's permalink).
    fn resolve_source_link(&self, dest: &str) -> String {
        let Some(source) = dest.strip_prefix("@/") else {
            return dest.to_string();
        };
        let (source, anchor) = match source.split_once('#') {
            Some((s, a)) => (s, Some(a)),
            None => (source, None),
        };
        match self.urls_by_source.get(source) {
            Some(path) => {
                let url = format!("{}{path}", self.base);
                match anchor {
                    Some(a) => format!("{url}#{a}"),
                    None => url,
                }
            }
            None => dest.to_string(),
        }
    }

    /// Pages no chain of links from the home page leads to.
    fn orphans(&mut self) {
        if !self.pages.contains_key("index.html") {
            return;
        }
        let mut seen: BTreeSet<String> = BTreeSet::from(["index.html".to_string()]);
        let mut queue = VecDeque::from(["index.html".to_string()]);
        while let Some(key) = queue.pop_front() {
            let page_url = url_of(&key);
            let targets: Vec<String> = self.pages[key.as_str()]
                .1
                .links
                .iter()
                .filter_map(|l| match self.target(&l.value, &page_url) {
                    Target::Internal { path, .. } => self.resolve(&path),
                    _ => None,
                })
                .filter(|t| t.ends_with(".html"))
                .collect();
            for t in targets {
                if seen.insert(t.clone()) {
                    queue.push_back(t);
                }
            }
        }
        for (key, (_, info)) in &self.pages {
            // Redirects (aliases) exist for old links from elsewhere.
            if seen.contains(*key) || *key == "404.html" || info.redirect {
                continue;
            }
            let url = url_of(key);
            let message = format!("page orpheline : aucun lien ne mène de l’accueil à {url}");
            let d = match self.sources.get(*key) {
                Some(source) => Diagnostic::new(&source.file, message),
                None => Diagnostic::new(*key, message),
            };
            self.warnings.push(d);
        }
    }

    /// Requests every link to another site (4 at a time, 10 s each).
    fn external(&mut self, skip: &[String]) {
        let mut uses: BTreeMap<String, Vec<(&'a str, String, usize)>> = BTreeMap::new();
        for (&key, (_, info)) in &self.pages {
            let page_url = url_of(key);
            for link in &info.links {
                if let Target::External(url) = self.target(&link.value, &page_url) {
                    let url = url.split('#').next().unwrap_or("").to_string();
                    if skip
                        .iter()
                        .any(|s| !s.is_empty() && url.contains(s.as_str()))
                    {
                        continue;
                    }
                    uses.entry(url)
                        .or_default()
                        .push((key, link.value.clone(), link.offset));
                }
            }
        }
        self.external_links = uses.len();
        let urls: Vec<String> = uses.keys().cloned().collect();
        let results = fetch_all(&urls);
        for (url, result) in urls.iter().zip(results) {
            let Err(why) = result else { continue };
            let message = format!("lien externe cassé vers {url} ({why})");
            let mut done = BTreeSet::new();
            for (key, value, offset) in &uses[url] {
                if done.insert((*key, value.clone())) {
                    self.report(key, value, *offset, message.clone());
                }
            }
        }
    }

    fn finish(mut self) -> CheckReport {
        for (_, (mut d, n)) in std::mem::take(&mut self.template_problems) {
            if n > 1 {
                d.message
                    .push_str(&format!(" (et sur {} autres pages)", n - 1));
            }
            self.problems.push(d);
        }
        self.problems.sort();
        self.problems.dedup();
        self.warnings.sort();
        CheckReport {
            problems: self.problems,
            warnings: self.warnings,
            pages: self.pages.len(),
            internal_links: self.internal_links,
            external_links: self.external_links,
        }
    }
}

/// The URL path of an output file: `faq/index.html` → `/faq/`.
fn url_of(key: &str) -> String {
    match key.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{key}"),
    }
}

/// `value` without the site's base URL, when it starts with it.
fn strip_base<'v>(value: &'v str, base: &str) -> Option<&'v str> {
    let rest = value.strip_prefix(base)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with(['/', '?', '#']) {
        Some(rest)
    } else {
        None
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-decoded, `.` and `..` segments applied.
fn normalise(path: &str) -> String {
    let decoded = crate::serve::http::percent_decode(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|| path.to_string());
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                out.pop();
            }
            "" if i != last => {}
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// A URL in a form that compares equal whatever its escaping.
fn comparable(url: &str) -> String {
    let url = decode_entities(url.trim());
    crate::serve::http::percent_decode(&url)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or(url)
}

/// Decodes the character references found in attribute values.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The links and ids of an HTML page, with a small tokenizer: tags and
/// their attributes, comments and the content of `script`/`style` skipped.
fn scan(html: &str) -> PageInfo {
    let mut info = PageInfo::default();
    for tag in tags(html) {
        // `<a name=x id=x>` is one target, not two.
        let mut tag_ids: Vec<(String, usize)> = Vec::new();
        for (name, value, offset) in &tag.attrs {
            if name == "id" || (name == "name" && tag.name == "a") {
                let id = decode_entities(value);
                if !id.is_empty() && !tag_ids.iter().any(|(t, _)| *t == id) {
                    tag_ids.push((id, *offset));
                }
            }
        }
        for (id, offset) in tag_ids {
            info.ids.entry(id).or_default().push(offset);
        }
        if tag.name == "meta"
            && tag
                .attrs
                .iter()
                .any(|(n, v, _)| n == "http-equiv" && v.eq_ignore_ascii_case("refresh"))
        {
            info.redirect = true;
        }
        for (name, value, offset) in &tag.attrs {
            let name = name.as_str();
            let linked = matches!(
                (tag.name.as_str(), name),
                ("a" | "area" | "link", "href")
                    | (
                        "img"
                            | "script"
                            | "iframe"
                            | "source"
                            | "embed"
                            | "track"
                            | "audio"
                            | "video"
                            | "input",
                        "src"
                    )
                    | ("video", "poster")
            );
            if linked && !(tag.name == "link" && is_hint(&tag.attrs)) {
                info.links.push(Link {
                    value: decode_entities(value),
                    offset: *offset,
                });
            }
            if name == "srcset" && matches!(tag.name.as_str(), "img" | "source") {
                let decoded = decode_entities(value);
                for candidate in decoded.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        info.links.push(Link {
                            value: url.to_string(),
                            offset: *offset,
                        });
                    }
                }
            }
        }
    }
    info
}

/// `<link rel="preconnect">` and the like name hosts, not documents.
fn is_hint(attrs: &[(String, String, usize)]) -> bool {
    attrs.iter().any(|(n, v, _)| {
        n == "rel"
            && v.split_whitespace().any(|r| {
                matches!(
                    r.to_ascii_lowercase().as_str(),
                    "preconnect" | "dns-prefetch"
                )
            })
    })
}

struct HtmlTag {
    name: String,
    /// (lowercase name, raw value, byte offset of the value).
    attrs: Vec<(String, String, usize)>,
}

fn tags(html: &str) -> Vec<HtmlTag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        i = lt + 1;
        if html[lt..].starts_with("<!--") {
            i = html[lt + 4..]
                .find("-->")
                .map_or(b.len(), |e| lt + 4 + e + 3);
            continue;
        }
        match b.get(i) {
            Some(b'!' | b'?' | b'/') => {
                i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let name_end = b[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b':'))
            .map_or(b.len(), |p| i + p);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = html[start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let (value_start, value_end, next) = match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                        (i + 1, end, (end + 1).min(b.len()))
                    }
                    _ => {
                        let end = b[i..]
                            .iter()
                            .position(|c| c.is_ascii_whitespace() || *c == b'>')
                            .map_or(b.len(), |p| i + p);
                        (i, end, end)
                    }
                };
                attrs.push((attr, html[value_start..value_end].to_string(), value_start));
                i = next;
            } else if !attr.is_empty() {
                attrs.push((attr, String::new(), start));
            } else {
                i += 1;
            }
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{name}");
            let lower_rest = html[i..].to_ascii_lowercase();
            i = lower_rest.find(&close).map_or(b.len(), |e| i + e);
        }
        out.push(HtmlTag { name, attrs });
    }
    out
}

/// Requests each URL (at most 4 at a time); `Err(why)` when it is broken.
#[cfg(feature = "external-links")]
fn fetch_all(urls: &[String]) -> Vec<Result<(), String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "site-gen/",
            env!("CARGO_PKG_VERSION"),
            " (verification des liens)"
        ))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<(), String>>>> = Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|s| {
        for _ in 0..4.min(urls.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { return };
                let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
                    r.map(|resp| resp.status().as_u16())
                        .map_err(|e| e.to_string())
                };
                // HEAD first; some servers refuse it, then GET.
                let result = match status(agent.head(url).call()) {
                    Ok(code) if code < 400 => Ok(()),
                    _ => match status(agent.get(url).call()) {
                        Ok(code) if code < 400 => Ok(()),
                        Ok(code) => Err(format!("HTTP {code}")),
                        Err(e) => Err(format!("injoignable : {e}")),
                    },
                };
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or(Ok(())))
        .collect()
}

#[cfg(not(feature = "external-links"))]
fn fetch_all(urls: &[String]) -> Vec<Result<(), String>> {
    urls.iter()
        .map(|_| Err("site-gen a été compilé sans la vérification des liens externes (fonctionnalité external-links)".to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pages: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pages
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn tokenizer_finds_links_and_ids() {
        let html = "<!-- <a href=\"/commentaire/\"> --><script>var a = '<a href=\"/js/\">';</script>\n<a class=x href='/faq/#q&amp;r' id=haut>x</a><img src=/logo.svg srcset=\"/a.png 1x, /b.png 2x\"><h2 id=\"haut\">";
        let info = scan(html);
        let values: Vec<&str> = info.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["/faq/#q&r", "/logo.svg", "/a.png", "/b.png"]);
        assert_eq!(info.ids["haut"].len(), 2);
        assert_eq!(line_col(html, info.links[0].offset).0, 2);
    }

    #[test]
    fn targets() {
        let f = files(&[("index.html", "")]);
        let c = Checker::new(&f, "https://amie.example");
        let internal = |p: &str, f: Option<&str>| Target::Internal {
            path: p.into(),
            fragment: f.map(Into::into),
        };
        assert_eq!(
            c.target("https://amie.example/faq/#a", "/"),
            internal("/faq/", Some("a"))
        );
        assert_eq!(c.target("https://amie.example", "/x/"), internal("/", None));
        assert_eq!(
            c.target("https://amie.examples/", "/"),
            Target::External("https://amie.examples/".into())
        );
        assert_eq!(c.target("#haut", "/faq/"), internal("/faq/", Some("haut")));
        assert_eq!(
            c.target("photo.jpg", "/services/a/"),
            internal("/services/a/photo.jpg", None)
        );
        assert_eq!(
            c.target("../b/", "/services/a/"),
            internal("/services/b/", None)
        );
        assert_eq!(c.target("/caf%C3%A9/?x=1", "/"), internal("/café/", None));
        assert_eq!(c.target("mailto:a@b", "/"), Target::Other);
        assert_eq!(
            c.target("//cdn.example/x", "/"),
            Target::External("https://cdn.example/x".into())
        );
    }

    #[test]
    fn broken_links_anchors_duplicates_and_orphans() {
        let f = files(&[
            ("index.html", "<a href=\"/faq/\">f</a><a href=\"/faq/#ok\">f</a><a href=\"/faq/#nope\">f</a><a href=\"/tarifs/\">t</a><a href=\"/faq\">f</a>"),
            ("faq/index.html", "<h2 id=\"ok\">ok</h2><p id=\"ok\"></p><a href=\"#top\">haut</a>"),
            ("seule/index.html", "<p>personne ne vient ici</p>"),
            ("404.html", "<a href=\"/\">accueil</a>"),
        ]);
        let mut c = Checker::new(&f, "https://amie.example");
        c.internal();
        c.orphans();
        let report = c.finish();
        let lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "faq/index.html:1:27: id « ok » en double dans la page /faq/ (déjà à la ligne 1 du HTML produit) : les liens vers #ok ne mènent qu’au premier",
                "index.html:1:55: ancre cassée : #nope n’existe pas dans /faq/",
                "index.html:1:81: lien cassé vers /tarifs/ (aucune page)",
            ]
        );
        let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            ["seule/index.html: page orpheline : aucun lien ne mène de l’accueil à /seule/"]
        );
    }

    #[test]
    fn entities_and_normalisation() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x41;&unknown;&"),
            "a&b'cA&unknown;&"
        );
        assert_eq!(normalise("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalise("/../../x"), "/x");
        assert_eq!(url_of("faq/index.html"), "/faq/");
        assert_eq!(url_of("index.html"), "/");
        assert_eq!(url_of("presentation.html"), "/presentation.html");
    }
}

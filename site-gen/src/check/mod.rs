//! `site-gen check`: builds the site in memory, then verifies the links of
//! the output HTML (internal targets and anchors), duplicate ids, pages no
//! link leads to and, on request, links to other sites.
//!
//! Problems found in a page made from Markdown point at the Markdown file
//! (`content/services.md:14:3`) when the link is written there; links made
//! by templates or shortcodes point at the output file (`faq/index.html:40:9`).
//! What the Markdown holds comes from the build (`sources`): `check` reads
//! no file and parses no configuration of its own.

mod external;
mod page;
mod sources;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;

use crate::diagnostics::{line_col, Diagnostic, Diagnostics};
use crate::site::{build, BuildOptions};
use crate::urls::{is_scheme, normalise_path, page_path, percent_decode_lossy, strip_base};
use page::{scan, PageInfo};
use sources::Sources;

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

/// Builds and checks the site; `Err` when the build itself fails.
pub fn check(opts: &CheckOptions) -> Result<CheckReport, Diagnostics> {
    let site = build(&BuildOptions {
        root: opts.root.clone(),
        include_drafts: opts.include_drafts,
        base_url: None,
        widget: opts.widget,
        image_cache: None,
    })?;
    let sources = Sources::new(&site.markdown);
    let mut checker = Checker::new(&site.files, &site.base_url, sources);
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
    /// `base_url` without trailing slash.
    base: String,
    sources: Sources<'a>,
    /// Each output page: its text and what it holds.
    pages: BTreeMap<&'a str, (String, PageInfo)>,
    problems: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Template problems already reported: (message) → count of pages.
    template_problems: BTreeMap<String, (Diagnostic, usize)>,
    internal_links: usize,
    external_links: usize,
}

impl<'a> Checker<'a> {
    fn new(files: &'a BTreeMap<String, Vec<u8>>, base: &str, sources: Sources<'a>) -> Self {
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
            sources,
            pages,
            problems: Vec::new(),
            warnings: Vec::new(),
            template_problems: BTreeMap::new(),
            internal_links: 0,
            external_links: 0,
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
        let path = if path.is_empty() { page_url } else { path };
        Target::Internal {
            path: normalise_path(path),
            fragment: fragment.filter(|f| !f.is_empty()).map(percent_decode_lossy),
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

    /// Broken internal links and anchors, duplicate ids, page by page.
    fn internal(&mut self) {
        let keys: Vec<&'a str> = self.pages.keys().copied().collect();
        for key in keys {
            self.links_of(key);
            self.duplicate_ids_of(key);
        }
    }

    /// The broken links and anchors of page `key`, each reported once.
    fn links_of(&mut self, key: &str) {
        let page_url = page_path(key);
        let links = self.pages[key].1.links.clone();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for link in &links {
            let Target::Internal { path, fragment } = self.target(&link.value, &page_url) else {
                continue;
            };
            self.internal_links += 1;
            let shown = match &fragment {
                Some(f) if path == page_url => format!("#{f}"),
                Some(f) => format!("{path}#{f}"),
                None => path.clone(),
            };
            let Some(message) = self.problem(&path, fragment.as_deref(), &page_url) else {
                continue;
            };
            if reported.insert(format!("{shown}\u{0}{message}")) {
                self.report(key, &link.value, link.offset, message);
            }
        }
    }

    /// What is wrong with a link to `path#fragment` from the page at
    /// `page_url`, if anything.
    fn problem(&self, path: &str, fragment: Option<&str>, page_url: &str) -> Option<String> {
        let Some(target) = self.resolve(path) else {
            return Some(format!("lien cassé vers {path} (aucune page)"));
        };
        let f = fragment.filter(|f| target.ends_with(".html") && *f != "top")?;
        if self.pages[target.as_str()].1.ids.contains_key(f) {
            return None;
        }
        let place = if path == page_url { "cette page" } else { path };
        Some(format!("ancre cassée : #{f} n’existe pas dans {place}"))
    }

    /// Ids given twice in page `key`.
    fn duplicate_ids_of(&mut self, key: &str) {
        let page_url = page_path(key);
        let mut dups: Vec<(String, Vec<usize>)> = self.pages[key]
            .1
            .ids
            .iter()
            .filter(|(_, at)| at.len() > 1)
            .map(|(id, at)| (id.clone(), at.clone()))
            .collect();
        dups.sort();
        for (id, at) in dups {
            let (first_line, _) = line_col(&self.pages[key].0, at[0]);
            let message = format!(
                "id « {id} » en double dans la page {page_url} (déjà à la ligne {first_line} du HTML produit) : les liens vers #{id} ne mènent qu’au premier"
            );
            match self.sources.duplicate_id(key, &id) {
                Some((file, (line, col))) => {
                    self.problems
                        .push(Diagnostic::new(file, message).at(line, col));
                }
                None => self.report_in_output(key, at[1], message),
            }
        }
    }

    /// Reports a problem of the link `value` (as in the output, at `offset`)
    /// of page `key`: where the Markdown writes it, else in the output.
    fn report(&mut self, key: &str, value: &str, offset: usize, message: String) {
        match self.sources.link(key, value) {
            Some((file, positions)) => {
                for (line, col) in positions {
                    self.problems
                        .push(Diagnostic::new(file, message.clone()).at(line, col));
                }
            }
            None => self.report_in_output(key, offset, message),
        }
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

    /// Pages no chain of links from the home page leads to.
    fn orphans(&mut self) {
        if !self.pages.contains_key("index.html") {
            return;
        }
        let mut seen: BTreeSet<String> = BTreeSet::from(["index.html".to_string()]);
        let mut queue = VecDeque::from(["index.html".to_string()]);
        while let Some(key) = queue.pop_front() {
            let page_url = page_path(&key);
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
            let message = format!(
                "page orpheline : aucun lien ne mène de l’accueil à {}",
                page_path(key)
            );
            let d = match self.sources.file(key) {
                Some(file) => Diagnostic::new(file, message),
                None => Diagnostic::new(*key, message),
            };
            self.warnings.push(d);
        }
    }

    /// Requests every link to another site (4 at a time, 10 s each).
    fn external(&mut self, skip: &[String]) {
        let mut uses: BTreeMap<String, Vec<(&'a str, String, usize)>> = BTreeMap::new();
        for (&key, (_, info)) in &self.pages {
            let page_url = page_path(key);
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
        let results = external::fetch_all(&urls);
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

#[cfg(test)]
mod tests;

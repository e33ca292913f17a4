//! Reading `content/`: walk the folder, parse every file in parallel, then
//! place each document (URL, section) and check that no two collide.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::front_matter::{self, FrontMatter, SortBy};
use super::paths::{alias_output, check_output_path, is_reserved, page_path_output, UrlPaths};
use super::{Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inputs::{Inputs, LinksTo};
use crate::junk::{Junk, Skipped};
use crate::markdown::{first_heading, french_spacing};
use crate::slug::slugify;

/// A file of `content/` that is not Markdown, copied beside its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    /// Output file relative to the output folder.
    pub output: String,
}

/// Everything under `content/`, placed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub docs: Vec<Document>,
    pub assets: Vec<Asset>,
    /// Document index by source path (`services/_index.md`); FxHash: the
    /// site's own names (SipHash's defence against chosen keys buys
    /// nothing), 100 000 of them inserted on one thread for a large site.
    pub by_source: FxHashMap<String, usize>,
    /// Alias redirects: (output file, target document).
    pub aliases: Vec<(String, usize)>,
    /// Files left out as junk or by `ignore`, in the walk's order.
    pub skipped: Vec<Skipped>,
}

impl Loaded {
    pub fn home(&self) -> &Document {
        // `load` always creates the home section first.
        &self.docs[0]
    }

    pub fn pages(&self) -> impl Iterator<Item = &Document> {
        self.docs.iter().filter(|d| d.kind == Kind::Page)
    }

    pub fn sections(&self) -> impl Iterator<Item = &Document> {
        self.docs.iter().filter(|d| d.kind == Kind::Section)
    }
}

/// How to load: which drafts, which URL style, which file is not content.
pub struct LoadOptions<'a> {
    pub root: &'a Path,
    pub include_drafts: bool,
    pub urls: UrlPaths,
    /// Files under `content/` that are data, not published (the pricing data).
    pub skip: Vec<PathBuf>,
    pub site_title: &'a str,
    /// Titles get the same French spacing as the text.
    pub french_typography: bool,
    /// Files never read: junk, the site's `ignore` patterns.
    pub junk: &'a Junk,
}

/// A file found under `content/`: (path relative to it, path on disk).
type Found = (String, PathBuf);

/// A parsed file: its front matter, body and the body's first line.
type Parsed = (Box<FrontMatter>, Arc<str>, usize);

#[derive(Clone)]
struct Source {
    /// Relative to content/, `/`-separated.
    rel: String,
    file: PathBuf,
}

/// A Markdown file read and parsed.
type ParsedSource = (Source, Result<Parsed, Diagnostics>);

/// The Markdown files a load read and parsed, for the next load of the
/// same site (`serve`): a file is read again only once
/// [forgotten](SourceCache::forget), i.e. reported changed.
#[derive(Default)]
pub struct SourceCache {
    /// By path on disk, in the order of the walk (paths' order).
    parsed: Vec<(PathBuf, ParsedSource)>,
}

impl SourceCache {
    /// Forgets the files at or under `path`.
    pub fn forget(&mut self, path: &Path) {
        self.parsed.retain(|(p, _)| !p.starts_with(path));
    }
}

/// Loads `root/content`, reporting every problem found.
pub fn load(opts: &LoadOptions) -> Result<Loaded, Diagnostics> {
    load_with(opts, None)
}

/// Like [`load`], reading only the Markdown files `cache` does not hold;
/// `cache` then holds this load's files.
pub fn load_cached(opts: &LoadOptions, cache: &mut SourceCache) -> Result<Loaded, Diagnostics> {
    load_with(opts, Some(cache))
}

/// [`load`] with a cache to read from and fill, or none (a one-shot
/// build keeps no copy of its sources).
fn load_with(opts: &LoadOptions, cache: Option<&mut SourceCache>) -> Result<Loaded, Diagnostics> {
    let mut no_cache = SourceCache::default();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut no_cache);
    let content = opts.root.join("content");
    let inputs = Inputs::new(opts.root);
    let mut diags = Diagnostics::default();
    let mut skipped = Vec::new();
    let (markdown_files, other_files) = walk(
        &inputs,
        &content,
        (&opts.skip, opts.junk, &mut skipped),
        &mut diags,
    );

    // Both lists follow the walk's order: one pass pairs each file with
    // what the cache holds for it (a file out of order is just read again).
    let bundles = bundle_folders(&markdown_files);
    let mut old: Vec<Option<(PathBuf, ParsedSource)>> = std::mem::take(&mut cache.parsed)
        .into_iter()
        .map(Some)
        .collect();
    let mut next = 0;
    let hits: Vec<Option<usize>> = markdown_files
        .iter()
        .map(|(_, path)| {
            while next < old.len() && old[next].as_ref().is_some_and(|(p, _)| p < path) {
                next += 1;
            }
            old.get(next)?
                .as_ref()
                .filter(|(p, _)| p == path)
                .map(|_| next)
        })
        .collect();
    let read: Vec<Result<ParsedSource, Diagnostic>> = markdown_files
        .par_iter()
        .zip(hits.par_iter())
        .with_max_len(crate::DOCS_PER_TASK)
        .map(
            |((rel, path), hit)| match hit.and_then(|i| old[i].as_ref()) {
                Some((_, parsed)) => Ok(parsed.clone()),
                None => read_source(&inputs, rel.clone(), path),
            },
        )
        .collect();
    let mut parsed = Vec::with_capacity(read.len());
    for (((_, path), r), hit) in markdown_files.into_iter().zip(read).zip(hits) {
        match r {
            Ok(p) => {
                match hit.and_then(|i| old[i].take()) {
                    Some(entry) => cache.parsed.push(entry),
                    None if !keep => {}
                    // A symbolic link changes with its target: never kept.
                    None if path.symlink_metadata().is_ok_and(|m| m.is_symlink()) => {}
                    None => cache.parsed.push((path, p.clone())),
                }
                parsed.push(p);
            }
            Err(d) => diags.push(d),
        }
    }

    let mut loaded = place(parsed, opts, &mut diags);
    loaded.skipped = skipped;
    place_assets(opts.root, other_files, &bundles, &mut loaded, &mut diags);
    check_collisions(opts.root, &loaded, &mut diags);
    diags.into_result().map(|()| loaded)
}

/// What a walk leaves out: the pricing data (read by its own loader), and
/// junk or ignored files (recorded).
type Leave<'a> = (&'a [PathBuf], &'a Junk, &'a mut Vec<Skipped>);

/// Markdown files and other files under `content/`, sorted, hidden ones,
/// junk and ignored ones skipped; symlinks are followed only to files
/// inside `content/` (every file of it is published: a link to `site.toml`
/// must not be).
fn walk(
    inputs: &Inputs,
    content: &Path,
    (skip, junk, skipped): Leave,
    diags: &mut Diagnostics,
) -> (Vec<Found>, Vec<Found>) {
    let mut markdown = Vec::new();
    let mut other = Vec::new();
    let folder = match inputs.folder(content) {
        Ok(Some(folder)) => folder,
        Ok(None) => {
            diags.push(Diagnostic::new(
                inputs.shown(content),
                "dossier introuvable : le site a besoin d’un dossier content/ contenant des fichiers .md",
            ));
            return (markdown, other);
        }
        Err(e) => {
            diags.push(e.into());
            return (markdown, other);
        }
    };
    let skip_real: Vec<PathBuf> = skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    // The pricing data's own loader reports what is wrong with it.
    let skip_shown: Vec<PathBuf> = skip.iter().map(|p| inputs.shown(p)).collect();
    for found in inputs.walk(&folder, LinksTo::Folder) {
        let path = match found {
            Ok(path) => path,
            Err(e) if skip_shown.contains(&e.file) => continue,
            // A junk link or pipe is left out like any junk file.
            Err(e) if junk_rel(&e.file).is_some_and(|rel| junk.why(&rel).is_some()) => continue,
            Err(e) => {
                diags.push(e.into());
                continue;
            }
        };
        let Ok(rel) = path.strip_prefix(content) else {
            continue;
        };
        let rel = match relative_name(rel) {
            Ok(rel) => rel,
            Err(message) => {
                diags.push(Diagnostic::new(inputs.shown(&path), message));
                continue;
            }
        };
        if let Some(reason) = junk.why(&rel) {
            skipped.push(Skipped {
                file: inputs.shown(&path),
                reason,
            });
        } else if rel.ends_with(".md") {
            markdown.push((rel, path));
        } else if !skip_real
            .iter()
            .any(|s| path.canonicalize().ok().as_ref() == Some(s))
        {
            other.push((rel, path));
        }
    }
    (markdown, other)
}

/// The path relative to `content/` of a file shown as `content/…`.
fn junk_rel(shown: &Path) -> Option<String> {
    relative_name(shown.strip_prefix("content").ok()?).ok()
}

/// The `/`-separated path of a file relative to `content/`. Refuses names
/// that are not UTF-8 and, outside Windows, names holding a `\` (a file
/// named `..\x.md` must not be read as a path).
fn relative_name(rel: &Path) -> Result<String, &'static str> {
    let mut parts = Vec::new();
    for part in rel.components() {
        let part = part
            .as_os_str()
            .to_str()
            .ok_or("nom de fichier qui n’est pas en UTF-8")?;
        if cfg!(not(windows)) && part.contains('\\') {
            return Err(
                "nom de fichier ou de dossier contenant « \\ » refusé : renommez-le sans barre oblique inverse",
            );
        }
        parts.push(part);
    }
    Ok(parts.join("/"))
}

/// Reads a Markdown file and splits its front matter from its body (the
/// text is not kept: the body is copied into the document).
fn read_source(inputs: &Inputs, rel: String, path: &Path) -> Result<ParsedSource, Diagnostic> {
    let file = inputs.shown(path);
    // Checked again as it is read: the walk's check may be stale (a file
    // replaced by a named pipe would block the whole build).
    let bytes = inputs.read_walked(path)?;
    let parsed = front_matter::split(markdown_text(&file, &bytes)?)
        .map(|sp| (Box::new(sp.front_matter), Arc::from(sp.body), sp.body_line))
        .map_err(|e| {
            e.iter()
                .map(|e| {
                    let d = Diagnostic::new(&file, e.message.clone());
                    match (e.line, e.column) {
                        (Some(l), Some(c)) => d.at(l, c),
                        (Some(l), None) => d.at_line(l),
                        _ => d,
                    }
                })
                .collect()
        });
    Ok((Source { rel, file }, parsed))
}

/// The text of a `.md` file's bytes, or why it is not text.
fn markdown_text<'b>(file: &Path, bytes: &'b [u8]) -> Result<&'b str, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::new(
            file,
            "le fichier est en UTF-16 : réenregistrez-le en UTF-8",
        ));
    }
    if bytes.contains(&0) {
        return Err(Diagnostic::new(
            file,
            "fichier binaire (octet nul) : un fichier .md doit être du texte",
        ));
    }
    // simdutf8 checks French text (an accent every few words, where the
    // standard library's ASCII shortcut stops) several times faster; the
    // standard library's check, on the rare failure, says where.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        let (line, col) =
            crate::diagnostics::line_col(&String::from_utf8_lossy(&bytes[..valid]), valid);
        Diagnostic::new(
            file,
            "le fichier n’est pas en UTF-8 : réenregistrez-le en UTF-8",
        )
        .at(line, col)
    })
}

/// Creates the documents (in parallel: each one's place depends only on
/// the section folders), computes their URLs and links sections to pages.
fn place(
    parsed: Vec<(Source, Result<Parsed, Diagnostics>)>,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) -> Loaded {
    let mut ok: Vec<(Source, Parsed)> = Vec::with_capacity(parsed.len());
    for (s, r) in parsed {
        match r {
            Ok(parsed) => ok.push((s, parsed)),
            Err(d) => diags.extend(d),
        }
    }
    // Section folders first: their slugs shape the URLs of what they hold.
    let folders = Folders::of(&ok, opts, diags);
    let placed: Vec<(Option<Document>, Diagnostics)> = ok
        .into_par_iter()
        .map(|(s, parsed)| {
            let mut found = Diagnostics::default();
            let left_out = (parsed.0.draft && !opts.include_drafts) || folders.in_draft(&s.rel);
            let doc = if left_out {
                None
            } else {
                place_one(s, parsed, &folders, opts, &mut found)
            };
            (doc, found)
        })
        .collect();
    let mut docs = Vec::with_capacity(placed.len() + 1);
    for (doc, found) in placed {
        diags.extend(found);
        docs.extend(doc);
    }
    let mut loaded = Loaded {
        docs: home_first(docs, opts),
        ..Loaded::default()
    };
    loaded.by_source.reserve(loaded.docs.len());
    for (i, doc) in loaded.docs.iter().enumerate() {
        loaded.by_source.insert(doc.source_path.clone(), i);
    }
    link_sections(&mut loaded);
    collect_aliases(&mut loaded, diags);
    loaded
}

/// What the sections' `_index.md` say about their folders.
struct Folders {
    /// Folders holding an `_index.md` (relative to `content/`, `""` for
    /// the home page's).
    sections: HashSet<String>,
    /// Folders of draft sections (left out with everything they hold,
    /// unless drafts are included).
    drafts: Vec<String>,
    /// A section's own `slug`, by folder (relative to `content/`).
    slugs: BTreeMap<String, String>,
}

impl Folders {
    fn of(ok: &[(Source, Parsed)], opts: &LoadOptions, diags: &mut Diagnostics) -> Folders {
        let mut folders = Folders {
            sections: HashSet::new(),
            drafts: Vec::new(),
            slugs: BTreeMap::new(),
        };
        for (s, (fm, _, _)) in ok {
            let Some(dir) = s.rel.strip_suffix("_index.md") else {
                continue;
            };
            let dir = dir.trim_end_matches('/').to_string();
            folders.sections.insert(dir.clone());
            if fm.draft && !opts.include_drafts {
                folders.drafts.push(dir.clone());
            }
            if let Some(slug) = &fm.slug {
                match crate::slug::from_front_matter(slug) {
                    Ok(slug) => {
                        folders.slugs.insert(dir, slug);
                    }
                    Err(e) => diags.push(Diagnostic::new(&s.file, e.to_string())),
                }
            }
        }
        folders
    }

    /// The folder of `rel` when it is a page bundle's `index.md` (Zola's
    /// `dossier/index.md`, in a folder without `_index.md`): the page of
    /// that folder, its other files beside it.
    fn bundle_of<'r>(&self, rel: &'r str) -> Option<&'r str> {
        let dir = rel.strip_suffix("/index.md")?;
        (!self.sections.contains(dir)).then_some(dir)
    }

    /// Whether `rel` lies under a draft section's folder.
    fn in_draft(&self, rel: &str) -> bool {
        self.drafts
            .iter()
            .any(|d| !d.is_empty() && rel.starts_with(&format!("{d}/")))
    }

    /// The slug of each folder on the way to `s` (honouring a section's own
    /// `slug`), or `None` when one gives no usable address (reported).
    fn slugs_to(&self, s: &Source, diags: &mut Diagnostics) -> Option<Vec<String>> {
        let dir_parts: Vec<&str> = match s.rel.rfind('/') {
            Some(i) => s.rel[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut dirs = Vec::new();
        let mut bad = false;
        for i in 0..dir_parts.len() {
            let key = dir_parts[..=i].join("/");
            let slug = self
                .slugs
                .get(&key)
                .cloned()
                .unwrap_or_else(|| slugify(dir_parts[i]));
            if slug.is_empty() {
                diags.push(Diagnostic::new(
                    &s.file,
                    format!("le nom de dossier « {} » ne donne aucune adresse : utilisez des lettres ou des chiffres", dir_parts[i]),
                ));
                bad = true;
            } else if is_reserved(&slug) {
                diags.push(Diagnostic::new(&s.file, reserved_message(&slug)));
                bad = true;
            }
            dirs.push(slug);
        }
        (!bad).then_some(dirs)
    }
}

/// One document, with its title, slug, URL and output file; `None` when
/// its address is refused (reported).
fn place_one(
    s: Source,
    (mut fm, body, body_line): Parsed,
    folders: &Folders,
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) -> Option<Document> {
    let is_section = s.rel == "_index.md" || s.rel.ends_with("/_index.md");
    let mut dirs = folders.slugs_to(&s, diags)?;
    // A bundle is the page of its folder: named after it, placed beside it.
    let bundle = folders.bundle_of(&s.rel);
    let named = bundle.unwrap_or(&s.rel);
    let stem = named
        .rsplit('/')
        .next()
        .unwrap_or(named)
        .trim_end_matches(".md");
    if bundle.is_some() {
        dirs.pop();
    }
    // Zola's dated file names: `2024-03-14-atelier.md` is the page
    // `atelier`, of that date unless its front matter gives one.
    let stem = match date_prefix(stem).filter(|_| !is_section) {
        Some((date, rest)) => {
            fm.date.get_or_insert(date);
            rest
        }
        None => stem,
    };
    let title = fm
        .title
        .clone()
        .or_else(|| first_heading(&body))
        .map(|t| {
            if opts.french_typography {
                french_spacing(&t)
            } else {
                t
            }
        })
        .unwrap_or_else(|| {
            if is_section && dirs.is_empty() {
                opts.site_title.to_string()
            } else {
                stem.replace(['-', '_'], " ")
            }
        });
    let (kind, slug, (path, output)) = if is_section {
        let slug = dirs.last().cloned().unwrap_or_default();
        (Kind::Section, slug, opts.urls.section(&dirs))
    } else {
        let slug = page_slug(&s, &fm, stem, diags)?;
        let place = match &fm.path {
            // Zola's `path`: the page's whole URL path, checked as aliases are.
            Some(path) => match page_path_output(path, opts.urls.style) {
                Ok(place) => place,
                Err(e) => {
                    diags.push(Diagnostic::new(&s.file, e.to_string()));
                    return None;
                }
            },
            None => opts.urls.page(&dirs, &slug),
        };
        (Kind::Page, slug, place)
    };
    let misplaced: &[&str] = match kind {
        Kind::Page => &section_only_keys(&fm),
        Kind::Section if fm.path.is_some() => &["path"],
        Kind::Section => &[],
    };
    for key in misplaced {
        let message = match kind {
            Kind::Page => format!("`{key}` ne s’utilise que dans un _index.md (une section)"),
            Kind::Section => format!(
                "`{key}` ne s’utilise que dans une page (un _index.md a l’adresse de son dossier ; \
                 changez-la avec `slug`)"
            ),
        };
        diags.push(Diagnostic::new(&s.file, message));
    }
    Some(Document {
        kind,
        file: s.file,
        source_path: s.rel,
        meta: fm,
        title,
        slug,
        path,
        output,
        body,
        body_line,
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        page_template: None,
        anchor_links: Default::default(),
        assets: Vec::new(),
    })
}

/// The keys of Zola's section front matter set in `fm` (a page's, where
/// they mean nothing).
fn section_only_keys(fm: &FrontMatter) -> Vec<&'static str> {
    let set = [
        ("sort_by", fm.sort_by.is_some()),
        ("page_template", fm.page_template.is_some()),
        ("paginate_by", fm.paginate_by.is_some()),
        ("paginate_path", fm.paginate_path.is_some()),
        ("paginate_reversed", fm.paginate_reversed),
        (
            "insert_anchor_links",
            fm.insert_anchor_links != super::front_matter::AnchorLinks::None,
        ),
        ("redirect_to", fm.redirect_to.is_some()),
        ("transparent", fm.transparent),
        ("generate_feeds", fm.generate_feeds),
    ];
    set.into_iter()
        .filter(|(_, set)| *set)
        .map(|(key, _)| key)
        .collect()
}

/// A page's slug: its `slug`, else its file name; `None` when it gives no
/// usable address (reported).
/// `2024-03-14-atelier` (or `_atelier`): the date and the rest, as Zola
/// reads a page's file or folder name; `None` without a valid date or a rest.
fn date_prefix(stem: &str) -> Option<(jiff::civil::Date, &str)> {
    let (day, rest) = (stem.get(..10)?, stem.get(11..)?);
    let separator = stem.as_bytes()[10];
    let digits = |r: std::ops::Range<usize>| day[r].bytes().all(|b| b.is_ascii_digit());
    let shaped =
        digits(0..4) && digits(5..7) && digits(8..10) && &day[4..5] == "-" && &day[7..8] == "-";
    if !shaped || !matches!(separator, b'-' | b'_') || rest.is_empty() {
        return None;
    }
    Some((day.parse().ok()?, rest))
}

fn page_slug(s: &Source, fm: &FrontMatter, stem: &str, diags: &mut Diagnostics) -> Option<String> {
    let slug = match fm.slug.as_deref().map(crate::slug::from_front_matter) {
        Some(Ok(slug)) => slug,
        Some(Err(e)) => {
            diags.push(Diagnostic::new(&s.file, e.to_string()));
            return None;
        }
        None => slugify(stem),
    };
    if slug.is_empty() {
        diags.push(Diagnostic::new(
            &s.file,
            "ni le nom du fichier ni `slug` ne donnent une adresse : utilisez des lettres ou des chiffres",
        ));
        return None;
    }
    if is_reserved(&slug) {
        diags.push(Diagnostic::new(&s.file, reserved_message(&slug)));
        return None;
    }
    Some(slug)
}

fn reserved_message(slug: &str) -> String {
    format!(
        "l’adresse « {slug} » est un nom réservé par Windows (con, prn, aux, nul, com1…, lpt1…) : \
         le site ne pourrait pas y être copié ; renommez le fichier ou donnez un autre `slug`"
    )
}

/// `docs` with the home section first: `content/_index.md`, or an empty
/// section when it is missing.
fn home_first(mut docs: Vec<Document>, opts: &LoadOptions) -> Vec<Document> {
    let home = match docs.iter().position(|d| d.source_path == "_index.md") {
        // Already first when the walk met it first: nothing moves.
        Some(0) => return docs,
        Some(i) => docs.remove(i),
        None => {
            let (path, output) = opts.urls.section(&[]);
            Document {
                kind: Kind::Section,
                file: PathBuf::from("content/_index.md"),
                source_path: "_index.md".into(),
                meta: Box::default(),
                title: opts.site_title.to_string(),
                slug: String::new(),
                path,
                output,
                body: Arc::from(""),
                body_line: 1,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                page_template: None,
                anchor_links: Default::default(),
                assets: Vec::new(),
            }
        }
    };
    docs.insert(0, home);
    docs
}

/// Each document's parent is the nearest enclosing folder with `_index.md`.
fn link_sections(loaded: &mut Loaded) {
    // The documents of a folder come together (the walk's order): the
    // section found for one is the next one's.
    let mut last: Option<(String, usize)> = None;
    for i in 1..loaded.docs.len() {
        let rel = &loaded.docs[i].source_path;
        let dir = match rel.strip_suffix("/_index.md") {
            Some(section_dir) => parent_of(section_dir),
            None => parent_of(rel),
        };
        let parent = match &last {
            Some((seen, parent)) if seen == dir => *parent,
            _ => {
                let parent = section_above(&loaded.by_source, dir);
                last = Some((dir.to_string(), parent));
                parent
            }
        };
        loaded.docs[i].parent = Some(parent);
        if loaded.docs[i].kind == Kind::Section {
            loaded.docs[parent].subsections.push(i);
        } else {
            loaded.docs[parent].pages.push(i);
        }
    }
    pass_transparent_pages(loaded);
    inherit_from_sections(loaded);
    for s in 0..loaded.docs.len() {
        if loaded.docs[s].kind != Kind::Section {
            continue;
        }
        let mut pages = std::mem::take(&mut loaded.docs[s].pages);
        sort_pages(&mut pages, &loaded.docs, loaded.docs[s].sort_by());
        loaded.docs[s].pages = pages;
        let mut subs = std::mem::take(&mut loaded.docs[s].subsections);
        sort_pages(&mut subs, &loaded.docs, Some(SortBy::Weight));
        loaded.docs[s].subsections = subs;
    }
}

/// A transparent section's pages are also its parent's (Zola's
/// `transparent`): deepest sections first, so a chain of transparent
/// sections passes them all the way up.
fn pass_transparent_pages(loaded: &mut Loaded) {
    let docs = &mut loaded.docs;
    let mut transparent: Vec<usize> = (1..docs.len())
        .filter(|&i| docs[i].kind == Kind::Section && docs[i].meta.transparent)
        .collect();
    transparent.sort_by_key(|&i| std::cmp::Reverse(docs[i].source_path.matches('/').count()));
    for s in transparent {
        if let Some(parent) = docs[s].parent {
            let pages = docs[s].pages.clone();
            docs[parent].pages.extend(pages);
        }
    }
}

/// What a document takes from its sections: a page, its section's
/// `insert_anchor_links` and the nearest `page_template` above it (as in
/// Zola); a section, its own `insert_anchor_links`.
fn inherit_from_sections(loaded: &mut Loaded) {
    for i in 0..loaded.docs.len() {
        let docs = &loaded.docs;
        let (anchor_links, page_template) = match docs[i].kind {
            Kind::Section => (docs[i].meta.insert_anchor_links, None),
            Kind::Page => {
                let section = docs[i].parent.map(|p| &docs[p].meta);
                let mut template = None;
                let mut above = docs[i].parent;
                while let Some(s) = above {
                    if let Some(t) = &docs[s].meta.page_template {
                        template = Some(t.clone());
                        break;
                    }
                    above = docs[s].parent;
                }
                (
                    section.map(|m| m.insert_anchor_links).unwrap_or_default(),
                    template,
                )
            }
        };
        let doc = &mut loaded.docs[i];
        doc.anchor_links = anchor_links;
        doc.page_template = page_template;
    }
}

fn parent_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// The source path of the section of folder `dir` (relative to
/// `content/`, `""` for `content/` itself).
fn section_index(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    }
}

/// The section of folder `dir` (relative to `content/`), or the nearest
/// one above it: the home page at last, always there.
fn section_above(by_source: &FxHashMap<String, usize>, mut dir: &str) -> usize {
    loop {
        match by_source.get(&section_index(dir)) {
            Some(&section) => return section,
            None if dir.is_empty() => return 0,
            None => dir = parent_of(dir),
        }
    }
}

/// Newest first when every page is dated (or `sort_by = "date"`), else by
/// weight then title; the source path breaks ties so output is deterministic.
fn sort_pages(pages: &mut [usize], docs: &[Document], sort_by: Option<SortBy>) {
    let all_dated = pages.iter().all(|&p| docs[p].date().is_some());
    let sort_by = sort_by.unwrap_or(if all_dated && !pages.is_empty() {
        SortBy::Date
    } else {
        SortBy::Weight
    });
    // Each page's key read once, beside its index: a comparison that read
    // two documents and their front matter, scattered in memory, made
    // sorting a 10 000-page section slow. The source path, unique, breaks
    // every tie, so an unstable sort gives the one order.
    let mut keyed: Vec<(SortKey<'_>, &str, usize)> = pages
        .iter()
        .map(|&p| {
            let d = &docs[p];
            (SortKey::of(d, sort_by), d.source_path.as_str(), p)
        })
        .collect();
    keyed.par_sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (slot, (_, _, p)) in pages.iter_mut().zip(keyed) {
        *slot = p;
    }
}

/// What a section's pages are sorted by, for one page (the same variant
/// for every page of a sort).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey<'d> {
    /// The newest first.
    Newest(std::cmp::Reverse<Option<jiff::civil::Date>>),
    /// The pages without a weight last, then by title.
    Weight(bool, Option<i64>, &'d str),
    Title(&'d str),
    Slug(&'d str),
    None,
}

impl<'d> SortKey<'d> {
    fn of(d: &'d Document, sort_by: SortBy) -> Self {
        use std::cmp::Reverse;
        match sort_by {
            SortBy::Date => SortKey::Newest(Reverse(d.date())),
            SortBy::UpdateDate => SortKey::Newest(Reverse(d.last_modified())),
            SortBy::Weight => SortKey::Weight(d.meta.weight.is_none(), d.meta.weight, &d.title),
            SortBy::Title => SortKey::Title(&d.title),
            SortBy::Slug => SortKey::Slug(&d.slug),
            SortBy::None => SortKey::None,
        }
    }
}

fn collect_aliases(loaded: &mut Loaded, diags: &mut Diagnostics) {
    for (i, doc) in loaded.docs.iter().enumerate() {
        for alias in &doc.meta.aliases {
            match alias_output(alias) {
                Ok((_, output)) => loaded.aliases.push((output, i)),
                Err(e) => diags.push(Diagnostic::new(&doc.file, e.to_string())),
            }
        }
    }
}

/// Places the files of `content/` that are not Markdown: a page bundle's
/// files (at any depth of its folder) beside its page, the others under
/// their folder's URL; each document's `assets` lists its folder's files.
fn place_assets(
    root: &Path,
    files: Vec<Found>,
    bundles: &HashSet<String>,
    loaded: &mut Loaded,
    diags: &mut Diagnostics,
) {
    let mut assets = Vec::new();
    for (rel, source) in files {
        let dir = parent_of(&rel);
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let (url_dir, below, owner) = match bundle_above(&rel, bundles, loaded) {
            Some((folder, Some(page))) => {
                let below = rel.get(folder.len() + 1..).unwrap_or(name).to_string();
                (output_folder(&loaded.docs[page].output), below, Some(page))
            }
            // A draft bundle's files stay unpublished with it.
            Some((_, None)) => continue,
            None => {
                let section = loaded.by_source.get(&section_index(dir)).copied();
                let url_dir = match section {
                    Some(s) => loaded.docs[s].path.trim_matches('/').to_string(),
                    None => dir
                        .split('/')
                        .filter(|p| !p.is_empty())
                        .map(slugify)
                        .collect::<Vec<_>>()
                        .join("/"),
                };
                (url_dir, name.to_string(), section)
            }
        };
        let wanted = if url_dir.is_empty() {
            below
        } else {
            format!("{url_dir}/{below}")
        };
        match check_output_path(&wanted) {
            Ok(()) => {
                if let Some(doc) = owner {
                    loaded.docs[doc].assets.push(format!("/{rel}"));
                }
                assets.push(Asset {
                    source,
                    output: wanted,
                })
            }
            Err(why) => diags.push(Diagnostic::new(
                crate::diagnostics::display_path(root, &source),
                format!("nom de fichier refusé : {why}"),
            )),
        }
    }
    loaded.assets = assets;
}

/// The folders of page bundles: those holding an `index.md` and no
/// `_index.md` (`Found` paths are relative to `content/`).
fn bundle_folders(markdown: &[Found]) -> HashSet<String> {
    let sections: HashSet<&str> = markdown
        .iter()
        .filter_map(|(rel, _)| rel.strip_suffix("/_index.md"))
        .collect();
    markdown
        .iter()
        .filter_map(|(rel, _)| rel.strip_suffix("/index.md"))
        .filter(|dir| !sections.contains(dir))
        .map(str::to_string)
        .collect()
}

/// The folder of the bundle holding the file `rel` (the nearest one above
/// it), with its page: none when the page is left out (a draft).
fn bundle_above<'r>(
    rel: &'r str,
    bundles: &HashSet<String>,
    loaded: &Loaded,
) -> Option<(&'r str, Option<usize>)> {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        dir = parent;
        if bundles.contains(dir) {
            let page = loaded.by_source.get(&format!("{dir}/index.md")).copied();
            return Some((dir, page));
        }
    }
    None
}

/// The folder of the output folder a page is written in or as:
/// `a-propos/index.html` → `a-propos`, `a-propos.html` → `a-propos`.
fn output_folder(output: &str) -> String {
    output
        .strip_suffix("/index.html")
        .or_else(|| output.strip_suffix(".html"))
        .unwrap_or(output)
        .to_string()
}

/// Two documents, aliases or files may not produce the same output file.
fn check_collisions(root: &Path, loaded: &Loaded, diags: &mut Diagnostics) {
    // FxHash: the site's own paths (see `Loaded::by_source`).
    let mut owners: FxHashMap<&str, Cow<Path>> =
        HashMap::with_capacity_and_hasher(loaded.docs.len(), Default::default());
    let outputs = loaded
        .docs
        .iter()
        .filter(|d| d.is_rendered())
        .map(|d| {
            (
                d.output.as_str(),
                Cow::Borrowed(d.file.as_path()),
                "la page",
            )
        })
        .chain(loaded.aliases.iter().map(|(o, i)| {
            let file = Cow::Borrowed(loaded.docs[*i].file.as_path());
            (o.as_str(), file, "l’alias")
        }))
        .chain(loaded.assets.iter().map(|a| {
            let shown = crate::diagnostics::display_path(root, &a.source);
            (a.output.as_str(), Cow::Owned(shown), "le fichier")
        }));
    for (output, file, what) in outputs {
        if let Some(first) = owners.insert(output, file.clone()) {
            diags.push(Diagnostic::new(
                file,
                format!(
                    "{what} produit {output}, déjà produit par {} : deux contenus à la même adresse",
                    first.display()
                ),
            ));
        }
    }
}

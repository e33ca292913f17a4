//! Taxonomies (`[[taxonomies]]` of the config, Zola's): the terms pages
//! name in their front matter's `[taxonomies]`, grouped by slug; a list
//! page per taxonomy (`/<taxonomy>/`, `taxonomy_list.html`), a page per
//! term (`/<taxonomy>/<term>/`, `taxonomy_single.html`, paginated when the
//! taxonomy says so), an Atom feed per term with `feed = true`; and the
//! template functions `get_taxonomy` and `get_taxonomy_url`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use serde_json::{json, Map, Value};
use tera::Tera;

use super::extras::{Extras, ExtrasSite};
use super::listings::{self, folder_output, Paging};
use super::outputs::OutputMap;
use crate::config::{self, Config, ZOLA_CONFIG_FILE};
use crate::content::paths::is_reserved;
use crate::content::{Document, Kind, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::deps::{Key, KeyBuilder};
use crate::slug::slugify;
use crate::urls::Urls;

/// Every taxonomy of the config, in its order, with its terms.
#[derive(Debug, Default)]
pub(super) struct Taxonomies {
    pub(super) list: Vec<Taxonomy>,
    /// The configuration file that declares them, as shown in messages.
    pub(super) origin: String,
}

/// One taxonomy and the terms pages gave it.
#[derive(Debug)]
pub(super) struct Taxonomy {
    pub(super) config: config::Taxonomy,
    /// Its folder: `slug(name)`.
    pub(super) slug: String,
    pub(super) paging: Option<Paging>,
    /// Sorted by slug.
    pub(super) terms: Vec<Term>,
}

/// A term: the pages that name it (or a name with the same slug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Term {
    /// As the first page naming it wrote it (in the order of the files).
    pub(super) name: String,
    pub(super) slug: String,
    /// Newest first, undated pages last by title.
    pub(super) pages: Vec<usize>,
}

impl Taxonomy {
    /// `/<taxonomy>/`.
    pub(super) fn path(&self) -> String {
        format!("/{}/", self.slug)
    }

    /// `/<taxonomy>/<term>/`.
    pub(super) fn term_path(&self, term: &Term) -> String {
        format!("/{}/{}/", self.slug, term.slug)
    }

    /// The pagers of a term (one when the taxonomy is not paginated).
    pub(super) fn pagers(&self, term: &Term) -> Vec<Vec<usize>> {
        match &self.paging {
            Some(p) => listings::split(&term.pages, p.by),
            None => vec![term.pages.clone()],
        }
    }
}

/// The taxonomies of `config` (read from the file `origin`) with the terms
/// of `loaded`'s pages. A page naming a taxonomy the config does not
/// declare, a term or taxonomy name without letters or digits, are reported.
pub(super) fn collect(
    config: &Config,
    loaded: &Loaded,
    origin: &str,
) -> Result<Taxonomies, Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut list: Vec<Taxonomy> = Vec::new();
    for t in &config.taxonomies {
        let slug = slugify(&t.name);
        let why = if slug.is_empty() {
            Some("ne donne aucune adresse : utilisez des lettres ou des chiffres".to_string())
        } else if is_reserved(&slug) {
            Some("est un nom réservé par Windows (con, nul, aux…)".to_string())
        } else {
            list.iter()
                .find(|o| o.slug == slug)
                .map(|o| format!("a la même adresse /{slug}/ que « {} »", o.config.name))
        };
        if let Some(why) = why {
            problems.push(Diagnostic::new(
                origin,
                format!("taxonomies : le nom « {} » {why}", t.name),
            ));
            continue;
        }
        let paging =
            Paging::of(t.paginate_by, t.paginate_path.as_deref(), origin).unwrap_or_else(|d| {
                problems.push(d);
                None
            });
        list.push(Taxonomy {
            config: t.clone(),
            slug,
            paging,
            terms: Vec::new(),
        });
    }
    let names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let mut terms: Vec<BTreeMap<String, Term>> = vec![BTreeMap::new(); list.len()];
    for (i, doc) in loaded.docs.iter().enumerate() {
        if doc.kind != Kind::Page {
            continue;
        }
        for (name, values) in &doc.meta.taxonomies {
            let Some(t) = list.iter().position(|t| &t.config.name == name) else {
                if !names.contains(&name.as_str()) {
                    problems.push(unknown_taxonomy(doc, name, &names, origin));
                }
                continue;
            };
            for value in values {
                let slug = slugify(value);
                let why = if slug.is_empty() {
                    "ne donne aucune adresse : utilisez des lettres ou des chiffres"
                } else if is_reserved(&slug) {
                    "donne un nom réservé par Windows (con, nul, aux…) : le site ne \
                     pourrait pas y être copié"
                } else {
                    ""
                };
                if !why.is_empty() {
                    problems.push(at_taxonomy(
                        Diagnostic::new(
                            &doc.file,
                            format!("[taxonomies] {name} : le terme « {value} » {why}"),
                        ),
                        doc,
                        name,
                    ));
                    continue;
                }
                let term = terms[t].entry(slug.clone()).or_insert_with(|| Term {
                    name: value.clone(),
                    slug,
                    pages: Vec::new(),
                });
                // `["Wi-Fi", "wifi"]` on one page: listed once.
                if term.pages.last() != Some(&i) {
                    term.pages.push(i);
                }
            }
        }
    }
    for (t, terms) in list.iter_mut().zip(terms) {
        t.terms = terms.into_values().collect();
        for term in &mut t.terms {
            sort_term_pages(&mut term.pages, &loaded.docs);
        }
    }
    problems.into_result().map(|()| Taxonomies {
        list,
        origin: origin.to_string(),
    })
}

fn unknown_taxonomy(doc: &Document, name: &str, names: &[&str], origin: &str) -> Diagnostic {
    let mut message = format!("[taxonomies] : la taxonomie « {name} » n’est pas déclarée");
    match crate::suggest::closest(name, names.iter().copied()) {
        Some(close) => message.push_str(&format!(" : vouliez-vous dire « {close} » ?")),
        None if names.is_empty() => {
            let how = if origin == ZOLA_CONFIG_FILE {
                format!("taxonomies = [{{ name = \"{name}\" }}]")
            } else {
                format!("[[taxonomies]] avec name = \"{name}\"")
            };
            message.push_str(&format!(
                " : le site n’en déclare aucune ; déclarez-la dans {origin} ({how})"
            ));
        }
        None => message.push_str(&format!(" (taxonomies déclarées : {})", names.join(", "))),
    }
    at_taxonomy(Diagnostic::new(&doc.file, message), doc, name)
}

/// At the line where the page names taxonomy `name`, when known.
fn at_taxonomy(d: Diagnostic, doc: &Document, name: &str) -> Diagnostic {
    match doc.meta.taxonomy_lines.get(name) {
        Some(&line) => d.at_line(line),
        None => d,
    }
}

/// Newest first, then undated pages by title; the source path breaks ties.
fn sort_term_pages(pages: &mut [usize], docs: &[Document]) {
    pages.sort_by(|&a, &b| {
        let (a, b) = (&docs[a], &docs[b]);
        (b.date().is_some(), b.date())
            .cmp(&(a.date().is_some(), a.date()))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.source_path.cmp(&b.source_path))
    });
}

/// A taxonomy's config as templates see it (Zola's `TaxonomyConfig`).
fn config_value(t: &Taxonomy, lang: &str, urls: &Urls) -> Value {
    let c = &t.config;
    json!({
        "name": c.name, "slug": t.slug, "feed": c.feed, "render": c.render,
        "paginate_by": c.paginate_by, "paginate_path": c.paginate_path, "lang": lang,
        "permalink": urls.permalink(&t.path()),
    })
}

/// A term as templates see it (Zola's `TaxonomyTerm`, and the URL of
/// its feed when it has one), its pages `pages`.
fn term_value(
    t: &Taxonomy,
    term: &Term,
    docs: &[Document],
    urls: &Urls,
    pages: Vec<Value>,
) -> Value {
    let path = t.term_path(term);
    let feed =
        t.config.render && t.config.feed && term.pages.iter().any(|&p| docs[p].date().is_some());
    let feed_url = feed.then(|| urls.permalink(&listings::feed_path(&path)));
    json!({
        "name": term.name, "slug": term.slug, "permalink": urls.permalink(&path),
        "path": path, "page_count": term.pages.len(), "pages": pages, "feed_url": feed_url,
    })
}

/// What the pages of a term are seen as: their listing views.
fn views(site: &ExtrasSite<'_>, pages: &[usize]) -> Vec<Value> {
    pages
        .iter()
        .map(|&p| Value::Object(site.views.summary(p)))
        .collect()
}

/// The key of what a term's pages show: each page and its view's rebuild.
fn term_key(k: &mut KeyBuilder, site: &ExtrasSite<'_>, term: &Term) {
    k.str(&term.name)
        .str(&term.slug)
        .u64(term.pages.len() as u64);
    for &p in &term.pages {
        k.str(&site.loaded.docs[p].source_path)
            .u64(site.views.summaries[p].changed_at.number());
    }
}

/// Renders each rendered taxonomy's list page, its terms' pages (and
/// pagers) and feeds into `out`.
pub(super) fn render_all(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    for t in site
        .listings
        .taxonomies
        .list
        .iter()
        .filter(|t| t.config.render)
    {
        render_list(extras, t, out);
        for term in &t.terms {
            render_term(extras, t, term, out);
            if t.config.feed {
                let path = listings::feed_path(&t.term_path(term));
                let limit = site.config.feed_limit;
                let pages = listings::newest_dated(&site.loaded.docs, &term.pages, limit);
                if pages.is_empty() {
                    continue;
                }
                let title = format!("{} : {}", t.config.name, term.name);
                match extras.feed(&path, &pages, Some(&title), &t.term_path(term)) {
                    Ok(bytes) => {
                        let output = listings::folder_feed_output(&path);
                        out.add(output, bytes, &site.listings.taxonomies.origin);
                    }
                    Err(d) => out.push(d),
                }
            }
        }
    }
}

fn render_list(extras: &mut Extras, t: &Taxonomy, out: &mut OutputMap) {
    let site = extras.site;
    let path = t.path();
    let mut key = KeyBuilder::new("taxonomy list");
    key.str(&format!("{:?}", t.config));
    for term in &t.terms {
        term_key(&mut key, site, term);
    }
    render_at(
        extras,
        t,
        &path,
        LIST_TEMPLATE,
        &key.finish(),
        out,
        |ctx, urls| {
            let terms: Vec<Value> = t
                .terms
                .iter()
                .map(|term| term_value(t, term, &site.loaded.docs, urls, views(site, &term.pages)))
                .collect();
            ctx.insert("terms", &terms);
        },
    );
}

fn render_term(extras: &mut Extras, t: &Taxonomy, term: &Term, out: &mut OutputMap) {
    let site = extras.site;
    let base = t.term_path(term);
    let pagers = t.pagers(term);
    let mut key = KeyBuilder::new("taxonomy term");
    key.str(&format!("{:?}", t.config));
    term_key(&mut key, site, term);
    let key = key.finish();
    for (i, pager) in pagers.iter().enumerate() {
        let index = i + 1;
        let path = match &t.paging {
            Some(p) => p.pager_path(&base, index),
            None => base.clone(),
        };
        let pager_key = KeyBuilder::new("pager")
            .key(&key)
            .u64(index as u64)
            .finish();
        render_at(
            extras,
            t,
            &path,
            SINGLE_TEMPLATE,
            &pager_key,
            out,
            |ctx, urls| {
                let term_pages = views(site, &term.pages);
                ctx.insert(
                    "term",
                    &term_value(t, term, &site.loaded.docs, urls, term_pages),
                );
                if let Some(paging) = &t.paging {
                    let counts = (index, pagers.len(), term.pages.len());
                    let pages = views(site, pager);
                    let paginator = listings::paginator(urls, &base, paging, counts, pages);
                    ctx.insert("paginator", &paginator);
                }
            },
        );
    }
    if let Some(paging) = &t.paging {
        let one = paging.numbered_path(&base, 1);
        let origin = &site.listings.taxonomies.origin;
        extras.redirect(&folder_output(&one), &base, &term.name, origin, out);
    }
}

/// Renders a page of taxonomy `t` at URL path `path` with `template` into
/// `out`: what every taxonomy page sees (`taxonomy`, `current_path`,
/// `current_url`), and what `fill` adds.
fn render_at(
    extras: &mut Extras,
    t: &Taxonomy,
    path: &str,
    template: &str,
    key: &Key,
    out: &mut OutputMap,
    fill: impl FnOnce(&mut tera::Context, &Urls),
) {
    let site = extras.site;
    let output = folder_output(path);
    let name = format!("taxonomy:{output}");
    let result = extras.render_page(&name, Some(&output), template, key, || {
        let urls = site.urls();
        let mut ctx = tera::Context::new();
        ctx.insert("taxonomy", &config_value(t, &site.config.language, urls));
        fill(&mut ctx, urls);
        ctx.insert("current_path", path);
        ctx.insert("current_url", &urls.permalink(path));
        ctx
    });
    match result {
        Ok(bytes) => out.add(output, bytes, &site.listings.taxonomies.origin),
        Err(d) => out.push(d),
    }
}

/// The template of a taxonomy's list page.
pub(super) const LIST_TEMPLATE: &str = "taxonomy_list.html";
/// The template of a term's page.
pub(super) const SINGLE_TEMPLATE: &str = "taxonomy_single.html";

/// The URL paths of every taxonomy page (lists, terms and their pagers),
/// for the sitemap.
pub(super) fn sitemap_paths(taxonomies: &Taxonomies) -> Vec<String> {
    let mut paths = Vec::new();
    for t in taxonomies.list.iter().filter(|t| t.config.render) {
        paths.push(t.path());
        for term in &t.terms {
            let base = t.term_path(term);
            let count = t.pagers(term).len();
            for index in 1..=count {
                paths.push(match &t.paging {
                    Some(p) => p.pager_path(&base, index),
                    None => base.clone(),
                });
            }
        }
    }
    paths
}

/// What `get_taxonomy` and `get_taxonomy_url` answer, for one rebuild.
#[derive(Debug, Default)]
pub struct ForTemplates {
    kinds: HashMap<String, KindData>,
}

#[derive(Debug, Default)]
struct KindData {
    rendered: bool,
    /// Term permalinks by slug.
    terms: HashMap<String, String>,
    /// `get_taxonomy`'s value (made only when a template calls it).
    full: Option<Value>,
}

/// The slot the template functions read, filled again at each rebuild
/// before pages are rendered.
pub type Slot = Arc<RwLock<Arc<ForTemplates>>>;

/// Whether a template of the theme calls `get_taxonomy` (its answer then
/// holds every term's pages, made and keyed only when asked).
pub(super) fn full_asked(theme: &crate::theme::Theme) -> bool {
    let needle = b"get_taxonomy(";
    theme
        .templates
        .values()
        .any(|f| f.bytes.windows(needle.len()).any(|w| w == needle))
}

impl Taxonomies {
    /// What the template functions answer, and its key (what every
    /// template may see of the taxonomies): the terms' URLs, and with
    /// `full`, every term's pages.
    pub(super) fn for_templates(
        &self,
        lang: &str,
        urls: &Urls,
        full: Option<&[Map<String, Value>]>,
        changed_at: &dyn Fn(usize) -> u64,
        docs: &[Document],
    ) -> (ForTemplates, Key) {
        let mut key = KeyBuilder::new("taxonomies for templates");
        let mut kinds = HashMap::new();
        for t in &self.list {
            key.str(&format!("{:?}", t.config)).str(&t.slug);
            let mut data = KindData {
                rendered: t.config.render,
                ..KindData::default()
            };
            for term in &t.terms {
                key.str(&term.name).str(&term.slug);
                let url = urls.permalink(&t.term_path(term));
                data.terms.insert(term.slug.clone(), url);
            }
            if let Some(views) = full {
                let items: Vec<Value> = t
                    .terms
                    .iter()
                    .map(|term| {
                        key.u64(term.pages.len() as u64);
                        for &p in &term.pages {
                            key.str(&docs[p].source_path).u64(changed_at(p));
                        }
                        let pages = term
                            .pages
                            .iter()
                            .map(|&p| Value::Object(views[p].clone()))
                            .collect();
                        term_value(t, term, docs, urls, pages)
                    })
                    .collect();
                data.full = Some(json!({
                    "kind": config_value(t, lang, urls),
                    "lang": lang,
                    "permalink": urls.permalink(&t.path()),
                    "items": items,
                }));
            }
            kinds.insert(t.config.name.clone(), data);
        }
        (ForTemplates { kinds }, key.finish())
    }
}

/// Registers `get_taxonomy(kind=…)` and `get_taxonomy_url(kind=…, name=…)`
/// (both with `required=false` to get nothing instead of an error), reading
/// what `slot` holds when called.
pub fn register(tera: &mut Tera, slot: Slot) {
    let s = Arc::clone(&slot);
    tera.register_function(
        "get_taxonomy",
        move |args: &HashMap<String, Value>| -> tera::Result<Value> {
            let kind = string_arg(args, "kind", "get_taxonomy")?;
            let data = current(&s);
            match data.kinds.get(kind) {
                Some(k) => k.full.clone().ok_or_else(|| {
                    tera::Error::msg(
                        "get_taxonomy : les pages des taxonomies ne sont connues qu’une fois \
                         le Markdown rendu ; appelez-la depuis un gabarit, pas depuis un shortcode",
                    )
                }),
                None if !required(args) => Ok(Value::Null),
                None => Err(no_kind("get_taxonomy", kind, &data)),
            }
        },
    );
    tera.register_function(
        "get_taxonomy_url",
        move |args: &HashMap<String, Value>| -> tera::Result<Value> {
            let kind = string_arg(args, "kind", "get_taxonomy_url")?;
            let name = string_arg(args, "name", "get_taxonomy_url")?;
            let data = current(&slot);
            let Some(k) = data.kinds.get(kind) else {
                return match required(args) {
                    true => Err(no_kind("get_taxonomy_url", kind, &data)),
                    false => Ok(Value::String(String::new())),
                };
            };
            match k.terms.get(&slugify(name)) {
                Some(url) if k.rendered => Ok(Value::String(url.clone())),
                _ if !required(args) => Ok(Value::String(String::new())),
                Some(_) => Err(tera::Error::msg(format!(
                    "get_taxonomy_url : la taxonomie « {kind} » n’a pas de pages (render = false)"
                ))),
                None => Err(tera::Error::msg(format!(
                    "get_taxonomy_url : aucune page n’a le terme « {name} » dans « {kind} »"
                ))),
            }
        },
    );
}

fn current(slot: &Slot) -> Arc<ForTemplates> {
    Arc::clone(&slot.read().unwrap_or_else(|e| e.into_inner()))
}

fn required(args: &HashMap<String, Value>) -> bool {
    args.get("required")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

fn no_kind(function: &str, kind: &str, data: &ForTemplates) -> tera::Error {
    let mut names: Vec<&str> = data.kinds.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut message = format!("{function} : la taxonomie « {kind} » n’est pas déclarée");
    if let Some(close) = crate::suggest::closest(kind, names.iter().copied()) {
        message.push_str(&format!(" : vouliez-vous dire « {close} » ?"));
    }
    tera::Error::msg(message)
}

fn string_arg<'a>(
    args: &'a HashMap<String, Value>,
    key: &str,
    function: &str,
) -> tera::Result<&'a str> {
    args.get(key).and_then(Value::as_str).ok_or_else(|| {
        tera::Error::msg(format!("{function} attend un argument {key}=\"…\" (texte)"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONFIG_FILE;

    #[test]
    fn french_terms_get_clean_slugs() {
        assert_eq!(slugify("Réseau & Wi-Fi"), "reseau-wi-fi");
        assert_eq!(slugify("Sauvegardes (NAS)"), "sauvegardes-nas");
        assert_eq!(slugify("Logiciels libres"), "logiciels-libres");
        assert_eq!(slugify("« Œuvres »"), "oeuvres");
    }

    fn page(source: &str, date: Option<&str>, tags: &[&str]) -> Document {
        let mut meta = crate::content::front_matter::FrontMatter {
            date: date.map(|d| d.parse().unwrap()),
            ..Default::default()
        };
        meta.taxonomies
            .insert("tags".into(), tags.iter().map(|t| t.to_string()).collect());
        Document {
            kind: Kind::Page,
            file: format!("content/{source}").into(),
            source_path: source.into(),
            meta: Box::new(meta),
            title: source.into(),
            slug: source.trim_end_matches(".md").into(),
            path: format!("/{}/", source.trim_end_matches(".md")),
            output: String::new(),
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

    fn config(names: &[&str]) -> Config {
        Config {
            taxonomies: names
                .iter()
                .map(|n| config::Taxonomy {
                    name: n.to_string(),
                    feed: false,
                    paginate_by: None,
                    paginate_path: None,
                    render: true,
                })
                .collect(),
            ..Config::default()
        }
    }

    fn loaded(docs: Vec<Document>) -> Loaded {
        Loaded {
            docs,
            ..Loaded::default()
        }
    }

    #[test]
    fn terms_with_one_slug_are_merged_under_the_first_name() {
        let docs = vec![
            page("a.md", Some("2024-01-01"), &["Réseau & Wi-Fi", "Sécurité"]),
            page("b.md", Some("2024-03-01"), &["réseau wi-fi"]),
            page("c.md", None, &["Reseau & WI-FI", "réseau-wi-fi"]),
        ];
        let t = collect(&config(&["tags"]), &loaded(docs), CONFIG_FILE).unwrap();
        let terms = &t.list[0].terms;
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[0].name, "Réseau & Wi-Fi");
        assert_eq!(terms[0].slug, "reseau-wi-fi");
        // Newest first, the undated page last, each page once.
        assert_eq!(terms[0].pages, vec![1, 0, 2]);
        assert_eq!(t.list[0].term_path(&terms[1]), "/tags/securite/");
    }

    #[test]
    fn an_undeclared_taxonomy_is_named_with_a_suggestion() {
        let docs = vec![page("a.md", None, &["x"])];
        let e = collect(&config(&["tag"]), &loaded(docs), CONFIG_FILE).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("content/a.md"), "{text}");
        assert!(text.contains("« tags » n’est pas déclarée"), "{text}");
        assert!(text.contains("vouliez-vous dire « tag »"), "{text}");
        let docs = vec![page("a.md", None, &["x"])];
        let e = collect(&config(&[]), &loaded(docs), ZOLA_CONFIG_FILE).unwrap_err();
        assert!(e.to_string().contains("n’en déclare aucune"), "{e}");
    }

    #[test]
    fn a_term_without_letters_or_with_a_reserved_name_is_refused() {
        let docs = vec![page("a.md", None, &["!!!"])];
        let e = collect(&config(&["tags"]), &loaded(docs), CONFIG_FILE).unwrap_err();
        assert!(
            e.to_string().contains("« !!! » ne donne aucune adresse"),
            "{e}"
        );
        let docs = vec![page("a.md", None, &["NUL"])];
        let e = collect(&config(&["tags"]), &loaded(docs), CONFIG_FILE).unwrap_err();
        assert!(
            e.to_string().contains("« NUL » donne un nom réservé"),
            "{e}"
        );
    }
}

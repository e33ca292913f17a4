//! What templates see: small JSON views of documents, built once per
//! document and shared by every listing that shows it.

use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::content::Document;
use crate::markdown::{Heading, Rendered};
use crate::urls::Urls;

/// Words read per minute, for `reading_time`.
const WORDS_PER_MINUTE: usize = 200;

/// The fields of a document its [`summary`] is made of (with its rendered
/// Markdown and the base URL): when they are the same, so is the summary.
/// Keep in step with [`summary`].
#[derive(Debug, Clone, PartialEq)]
pub struct SummarySource {
    title: String,
    description: Option<String>,
    date: Option<jiff::civil::Date>,
    updated: Option<jiff::civil::Date>,
    slug: String,
    path: String,
    draft: bool,
    weight: Option<i64>,
    taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    authors: Vec<String>,
    assets: Vec<String>,
    source_path: String,
    extra: Map<String, Value>,
}

impl SummarySource {
    pub fn of(doc: &Document) -> Self {
        let m = &doc.meta;
        SummarySource {
            title: doc.title.clone(),
            description: m.description.clone(),
            date: m.date,
            updated: m.updated,
            slug: doc.slug.clone(),
            path: doc.path.clone(),
            draft: m.draft,
            weight: m.weight,
            taxonomies: m.taxonomies.clone(),
            authors: m.authors.clone(),
            assets: doc.assets.clone(),
            source_path: doc.source_path.clone(),
            extra: m.extra.clone(),
        }
    }

    /// Whether `doc` has these fields (without copying them).
    pub fn matches(&self, doc: &Document) -> bool {
        let m = &doc.meta;
        self.title == doc.title
            && self.description == m.description
            && self.date == m.date
            && self.updated == m.updated
            && self.slug == doc.slug
            && self.path == doc.path
            && self.draft == m.draft
            && self.weight == m.weight
            && self.taxonomies == m.taxonomies
            && self.authors == m.authors
            && self.assets == doc.assets
            && self.source_path == doc.source_path
            && self.extra == m.extra
    }
}

/// A document's fields without its content (for listings).
pub fn summary(doc: &Document, rendered: &Rendered, urls: &Urls) -> Map<String, Value> {
    let m = &doc.meta;
    let date = |d: Option<jiff::civil::Date>| d.map_or(Value::Null, |d| d.to_string().into());
    let or_null = |v: Option<String>| v.map_or(Value::Null, Value::String);
    let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
    // Zola's `page.taxonomies`: the terms of each taxonomy, as written.
    let taxonomies = m
        .taxonomies
        .iter()
        .map(|(name, terms)| (name.clone(), strings(terms)));
    // Zola's `relative_path` (its `.md` file in `content/`, for
    // `get_page`/`get_section`), `components` (its path split on `/`),
    // `year`, `month`, `day` (of its date), `translations` (always empty:
    // one language), `authors` and `assets` (`/a-propos/photo.png`).
    let components = doc.path.split('/').filter(|c| !c.is_empty());
    let part = |f: fn(jiff::civil::Date) -> i16| m.date.map_or(Value::Null, |d| f(d).into());
    // In key order: the map is built in one pass, without a search a key
    // (a listing makes the summaries of all its documents).
    let fields: [(&str, Value); 22] = [
        ("assets", strings(&doc.assets)),
        ("authors", strings(&m.authors)),
        (
            "components",
            Value::Array(components.map(|c| Value::String(c.to_string())).collect()),
        ),
        ("date", date(m.date)),
        ("day", part(|d| d.day().into())),
        ("description", or_null(m.description.clone())),
        ("draft", m.draft.into()),
        ("extra", Value::Object(m.extra.clone())),
        ("month", part(|d| d.month().into())),
        ("path", doc.path.clone().into()),
        ("permalink", urls.permalink(&doc.path).into()),
        (
            "reading_time",
            rendered.word_count.div_ceil(WORDS_PER_MINUTE).max(1).into(),
        ),
        ("relative_path", doc.source_path.clone().into()),
        ("slug", doc.slug.clone().into()),
        ("summary", or_null(rendered.summary.clone())),
        ("taxonomies", Value::Object(taxonomies.collect())),
        ("title", doc.title.clone().into()),
        ("translations", Value::Array(Vec::new())),
        ("updated", date(m.updated)),
        ("weight", m.weight.map_or(Value::Null, Value::from)),
        ("word_count", rendered.word_count.into()),
        ("year", part(|d| d.year())),
    ];
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A document's full view: its summary plus content (`html`, moved in)
/// and table of contents.
pub fn full(mut summary: Map<String, Value>, html: String, toc: &[Heading]) -> Map<String, Value> {
    let permalink = summary.get("permalink").and_then(Value::as_str);
    let toc = toc_value(toc, permalink.unwrap_or(""));
    summary.insert("content".into(), html.into());
    summary.insert("toc".into(), toc);
    summary
}

/// A table of contents as templates see it: Zola's `level`, `id`,
/// `title`, `children`, and `permalink` (the page's, with `#id`).
pub fn toc_value(toc: &[Heading], page_permalink: &str) -> Value {
    let items = toc.iter().map(|h| {
        let mut m = Map::new();
        m.insert("level".into(), h.level.into());
        m.insert("id".into(), h.id.clone().into());
        m.insert("title".into(), h.title.clone().into());
        m.insert(
            "permalink".into(),
            format!("{page_permalink}#{}", h.id).into(),
        );
        m.insert("children".into(), toc_value(&h.children, page_permalink));
        Value::Object(m)
    });
    Value::Array(items.collect())
}

/// `aria-current` of a menu item (its final URL `item_url`) on the page at
/// site path `path` whose permalink is `url`: `"page"` on the item's own
/// page, `"true"` on a page inside the item's section (a URL ending in `/`
/// other than the home page's, `home_url`), `""` elsewhere. Menu URLs are
/// final and may be absolute, so both the path and the permalink count.
pub fn menu_state(item_url: &str, home_url: &str, path: &str, url: &str) -> &'static str {
    if item_url == url || item_url == path {
        "page"
    } else if item_url != home_url
        && item_url.ends_with('/')
        && (url.starts_with(item_url) || path.starts_with(item_url))
    {
        "true"
    } else {
        ""
    }
}

/// `menu` of one page: the items of `config.menu` (`{name, url}`), each
/// with its `current` state there (see [`menu_state`]), so the header's
/// loop tests one value an item instead of comparing URLs.
pub fn menu(items: &[Value], home_url: &str, path: &str, url: &str) -> Value {
    let items = items.iter().map(|item| {
        let mut item = item.as_object().cloned().unwrap_or_default();
        let item_url = item.get("url").and_then(Value::as_str).unwrap_or("");
        let state = menu_state(item_url, home_url, path, url);
        item.insert("current".into(), state.into());
        Value::Object(item)
    });
    Value::Array(items.collect())
}

/// The site config as templates see it, menu URLs resolved.
pub fn config_value(
    config: &Config,
    menu: Vec<(String, String)>,
    feed_url: Option<String>,
) -> Value {
    let menu: Vec<Value> = menu
        .into_iter()
        .map(|(name, url)| json!({ "name": name, "url": url }))
        .collect();
    json!({
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url(),
        "language": config.language,
        "default_language": config.language,
        "author": config.author,
        "feed_url": feed_url,
        "menu": menu,
        "organisation": serde_json::to_value(&config.organisation).unwrap_or(Value::Null),
        "license": { "name": config.license, "url": config.license_url },
        "extra": serde_json::to_value(&config.extra).unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "https://amie.coop/";

    fn state(item: &str, path: &str) -> &'static str {
        menu_state(item, HOME, path, &format!("https://amie.coop{path}"))
    }

    #[test]
    fn menu_item_is_the_page_itself_or_its_section() {
        assert_eq!(state("https://amie.coop/services/", "/services/"), "page");
        assert_eq!(
            state("https://amie.coop/services/", "/services/sauvegarde/"),
            "true"
        );
        assert_eq!(state("https://amie.coop/faq/", "/services/"), "");
        // Relative menu URLs compare with the path.
        assert_eq!(state("/services/", "/services/"), "page");
        assert_eq!(state("/services/", "/services/sauvegarde/"), "true");
    }

    #[test]
    fn home_and_pages_are_never_sections() {
        assert_eq!(state(HOME, "/services/"), "");
        assert_eq!(state(HOME, "/"), "page");
        // `url_style = "html"`: a page's URL is no prefix of another's.
        assert_eq!(state("https://amie.coop/faq.html", "/faq.html"), "page");
        assert_eq!(state("https://amie.coop/faq.html", "/faq.html/x"), "");
    }

    #[test]
    fn menu_keeps_items_and_adds_their_state() {
        let items = [
            json!({"name": "Accueil", "url": HOME}),
            json!({"name": "Services", "url": "https://amie.coop/services/"}),
        ];
        let menu = menu(
            &items,
            HOME,
            "/services/x/",
            "https://amie.coop/services/x/",
        );
        assert_eq!(
            menu,
            json!([
                {"name": "Accueil", "url": HOME, "current": ""},
                {"name": "Services", "url": "https://amie.coop/services/", "current": "true"},
            ])
        );
    }
}

//! The optional site configuration, `site.toml` at the site root, or
//! Zola's `config.toml` when there is none (`zola`).
//!
//! Strict: unknown keys of `site.toml` are errors, so a typo never goes
//! unnoticed.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{line_col, Diagnostic, Diagnostics};
use crate::inputs::Inputs;

mod zola;

/// File name of the site configuration, at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// Zola's configuration file, read when there is no [`CONFIG_FILE`].
pub const ZOLA_CONFIG_FILE: &str = "config.toml";

/// The home page, whose title names a site whose `site.toml` does not.
pub const HOME_FILE: &str = "content/_index.md";

/// The site's name when neither `site.toml` nor the home page gives one:
/// nothing is made up.
pub const TITLE_TO_FILL: &str = "à compléter";

/// How page URLs look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UrlStyle {
    /// `/combien-ca-coute/` (a folder with `index.html`).
    #[default]
    Pretty,
    /// `/combien-ca-coute.html`, like the association's original site.
    Html,
}

/// One entry of the navigation menu; `url` may be a source path (`@/faq.md`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

/// The organisation publishing the site (footer, structured data, legal
/// notice through the `organisation(champ=…)` shortcode). Every value is
/// the association's to fill in: none is made up when unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub url: Option<String>,
    /// Numéro RNA of the association (`W…`).
    pub rna: Option<String>,
    pub siret: Option<String>,
    /// Directrice ou directeur de la publication.
    pub publication_director: Option<String>,
    /// The site's host: name, address, phone (legal notice).
    pub host: Option<String>,
}

impl Organisation {
    /// Every key of `[organisation]` with what it holds, in French.
    pub const FIELDS: [(&'static str, &'static str); 9] = [
        ("name", "nom de l’association"),
        ("address", "adresse du siège"),
        ("email", "courriel de contact"),
        ("phone", "téléphone"),
        ("url", "adresse du site de l’association"),
        ("rna", "numéro RNA"),
        ("siret", "numéro SIRET"),
        (
            "publication_director",
            "directrice ou directeur de la publication",
        ),
        ("host", "hébergeur du site : nom, adresse, téléphone"),
    ];

    /// The value of `key` (`None` for an unknown key, `Some(None)` for a
    /// known key left unset or blank).
    pub fn get(&self, key: &str) -> Option<Option<&str>> {
        let value = match key {
            "name" => &self.name,
            "address" => &self.address,
            "email" => &self.email,
            "phone" => &self.phone,
            "url" => &self.url,
            "rna" => &self.rna,
            "siret" => &self.siret,
            "publication_director" => &self.publication_director,
            "host" => &self.host,
            _ => return None,
        };
        Some(value.as_deref().map(str::trim).filter(|v| !v.is_empty()))
    }
}

/// A taxonomy (`[[taxonomies]]`, Zola's keys): pages name their terms in
/// their front matter's `[taxonomies]`; the site gets a list page
/// (`/<slug of name>/`) and a page per term (`/<name>/<slug of term>/`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub name: String,
    /// An Atom feed per term.
    #[serde(default)]
    pub feed: bool,
    /// Pages per pager of a term's page (none or 0: all on one).
    pub paginate_by: Option<usize>,
    /// The folder of pagers 2, 3… (`page` by default).
    pub paginate_path: Option<String>,
    /// `false`: no pages for this taxonomy (terms still known to templates).
    #[serde(default = "yes")]
    pub render: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The site's name (header, page titles, feed). Unset or blank: the
    /// title of the home page, `content/_index.md` ([`Config::load`]).
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://amie.example`.
    pub base_url: String,
    pub language: String,
    pub author: Option<String>,
    /// Theme folder name under `themes/`; the built-in theme when absent.
    pub theme: Option<String>,
    pub url_style: UrlStyle,
    /// Links between the site's pages relative to each page
    /// (`../faq/index.html`) instead of absolute (`base_url` + path), so the
    /// built folder works under any path or from the disk (`file://`).
    /// Canonical URLs, Open Graph, the feed and the sitemap stay absolute.
    pub relative_urls: bool,
    /// Narrow no-break spaces before `; : ! ?` and inside « ».
    pub french_typography: bool,
    /// Raw HTML in Markdown is passed through (true) or escaped (safe mode).
    pub raw_html: bool,
    /// Atom feed of dated pages at `/atom.xml`.
    pub generate_feed: bool,
    /// At most this many entries in the feed.
    pub feed_limit: usize,
    /// The pricing data file, relative to the site root.
    pub pricing_data: String,
    pub menu: Vec<MenuItem>,
    pub taxonomies: Vec<Taxonomy>,
    pub organisation: Organisation,
    /// Licence of the texts, shown in the footer (empty: none shown).
    pub license: String,
    /// Where the licence's text is (optional).
    pub license_url: String,
    /// Files of `content/` and `static/` never published nor read (globs
    /// relative to those folders), besides the junk every site skips
    /// ([`crate::junk`]).
    pub ignore: Vec<String>,
    /// Widths and quality of the images of `content/`, and the size
    /// budget of published files (`[images]`).
    pub images: crate::images::ImagesConfig,
    /// `build` also writes a `.gz` and a `.br` copy of each text file
    /// (HTML, CSS, JS, WebAssembly…) that compresses ([`crate::precompress`]).
    pub precompress: bool,
    /// Free data for templates.
    pub extra: toml::Table,
    /// What reading the configuration warns about (a Zola `config.toml`'s
    /// keys left aside, a `config.toml` beside `site.toml`).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
    /// Read from Zola's `config.toml` (there is no `site.toml`).
    #[serde(skip)]
    pub from_zola: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111".into(),
            language: "fr".into(),
            author: None,
            theme: None,
            url_style: UrlStyle::Pretty,
            relative_urls: false,
            french_typography: true,
            raw_html: true,
            generate_feed: true,
            feed_limit: 20,
            pricing_data: "content/tarifs.toml".into(),
            menu: Vec::new(),
            taxonomies: Vec::new(),
            organisation: Organisation::default(),
            license: "CC BY-SA 4.0".into(),
            license_url: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr".into(),
            ignore: Vec::new(),
            images: crate::images::ImagesConfig::default(),
            precompress: false,
            extra: toml::Table::new(),
            warnings: Vec::new(),
            from_zola: false,
        }
    }
}

impl Config {
    /// Reads `site.toml` under `root`, or the defaults when there is none;
    /// without a `title`, the site is named after its home page
    /// ([`HOME_FILE`]), so a folder with only `content/` is its own site.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        // Read by the rule of every input: a `site.toml` linked out of the
        // site is refused unread, so no TOML message can quote it.
        let inputs = Inputs::new(root);
        let read = |name: &str| {
            inputs
                .read_to_string(&root.join(name))
                .map_err(Diagnostic::from)
        };
        let mut config = match read(CONFIG_FILE)? {
            Some(text) => {
                let mut config = Config::parse(&text, Path::new(CONFIG_FILE))?;
                // Not read: a site.toml makes config.toml no concern of site-gen.
                if root.join(ZOLA_CONFIG_FILE).is_file() {
                    config.warnings.push(Diagnostic::new(
                        ZOLA_CONFIG_FILE,
                        "ignoré : site.toml est là aussi, et c’est lui que site-gen lit \
                         (reportez-y ce qui manque, ou supprimez site.toml pour que \
                         config.toml, celui de Zola, soit lu)",
                    ));
                }
                config
            }
            // A Zola site: its config.toml.
            None => match read(ZOLA_CONFIG_FILE)? {
                Some(text) => zola::parse(&text, Path::new(ZOLA_CONFIG_FILE))?,
                None => Config::default(),
            },
        };
        if config.title.trim().is_empty() {
            config.title = home_title(&inputs, root, config.french_typography)
                .unwrap_or_else(|| TITLE_TO_FILL.to_string());
        }
        Ok(config)
    }

    /// Parses and validates the configuration text; `file` names it in
    /// errors. Every unknown key is reported at once.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let doc = toml::de::DeTable::parse(text).map_err(|e| toml_diagnostic(file, text, &e))?;
        calculator::data::unknown_keys(doc.get_ref(), &known_keys)
            .into_iter()
            .map(|k| {
                let (line, col) = line_col(text, k.span.start);
                Diagnostic::new(file, k.message).at(line, col)
            })
            .collect::<Diagnostics>()
            .into_result()?;
        let ignore_starts = ignore_starts(doc.get_ref());
        let config = Config::deserialize(toml::de::Deserializer::from(doc))
            .map_err(|e| toml_diagnostic(file, text, &e))?;
        config.validate(file)?;
        if let Err((i, e)) = crate::junk::Junk::new(&config.ignore) {
            let at = ignore_starts.get(i).copied();
            let d = Diagnostic::new(
                file,
                format!(
                    "motif « {} » de ignore invalide ({}) : écrivez par exemple \"brouillons/**\" ou \"*.psd\"",
                    config.ignore.get(i).map_or("", String::as_str),
                    glob_reason(&e)
                ),
            );
            return Err(match at {
                Some(start) => {
                    let (line, col) = line_col(text, start);
                    d.at(line, col)
                }
                None => d,
            }
            .into());
        }
        Ok(config)
    }

    /// The rule of files never published, with this site's `ignore`.
    pub fn junk(&self) -> crate::junk::Junk {
        // Checked by `parse`: a config made otherwise ignores nothing more.
        crate::junk::Junk::new(&self.ignore).unwrap_or_default()
    }

    pub(crate) fn validate(&self, file: &Path) -> Result<(), Diagnostic> {
        let base = self.base_url.as_str();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Diagnostic::new(
                file,
                format!("base_url doit commencer par http:// ou https:// (trouvé « {base} »)"),
            ));
        }
        if self.feed_limit == 0 {
            return Err(Diagnostic::new(file, "feed_limit doit être au moins 1"));
        }
        if let Some(theme) = &self.theme {
            if !is_plain_name(theme) {
                return Err(Diagnostic::new(
                    file,
                    format!("theme doit être un nom de dossier sous themes/ (trouvé « {theme} »)"),
                ));
            }
        }
        if let Some(problem) = self.images.problem() {
            return Err(Diagnostic::new(file, problem));
        }
        if !is_relative_inside(&self.pricing_data) {
            return Err(Diagnostic::new(
                file,
                format!(
                    "pricing_data doit être un chemin relatif au dossier du site, sans « .. » (trouvé « {} »)",
                    self.pricing_data
                ),
            ));
        }
        Ok(())
    }

    /// The file that holds (or would hold) this configuration, for
    /// messages: `config.toml` for a Zola site, else `site.toml`.
    pub fn file(&self) -> &'static str {
        if self.from_zola {
            ZOLA_CONFIG_FILE
        } else {
            CONFIG_FILE
        }
    }

    /// `base_url` without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The title of the home page as its document gets it (front matter, else
/// first heading; French spacing as the site's). A home page that cannot
/// be read gives none: loading the content reports why.
fn home_title(inputs: &Inputs, root: &Path, french_typography: bool) -> Option<String> {
    let text = inputs.read_to_string(&root.join(HOME_FILE)).ok()??;
    let split = crate::content::front_matter::split(&text).ok()?;
    let title = split
        .front_matter
        .title
        .or_else(|| crate::markdown::first_heading(split.body))
        .filter(|t| !t.trim().is_empty())?;
    Some(if french_typography {
        crate::markdown::french_spacing(&title)
    } else {
        title
    })
}

/// A single path component: no separators, not `.` or `..`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// A relative path that stays inside the site folder: not absolute, no
/// drive letter, no `..`, no NUL.
fn is_relative_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with(['/', '\\'])
        && !path.contains([':', '\0'])
        && path.split(['/', '\\']).all(|seg| seg != "..")
}

/// The keys of `site.toml`'s tables, read from their structs (`[extra]`
/// is free).
fn known_keys(path: &str) -> Option<&'static [&'static str]> {
    use calculator::data::fields;
    Some(match path {
        "" => fields::<Config>(),
        "menu" => fields::<MenuItem>(),
        "taxonomies" => fields::<Taxonomy>(),
        "organisation" => fields::<Organisation>(),
        "images" => fields::<crate::images::ImagesConfig>(),
        _ => return None,
    })
}

/// Where each entry of `ignore` starts in the text (for its errors).
fn ignore_starts(doc: &toml::de::DeTable<'_>) -> Vec<usize> {
    let value = doc
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "ignore")
        .map(|(_, v)| v);
    match value.map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Array(items)) => {
            items.into_iter().map(|item| item.span().start).collect()
        }
        _ => Vec::new(),
    }
}

/// Why globset refused a pattern, in French.
fn glob_reason(e: &globset::Error) -> &'static str {
    use globset::ErrorKind as K;
    match e.kind() {
        K::UnclosedClass => "« [ » sans « ] »",
        K::InvalidRange(..) => "intervalle invalide entre crochets",
        K::UnopenedAlternates => "« } » sans « { »",
        K::UnclosedAlternates => "« { » sans « } »",
        K::DanglingEscape => "« \\ » en fin de motif",
        _ => "motif invalide",
    }
}

/// A TOML error as a diagnostic at its line and column, in French.
pub(crate) fn toml_diagnostic(file: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let d = Diagnostic::new(file, calculator::data::toml_message(text, e));
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            d.at(line, col)
        }
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_the_defaults() {
        let c = Config::parse("", Path::new("site.toml")).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let text = "title = \"Amie\"\ntitel = \"x\"\n";
        let e = &Config::parse(text, Path::new("site.toml")).unwrap_err().0[0];
        assert_eq!(e.line, Some(2));
        assert_eq!(
            e.message,
            "clé inconnue « titel »\u{202f}; vouliez-vous dire « title »\u{202f}?"
        );
    }

    #[test]
    fn serde_messages_are_in_french() {
        let e = &Config::parse("url_style = \"jolie\"\n", Path::new("site.toml"))
            .unwrap_err()
            .0[0];
        assert_eq!(
            e.to_string(),
            "site.toml:1:13: valeur inconnue « jolie » (valeurs possibles\u{202f}: « pretty », « html »)"
        );
        let e = &Config::parse("feed_limit = \"dix\"\n", Path::new("site.toml"))
            .unwrap_err()
            .0[0];
        assert_eq!(
            e.message,
            "valeur invalide (texte \"dix\")\u{202f}: il faut un nombre entier positif"
        );
    }

    #[test]
    fn menu_and_url_style_parse() {
        let text = "url_style = \"html\"\n[[menu]]\nname = \"FAQ\"\nurl = \"@/faq.md\"\n";
        let c = Config::parse(text, Path::new("site.toml")).unwrap();
        assert_eq!(c.url_style, UrlStyle::Html);
        assert_eq!(c.menu[0].url, "@/faq.md");
    }

    #[test]
    fn relative_urls_is_off_by_default() {
        assert!(!Config::default().relative_urls);
        let c = Config::parse("relative_urls = true", Path::new("site.toml")).unwrap();
        assert!(c.relative_urls);
    }

    #[test]
    fn precompress_is_off_by_default() {
        assert!(!Config::default().precompress);
        let c = Config::parse("precompress = true", Path::new("site.toml")).unwrap();
        assert!(c.precompress);
        let e = &Config::parse("precompres = true", Path::new("site.toml"))
            .unwrap_err()
            .0[0];
        assert_eq!(
            e.to_string(),
            "site.toml:1:1: clé inconnue « precompres »\u{202f}; vouliez-vous dire « precompress »\u{202f}?"
        );
    }

    #[test]
    fn bad_base_url_and_theme_are_refused() {
        assert!(Config::parse("base_url = \"amie.example\"", Path::new("site.toml")).is_err());
        assert!(Config::parse("theme = \"../x\"", Path::new("site.toml")).is_err());
    }

    #[test]
    fn ignore_is_a_list_of_globs() {
        let c = Config::parse(
            "ignore = [\"brouillons/**\", \"*.psd\"]",
            Path::new("site.toml"),
        );
        assert_eq!(c.unwrap().ignore, ["brouillons/**", "*.psd"]);
        let text = "title = \"Amie\"\nignore = [\n  \"*.psd\",\n  \"img/[ab\",\n]\n";
        let e = &Config::parse(text, Path::new("site.toml")).unwrap_err().0[0];
        assert_eq!(
            e.to_string(),
            "site.toml:4:3: motif « img/[ab » de ignore invalide (« [ » sans « ] ») : \
             écrivez par exemple \"brouillons/**\" ou \"*.psd\""
        );
    }

    #[test]
    fn pricing_data_stays_inside_the_site() {
        for bad in [
            "/etc/passwd",
            "../x.toml",
            "content/../../x.toml",
            "C:x.toml",
            "",
            "a\\..\\..\\x",
        ] {
            let text = format!("pricing_data = {bad:?}");
            assert!(
                Config::parse(&text, Path::new("site.toml")).is_err(),
                "{bad:?} should be refused"
            );
        }
        let c = Config::parse(
            "pricing_data = \"donnees/tarifs.toml\"",
            Path::new("site.toml"),
        );
        assert_eq!(c.unwrap().pricing_data, "donnees/tarifs.toml");
    }
}

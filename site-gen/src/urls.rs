//! Every URL the site links to, computed in one place: pages by source
//! path, site paths, and static assets with their content hash; and the
//! helpers that read URLs back (percent-decoding, paths of output files,
//! base URLs), shared by `check`, `relative` and `serve`.

use std::collections::HashMap;

/// A URL that cannot be made: a mistake in a template or in `site.toml`
/// (the caller says where).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("lien cassé : @/{0} n’existe pas")]
    NoSuchPage(String),
    #[error("fichier statique « {0} » introuvable")]
    NoSuchAsset(String),
}

/// The URLs of one build.
#[derive(Debug, Default)]
pub struct Urls {
    /// `base_url` without its trailing slash.
    base: String,
    /// URL path by source path (`services/_index.md` → `/services/`).
    by_source: HashMap<String, String>,
    /// URL with its content hash (`…/style.css?h=…`) by static asset path
    /// (`style.css`): made once, asked for by every page.
    asset_urls: HashMap<String, String>,
    /// Output file by source path of the files `content/` copies
    /// (`actualites/photo.png` → `actualites/photo.png`).
    files: HashMap<String, String>,
}

impl Urls {
    pub fn new(
        base_url: &str,
        by_source: HashMap<String, String>,
        asset_hashes: HashMap<String, String>,
    ) -> Self {
        let mut urls = Urls {
            base: base_url.trim_end_matches('/').to_string(),
            by_source,
            ..Urls::default()
        };
        urls.asset_urls = asset_hashes
            .into_iter()
            .map(|(path, hash)| {
                let url = format!("{}?h={hash}", urls.permalink(&path));
                (path, url)
            })
            .collect();
        urls
    }

    /// The same URLs, with the files `content/` copies (output file by
    /// source path), so `@/` and relative links can name them.
    pub fn with_files(mut self, files: HashMap<String, String>) -> Self {
        self.files = files;
        self
    }

    /// The absolute URL of a site path (`/faq/`).
    pub fn permalink(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        // Not `format!`: called for every page and every listing entry.
        let mut url = String::with_capacity(self.base.len() + 1 + path.len());
        url.push_str(&self.base);
        url.push('/');
        url.push_str(path);
        url
    }

    /// The URL of the page whose source path is `source` (`faq.md`).
    pub fn page(&self, source: &str) -> Option<String> {
        self.by_source.get(source).map(|p| self.permalink(p))
    }

    /// The URL of the page, section or copied file whose path relative to
    /// `content/` is `source` (`faq.md`, `actualites/photo.png`).
    pub fn content(&self, source: &str) -> Option<String> {
        self.page(source)
            .or_else(|| self.files.get(source).map(|output| self.permalink(output)))
    }

    /// Resolves `@/source.md#anchor` (or any file of `content/`),
    /// `/site/path` or `site/path`.
    pub fn resolve(&self, link: &str) -> Result<String, UrlError> {
        if let Some(source) = link.strip_prefix("@/") {
            let (source, anchor) = match source.split_once('#') {
                Some((s, a)) => (s, Some(a)),
                None => (source, None),
            };
            let url = self
                .content(source)
                .ok_or_else(|| UrlError::NoSuchPage(source.to_string()))?;
            Ok(match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url,
            })
        } else if link.starts_with("http://") || link.starts_with("https://") {
            Ok(link.to_string())
        } else {
            Ok(self.permalink(link))
        }
    }

    /// The URL of a static asset, with a content hash so it can be cached
    /// forever; an unknown asset is an error (a typo in a template).
    pub fn asset(&self, path: &str) -> Result<String, UrlError> {
        let path = path.trim_start_matches('/');
        self.asset_urls
            .get(path)
            .cloned()
            .ok_or_else(|| UrlError::NoSuchAsset(path.to_string()))
    }
}

/// Short content hash used to bust caches.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..10].to_string()
}

/// Strict percent-decoding: `%` must be followed by two hex digits.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let [high, low] = *bytes.get(i + 1..i + 3)? else {
                return None;
            };
            out.push((hex_digit(high)? << 4) | hex_digit(low)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The value of an ASCII hex digit (no sign: `u8::from_str_radix` would
/// take `%+1` for `%01`).
fn hex_digit(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// `s` percent-decoded (invalid UTF-8 replaced), or as is when an escape
/// is malformed.
pub fn percent_decode_lossy(s: &str) -> String {
    match percent_decode(s) {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => s.to_string(),
    }
}

/// The URL path of an output file: `faq/index.html` → `/faq/`,
/// `index.html` → `/`, `faq.html` → `/faq.html`.
pub fn page_path(output: &str) -> String {
    match output.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{output}"),
    }
}

/// The path part of a base URL, without trailing slash:
/// `https://example.org/amie/` → `/amie`, `https://example.org` → ``.
pub fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/'),
        None => "",
    }
}

/// `value` without the site's `base` URL (no trailing slash) when it
/// starts with it: `{base}/faq/` → `/faq/`, `{base}` → `/`, `{base}?x` →
/// `?x`; `None` for another site (`{base}.org/`).
pub fn strip_base<'v>(value: &'v str, base: &str) -> Option<&'v str> {
    let rest = value.strip_prefix(base)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with(['/', '?', '#']) {
        Some(rest)
    } else {
        None
    }
}

/// A URL scheme (`https`, `mailto`, `web+x`): a letter, then letters,
/// digits, `+`, `-` or `.`.
pub fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A site path percent-decoded, its `.` and `..` segments applied (never
/// above the root): `/a/./b/../c%C3%A9/` → `/a/cé/`.
pub fn normalise_path(path: &str) -> String {
    let decoded = percent_decode_lossy(path);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls::new(
            "https://amie.example/site/",
            HashMap::from([("faq.md".to_string(), "/faq/".to_string())]),
            HashMap::from([("style.css".to_string(), "abc".to_string())]),
        )
    }

    #[test]
    fn resolves_source_paths_and_site_paths_under_a_sub_path() {
        let u = urls();
        assert_eq!(
            u.resolve("@/faq.md#part").unwrap(),
            "https://amie.example/site/faq/#part"
        );
        assert_eq!(
            u.resolve("/contact/").unwrap(),
            "https://amie.example/site/contact/"
        );
        assert_eq!(
            u.resolve("@/absent.md").unwrap_err().to_string(),
            "lien cassé : @/absent.md n’existe pas"
        );
    }

    #[test]
    fn copied_files_have_the_url_of_their_output_file() {
        let u = urls().with_files(HashMap::from([(
            "actualites/Affiche de la fête.png".to_string(),
            "actualites/Affiche de la fête.png".to_string(),
        )]));
        assert_eq!(
            u.content("actualites/Affiche de la fête.png").as_deref(),
            Some("https://amie.example/site/actualites/Affiche de la fête.png")
        );
        assert_eq!(
            u.content("faq.md").as_deref(),
            Some("https://amie.example/site/faq/")
        );
        assert_eq!(u.content("actualites/absente.png"), None);
        assert_eq!(
            u.resolve("@/actualites/Affiche de la fête.png").unwrap(),
            "https://amie.example/site/actualites/Affiche de la fête.png"
        );
    }

    #[test]
    fn assets_carry_their_hash() {
        let u = urls();
        assert_eq!(
            u.asset("style.css").unwrap(),
            "https://amie.example/site/style.css?h=abc"
        );
        assert_eq!(
            u.asset("nope.css").unwrap_err().to_string(),
            "fichier statique « nope.css » introuvable"
        );
    }

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("/caf%C3%A9/").unwrap(), "/café/".as_bytes());
        assert_eq!(percent_decode("%2e%2E"), Some(b"..".to_vec()));
        assert_eq!(percent_decode("a%2"), None);
        assert_eq!(percent_decode("a%zz"), None);
        // Two hex digits, never a sign.
        for signed in ["%+1", "%-1", "%+F", "a%+0b"] {
            assert_eq!(percent_decode(signed), None, "{signed}");
            assert_eq!(percent_decode_lossy(signed), signed);
        }
        assert_eq!(percent_decode("%aF%09"), Some(vec![0xAF, 0x09]));
        assert_eq!(percent_decode("%é"), None);
        assert_eq!(percent_decode_lossy("a%zz"), "a%zz");
        assert_eq!(percent_decode_lossy("%FF"), "\u{fffd}");
    }

    #[test]
    fn paths() {
        assert_eq!(page_path("faq/index.html"), "/faq/");
        assert_eq!(page_path("index.html"), "/");
        assert_eq!(page_path("faq.html"), "/faq.html");
        assert_eq!(page_path("myindex.html"), "/myindex.html");
        assert_eq!(base_path("https://example.org/amie/"), "/amie");
        assert_eq!(base_path("https://example.org/a/b"), "/a/b");
        assert_eq!(base_path("https://example.org/"), "");
        assert_eq!(base_path("http://127.0.0.1:1111"), "");
        assert_eq!(normalise_path("/a/./b/../c/"), "/a/c/");
        assert_eq!(normalise_path("/../../x"), "/x");
        assert_eq!(normalise_path("/caf%C3%A9/"), "/café/");
        let base = "https://amie.example";
        assert_eq!(strip_base("https://amie.example", base), Some("/"));
        assert_eq!(strip_base("https://amie.example/faq/", base), Some("/faq/"));
        assert_eq!(strip_base("https://amie.example#x", base), Some("#x"));
        assert_eq!(strip_base("https://amie.examples/", base), None);
        assert!(is_scheme("https") && is_scheme("web+x") && !is_scheme("1a") && !is_scheme(""));
    }
}

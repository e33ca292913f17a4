//! Every URL the site links to, computed in one place: pages by source
//! path, site paths, and static assets with their content hash.

use std::collections::HashMap;

/// The URLs of one build.
#[derive(Debug, Default)]
pub struct Urls {
    /// `base_url` without its trailing slash.
    base: String,
    /// URL path by source path (`services/_index.md` → `/services/`).
    by_source: HashMap<String, String>,
    /// Content hash (short hex) by static asset path (`style.css`).
    asset_hashes: HashMap<String, String>,
}

impl Urls {
    pub fn new(
        base_url: &str,
        by_source: HashMap<String, String>,
        asset_hashes: HashMap<String, String>,
    ) -> Self {
        Urls {
            base: base_url.trim_end_matches('/').to_string(),
            by_source,
            asset_hashes,
        }
    }

    /// The absolute URL of a site path (`/faq/`).
    pub fn permalink(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        format!("{}/{path}", self.base)
    }

    /// The URL of the page whose source path is `source` (`faq.md`).
    pub fn page(&self, source: &str) -> Option<String> {
        self.by_source.get(source).map(|p| self.permalink(p))
    }

    /// Resolves `@/source.md#anchor`, `/site/path` or `site/path`.
    pub fn resolve(&self, link: &str) -> Result<String, String> {
        if let Some(source) = link.strip_prefix("@/") {
            let (source, anchor) = match source.split_once('#') {
                Some((s, a)) => (s, Some(a)),
                None => (source, None),
            };
            let url = self
                .page(source)
                .ok_or_else(|| format!("lien cassé : @/{source} n’existe pas"))?;
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
    pub fn asset(&self, path: &str) -> Result<String, String> {
        let path = path.trim_start_matches('/');
        let hash = self
            .asset_hashes
            .get(path)
            .ok_or_else(|| format!("fichier statique « {path} » introuvable"))?;
        Ok(format!("{}?h={hash}", self.permalink(path)))
    }
}

/// Short content hash used to bust caches.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..10].to_string()
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
        assert!(u
            .resolve("@/absent.md")
            .unwrap_err()
            .contains("@/absent.md"));
    }

    #[test]
    fn assets_carry_their_hash() {
        let u = urls();
        assert_eq!(
            u.asset("style.css").unwrap(),
            "https://amie.example/site/style.css?h=abc"
        );
        assert!(u.asset("nope.css").is_err());
    }
}

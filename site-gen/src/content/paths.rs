//! Where each document is published: its URL path and output file. Every
//! output path is built from slugs or checked here, so nothing a maintainer
//! writes can leave the output folder.

use crate::config::UrlStyle;

/// Computes URL paths and output files for one URL style.
#[derive(Debug, Clone, Copy)]
pub struct UrlPaths {
    pub style: UrlStyle,
}

impl UrlPaths {
    /// A section in the folder made of the slugs `dirs` (empty for the home page).
    pub fn section(&self, dirs: &[String]) -> (String, String) {
        if dirs.is_empty() {
            return ("/".into(), "index.html".into());
        }
        let joined = dirs.join("/");
        (format!("/{joined}/"), format!("{joined}/index.html"))
    }

    /// A page with slug `slug` in the folder made of the slugs `dirs`.
    pub fn page(&self, dirs: &[String], slug: &str) -> (String, String) {
        let prefix: String = dirs.iter().map(|d| format!("{d}/")).collect();
        match self.style {
            UrlStyle::Pretty => (
                format!("/{prefix}{slug}/"),
                format!("{prefix}{slug}/index.html"),
            ),
            UrlStyle::Html => (
                format!("/{prefix}{slug}.html"),
                format!("{prefix}{slug}.html"),
            ),
        }
    }
}

/// Names Windows refuses as file names; refused everywhere so a site built
/// on Linux can be copied anywhere.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The URL path and output file of an alias (an old URL that redirects),
/// e.g. `/combien-ca-coute-une-amie.html` or `/ancienne/page/`.
pub fn alias_output(alias: &str) -> Result<(String, String), String> {
    let refuse = |why: &str| Err(format!("alias « {alias} » refusé : {why}"));
    if alias.contains(['\\', '\0', ':', '?', '#', '%']) {
        return refuse("caractère interdit (\\, NUL, :, ?, #, %)");
    }
    let trimmed = alias.trim_matches('/');
    if trimmed.is_empty() {
        return refuse("il remplacerait la page d’accueil");
    }
    for part in trimmed.split('/') {
        let stem = part.split('.').next().unwrap_or(part).to_ascii_lowercase();
        if part.is_empty() || part == "." || part == ".." {
            return refuse("chemin invalide (segment vide, . ou ..)");
        }
        if RESERVED.contains(&stem.as_str()) {
            return refuse("nom de fichier réservé");
        }
        if part.starts_with('.') {
            return refuse("fichier caché");
        }
    }
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Ok((format!("/{trimmed}"), trimmed.to_string()))
    } else {
        Ok((format!("/{trimmed}/"), format!("{trimmed}/index.html")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_and_html_styles() {
        let pretty = UrlPaths {
            style: UrlStyle::Pretty,
        };
        let html = UrlPaths {
            style: UrlStyle::Html,
        };
        let dirs = vec!["services".to_string()];
        assert_eq!(
            pretty.page(&dirs, "assistance"),
            (
                "/services/assistance/".into(),
                "services/assistance/index.html".into()
            )
        );
        assert_eq!(
            html.page(&[], "combien-ca-coute"),
            (
                "/combien-ca-coute.html".into(),
                "combien-ca-coute.html".into()
            )
        );
        assert_eq!(pretty.section(&[]), ("/".into(), "index.html".into()));
        assert_eq!(
            html.section(&dirs),
            ("/services/".into(), "services/index.html".into())
        );
    }

    #[test]
    fn aliases_map_to_files_inside_the_output() {
        assert_eq!(
            alias_output("/combien-ca-coute-une-amie.html").unwrap(),
            (
                "/combien-ca-coute-une-amie.html".into(),
                "combien-ca-coute-une-amie.html".into()
            )
        );
        assert_eq!(
            alias_output("ancienne/page").unwrap(),
            ("/ancienne/page/".into(), "ancienne/page/index.html".into())
        );
    }

    #[test]
    fn aliases_that_escape_are_refused() {
        for bad in [
            "../x.html",
            "/a/../../etc/passwd",
            "a\\b",
            "a\0b",
            "/",
            "C:/x",
            "/con.html",
            "a//b",
            "/.git/config",
        ] {
            assert!(alias_output(bad).is_err(), "{bad:?} should be refused");
        }
    }
}

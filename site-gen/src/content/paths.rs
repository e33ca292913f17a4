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

/// Whether `segment` (a folder or file name of the output, e.g. `con` or
/// `aux.html`) is a name Windows reserves for a device.
pub(crate) fn is_reserved(segment: &str) -> bool {
    let stem = segment.split('.').next().unwrap_or(segment);
    RESERVED.iter().any(|r| stem.eq_ignore_ascii_case(r))
}

/// Characters refused in an alias or a copied file's name: path separators
/// of other systems, URL syntax, and what Windows forbids in file names.
const FORBIDDEN: &[char] = &['\\', '\0', ':', '?', '#', '%', '<', '>', '"', '|', '*'];

/// Checks a `/`-separated path of the output folder built from a name the
/// maintainer chose (an alias, a file copied from `content/`): no empty,
/// `.` or `..` segment, no hidden file, no reserved name, no character that
/// is a separator elsewhere, URL syntax or refused by Windows.
pub(crate) fn check_output_path(path: &str) -> Result<(), BadOutputPath> {
    if path.contains(FORBIDDEN) || path.chars().any(char::is_control) {
        return Err(BadOutputPath::ForbiddenCharacter);
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(BadOutputPath::BadSegment);
        }
        if is_reserved(part) {
            return Err(BadOutputPath::Reserved);
        }
        if part.starts_with('.') {
            return Err(BadOutputPath::Hidden);
        }
    }
    Ok(())
}

/// Why [`check_output_path`] refuses a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadOutputPath {
    #[error("caractère interdit (\\ : ? # % < > \" | *, NUL ou caractère de contrôle)")]
    ForbiddenCharacter,
    #[error("chemin invalide (segment vide, . ou ..)")]
    BadSegment,
    #[error("nom de fichier réservé par Windows (con, nul, aux, com1…)")]
    Reserved,
    #[error("fichier caché")]
    Hidden,
}

/// An alias of a page's front matter that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alias « {alias} » refusé : {why}")]
pub struct BadAlias {
    pub alias: String,
    pub why: BadAliasReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadAliasReason {
    #[error("il remplacerait la page d’accueil")]
    Home,
    #[error(transparent)]
    Path(#[from] BadOutputPath),
}

/// The URL path and output file of an alias (an old URL that redirects),
/// e.g. `/combien-ca-coute-une-amie.html` or `/ancienne/page/`.
pub fn alias_output(alias: &str) -> Result<(String, String), BadAlias> {
    let refuse = |why: BadAliasReason| BadAlias {
        alias: alias.to_string(),
        why,
    };
    let trimmed = alias.trim_matches('/');
    if trimmed.is_empty() {
        return Err(refuse(BadAliasReason::Home));
    }
    check_output_path(trimmed).map_err(|e| refuse(e.into()))?;
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Ok((format!("/{trimmed}"), trimmed.to_string()))
    } else {
        Ok((format!("/{trimmed}/"), format!("{trimmed}/index.html")))
    }
}

/// A page's `path` (Zola's: its whole URL path, `/` around it optional)
/// that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("path « {path} » refusé : {why}")]
pub struct BadPagePath {
    pub path: String,
    pub why: BadAliasReason,
}

/// The URL path and output file of a page with `path` in its front
/// matter: `a-propos` → `/a-propos/` (`a-propos/index.html`; `url_style =
/// "html"`: `/a-propos.html`), `vieux/nom.html` as written. Checked as
/// aliases are, so it cannot leave the output folder.
pub fn page_path_output(path: &str, style: UrlStyle) -> Result<(String, String), BadPagePath> {
    let refuse = |why: BadAliasReason| BadPagePath {
        path: path.to_string(),
        why,
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Err(refuse(BadAliasReason::Home));
    }
    check_output_path(trimmed).map_err(|e| refuse(e.into()))?;
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        return Ok((format!("/{trimmed}"), trimmed.to_string()));
    }
    Ok(match style {
        UrlStyle::Pretty => (format!("/{trimmed}/"), format!("{trimmed}/index.html")),
        UrlStyle::Html => (format!("/{trimmed}.html"), format!("{trimmed}.html")),
    })
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
        // Spaces, accents and ordinary punctuation are fine.
        assert!(alias_output("/l’équipe (ancienne) & co/").is_ok());
        assert!(
            alias_output("/console/").is_ok(),
            "only exact reserved names"
        );
    }

    #[test]
    fn copied_files_keep_their_names() {
        for ok in [
            "photo.png",
            "docs/Statuts 2025.pdf",
            "a/b/c.tar.gz",
            "café.jpg",
        ] {
            assert_eq!(check_output_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "a/../b.png",
            ".htaccess",
            "a/.git/x",
            "nul.txt",
            "a:b.png",
            "a\\b",
            "a\nb",
        ] {
            assert!(check_output_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn page_paths_are_checked_like_aliases() {
        assert_eq!(
            page_path_output("/a-propos/", UrlStyle::Pretty).unwrap(),
            ("/a-propos/".into(), "a-propos/index.html".into())
        );
        assert_eq!(
            page_path_output("docs/guide", UrlStyle::Html).unwrap(),
            ("/docs/guide.html".into(), "docs/guide.html".into())
        );
        for bad in [
            "",
            "/",
            "../x",
            "a/../../b",
            "con",
            "a\\b",
            ".cache/x",
            "a?b",
        ] {
            let e = page_path_output(bad, UrlStyle::Pretty).unwrap_err();
            assert!(e.to_string().starts_with("path « "), "{bad:?}: {e}");
        }
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
            "/a\nb/",
            "/a<b>.html",
            "/\"x\"/",
            "/a|b*/",
            "/CoN/",
            "/lpt9.txt",
        ] {
            assert!(alias_output(bad).is_err(), "{bad:?} should be refused");
        }
    }
}

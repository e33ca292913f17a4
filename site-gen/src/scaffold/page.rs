//! `site-gen new actualites/assemblee-generale` (or `site-gen new
//! actualites "Assemblée générale"`): a new Markdown page with its front
//! matter, as a draft, never overwriting anything and never outside
//! `content/`.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;

use crate::content::paths::is_reserved;
use crate::slug::slugify;

use super::FileError;

/// A page created by [`new_page`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The file, relative to the site root: `content/actualites/ag.md`.
    pub path: PathBuf,
    /// Things the maintainer should know (a folder without `_index.md`).
    pub warnings: Vec<String>,
}

/// Why `site-gen new` created nothing: the name typed or the site's
/// folder (the maintainer's to fix), or the file system.
#[derive(Debug, thiserror::Error)]
pub enum NewPageError {
    #[error(
        "indiquez le nom de la page, par exemple : site-gen new actualites/assemblee-generale"
    )]
    NoName,
    #[error("« {name} » : {why}")]
    BadName { name: String, why: BadName },
    #[error(
        "pas de dossier content/ dans {} : lancez la commande depuis le dossier du site, \
         ou indiquez-le avec --root",
        root.display()
    )]
    NoContentFolder { root: PathBuf },
    #[error(
        "« {name} » désigne un dossier : indiquez le nom de la page, par exemple \
         site-gen new {folder}/nom-de-la-page, ou son titre : site-gen new {folder} \"Titre de la page\""
    )]
    IsFolder { name: String, folder: String },
    #[error("le titre est vide : indiquez le titre de la page entre guillemets")]
    EmptyTitle,
    #[error("{} existe déjà : il n’a pas été modifié", .0.display())]
    Exists(PathBuf),
    #[error(
        "content/{folder}/ est une section : la page aurait son adresse. Pour ajouter une page \
         à la section : site-gen new {folder}/nom-de-la-page"
    )]
    IsSection { folder: String },
    #[error("{} mène hors de content/ (lien symbolique) : refusé", .0.display())]
    OutsideContent(PathBuf),
    #[error(transparent)]
    Io(#[from] FileError),
}

/// What is wrong with a typed page name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadName {
    #[error("utilisez des / pour séparer les dossiers")]
    Backslash,
    #[error("indiquez un chemin dans content/, par exemple actualites/assemblee-generale")]
    NotInContent,
    #[error("les pages se créent dans content/ (« .. » est refusé)")]
    ParentFolder,
    #[error("le nom doit contenir des lettres ou des chiffres")]
    NoLetters,
    #[error(
        "« {0} » est un nom réservé par Windows (con, prn, aux, nul, com1…, lpt1…), la page \
         ne pourrait pas être publiée : choisissez un autre nom"
    )]
    Reserved(String),
}

/// Creates the page `name` (`actualites/assemblee-generale`, with or
/// without `content/` and `.md`) under `root/content`, dated `today`. With
/// a `title`, `name` is the folder (`actualites`, `.` for `content/`) and
/// the file is named after the title, which is kept as typed.
pub fn new_page(
    root: &Path,
    name: &str,
    title: Option<&str>,
    today: Date,
) -> Result<Created, NewPageError> {
    let (rel, title) = match title {
        Some(title) => {
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            if title.is_empty() {
                return Err(NewPageError::EmptyTitle);
            }
            let mut rel = folder_path(name)?;
            rel.push(format!("{}.md", slug_of(&title)?));
            (rel, title)
        }
        None => {
            let rel = relative_path(name)?;
            let title = title_from(name, &rel);
            (rel, title)
        }
    };
    let content = root.join("content");
    if !content.is_dir() {
        return Err(NewPageError::NoContentFolder {
            root: root.to_path_buf(),
        });
    }
    let file = content.join(&rel);
    let shown = Path::new("content").join(&rel);
    if file.exists() || file.is_symlink() {
        return Err(NewPageError::Exists(shown));
    }
    // `actualites` when content/actualites/ is a section: the page would
    // have the section's address and could never be published.
    let as_folder = file.with_extension("");
    if as_folder.join("_index.md").exists() && rel.file_name().is_some_and(|n| n != "_index.md") {
        let folder = rel.with_extension("").to_string_lossy().replace('\\', "/");
        return Err(NewPageError::IsSection { folder });
    }
    let parent = file.parent().unwrap_or(&content);
    std::fs::create_dir_all(parent)
        .map_err(FileError::of("impossible de créer le dossier", parent))?;
    // A symbolic link inside content/ must not lead the file elsewhere.
    let resolve = |p: &Path| {
        p.canonicalize()
            .map_err(FileError::of("impossible de résoudre le chemin", p))
    };
    let (real_parent, real_content) = (resolve(parent)?, resolve(&content)?);
    if !real_parent.starts_with(&real_content) {
        return Err(NewPageError::OutsideContent(shown));
    }

    let mut warnings = Vec::new();
    let is_section = rel.file_name().is_some_and(|n| n == "_index.md");
    let folder = rel.parent().filter(|p| !p.as_os_str().is_empty());
    if let (Some(folder), false) = (folder, is_section) {
        if !content.join(folder).join("_index.md").exists() {
            let folder = folder.to_string_lossy().replace('\\', "/");
            warnings.push(format!(
                "content/{folder}/ n’a pas de _index.md : la page sera rangée dans la section au-dessus ; pour une section « {folder} », lancez « site-gen new {folder}/_index »"
            ));
        }
    }

    let text = front_matter(&title, today, is_section);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewPageError::Exists(shown.clone()),
            _ => FileError::of("impossible de créer", &shown)(e).into(),
        })?;
    f.write_all(text.as_bytes())
        .map_err(FileError::of("impossible d’écrire dans", &shown))?;
    Ok(Created {
        path: shown,
        warnings,
    })
}

/// `actualites/ag` → `actualites/ag.md`, refusing anything that is not a
/// plain relative path of slug-like names.
fn relative_path(name: &str) -> Result<PathBuf, NewPageError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(NewPageError::NoName);
    }
    // `actualites/`: a folder, not a page (its `_index.md` is named so).
    if trimmed.ends_with('/') {
        let folder = folder_path(trimmed)?;
        return Err(NewPageError::IsFolder {
            name: trimmed.to_string(),
            folder: folder.to_string_lossy().replace('\\', "/"),
        });
    }
    let mut parts = typed_parts(trimmed)?;
    if parts.first().is_some_and(|p| p == "content") && parts.len() > 1 {
        parts.remove(0);
    }
    let last = parts.pop().ok_or(NewPageError::NoName)?;
    let stem = last.strip_suffix(".md").unwrap_or(&last).to_string();
    let mut rel = PathBuf::new();
    for part in &parts {
        rel.push(slug_of(part)?);
    }
    if stem == "_index" {
        rel.push("_index.md");
    } else {
        rel.push(format!("{}.md", slug_of(&stem)?));
    }
    Ok(rel)
}

/// `actualites` (or `content/actualites/`, `.`) → `actualites`, a folder of
/// `content/` given with a title; empty for `content/` itself.
fn folder_path(name: &str) -> Result<PathBuf, NewPageError> {
    let mut parts = typed_parts(name.trim())?;
    if parts.first().is_some_and(|p| p == "content") {
        parts.remove(0);
    }
    let mut rel = PathBuf::new();
    for part in &parts {
        rel.push(slug_of(part)?);
    }
    Ok(rel)
}

/// The names of a typed path, refusing anything that is not a plain
/// relative path.
fn typed_parts(trimmed: &str) -> Result<Vec<String>, NewPageError> {
    let refuse = |why| NewPageError::BadName {
        name: trimmed.to_string(),
        why,
    };
    if trimmed.contains(['\\', '\0']) {
        return Err(refuse(BadName::Backslash));
    }
    let path = Path::new(trimmed);
    if path.is_absolute() || trimmed.starts_with('/') || trimmed.starts_with('~') {
        return Err(refuse(BadName::NotInContent));
    }
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir if parts.is_empty() => {}
            _ => return Err(refuse(BadName::ParentFolder)),
        }
    }
    Ok(parts)
}

/// The slug a typed name gives (`Fête de la science` → `fete-de-la-science`),
/// refusing names with no letter or digit and names Windows reserves.
fn slug_of(part: &str) -> Result<String, NewPageError> {
    let slug = slugify(part);
    let refuse = |why| NewPageError::BadName {
        name: part.to_string(),
        why,
    };
    if slug.is_empty() {
        return Err(refuse(BadName::NoLetters));
    }
    if is_reserved(&slug) {
        return Err(refuse(BadName::Reserved(slug)));
    }
    Ok(slug)
}

/// The title of a page created as `name`: its last part as typed, accents
/// kept (`actualites/Fête de la science` → `Fête de la science`).
fn title_from(name: &str, rel: &Path) -> String {
    let typed = name
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let typed = typed.strip_suffix(".md").unwrap_or(typed);
    let words = if typed == "_index" || typed.is_empty() {
        rel.parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("Accueil")
            .replace(['-', '_'], " ")
    } else {
        typed.replace(['-', '_'], " ")
    };
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn front_matter(title: &str, today: Date, is_section: bool) -> String {
    let title = toml::Value::String(title.to_string());
    if is_section {
        format!("+++\ntitle = {title}\ndescription = \"\"\ndraft = true\n+++\n\n")
    } else {
        format!(
            "+++\ntitle = {title}\ndate = {}\ndraft = true\ndescription = \"\"\n+++\n\n",
            today.strftime("%Y-%m-%d")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let ok = |s: &str| relative_path(s).unwrap().to_string_lossy().into_owned();
        assert_eq!(
            ok("actualites/assemblee-generale"),
            "actualites/assemblee-generale.md"
        );
        assert_eq!(ok("content/faq.md"), "faq.md");
        assert_eq!(ok("./actualites/2026-ag"), "actualites/2026-ag.md");
        assert_eq!(ok("services/_index"), "services/_index.md");
        // Typed names become slugs (the title keeps them as typed).
        assert_eq!(
            ok("actualites/Fête de la science"),
            "actualites/fete-de-la-science.md"
        );
        assert_eq!(ok("actualites/AG"), "actualites/ag.md");
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/x",
            "a\\b",
            "a//..",
            "~/x",
            "-",
        ] {
            assert!(relative_path(bad).is_err(), "{bad:?} should be refused");
        }
        for reserved in ["con", "actualites/aux", "nul.md", "Com1"] {
            let e = relative_path(reserved).unwrap_err().to_string();
            assert!(e.contains("nom réservé par Windows"), "{reserved}: {e}");
        }
    }

    #[test]
    fn a_trailing_slash_names_a_folder() {
        let e = relative_path("actualites/").unwrap_err();
        assert!(
            matches!(&e, NewPageError::IsFolder { folder, .. } if folder == "actualites"),
            "{e}"
        );
        let folder = |s: &str| folder_path(s).unwrap().to_string_lossy().into_owned();
        assert_eq!(folder("content/actualites/"), "actualites");
        assert_eq!(folder("."), "");
        assert_eq!(folder("Vie de l’asso"), "vie-de-l-asso");
        assert!(folder_path("../x").is_err());
    }

    #[test]
    fn titles() {
        let title = |name: &str| title_from(name, &relative_path(name).unwrap());
        assert_eq!(title("actualites/assemblee-generale"), "Assemblee generale");
        assert_eq!(title("actualites/Fête de la science"), "Fête de la science");
        assert_eq!(
            title("actualites/fête-de-la-science.md"),
            "Fête de la science"
        );
        assert_eq!(title("services/_index"), "Services");
    }

    #[test]
    fn front_matter_parses() {
        let text = front_matter("Assemblee generale", Date::constant(2026, 3, 9), false);
        assert!(text.contains("date = 2026-03-09\n"));
        let split = crate::content::front_matter::split(&text).unwrap();
        assert!(split.front_matter.draft);
        assert_eq!(
            split.front_matter.title.as_deref(),
            Some("Assemblee generale")
        );
    }
}

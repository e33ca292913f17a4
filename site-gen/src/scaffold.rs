//! `site-gen new actualites/assemblee-generale`: a new Markdown page with
//! its front matter, as a draft, never overwriting anything and never
//! outside `content/`.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;

use crate::content::paths::is_reserved;
use crate::slug::slugify;

/// A page created by [`new_page`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The file, relative to the site root: `content/actualites/ag.md`.
    pub path: PathBuf,
    /// Things the maintainer should know (a folder without `_index.md`).
    pub warnings: Vec<String>,
}

/// Creates the page `name` (`actualites/assemblee-generale`, with or
/// without `content/` and `.md`) under `root/content`, dated `today`.
pub fn new_page(root: &Path, name: &str, today: Date) -> Result<Created, String> {
    let rel = relative_path(name)?;
    let content = root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "pas de dossier content/ dans {} : lancez la commande depuis le dossier du site, ou indiquez-le avec --root",
            root.display()
        ));
    }
    let file = content.join(&rel);
    let shown = Path::new("content").join(&rel);
    if file.exists() || file.is_symlink() {
        return Err(format!(
            "{} existe déjà : il n’a pas été modifié",
            shown.display()
        ));
    }
    // `actualites` when content/actualites/ is a section: the page would
    // have the section's address and could never be published.
    let as_folder = file.with_extension("");
    if as_folder.join("_index.md").exists() && rel.file_name().is_some_and(|n| n != "_index.md") {
        let folder = rel.with_extension("").to_string_lossy().replace('\\', "/");
        return Err(format!(
            "content/{folder}/ est une section : la page aurait son adresse. Pour ajouter une page \
             à la section : site-gen new {folder}/nom-de-la-page"
        ));
    }
    let parent = file.parent().unwrap_or(&content);
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("impossible de créer le dossier {} : {e}", parent.display()))?;
    // A symbolic link inside content/ must not lead the file elsewhere.
    let (real_parent, real_content) = (
        parent
            .canonicalize()
            .map_err(|e| format!("{} : {e}", parent.display()))?,
        content
            .canonicalize()
            .map_err(|e| format!("{} : {e}", content.display()))?,
    );
    if !real_parent.starts_with(&real_content) {
        return Err(format!(
            "{} mène hors de content/ (lien symbolique) : refusé",
            shown.display()
        ));
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

    let title = title_from(name, &rel);
    let text = front_matter(&title, today, is_section);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{} existe déjà : il n’a pas été modifié", shown.display())
            }
            _ => format!("impossible de créer {} : {e}", shown.display()),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("écriture impossible dans {} : {e}", shown.display()))?;
    Ok(Created {
        path: shown,
        warnings,
    })
}

/// `actualites/ag` → `actualites/ag.md`, refusing anything that is not a
/// plain relative path of slug-like names.
fn relative_path(name: &str) -> Result<PathBuf, String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(
            "indiquez le nom de la page, par exemple : site-gen new actualites/assemblee-generale"
                .into(),
        );
    }
    if trimmed.contains(['\\', '\0']) {
        return Err(format!(
            "« {trimmed} » : utilisez des / pour séparer les dossiers"
        ));
    }
    let path = Path::new(trimmed);
    if path.is_absolute() || trimmed.starts_with('/') || trimmed.starts_with('~') {
        return Err(format!(
            "« {trimmed} » : indiquez un chemin dans content/, par exemple actualites/assemblee-generale"
        ));
    }
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir if parts.is_empty() => {}
            _ => {
                return Err(format!(
                    "« {trimmed} » : les pages se créent dans content/ (« .. » est refusé)"
                ))
            }
        }
    }
    if parts.first().is_some_and(|p| p == "content") && parts.len() > 1 {
        parts.remove(0);
    }
    let last = parts.pop().ok_or("nom de page vide")?;
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

/// The slug a typed name gives (`Fête de la science` → `fete-de-la-science`),
/// refusing names with no letter or digit and names Windows reserves.
fn slug_of(part: &str) -> Result<String, String> {
    let slug = slugify(part);
    if slug.is_empty() {
        return Err(format!(
            "« {part} » : le nom doit contenir des lettres ou des chiffres"
        ));
    }
    if is_reserved(&slug) {
        return Err(format!(
            "« {part} » : « {slug} » est un nom réservé par Windows (con, prn, aux, nul, com1…, \
             lpt1…), la page ne pourrait pas être publiée : choisissez un autre nom"
        ));
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
            let e = relative_path(reserved).unwrap_err();
            assert!(e.contains("nom réservé par Windows"), "{reserved}: {e}");
        }
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

//! Writing a built site: beside the output folder first, then swapped in,
//! so a failed or interrupted build never leaves a half-written site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("dossier de sortie refusé : {path} ({why})")]
    Refused { path: PathBuf, why: String },
    #[error("écriture impossible dans {path} : {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The absolute form of `path`, resolving symlinks of the part that exists.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    if let Ok(real) = path.canonicalize() {
        return Ok(real);
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
        _ => Ok(path),
    }
}

/// Refuses an output folder that is, contains or lies inside the sources,
/// `/`, the home folder, a repository root, or a folder that is not a site.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let refuse = |why: &str| {
        Err(OutputError::Refused {
            path: out.to_path_buf(),
            why: why.to_string(),
        })
    };
    let out_abs = absolute(out).map_err(io(out))?;
    let root_abs = absolute(root).map_err(io(root))?;
    if out_abs.parent().is_none() {
        return refuse("c’est la racine du système");
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if absolute(&home).ok().as_deref() == Some(out_abs.as_path()) {
            return refuse("c’est le dossier personnel");
        }
    }
    if root_abs.starts_with(&out_abs) {
        return refuse("il contient les sources du site");
    }
    for source in ["content", "themes", "templates", "static"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(&format!("il est dans les sources ({source}/)"));
        }
    }
    if out_abs.join(".git").exists() {
        return refuse("c’est la racine d’un dépôt git");
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return refuse("ce n’est pas un dossier");
        }
        let empty = std::fs::read_dir(&out_abs)
            .map_err(io(&out_abs))?
            .next()
            .is_none();
        if !empty && !out_abs.join("index.html").is_file() {
            return refuse(
                "il n’est pas vide et ne contient pas de site construit (index.html) : choisissez un dossier vide",
            );
        }
    }
    Ok(out_abs)
}

/// Writes `files` as the new content of `out`, atomically replacing it.
pub fn write_site(
    root: &Path,
    out: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), OutputError> {
    let out = check_output_dir(root, out)?;
    let parent = out.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    remove_stale_leftovers(parent, &name);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.nouveau-"))
        .tempdir_in(parent)
        .map_err(io(parent))?;

    // Each folder once, then the files in parallel.
    let dirs: BTreeSet<&Path> = files
        .keys()
        .filter_map(|f| Path::new(f).parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    for dir in dirs {
        let path = staging.path().join(dir);
        std::fs::create_dir_all(&path).map_err(io(&path))?;
    }
    files.par_iter().try_for_each(|(rel, bytes)| {
        let path = staging.path().join(rel);
        std::fs::write(&path, bytes).map_err(io(&path))
    })?;

    swap_in(staging, &out, parent, &name)
}

/// A staging folder older than this was left by a build that was killed
/// (a running build finishes much sooner): it is removed.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the `.public.nouveau-…` / `.public.ancien-…` folders that killed
/// builds left beside the output. Best effort: a failure only leaves clutter.
fn remove_stale_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.nouveau-"), format!(".{name}.ancien-")];
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_dir)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Replaces `out` by the staging folder, keeping the old site until the
/// new one is in place.
fn swap_in(
    staging: tempfile::TempDir,
    out: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    let old = if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.ancien-"))
            .tempdir_in(parent)
            .map_err(io(parent))?
            .keep();
        // `old` is an empty folder: rename replaces it.
        std::fs::rename(out, &old).map_err(io(out))?;
        Some(old)
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, out) {
        if let Some(old) = &old {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(io(out)(e));
    }
    if let Some(old) = old {
        // The new site is in place; a leftover old copy is only clutter.
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_then_replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("public");
        write_site(
            &root,
            &out,
            &site(&[("index.html", "1"), ("a/b/index.html", "x")]),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "x"
        );
        write_site(&root, &out, &site(&[("index.html", "2")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("a").exists(), "stale files are gone");
        let leftovers: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "no staging folder left behind");
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_once_stale() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let old = root.join(".public.nouveau-abc123");
        let recent = root.join(".public.ancien-def456");
        let other = root.join(".autre.nouveau-x");
        for d in [&old, &recent, &other] {
            std::fs::create_dir_all(d.join("sous")).unwrap();
        }
        let long_ago = std::time::SystemTime::now() - 2 * STALE_AFTER;
        for d in [&old, &other] {
            std::fs::File::open(d)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        write_site(&root, &root.join("public"), &site(&[("index.html", "1")])).unwrap();
        assert!(!old.exists(), "a stale staging folder is removed");
        assert!(
            recent.exists(),
            "a recent one may belong to a running build"
        );
        assert!(other.exists(), "another output's folders are left alone");
    }

    #[test]
    fn refuses_sources_and_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.clone(),
            root.join("content"),
            root.join("content/x"),
            dir.path().to_path_buf(),
            PathBuf::from("/"),
        ] {
            assert!(
                check_output_dir(&root, &bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let foreign = dir.path().join("documents");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("lettre.odt"), "x").unwrap();
        assert!(check_output_dir(&root, &foreign).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }
}

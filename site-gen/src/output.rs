//! Writing a built site: beside the output folder first, then swapped in,
//! so a failed or interrupted build never leaves a half-written site.

mod lock;
mod swap;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

/// The file that marks a folder as written by site-gen, hence replaceable.
pub const MARKER: &str = ".site-gen";
/// What the marker says to whoever opens it.
const MARKER_TEXT: &str = "Ce dossier est construit par site-gen et remplacé en entier à chaque construction : n’y mettez rien à la main.\n";

/// Random characters after a staging folder's prefix: fixed, so that only
/// names this module made are ever taken for leftovers.
const STAGING_RAND: usize = 6;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("dossier de sortie refusé : {path} ({why})")]
    Refused { path: PathBuf, why: String },
    #[error(
        "une autre construction écrit déjà dans {path} : attendez qu’elle se termine, puis relancez"
    )]
    Busy { path: PathBuf },
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

/// The absolute form of `path` with every symlink of its existing part
/// resolved. Past the first missing component nothing can be a link, so
/// the rest (`..` included) is applied by hand: comparisons between two
/// resolved paths are then comparisons between real places.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut real = PathBuf::new();
    let mut exists = true;
    for part in std::path::absolute(path)?.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => real.push(part),
            Component::CurDir => {}
            // `real` holds no link, so its parent is the lexical one.
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                real.push(name);
                if exists {
                    match real.canonicalize() {
                        Ok(canonical) => real = canonical,
                        // Missing for real (not a dangling link): the rest
                        // will be created by the build.
                        Err(_) if std::fs::symlink_metadata(&real).is_err() => exists = false,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(real)
}

/// The folders a build reads, by the name shown in messages: the site
/// root, then `content/`, `static/`, `templates/`, `themes/` and each theme
/// (any of them may be a link to elsewhere).
fn source_folders(root: &Path) -> Vec<(String, PathBuf)> {
    let mut folders = vec![(String::new(), root.to_path_buf())];
    for name in ["content", "static", "templates", "themes"] {
        folders.push((format!("{name}/"), root.join(name)));
    }
    if let Ok(themes) = std::fs::read_dir(root.join("themes")) {
        let mut names: Vec<_> = themes.filter_map(Result::ok).collect();
        names.sort_by_key(std::fs::DirEntry::file_name);
        for theme in names {
            let shown = format!("themes/{}/", theme.file_name().to_string_lossy());
            folders.push((shown, theme.path()));
        }
    }
    folders
}

/// Refuses an output folder that is, contains or lies inside the sources,
/// `/`, the home folder, a repository root, or a folder that site-gen did
/// not make (an empty or missing folder is fine).
pub fn check_output_dir(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let out_abs = check_place(root, out)?;
    check_contents(out, &out_abs)?;
    Ok(out_abs)
}

fn refused<T>(out: &Path, why: impl Into<String>) -> Result<T, OutputError> {
    Err(OutputError::Refused {
        path: out.to_path_buf(),
        why: why.into(),
    })
}

/// The checks that depend only on where `out` is; returns its resolved path.
fn check_place(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let out_abs = resolve(out).map_err(io(out))?;
    if out_abs.parent().is_none() {
        return refused(out, "c’est la racine du système");
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if resolve(&home).ok().as_deref() == Some(out_abs.as_path()) {
            return refused(out, "c’est le dossier personnel");
        }
    }
    for (shown, folder) in source_folders(root) {
        // A link to nowhere holds nothing that replacing `out` could lose.
        let Ok(folder) = resolve(&folder) else {
            continue;
        };
        // The site root holds `public/`: only the folders under it are
        // sources that an output must stay out of.
        if !shown.is_empty() && out_abs.starts_with(&folder) {
            return refused(out, format!("il est dans les sources ({shown})"));
        }
        if folder.starts_with(&out_abs) {
            return refused(
                out,
                if shown.is_empty() {
                    "il contient les sources du site".to_string()
                } else {
                    format!("il contient les sources du site ({shown})")
                },
            );
        }
    }
    if out_abs.join(".git").exists() {
        return refused(out, "c’est la racine d’un dépôt git");
    }
    Ok(out_abs)
}

/// The checks on what `out` holds: replacing it deletes all of it, so it
/// must be missing, empty, or marked by an earlier build.
fn check_contents(out: &Path, out_abs: &Path) -> Result<(), OutputError> {
    let meta = match std::fs::metadata(out_abs) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(out_abs)(e)),
    };
    if !meta.is_dir() {
        return refused(out, "ce n’est pas un dossier");
    }
    let empty = std::fs::read_dir(out_abs)
        .map_err(io(out_abs))?
        .next()
        .is_none();
    let marked = std::fs::symlink_metadata(out_abs.join(MARKER)).is_ok_and(|m| m.is_file());
    if empty || marked {
        return Ok(());
    }
    refused(
        out,
        format!(
            "il n’est pas vide et n’a pas été construit par site-gen (pas de fichier {MARKER}) ; \
             le remplacer effacerait son contenu : choisissez un autre dossier, ou videz-le \
             vous-même si rien n’y est à garder (un site construit par une version plus \
             ancienne de site-gen, par exemple)"
        ),
    )
}

/// Writes a built site as [`write_site`] does; with `site.toml`'s
/// `precompress`, each text file that compresses gets its `.gz` and `.br`
/// siblings ([`crate::precompress`]).
pub fn write_built(root: &Path, out: &Path, site: &crate::BuiltSite) -> Result<(), OutputError> {
    Staging::new(root, out).finish(site)
}

/// Writes `files` as the new content of `out` (with its [`MARKER`]),
/// replacing it in one step; fails with [`OutputError::Busy`] while
/// another build writes the same folder.
pub fn write_site(
    root: &Path,
    out: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), OutputError> {
    let staging = Staging::new(root, out);
    staging.write_all(files, &BTreeMap::new())?;
    staging.swap_in()
}

/// The new site of a build, written in a fresh folder beside the output
/// as it is made (each page as soon as it is rendered: [`crate::PageSink`]),
/// then swapped in by [`finish`](Self::finish). The folder is made, and
/// the output locked against other builds, with the first file; dropped
/// unfinished (a build that failed), it is removed and the output left as
/// it was.
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
    started: OnceLock<Option<Started>>,
    /// The first write that failed (the others are not tried).
    failed: Mutex<Option<OutputError>>,
}

/// A staging folder made, with the output's lock held.
struct Started {
    out_abs: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
    /// Held until the new site is in place: what is beside the output and
    /// what the output holds cannot change under this build.
    _lock: lock::OutputLock,
}

impl Staging {
    /// A staging for the output folder `out` of the site at `root`: nothing
    /// is checked or made before the first file.
    pub fn new(root: &Path, out: &Path) -> Staging {
        Staging {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            started: OnceLock::new(),
            failed: Mutex::new(None),
        }
    }

    /// The staging folder, made on first use after checking the output
    /// folder and taking its lock (`None` when that failed).
    fn made(&self) -> Option<&Started> {
        self.started
            .get_or_init(|| match self.start() {
                Ok(started) => Some(started),
                Err(e) => {
                    self.fail(e);
                    None
                }
            })
            .as_ref()
    }

    /// [`made`](Self::made), unless a write failed already.
    fn started(&self) -> Option<&Started> {
        self.made().filter(|_| !self.has_failed())
    }

    fn start(&self) -> Result<Started, OutputError> {
        let out_abs = check_place(&self.root, &self.out)?;
        let parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let lock = lock::OutputLock::take(&parent, &name, &out_abs)?;
        check_contents(&self.out, &out_abs)?;
        remove_leftovers(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix(&name))
            .rand_bytes(STAGING_RAND)
            .tempdir_in(&parent)
            .map_err(io(&parent))?;
        Ok(Started {
            out_abs,
            parent,
            name,
            dir,
            _lock: lock,
        })
    }

    fn fail(&self, e: OutputError) {
        let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        failed.get_or_insert(e);
    }

    fn has_failed(&self) -> bool {
        self.failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Writes one file at `rel` (its folders made as needed: each thread
    /// makes its own, none waits for a list of them). A failure is kept
    /// for [`finish`](Self::finish).
    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let Some(started) = self.started() else {
            return;
        };
        let path = started.dir.path().join(rel);
        let written = match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir).map_err(io(dir)),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, bytes).map_err(io(&path)));
        if let Err(e) = written {
            self.fail(e);
        }
    }

    /// Writes `files`, then their `siblings` (in parallel; the site's own
    /// files come last, so that one of them named like a sibling wins).
    fn write_all(
        &self,
        files: &BTreeMap<String, Vec<u8>>,
        siblings: &BTreeMap<String, Vec<u8>>,
    ) -> Result<(), OutputError> {
        siblings
            .par_iter()
            .for_each(|(rel, bytes)| self.write(rel, bytes));
        files
            .par_iter()
            .for_each(|(rel, bytes)| self.write(rel, bytes));
        self.check()
    }

    /// The first failure so far (the folder is made if it was not).
    fn check(&self) -> Result<(), OutputError> {
        let made = self.made().is_some();
        let failed = self.failed.lock().unwrap_or_else(|p| p.into_inner()).take();
        match failed {
            Some(e) => Err(e),
            None if made => Ok(()),
            // Its failure was reported already.
            None => refused(&self.out, "dossier de préparation non créé"),
        }
    }

    /// Writes what `site` holds besides the pages already written (and,
    /// with `precompress`, the siblings of its files), then swaps the new
    /// site in; fails with the first write that failed.
    pub fn finish(self, site: &crate::BuiltSite) -> Result<(), OutputError> {
        // Compressed before the lock is taken when nothing was written yet:
        // the slow part of writing keeps no other build waiting.
        let siblings = if site.precompress {
            crate::precompress::siblings_except(&site.files, |name| site.written.contains_key(name))
        } else {
            BTreeMap::new()
        };
        self.write_all(&site.files, &siblings)?;
        self.swap_in()
    }

    /// Writes the marker, then puts the staging folder in place of the output.
    fn swap_in(self) -> Result<(), OutputError> {
        self.check()?;
        let Some(started) = self.started.into_inner().flatten() else {
            return refused(&self.out, "dossier de préparation non créé");
        };
        // Last, so that it says what it must even if a site file had its
        // name (hidden files are never built, so none does today).
        let marker = started.dir.path().join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(io(&marker))?;
        #[cfg(debug_assertions)]
        pause_before_swap_for_tests();
        let Started {
            out_abs,
            parent,
            name,
            dir,
            _lock,
        } = started;
        swap::swap_in(dir, &out_abs, &parent, &name)
    }
}

impl crate::PageSink for Staging {
    fn page(&self, path: &str, bytes: &[u8], precompress: bool) {
        // Siblings first: a site file named like one is written later and wins.
        if precompress {
            for (name, packed) in crate::precompress::siblings_of(path, bytes) {
                self.write(&name, &packed);
            }
        }
        self.write(path, bytes);
    }
}

fn staging_prefix(name: &str) -> String {
    format!(".{name}.nouveau-")
}

fn old_prefix(name: &str) -> String {
    format!(".{name}.ancien-")
}

/// Removes the staging and old-site folders that killed builds left beside
/// the output. Called with the lock held, so no running build owns them,
/// whatever their age. Best effort: a failure only leaves clutter.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [staging_prefix(name), old_prefix(name)];
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let ours = prefixes.iter().any(|p| {
            file_name.strip_prefix(p.as_str()).is_some_and(|rand| {
                rand.len() == STAGING_RAND && rand.chars().all(|c| c.is_ascii_alphanumeric())
            })
        });
        // `file_type` does not follow links: a link is never ours.
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Test hook (debug builds only, never in a released binary): with
/// `SITE_GEN_TEST_PAUSE_BEFORE_SWAP=<file>`, the build creates `<file>`
/// once the new site is staged and the lock taken, then waits to be
/// killed, so that tests reach that point by construction, not by timing.
#[cfg(debug_assertions)]
fn pause_before_swap_for_tests() {
    if let Some(flag) = std::env::var_os("SITE_GEN_TEST_PAUSE_BEFORE_SWAP") {
        let _ = std::fs::write(flag, b"");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
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

    /// Names beside the output that start with a dot (staging, lock).
    fn hidden_beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        names.sort();
        names
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
        assert!(std::fs::read_to_string(out.join(MARKER))
            .unwrap()
            .contains("construit par site-gen"));
        write_site(&root, &out, &site(&[("index.html", "2")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        assert!(!out.join("a").exists(), "stale files are gone");
        assert_eq!(
            hidden_beside(&root),
            Vec::<String>::new(),
            "no staging folder or lock file left behind"
        );
    }

    #[test]
    fn pages_written_as_rendered_appear_only_when_finished() {
        use crate::PageSink as _;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("public");
        write_site(&root, &out, &site(&[("index.html", "ancien")])).unwrap();
        let page = "<p>Une page, assez longue pour être compressée.</p>\n".repeat(20);

        // A build that fails after writing a page leaves the old site.
        let failed = Staging::new(&root, &out);
        failed.page("a/b/index.html", page.as_bytes(), true);
        drop(failed);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "ancien"
        );
        assert!(!out.join("a").exists());
        assert_eq!(
            hidden_beside(&root),
            Vec::<String>::new(),
            "nothing left beside"
        );

        let staging = Staging::new(&root, &out);
        staging.page("a/b/index.html", page.as_bytes(), true);
        let built = crate::BuiltSite {
            files: site(&[("index.html", "nouveau"), ("a/b/index.html.br", "le mien")]),
            written: BTreeMap::from([("a/b/index.html".to_string(), page.len())]),
            precompress: true,
            ..Default::default()
        };
        staging.finish(&built).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            page
        );
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "nouveau"
        );
        assert!(
            out.join("a/b/index.html.gz").is_file(),
            "the page's sibling"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("a/b/index.html.br")).unwrap(),
            "le mien",
            "the site's own file wins over a sibling's name"
        );
        assert!(out.join(MARKER).is_file());
        assert_eq!(hidden_beside(&root), Vec::<String>::new());
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_whatever_their_age() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let staging = root.join(".public.nouveau-abc123");
        let old = root.join(".public.ancien-def456");
        let other = root.join(".autre.nouveau-x1y2z3");
        let not_ours = root.join(".public.nouveau-a-garder");
        for d in [&staging, &old, &other, &not_ours] {
            std::fs::create_dir_all(d.join("sous")).unwrap();
        }
        write_site(&root, &root.join("public"), &site(&[("index.html", "1")])).unwrap();
        assert!(!staging.exists() && !old.exists(), "leftovers are removed");
        assert!(other.exists(), "another output's folders are left alone");
        assert!(not_ours.exists(), "a name this module never makes is kept");
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
            root.join("content/x/../../.."),
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
        std::fs::write(foreign.join("index.html"), "x").unwrap();
        assert!(
            check_output_dir(&root, &foreign).is_err(),
            "an index.html does not make a folder site-gen's"
        );
        std::fs::write(foreign.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check_output_dir(&root, &foreign).is_ok());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn resolve_applies_dot_dot_past_the_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&real.join("a/b/../../c")).unwrap(), real.join("c"));
        assert_eq!(resolve(&real.join("a/./b")).unwrap(), real.join("a/b"));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_an_output_inside_a_linked_source_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let assets = dir.path().join("partage/images");
        std::fs::create_dir_all(&assets).unwrap();
        std::os::unix::fs::symlink(&assets, root.join("static")).unwrap();
        let err = check_output_dir(&root, &root.join("static/out")).unwrap_err();
        assert!(
            err.to_string().contains("dans les sources (static/)"),
            "{err}"
        );
        let err = check_output_dir(&root, &dir.path().join("partage")).unwrap_err();
        assert!(err.to_string().contains("contient les sources"), "{err}");
    }
}

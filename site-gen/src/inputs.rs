//! Every file the build reads from the site, read by one rule: it must lead
//! to a regular file inside the site folder.
//!
//! Symbolic links are followed (a site may link one of its files to
//! another), but where a path leads is checked before anything is opened:
//! its canonical form must lie under the site root (canonical too), and not
//! in a hidden file or folder of it (`.git/`, `.env`). A refused file is
//! never opened, so no message can quote it: a pull request linking its
//! pricing data to `/proc/self/environ` or `.git/config` (where CI keeps
//! its token) would otherwise print secrets in the build log, or publish
//! them through `static/`.
//!
//! Only regular files are read: a named pipe opened for reading waits for
//! a writer forever, and a device may never end. The type is checked on the
//! opened handle (opened without blocking), so a file swapped for a pipe
//! after the first check is still refused.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{display_path, Diagnostic};

/// Why an input is not read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(
        "mène à l’extérieur du dossier du site (lien symbolique) : refusé, \
         seuls les fichiers du site sont lus"
    )]
    OutsideSite,
    /// A link of a walked folder that must stay in it (`content/`, named).
    #[error("lien symbolique vers l’extérieur de {0}/ refusé")]
    OutsideFolder(String),
    #[error(
        "mène à un fichier ou dossier caché du site (.git/, .env…) : refusé, \
         ils ne sont jamais lus"
    )]
    Hidden,
    #[error("lien symbolique cassé ou en boucle")]
    BrokenLink,
    #[error("lien symbolique vers un dossier non pris en charge : copiez le dossier")]
    LinkedFolder,
    #[error(
        "n’est pas un fichier ordinaire (tube nommé, socket ou périphérique) : \
         refusé, sa lecture pourrait bloquer la construction"
    )]
    NotRegular,
    #[error("est un dossier : un fichier est attendu")]
    Folder,
    #[error("le fichier n’est pas en UTF-8 : réenregistrez-le en UTF-8")]
    NotUtf8,
    #[error("lecture impossible : {0}")]
    Io(#[source] io::Error),
}

/// An input not read: the file as the user wrote it (relative to the site
/// root) and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {refusal}", file.display())]
pub struct InputError {
    pub file: PathBuf,
    pub refusal: Refusal,
}

impl From<InputError> for Diagnostic {
    fn from(e: InputError) -> Diagnostic {
        Diagnostic::new(e.file, e.refusal.to_string())
    }
}

/// Where the symbolic links found by [`Inputs::walk`] may lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinksTo {
    /// Anywhere in the site (`static/`, `templates/`, the theme).
    Site,
    /// Only inside the folder walked (`content/`: everything in it is
    /// published, so a link to `site.toml` must not be).
    Folder,
}

/// A folder of the site, checked by [`Inputs::folder`].
#[derive(Debug, Clone)]
pub struct Folder {
    /// As the caller named it (its walk gives paths under it).
    pub path: PathBuf,
    /// Where it leads.
    real: PathBuf,
}

/// The site's inputs: reads files under `root`, by the rule above.
#[derive(Debug, Clone)]
pub struct Inputs {
    root: PathBuf,
    real: PathBuf,
}

impl Inputs {
    pub fn new(root: &Path) -> Inputs {
        // A root that cannot be resolved holds nothing: every input is then
        // missing, and each reader reports that as it always has.
        let real = root
            .canonicalize()
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        Inputs {
            root: root.to_path_buf(),
            real,
        }
    }

    /// `path` as the user knows it: relative to the site root.
    pub fn shown(&self, path: &Path) -> PathBuf {
        display_path(&self.root, path)
    }

    fn error(&self, path: &Path, refusal: Refusal) -> InputError {
        InputError {
            file: self.shown(path),
            refusal,
        }
    }

    /// Where `path` leads, once checked; `None` when nothing is there.
    pub fn resolve(&self, path: &Path) -> Result<Option<PathBuf>, InputError> {
        self.resolve_within(path, None)
    }

    /// Like [`resolve`](Self::resolve); with `folder`, the path must also
    /// lead inside it.
    fn resolve_within(
        &self,
        path: &Path,
        folder: Option<&Folder>,
    ) -> Result<Option<PathBuf>, InputError> {
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(e) => {
                return match path.symlink_metadata() {
                    Ok(m) if m.is_symlink() => Err(self.error(path, Refusal::BrokenLink)),
                    Err(_) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    _ => Err(self.error(path, Refusal::Io(e))),
                };
            }
        };
        if let Some(folder) = folder {
            if !real.starts_with(&folder.real) {
                let label = self.shown(&folder.path).display().to_string();
                return Err(self.error(path, Refusal::OutsideFolder(label)));
            }
        }
        let Ok(rel) = real.strip_prefix(&self.real) else {
            return Err(self.error(path, Refusal::OutsideSite));
        };
        if rel.components().any(is_hidden) {
            return Err(self.error(path, Refusal::Hidden));
        }
        Ok(Some(real))
    }

    /// The regular file `path` leads to; `None` when nothing is there.
    pub fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, InputError> {
        let Some(real) = self.resolve(path)? else {
            return Ok(None);
        };
        // The checked path is opened, not `path`: a link changed since the
        // check is not followed again.
        read_regular(&real)
            .map(Some)
            .map_err(|r| self.error(path, r))
    }

    /// Like [`read`](Self::read), for a file that must be there (found by
    /// a walk): gone is an error.
    pub fn read_found(&self, path: &Path) -> Result<Vec<u8>, InputError> {
        self.read(path)?
            .ok_or_else(|| self.error(path, Refusal::Io(io::Error::from(io::ErrorKind::NotFound))))
    }

    /// Like [`read_found`](Self::read_found), for a path given by
    /// [`walk`](Self::walk), which checked it: no folder of it below the
    /// walked one is a link (a walk never enters a linked folder), so only
    /// its last name needs checking again, and opening without following
    /// a link does that. A link there (one the walk checked, or one put in
    /// place since) takes the full check of `read_found`. Open, `fstat`,
    /// read and close: `read_found` adds a `readlink` for each folder of
    /// the path and two more `stat`s.
    pub fn read_walked(&self, path: &Path) -> Result<Vec<u8>, InputError> {
        #[cfg(unix)]
        match open_no_follow(path) {
            Ok(file) => read_open(file).map_err(|r| self.error(path, r)),
            // A link: `ELOOP` (Linux, macOS), `EMLINK` (FreeBSD).
            Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::EMLINK)) => {
                self.read_found(path)
            }
            Err(e) => Err(self.error(path, Refusal::Io(e))),
        }
        #[cfg(not(unix))]
        self.read_found(path)
    }

    /// Like [`read`](Self::read), for a text file.
    pub fn read_to_string(&self, path: &Path) -> Result<Option<String>, InputError> {
        match self.read(path)? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| self.error(path, Refusal::NotUtf8)),
        }
    }

    /// The folder at `path`, checked like a file; `None` when there is no
    /// folder there.
    pub fn folder(&self, path: &Path) -> Result<Option<Folder>, InputError> {
        Ok(self
            .resolve(path)?
            .filter(|real| real.is_dir())
            .map(|real| Folder {
                path: path.to_path_buf(),
                real,
            }))
    }

    /// The files under `folder`, sorted by name, hidden ones (and what
    /// hidden folders hold) skipped: each a regular file, or the reason it
    /// is refused. Links are followed to files only, where `links` allows.
    /// Paths are under `folder.path`, as the caller named it.
    pub fn walk(&self, folder: &Folder, links: LinksTo) -> Vec<Result<PathBuf, InputError>> {
        let within = match links {
            LinksTo::Site => None,
            LinksTo::Folder => Some(folder),
        };
        let walker = WalkDir::new(&folder.path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        let mut found = Vec::new();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(&folder.path).to_path_buf();
                    found.push(Err(self.error(&path, Refusal::Io(e.into()))));
                    continue;
                }
            };
            let path = entry.path();
            if entry.depth() == 0 || entry.file_type().is_dir() {
                continue;
            }
            if entry.path_is_symlink() {
                let checked = self.resolve_within(path, within).and_then(|real| {
                    let meta = real.as_deref().map(std::fs::metadata);
                    match meta {
                        // Gone since it was listed: the reader reports it.
                        None => Ok(()),
                        Some(Ok(m)) if m.is_dir() => Err(self.error(path, Refusal::LinkedFolder)),
                        Some(Ok(m)) => regular(&m).map_err(|r| self.error(path, r)),
                        Some(Err(e)) => Err(self.error(path, Refusal::Io(e))),
                    }
                });
                found.push(checked.map(|()| path.to_path_buf()));
            } else if entry.file_type().is_file() {
                found.push(Ok(path.to_path_buf()));
            } else {
                found.push(Err(self.error(path, Refusal::NotRegular)));
            }
        }
        found
    }
}

/// A `.git`, `.env`… component.
fn is_hidden(c: Component) -> bool {
    matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.'))
}

/// `Ok` for a regular file.
fn regular(meta: &Metadata) -> Result<(), Refusal> {
    if meta.is_file() {
        Ok(())
    } else if meta.is_dir() {
        Err(Refusal::Folder)
    } else {
        Err(Refusal::NotRegular)
    }
}

/// Reads `path` if it is a regular file (links followed), wherever it
/// leads: for a path already checked by [`Inputs`] (the assets of a walk).
pub fn read_regular(path: &Path) -> Result<Vec<u8>, Refusal> {
    // Checked before opening too: opening a device may do something.
    regular(&std::fs::metadata(path).map_err(Refusal::Io)?)?;
    read_open(open(path).map_err(Refusal::Io)?)
}

/// Reads the opened `file` if it is a regular file: the type is checked
/// on the handle, so a file swapped for a pipe since any earlier check
/// is still refused.
fn read_open(file: File) -> Result<Vec<u8>, Refusal> {
    let meta = file.metadata().map_err(Refusal::Io)?;
    regular(&meta)?;
    // Sized from the handle's length (one more byte to see the end at
    // once): `File::read_to_end` would ask the length again, and the
    // position.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
    (&file)
        .take(u64::MAX)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    Ok(bytes)
}

/// Opens for reading without waiting: a named pipe put in place of the
/// file after the check would otherwise block here until a writer comes.
#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Like [`open`], refusing a link in the last name (`ELOOP`).
#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::sync::mpsc;
    use std::time::Duration;

    const SECRET: &str = "JETON_SECRET_4f9a";

    /// A site folder beside a folder outside it holding a secret.
    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        secret: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/page.md"), "# Page\n").unwrap();
        let secret = dir.path().join("ailleurs/secret.txt");
        std::fs::create_dir_all(secret.parent().unwrap()).unwrap();
        std::fs::write(&secret, format!("TOKEN={SECRET}\n")).unwrap();
        Fixture {
            _dir: dir,
            root,
            secret,
        }
    }

    fn mkfifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path for the whole call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    }

    /// Runs `f` on a thread; a hang detector (a FIFO read blocks forever
    /// when the check is missing), the bound is far above the work.
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(30)).expect("hung")
    }

    fn refusal(r: Result<impl std::fmt::Debug, InputError>) -> (PathBuf, Refusal) {
        let e = r.expect_err("must be refused");
        let shown = e.to_string();
        assert!(!shown.contains(SECRET), "{shown}");
        (e.file, e.refusal)
    }

    #[test]
    fn files_of_the_site_are_read_links_inside_too() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        let page = f.root.join("content/page.md");
        assert_eq!(inputs.read(&page).unwrap().unwrap(), b"# Page\n");
        symlink("content/page.md", f.root.join("lien.md")).unwrap();
        assert_eq!(
            inputs.read_to_string(&f.root.join("lien.md")).unwrap(),
            Some("# Page\n".to_string())
        );
        assert!(inputs.read(&f.root.join("absent.toml")).unwrap().is_none());
    }

    #[test]
    fn a_root_given_through_a_link_still_holds_its_files() {
        let f = fixture();
        let link = f.root.parent().unwrap().join("raccourci");
        symlink(&f.root, &link).unwrap();
        let inputs = Inputs::new(&link);
        let page = link.join("content/page.md");
        assert!(inputs.read(&page).unwrap().is_some());
        assert_eq!(inputs.shown(&page), Path::new("content/page.md"));
    }

    #[test]
    fn links_out_of_the_site_are_refused_unread() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        let link = f.root.join("content/tarifs.toml");
        symlink(&f.secret, &link).unwrap();
        let (file, why) = refusal(inputs.read(&link));
        assert_eq!(file, Path::new("content/tarifs.toml"));
        assert!(matches!(why, Refusal::OutsideSite), "{why:?}");
        assert!(why.to_string().contains("l’extérieur du dossier du site"));
        // A folder linked out, and a file reached through it.
        symlink(f.secret.parent().unwrap(), f.root.join("static")).unwrap();
        let (file, why) = refusal(inputs.folder(&f.root.join("static")));
        assert_eq!(file, Path::new("static"));
        assert!(matches!(why, Refusal::OutsideSite), "{why:?}");
        let (_, why) = refusal(inputs.read(&f.root.join("static/secret.txt")));
        assert!(matches!(why, Refusal::OutsideSite), "{why:?}");
        // `/proc/self/environ`, the leak this rule was written for.
        if cfg!(target_os = "linux") {
            symlink("/proc/self/environ", f.root.join("site.toml")).unwrap();
            let (_, why) = refusal(inputs.read(&f.root.join("site.toml")));
            assert!(matches!(why, Refusal::OutsideSite), "{why:?}");
        }
    }

    #[test]
    fn hidden_files_of_the_site_are_refused() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        std::fs::create_dir_all(f.root.join(".git")).unwrap();
        std::fs::write(f.root.join(".git/config"), SECRET).unwrap();
        symlink("../.git/config", f.root.join("content/config.txt")).unwrap();
        let (_, why) = refusal(inputs.read(&f.root.join("content/config.txt")));
        assert!(matches!(why, Refusal::Hidden), "{why:?}");
        let (_, why) = refusal(inputs.read(&f.root.join(".git/config")));
        assert!(matches!(why, Refusal::Hidden), "{why:?}");
    }

    #[test]
    fn broken_and_looping_links_are_named() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        symlink("absent", f.root.join("casse.toml")).unwrap();
        symlink("b", f.root.join("a")).unwrap();
        symlink("a", f.root.join("b")).unwrap();
        for name in ["casse.toml", "a"] {
            let (file, why) = refusal(inputs.read(&f.root.join(name)));
            assert_eq!(file, Path::new(name));
            assert!(matches!(why, Refusal::BrokenLink), "{why:?}");
        }
    }

    #[test]
    fn pipes_and_sockets_are_refused_at_once() {
        let f = fixture();
        let fifo = f.root.join("content/tube.md");
        mkfifo(&fifo);
        let socket = f.root.join("content/prise");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        symlink("tube.md", f.root.join("content/vers-tube.md")).unwrap();
        let root = f.root.clone();
        let refusals = within(move || {
            let inputs = Inputs::new(&root);
            ["content/tube.md", "content/prise", "content/vers-tube.md"]
                .map(|p| inputs.read(&root.join(p)).map(|_| ()).unwrap_err())
        });
        for e in refusals {
            assert!(matches!(e.refusal, Refusal::NotRegular), "{e}");
            assert!(e.to_string().contains("n’est pas un fichier ordinaire"));
        }
        // Past the first check (a pipe swapped in): the handle is checked.
        let fifo2 = f.root.join("tube2");
        mkfifo(&fifo2);
        let why = within(move || open(&fifo2).and_then(|f| f.metadata()).unwrap());
        assert!(matches!(regular(&why), Err(Refusal::NotRegular)));
        assert!(matches!(
            read_regular(&f.root.join("content")),
            Err(Refusal::Folder)
        ));
    }

    #[test]
    fn walked_files_are_checked_again_as_they_are_read() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        let content = f.root.join("content");
        std::fs::write(f.root.join("site.toml"), "title = \"x\"").unwrap();
        symlink("../site.toml", content.join("lien.md")).unwrap();
        std::fs::write(content.join("tube.md"), "x").unwrap();
        std::fs::write(content.join("secret.md"), "x").unwrap();
        let folder = inputs.folder(&content).unwrap().unwrap();
        let walked: Vec<PathBuf> = inputs
            .walk(&folder, LinksTo::Site)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(walked.len(), 4, "{walked:?}");
        // Read as walked: a file, and a link inside the site.
        assert_eq!(
            inputs.read_walked(&content.join("page.md")).unwrap(),
            b"# Page\n"
        );
        assert_eq!(
            inputs.read_walked(&content.join("lien.md")).unwrap(),
            b"title = \"x\""
        );
        // Swapped since the walk: for a pipe, for a link out of the site.
        std::fs::remove_file(content.join("tube.md")).unwrap();
        mkfifo(&content.join("tube.md"));
        std::fs::remove_file(content.join("secret.md")).unwrap();
        symlink(&f.secret, content.join("secret.md")).unwrap();
        let root = f.root.clone();
        let [tube, secret] = within(move || {
            let inputs = Inputs::new(&root);
            ["tube.md", "secret.md"].map(|n| inputs.read_walked(&root.join("content").join(n)))
        });
        let (file, why) = refusal(tube);
        assert_eq!(file, Path::new("content/tube.md"));
        assert!(matches!(why, Refusal::NotRegular), "{why:?}");
        let (_, why) = refusal(secret);
        assert!(matches!(why, Refusal::OutsideSite), "{why:?}");
    }

    #[test]
    fn walks_list_regular_files_and_refuse_the_rest() {
        let f = fixture();
        let inputs = Inputs::new(&f.root);
        let content = f.root.join("content");
        std::fs::write(content.join(".cache"), "caché").unwrap();
        std::fs::create_dir_all(content.join(".brouillons")).unwrap();
        mkfifo(&content.join(".brouillons/tube"));
        std::fs::create_dir_all(content.join("a")).unwrap();
        std::fs::write(content.join("a/b.md"), "b").unwrap();
        std::fs::write(f.root.join("hors-content.md"), "x").unwrap();
        symlink("../hors-content.md", content.join("c.md")).unwrap();
        symlink("a", content.join("d")).unwrap();
        symlink(&f.secret, content.join("e.txt")).unwrap();
        mkfifo(&content.join("f.md"));
        let walk = |links| {
            let folder = inputs.folder(&content).unwrap().unwrap();
            let root = f.root.clone();
            within(move || {
                Inputs::new(&root)
                    .walk(&folder, links)
                    .into_iter()
                    .map(|r| match r {
                        Ok(p) => (p, None),
                        Err(e) => (root.join(&e.file), Some(e.refusal)),
                    })
                    .collect::<Vec<_>>()
            })
        };
        let kinds = |links| -> Vec<(String, String)> {
            walk(links)
                .into_iter()
                .map(|(p, r)| {
                    let rel = p.strip_prefix(&content).unwrap().display().to_string();
                    let why = match r {
                        None => "lu".to_string(),
                        Some(Refusal::OutsideFolder(l)) => format!("hors de {l}/"),
                        Some(Refusal::OutsideSite) => "hors du site".into(),
                        Some(Refusal::LinkedFolder) => "dossier lié".into(),
                        Some(Refusal::NotRegular) => "pas ordinaire".into(),
                        Some(other) => other.to_string(),
                    };
                    (rel, why)
                })
                .collect()
        };
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            kinds(LinksTo::Folder),
            pairs(&[
                ("a/b.md", "lu"),
                ("c.md", "hors de content/"),
                ("d", "dossier lié"),
                ("e.txt", "hors de content/"),
                ("f.md", "pas ordinaire"),
                ("page.md", "lu"),
            ])
        );
        assert_eq!(
            kinds(LinksTo::Site),
            pairs(&[
                ("a/b.md", "lu"),
                ("c.md", "lu"),
                ("d", "dossier lié"),
                ("e.txt", "hors du site"),
                ("f.md", "pas ordinaire"),
                ("page.md", "lu"),
            ])
        );
    }
}

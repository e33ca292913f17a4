//! Watching the site's sources: which folders and files, which events
//! matter, and the debouncing of editors that write a file several times.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecursiveMode, Watcher};

use super::Reporter;
use crate::config::{Config, CONFIG_FILE, ZOLA_CONFIG_FILE};
use crate::junk::Junk;

/// Age of a batch's first change when its rebuild starts (leading edge):
/// editors save in a burst of a few milliseconds (temporary file, rename,
/// permissions), and a rebuild of one page takes about 10 ms, so an edit
/// shows in about 20 ms. Changes that come while the site is rebuilt make
/// one more batch, built right after.
pub const LEAD: Duration = Duration::from_millis(8);
/// Past [`LEAD`], a batch still takes the changes that follow each other
/// closer than this (a burst going on: a copy, a `git checkout`)…
pub const QUIET: Duration = Duration::from_millis(4);
/// … for at most this long after its first change.
pub const MAX_WAIT: Duration = Duration::from_secs(2);

/// Folders of the site watched with everything under them. The widget's
/// sources are not among them: the binary carries its own copy.
const SOURCE_DIRS: &[&str] = &["content", "themes", "templates", "static"];

/// What to watch: folders (recursively) and single files (through their
/// folder, so that editors replacing the file by a rename are seen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSet {
    pub dirs: BTreeSet<PathBuf>,
    /// Files watched through their parent folder (not recursively).
    pub files: BTreeSet<PathBuf>,
    /// Files whose changes are not the site's: the build never reads them.
    pub junk: Junk,
}

impl WatchSet {
    /// The sources of the site at `root`, as they are now.
    pub fn for_site(root: &Path) -> WatchSet {
        let mut set = WatchSet::default();
        for dir in SOURCE_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                set.dirs.insert(path);
            }
        }
        set.files.insert(root.join(CONFIG_FILE));
        set.files.insert(root.join(ZOLA_CONFIG_FILE));
        let config = Config::load(root).unwrap_or_default();
        set.files.insert(root.join(&config.pricing_data));
        set.junk = config.junk();
        set
    }

    /// Folders watched without recursion: the site root (for `site.toml`
    /// and source folders that appear) and the parents of watched files.
    fn flat_dirs(&self, root: &Path) -> BTreeSet<PathBuf> {
        let mut flat = BTreeSet::from([root.to_path_buf()]);
        for f in &self.files {
            if let Some(parent) = f.parent() {
                if parent.is_dir() && !self.covered(parent) {
                    flat.insert(parent.to_path_buf());
                }
            }
        }
        flat
    }

    fn covered(&self, path: &Path) -> bool {
        self.dirs.iter().any(|d| path.starts_with(d))
    }

    /// Whether a change at `path` concerns the site.
    pub fn is_relevant(&self, root: &Path, path: &Path) -> bool {
        if self
            .junk
            .why_under(ignore_base(root, path).as_deref(), path)
            .is_some()
        {
            return false;
        }
        if self.files.contains(path) || self.covered(path) {
            return true;
        }
        // A source folder created or removed at the root.
        path.parent() == Some(root)
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| SOURCE_DIRS.contains(&n))
    }
}

/// The folder `ignore` patterns are relative to for `path`: `content/`,
/// `static/` or a theme's `static/`.
fn ignore_base(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str());
    let base = match parts.next()?.to_str()? {
        dir @ ("content" | "static") => root.join(dir),
        "themes" => {
            let name = parts.next()?;
            (parts.next()? == "static").then(|| root.join("themes").join(name).join("static"))?
        }
        _ => return None,
    };
    Some(base)
}

/// A watcher whose watches follow the site's sources.
pub struct SourceWatcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    set: WatchSet,
    recursive: BTreeSet<PathBuf>,
    flat: BTreeSet<PathBuf>,
}

impl SourceWatcher {
    pub fn new(
        root: &Path,
        events: std::sync::mpsc::Sender<notify::Result<Event>>,
    ) -> notify::Result<SourceWatcher> {
        let watcher = notify::recommended_watcher(events)?;
        let mut w = SourceWatcher {
            root: root.to_path_buf(),
            watcher,
            set: WatchSet::default(),
            recursive: BTreeSet::new(),
            flat: BTreeSet::new(),
        };
        w.refresh()?;
        Ok(w)
    }

    pub fn set(&self) -> &WatchSet {
        &self.set
    }

    /// Like [`refresh`](Self::refresh), watching again the folders that
    /// were themselves removed, created or renamed (`changed`): a folder
    /// deleted then made again (a `git checkout`) is a new folder.
    pub fn refresh_after(&mut self, changed: &BTreeSet<PathBuf>) -> notify::Result<()> {
        for path in changed {
            for known in [&mut self.recursive, &mut self.flat] {
                if known.remove(path) {
                    let _ = self.watcher.unwatch(path);
                }
            }
        }
        self.refresh()
    }

    /// Brings the watches up to date (folders created or removed since,
    /// another pricing file in `site.toml`).
    pub fn refresh(&mut self) -> notify::Result<()> {
        self.set = WatchSet::for_site(&self.root);
        let flat = self.set.flat_dirs(&self.root);
        let wanted: Vec<(PathBuf, RecursiveMode)> = self
            .set
            .dirs
            .iter()
            .map(|d| (d.clone(), RecursiveMode::Recursive))
            .chain(
                flat.iter()
                    .map(|d| (d.clone(), RecursiveMode::NonRecursive)),
            )
            .collect();
        for old in self.recursive.clone() {
            if !self.set.dirs.contains(&old) {
                let _ = self.watcher.unwatch(&old);
                self.recursive.remove(&old);
            }
        }
        for old in self.flat.clone() {
            if !flat.contains(&old) {
                let _ = self.watcher.unwatch(&old);
                self.flat.remove(&old);
            }
        }
        let mut first_error = None;
        for (path, mode) in wanted {
            let known = match mode {
                RecursiveMode::Recursive => &mut self.recursive,
                RecursiveMode::NonRecursive => &mut self.flat,
            };
            if known.contains(&path) {
                continue;
            }
            match self.watcher.watch(&path, mode) {
                Ok(()) => {
                    known.insert(path);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The relevant paths of one event (nothing for reads).
pub fn relevant_paths(set: &WatchSet, root: &Path, event: &Event) -> Vec<PathBuf> {
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    if event.need_rescan() {
        return vec![root.to_path_buf()];
    }
    event
        .paths
        .iter()
        .filter(|p| set.is_relevant(root, p))
        .cloned()
        .collect()
}

/// Waits for the next change, then takes the changes that follow until it
/// is [`LEAD`] old and [`QUIET`] passed without one (at most [`MAX_WAIT`]);
/// returns the changed paths, or `None` when the watcher is gone. Errors of
/// the watcher before the change are told to `report`.
pub fn next_change(
    rx: &Receiver<notify::Result<Event>>,
    set: &WatchSet,
    root: &Path,
    report: &Reporter,
) -> Option<BTreeSet<PathBuf>> {
    let mut changed = BTreeSet::new();
    while changed.is_empty() {
        match rx.recv() {
            Ok(Ok(event)) => changed.extend(relevant_paths(set, root, &event)),
            Ok(Err(e)) => report(super::Event::WatchFailed(&e)),
            Err(_) => return None,
        }
    }
    let start = Instant::now();
    let mut last = start;
    loop {
        let wait = LEAD
            .saturating_sub(start.elapsed())
            .max(QUIET.saturating_sub(last.elapsed()))
            .min(MAX_WAIT.saturating_sub(start.elapsed()));
        if wait.is_zero() {
            break;
        }
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) => {
                changed.extend(relevant_paths(set, root, &event));
                last = Instant::now();
            }
            Ok(Err(_)) => {}
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance() {
        let root = Path::new("/site");
        let set = WatchSet {
            dirs: BTreeSet::from([root.join("content"), root.join("static")]),
            files: BTreeSet::from([root.join("site.toml"), root.join("data/tarifs.toml")]),
            junk: Junk::new(&["brouillons/**".into(), "*.psd".into()]).unwrap(),
        };
        assert!(set.is_relevant(root, &root.join("content/faq.md")));
        assert!(set.is_relevant(root, &root.join("content/img/a.png")));
        assert!(set.is_relevant(root, &root.join("site.toml")));
        assert!(set.is_relevant(root, &root.join("data/tarifs.toml")));
        assert!(set.is_relevant(root, &root.join("templates")));
        assert!(!set.is_relevant(root, &root.join("content/.faq.md.swp")));
        assert!(!set.is_relevant(root, &root.join("content/faq.md~")));
        assert!(!set.is_relevant(root, &root.join("content/4913")));
        assert!(!set.is_relevant(root, &root.join("public/index.html")));
        assert!(!set.is_relevant(root, &root.join("target/x")));
        assert!(!set.is_relevant(root, &root.join("README.md")));
    }

    #[test]
    fn junk_triggers_no_rebuild() {
        let root = Path::new("/site");
        let set = WatchSet {
            dirs: BTreeSet::from([
                root.join("content"),
                root.join("static"),
                root.join("themes"),
            ]),
            files: BTreeSet::from([root.join("site.toml")]),
            junk: Junk::new(&["brouillons/**".into(), "*.psd".into()]).unwrap(),
        };
        for junk in [
            "content/faq.md~",
            "content/#faq.md#",
            "content/.#faq.md",
            "content/.faq.md.swp",
            "content/faq.md.bak",
            "content/faq.tmp",
            "content/4913",
            "content/Thumbs.db",
            "static/img/desktop.ini",
            "static/.DS_Store",
            "static/._logo.png",
            "static/Icon\r",
            "content/~$bulletin.docx",
            "content/.~lock.bulletin.odt#",
            "content/brouillons/idee.md",
            "content/img/logo.psd",
            "static/logo.psd",
            "themes/amie/static/maquette.psd",
            "themes/amie/static/style.css~",
        ] {
            let path = root.join(junk);
            let event =
                Event::new(EventKind::Modify(notify::event::ModifyKind::Any)).add_path(path);
            assert!(relevant_paths(&set, root, &event).is_empty(), "{junk:?}");
        }
        for kept in [
            "content/faq.md",
            "content/autres/brouillons.md",
            "static/logo.png",
            "themes/amie/templates/maquette.psd",
        ] {
            assert!(set.is_relevant(root, &root.join(kept)), "{kept:?}");
        }
    }

    fn modified(path: PathBuf) -> notify::Result<Event> {
        Ok(Event::new(EventKind::Modify(notify::event::ModifyKind::Any)).add_path(path))
    }

    #[test]
    fn a_burst_of_changes_is_one_batch() {
        let root = Path::new("/site");
        let set = WatchSet {
            dirs: BTreeSet::from([root.join("content")]),
            ..WatchSet::default()
        };
        let report: Reporter = std::sync::Arc::new(|_| {});
        let (tx, rx) = std::sync::mpsc::channel();
        // An editor's save: the file, its temporary copy renamed over it,
        // its permissions; with a change outside the site in between.
        tx.send(modified(root.join("content/faq.md"))).unwrap();
        tx.send(modified(root.join("public/index.html"))).unwrap();
        tx.send(modified(root.join("content/aide.md"))).unwrap();
        tx.send(modified(root.join("content/faq.md"))).unwrap();
        let batch = next_change(&rx, &set, root, &report).unwrap();
        assert_eq!(
            batch,
            BTreeSet::from([root.join("content/aide.md"), root.join("content/faq.md")])
        );
        drop(tx);
        assert_eq!(next_change(&rx, &set, root, &report), None, "watcher gone");
    }
}

//! The lock that lets one build at a time write an output folder: a file
//! beside it (`.public.lock`), never inside, so it is never published.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{io, OutputError};

/// Tries before giving up when the lock file keeps being replaced under us.
const ATTEMPTS: usize = 10;

/// What the lock file says to whoever finds it after a killed build.
fn lock_text(name: &str) -> String {
    format!(
        "Verrou de site-gen : une construction écrit le dossier {name}/ voisin ; \
         ce fichier disparaît quand elle se termine.\n"
    )
}

/// Held while a build writes the output; released (and its file removed)
/// when dropped. The kernel releases it too when the process dies, so a
/// killed build never leaves the output locked.
pub(super) struct OutputLock {
    /// Open for as long as the lock is held: closing it releases the lock.
    _file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of the output `out`, named `name` in `parent`; if
    /// another build holds it, fails at once with [`OutputError::Busy`].
    pub(super) fn take(parent: &Path, name: &str, out: &Path) -> Result<OutputLock, OutputError> {
        let path = parent.join(format!(".{name}.lock"));
        for _ in 0..ATTEMPTS {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(OutputError::Busy {
                        path: out.to_path_buf(),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(io(&path)(e)),
            }
            if still_named(&file, &path) {
                // Only a help for whoever finds the file: errors are harmless.
                let _ = file
                    .set_len(0)
                    .and_then(|()| file.write_all(lock_text(name).as_bytes()));
                return Ok(OutputLock { _file: file, path });
            }
            // The previous holder removed this file between our open and
            // our lock: a lock on it excludes nobody. Open the name again.
        }
        Err(OutputError::Busy {
            path: out.to_path_buf(),
        })
    }
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere the file is never removed (see `Drop`), so its name cannot
/// move to another file.
#[cfg(not(unix))]
fn still_named(_: &File, _: &Path) -> bool {
    true
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held (the file closes after this), so that
        // a build that opened it meanwhile sees it is gone (`still_named`).
        // Elsewhere, with no stable way to compare two open files, it
        // stays: the next build takes the same file again.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        #[cfg(not(unix))]
        let _ = &self.path;
    }
}

//! Putting the staged site in the place of the output folder: one atomic
//! exchange on Linux, two renames where there is none.

use std::path::Path;

use super::{io, old_prefix, OutputError, STAGING_RAND};

/// Replaces `out` by the `staging` folder. On Linux the two trade places
/// in one step (`renameat2(RENAME_EXCHANGE)`), so `out` names a whole site
/// at every instant; the old site, now under the staging name, is removed
/// after. Where the exchange is not available, two renames.
pub(super) fn swap_in(
    staging: tempfile::TempDir,
    out: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    if std::fs::symlink_metadata(out).is_err() {
        return move_in(staging, out);
    }
    match exchange(staging.path(), out) {
        Ok(()) => {
            // The old site: a failure to remove it leaves clutter that the
            // next build removes.
            let _ = staging.close();
            Ok(())
        }
        Err(e) if exchange_unsupported(&e) => two_renames(staging, out, parent, name),
        // `staging` is removed when dropped: the old site stays in place.
        Err(e) => Err(io(out)(e)),
    }
}

/// `out` does not exist: a single rename puts the site there.
fn move_in(staging: tempfile::TempDir, out: &Path) -> Result<(), OutputError> {
    let staged = staging.keep();
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io(out)(e)
    })
}

/// The old site moves aside, then the new one in: between the two, `out`
/// is missing, and a build killed there leaves it missing (the next build
/// writes it again and removes the old copy).
fn two_renames(
    staging: tempfile::TempDir,
    out: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    let old = tempfile::Builder::new()
        .prefix(&old_prefix(name))
        .rand_bytes(STAGING_RAND)
        .tempdir_in(parent)
        .map_err(io(parent))?
        .keep();
    // `old` is an empty folder: rename replaces it.
    std::fs::rename(out, &old).map_err(|e| {
        let _ = std::fs::remove_dir(&old);
        io(out)(e)
    })?;
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::rename(&old, out);
        let _ = std::fs::remove_dir_all(&staged);
        return Err(io(out)(e));
    }
    // The new site is in place; a leftover old copy is only clutter.
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

/// Swaps the two existing paths `a` and `b` in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // The raw system call rather than glibc's wrapper, which only exists
    // from glibc 2.28 on.
    // SAFETY: both pointers are NUL-terminated strings that outlive the
    // call, which only reads them; the other arguments are plain integers.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::c_long::from(libc::AT_FDCWD),
            a.as_ptr(),
            libc::c_long::from(libc::AT_FDCWD),
            b.as_ptr(),
            libc::c_long::from(libc::RENAME_EXCHANGE),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The errors that mean "no exchange here" rather than "this swap failed":
/// a kernel before 3.15 (`ENOSYS`), a file system without it (`EINVAL`,
/// some report `EOPNOTSUPP`), a sandbox that filters the call (`EPERM`;
/// if the renames are forbidden too, they fail with their own error).
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM)
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        e.kind() == std::io::ErrorKind::Unsupported
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(parent: &Path, text: &str) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix(".public.nouveau-")
            .tempdir_in(parent)
            .unwrap();
        std::fs::write(dir.path().join("index.html"), text).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_ways_put_the_new_site_in_place_and_remove_the_old() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("public");
        swap_in(staged(parent.path(), "1"), &out, parent.path(), "public").unwrap();
        swap_in(staged(parent.path(), "2"), &out, parent.path(), "public").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "2"
        );
        // The fallback of systems without an exchange.
        two_renames(staged(parent.path(), "3"), &out, parent.path(), "public").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "3"
        );
        assert_eq!(names(parent.path()), ["public"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_a_missing_exchange_falls_back() {
        let err = |code| std::io::Error::from_raw_os_error(code);
        assert!(exchange_unsupported(&err(libc::EINVAL)));
        assert!(exchange_unsupported(&err(libc::ENOSYS)));
        assert!(!exchange_unsupported(&err(libc::ENOSPC)));
        assert!(!exchange_unsupported(&err(libc::EXDEV)));
    }
}

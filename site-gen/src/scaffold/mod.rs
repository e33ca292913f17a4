//! Starting points written for the maintainer: a new page (`site-gen new`,
//! [`page`]) and a new site that builds at once (`site-gen init`, [`site`]).
//! Neither ever overwrites a file.

use std::path::{Path, PathBuf};

pub mod page;
pub mod site;

pub use page::{new_page, BadName, Created, NewPageError};
pub use site::{init_site, InitError, Initialized};

/// A file or folder the scaffolding could not create, read or write.
#[derive(Debug, thiserror::Error)]
#[error("{action} {} : {source}", path.display())]
pub struct FileError {
    /// What could not be done, in French: `impossible de créer`.
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl FileError {
    /// For `map_err`: the failure of `action` on `path`.
    fn of(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> FileError {
        let path = path.to_path_buf();
        move |source| FileError {
            action,
            path,
            source,
        }
    }
}

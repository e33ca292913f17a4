//! The widget of a build or a `serve` session, built on first use and
//! shared by every page (the widget cache), and the progress callback.
//! Without a toolchain the widget is *unavailable*: pages keep their
//! pre-rendered calculator (as with `--no-widget`) and the build warns.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::widget::{self, WidgetError};

/// Hears about the widget's slow steps (compiling, installing the target).
pub type OnProgress = Arc<dyn Fn(widget::Progress) + Send + Sync>;

/// The widget of a build, or of a whole `serve` session: built on first
/// use, shared by every page that embeds it, kept until it is reset (its
/// sources changed).
#[derive(Debug, Default)]
pub struct WidgetSlot {
    /// The site's folder (its `node_modules/` may hold wasm-opt).
    root: PathBuf,
    built: OnceLock<Result<BuiltWidget, WidgetError>>,
    /// Compiled (not taken from the cache) since the last [`take_compiled`](Self::take_compiled).
    compiled: AtomicBool,
}

/// The widget's script name and its two files.
#[derive(Debug)]
pub(crate) struct BuiltWidget {
    js_name: String,
    files: Vec<(String, Arc<Vec<u8>>)>,
    /// Built without its size options: why, and how to fix it.
    size_warning: Option<String>,
}

impl WidgetSlot {
    /// The widget of the site at `root`, not built yet.
    pub fn for_site(root: &Path) -> Self {
        WidgetSlot {
            root: root.to_path_buf(),
            ..WidgetSlot::default()
        }
    }

    /// Forgets the widget: the next page using it builds it again.
    pub fn reset(&mut self) {
        self.built = OnceLock::new();
    }

    /// The widget's build failed (it is tried again after a reset). A
    /// machine without toolchain is not a failure: a `serve` session does
    /// not look for one again at each rebuild.
    pub fn failed(&self) -> bool {
        matches!(self.built.get(), Some(Err(e)) if !e.no_toolchain())
    }

    /// Why no toolchain could compile the widget, when a page asked for it
    /// and none could be had ([`WidgetError::no_toolchain`]).
    pub fn unavailable(&self) -> Option<&WidgetError> {
        match self.built.get() {
            Some(Err(e)) if e.no_toolchain() => Some(e),
            _ => None,
        }
    }

    /// Why the widget was built without its size options (heavier than
    /// its budget), when a page asked for it and it was.
    pub fn size_warning(&self) -> Option<&str> {
        match self.built.get() {
            Some(Ok(built)) => built.size_warning.as_deref(),
            _ => None,
        }
    }

    /// Whether the widget was compiled since the last call.
    pub fn take_compiled(&self) -> bool {
        self.compiled.swap(false, Ordering::Relaxed)
    }

    /// The widget's two files (output path, bytes), once built.
    pub fn files(&self) -> &[(String, Arc<Vec<u8>>)] {
        match self.built.get() {
            Some(Ok(built)) => &built.files,
            _ => &[],
        }
    }

    /// The name of the widget's script, built on first use; `None` when no
    /// toolchain could be had (the page keeps its pre-rendered calculator).
    pub(crate) fn script(&self, progress: &OnProgress) -> Result<Option<&str>, &WidgetError> {
        match self.get_or_build(progress) {
            Ok(built) => Ok(Some(&built.js_name)),
            Err(e) if e.no_toolchain() => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn get_or_build(&self, progress: &OnProgress) -> &Result<BuiltWidget, WidgetError> {
        self.built.get_or_init(|| {
            let built = widget::build_for_site(&self.root, |step| progress(step))?;
            if built.compiled {
                self.compiled.store(true, Ordering::Relaxed);
            }
            let b = built.bundle;
            Ok(BuiltWidget {
                files: vec![
                    (format!("assets/{}", b.js_name), Arc::new(b.js)),
                    (format!("assets/{}", b.wasm_name), Arc::new(b.wasm)),
                ],
                js_name: b.js_name,
                size_warning: b.size_warning,
            })
        })
    }
}

//! The widget of a build or a `serve` session, built on first use and
//! shared by every page (the widget cache), and the progress callback.

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
    built: OnceLock<Result<BuiltWidget, WidgetError>>,
    /// Compiled (not taken from the cache) since the last [`take_compiled`](Self::take_compiled).
    compiled: AtomicBool,
}

/// The widget's script name and its two files.
#[derive(Debug)]
pub(crate) struct BuiltWidget {
    pub(crate) js_name: String,
    files: Vec<(String, Arc<Vec<u8>>)>,
}

impl WidgetSlot {
    /// Forgets the widget: the next page using it builds it again.
    pub fn reset(&mut self) {
        self.built = OnceLock::new();
    }

    /// The widget's build failed (it is tried again after a reset).
    pub fn failed(&self) -> bool {
        matches!(self.built.get(), Some(Err(_)))
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

    pub(crate) fn get_or_build(&self, progress: &OnProgress) -> &Result<BuiltWidget, WidgetError> {
        self.built.get_or_init(|| {
            let built = widget::build_for_site(|step| progress(step))?;
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
            })
        })
    }
}

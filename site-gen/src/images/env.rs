//! The render environment with images: another environment's look-ups,
//! plus [`RenderEnv::picture`] for the raster images of `content/`.

use super::{Catalog, ImagesConfig, Store};
use crate::markdown::{RenderEnv, ShortcodeCall, ShortcodeError, ShortcodeOutput};

/// `inner`, whose pages show the images of `catalog` processed by `store`.
pub struct WithPictures<'a> {
    pub inner: &'a dyn RenderEnv,
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub config: &'a ImagesConfig,
}

impl RenderEnv for WithPictures<'_> {
    fn page_url(&self, source_path: &str) -> Option<String> {
        self.inner.page_url(source_path)
    }

    fn document_path(&self) -> &str {
        self.inner.document_path()
    }

    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        self.inner.shortcode(call)
    }

    fn picture(&self, source_path: &str) -> Option<Result<super::Picture, String>> {
        if !super::is_processed_name(source_path) {
            return None;
        }
        let source = self.catalog.get(source_path)?;
        // A GIF under another name is shown as it is, like any GIF.
        if super::Format::sniff(&source.bytes) == Some(super::Format::Gif) {
            return None;
        }
        let made = self
            .store
            .responsive_known(source, self.config)
            .and_then(|entry| {
                let format = super::decode::format_of(&source.bytes, &source.shown)?;
                Ok(entry.picture(format))
            });
        Some(made.map_err(|e| e.to_string()))
    }
}

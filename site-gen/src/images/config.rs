//! `[images]` of `site.toml`: the widths made of each image, the quality
//! of the lossy formats, and the size above which a published file is
//! warned about.

use serde::{Deserialize, Serialize};

/// How images are processed, and the size budget of published files.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// The widths (pixels) made of each image, never wider than it.
    pub widths: Vec<u32>,
    /// Quality of JPEG and WebP files, 1 to 100.
    pub quality: u8,
    /// A published file above this many kilo-octets (1 ko = 1 000 octets)
    /// is warned about; 0: no budget.
    pub size_budget_kb: u64,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 800, 1200, 1600],
            quality: 80,
            size_budget_kb: 1000,
        }
    }
}

/// The largest width `widths` may ask for (WebP's own limit is 16 383).
pub const MAX_WIDTH: u32 = 8000;

impl ImagesConfig {
    /// Why these values cannot be used, in French (`None`: they can).
    pub fn problem(&self) -> Option<String> {
        if self.widths.is_empty() {
            return Some(
                "[images] widths ne peut pas être vide (par exemple [480, 800, 1200, 1600])".into(),
            );
        }
        if let Some(w) = self.widths.iter().find(|w| **w == 0 || **w > MAX_WIDTH) {
            return Some(format!(
                "[images] widths : {w} n’est pas une largeur possible (de 1 à {MAX_WIDTH} pixels)"
            ));
        }
        if !(1..=100).contains(&self.quality) {
            return Some(format!(
                "[images] quality doit aller de 1 à 100 (trouvé {})",
                self.quality
            ));
        }
        None
    }

    /// The widths, sorted, without repeats.
    pub fn sorted_widths(&self) -> Vec<u32> {
        let mut w = self.widths.clone();
        w.sort_unstable();
        w.dedup();
        w
    }

    /// The budget in octets (`None`: no budget).
    pub fn size_budget(&self) -> Option<u64> {
        (self.size_budget_kb > 0).then(|| self.size_budget_kb.saturating_mul(1000))
    }
}

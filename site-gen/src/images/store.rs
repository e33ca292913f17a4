//! The images of a session: each source's files made once (by content and
//! parameters), kept in memory for the session and on disk for the next
//! builds ([`super::cache`]); the files `resize_image` made for templates.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use image::DynamicImage;

use super::config::ImagesConfig;
use super::decode::{self, Format};
use super::encode;
use super::error::ImageError;
use super::plan;
use super::{cache, Bytes, Entry, Made};
use crate::render::deps::KeyBuilder;

/// Bumped when the files made from the same source and parameters change.
const VERSION: u64 = 1;

type Cell = Arc<OnceLock<Result<Arc<Entry>, ImageError>>>;

/// See the module documentation.
pub struct Store {
    dir: PathBuf,
    memo: Mutex<HashMap<String, Cell>>,
    /// The same, by a source's content hash and the parameters.
    known: Mutex<HashMap<String, Cell>>,
    /// Files encoded by this store (not taken from a cache).
    encoded: AtomicUsize,
    /// Output path → bytes, of every `resize_image` call of the session.
    by_templates: Mutex<BTreeMap<String, Bytes>>,
}

/// What a template asked of `resize_image`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resize {
    pub op: Op,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `None`: the source's format (`format="auto"`).
    pub format: Option<Format>,
    pub quality: u8,
}

/// Zola's resize operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Exactly `width` × `height`.
    Scale,
    /// `width` wide, proportions kept.
    FitWidth,
    /// `height` high, proportions kept.
    FitHeight,
    /// Inside `width` × `height`, proportions kept, never enlarged.
    Fit,
    /// Exactly `width` × `height`, cropped around the centre.
    Fill,
}

impl Op {
    pub const NAMES: &'static str = "scale, fit_width, fit_height, fit, fill";

    pub fn from_name(name: &str) -> Option<Op> {
        Some(match name {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            _ => return None,
        })
    }
}

impl Store {
    /// A store whose disk cache is `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Store {
            dir,
            memo: Mutex::default(),
            known: Mutex::default(),
            encoded: AtomicUsize::new(0),
            by_templates: Mutex::default(),
        }
    }

    /// A store in the site-gen cache folder (the widget's, `images/` in it).
    pub fn in_user_cache() -> Self {
        Store::new(crate::widget::cache_root().join("images"))
    }

    /// How many files this store encoded (the others came from a cache).
    pub fn encoded(&self) -> usize {
        self.encoded.load(Ordering::Relaxed)
    }

    /// The files of a page image (`file`: the source as shown): every
    /// width of [`plan::widths`], in its format and in WebP.
    pub fn responsive(
        &self,
        bytes: &[u8],
        file: &str,
        config: &ImagesConfig,
    ) -> Result<Arc<Entry>, ImageError> {
        let format = decode::format_of(bytes, file)?;
        let widths = config.sorted_widths();
        let mut key = KeyBuilder::new("responsive");
        key.u64(VERSION).bytes(bytes).u64(u64::from(config.quality));
        key.u64(widths.len() as u64);
        for w in &widths {
            key.u64(u64::from(*w));
        }
        self.made(key.finish(), || {
            let image = decode::decode(bytes, format, file)?;
            let orig = (image.width(), image.height());
            let planned = plan::widths(orig.0, &widths);
            let top = *planned.last().unwrap_or(&orig.0);
            let largest = encode::resize(&image, top, plan::height_for(top, orig));
            drop(image);
            let jobs: Vec<(u32, Format)> = planned
                .iter()
                .flat_map(|&w| plan::formats(format).into_iter().map(move |f| (w, f)))
                .collect();
            let files = encode_all(
                &jobs,
                |width| encode::resize(&largest, width, plan::height_for(width, orig)),
                config.quality,
                file,
            )?;
            Ok(Entry::new(orig, files))
        })
    }

    /// [`responsive`](Self::responsive) for a source of `content/`, found
    /// again by its content hash: a rebuild reads no byte of an unchanged
    /// image (a large photo takes a while to hash).
    pub fn responsive_known(
        &self,
        source: &super::Source,
        config: &ImagesConfig,
    ) -> Result<Arc<Entry>, ImageError> {
        let quick = format!(
            "{}-{}-{}-{:?}",
            source.hash,
            source.bytes.len(),
            config.quality,
            config.sorted_widths()
        );
        let cell = Arc::clone(lock(&self.known).entry(quick).or_default());
        cell.get_or_init(|| self.responsive(&source.bytes, &source.shown, config))
            .clone()
    }

    /// One file for a template's `resize_image` call.
    pub fn resize(&self, bytes: &[u8], file: &str, req: Resize) -> Result<Arc<Entry>, ImageError> {
        let source_format = decode::format_of(bytes, file)?;
        let format = req.format.unwrap_or(source_format);
        let mut key = KeyBuilder::new("resize");
        key.u64(VERSION)
            .bytes(bytes)
            .str(&format!("{:?}", req.op))
            .u64(req.width.map_or(0, |w| u64::from(w) + 1))
            .u64(req.height.map_or(0, |h| u64::from(h) + 1))
            .str(format.extension())
            .u64(u64::from(req.quality));
        self.made(key.finish(), || {
            let image = decode::decode(bytes, source_format, file)?;
            let orig = (image.width(), image.height());
            let resized = resized(&image, orig, req);
            drop(image);
            let (width, height) = (resized.width(), resized.height());
            let bytes = encode::encode(&resized, format, req.quality, file)?;
            Ok(Entry::new(
                orig,
                vec![Made {
                    width,
                    height,
                    format,
                    bytes: Arc::new(bytes),
                }],
            ))
        })
    }

    /// Keeps a file made for a template, to publish at `output`.
    pub fn publish_for_templates(&self, output: String, bytes: Bytes) {
        lock(&self.by_templates).insert(output, bytes);
    }

    /// Every file made for templates in this session, by output path.
    pub fn made_for_templates(&self) -> Vec<(String, Bytes)> {
        lock(&self.by_templates)
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect()
    }

    /// The entry of `key`: from memory, else the disk cache, else made
    /// (once, however many threads ask) and stored.
    fn made(
        &self,
        key: crate::render::deps::Key,
        make: impl FnOnce() -> Result<Entry, ImageError>,
    ) -> Result<Arc<Entry>, ImageError> {
        let hex: String = key[..16].iter().map(|b| format!("{b:02x}")).collect();
        let cell = Arc::clone(lock(&self.memo).entry(hex.clone()).or_default());
        cell.get_or_init(|| {
            if let Some(entry) = cache::load(&self.dir, &hex) {
                return Ok(Arc::new(entry));
            }
            let entry = make()?;
            self.encoded.fetch_add(entry.files.len(), Ordering::Relaxed);
            cache::store(&self.dir, &hex, &entry);
            Ok(Arc::new(entry))
        })
        .clone()
    }
}

/// Encodes each `(width, format)` of `jobs`, one thread per width (plain
/// threads, not rayon's: a rayon worker waiting here could pick up a page
/// that asks for this same image and wait for itself).
fn encode_all(
    jobs: &[(u32, Format)],
    scaled: impl Fn(u32) -> DynamicImage + Sync,
    quality: u8,
    file: &str,
) -> Result<Vec<Made>, ImageError> {
    let mut widths: Vec<u32> = jobs.iter().map(|(w, _)| *w).collect();
    widths.dedup();
    let per_width: Vec<Result<Vec<Made>, ImageError>> = std::thread::scope(|s| {
        let handles: Vec<_> = widths
            .iter()
            .map(|&width| {
                let scaled = &scaled;
                s.spawn(move || {
                    let image = scaled(width);
                    jobs.iter()
                        .filter(|(w, _)| *w == width)
                        .map(|&(_, format)| {
                            let bytes = encode::encode(&image, format, quality, file)?;
                            Ok(Made {
                                width,
                                height: image.height(),
                                format,
                                bytes: Arc::new(bytes),
                            })
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ImageError::Encode {
                        file: file.to_string(),
                        format: "image",
                        reason: "arrêt inattendu de l’encodeur".into(),
                    })
                })
            })
            .collect()
    });
    let mut out = Vec::with_capacity(jobs.len());
    for made in per_width {
        out.extend(made?);
    }
    Ok(out)
}

/// `image` (upright size `orig`) resized as `req` asks.
fn resized(image: &DynamicImage, (w, h): (u32, u32), req: Resize) -> DynamicImage {
    let width = req.width.unwrap_or(w).max(1);
    let height = req.height.unwrap_or(h).max(1);
    match req.op {
        Op::Scale => encode::resize(image, width, height),
        Op::FitWidth => encode::resize(image, width, plan::height_for(width, (w, h))),
        Op::FitHeight => encode::resize(image, plan::height_for(height, (h, w)), height),
        Op::Fit => {
            if w <= width && h <= height {
                return image.clone();
            }
            // The side that limits most.
            if u64::from(w) * u64::from(height) >= u64::from(h) * u64::from(width) {
                encode::resize(image, width, plan::height_for(width, (w, h)))
            } else {
                encode::resize(image, plan::height_for(height, (h, w)), height)
            }
        }
        Op::Fill => encode::fill(image, width, height),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

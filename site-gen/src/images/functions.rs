//! The template functions of images, with Zola's names and arguments:
//! `resize_image(path, width, height, op, format, quality)` and
//! `get_image_metadata(path)`. A path names a file of `content/` (also
//! written `@/…`), else of the site's `static/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};
use tera::Tera;

use super::decode::{self, Format};
use super::store::{Op, Resize};
use super::Store;
use crate::inputs::Inputs;
use crate::urls::Urls;

/// Where the produced files of `resize_image` are published.
pub const FOLDER: &str = "processed_images";

/// What the functions read and where they put their files.
pub struct Functions {
    pub store: Arc<Store>,
    pub root: PathBuf,
    pub urls: Arc<Urls>,
}

/// Registers `resize_image` and `get_image_metadata` on `tera`.
pub fn register(tera: &mut Tera, functions: Arc<Functions>) {
    let f = Arc::clone(&functions);
    tera.register_function("resize_image", move |args: &HashMap<String, Value>| {
        f.resize_image(args).map_err(tera::Error::msg)
    });
    tera.register_function(
        "get_image_metadata",
        move |args: &HashMap<String, Value>| functions.metadata(args).map_err(tera::Error::msg),
    );
}

impl Functions {
    /// The bytes of the image `path` names, and the file as shown.
    fn read(
        &self,
        function: &str,
        args: &HashMap<String, Value>,
    ) -> Result<(Vec<u8>, String), String> {
        let path = match args.get("path") {
            Some(Value::String(p)) => p.as_str(),
            _ => {
                return Err(format!(
                    "{function} attend un argument path=\"…\" (le chemin de l’image)"
                ))
            }
        };
        let rel = path
            .strip_prefix("@/")
            .unwrap_or(path)
            .trim_start_matches('/');
        let not_found = || {
            format!(
                "{function} : image « {path} » introuvable (cherchée dans content/ puis static/)"
            )
        };
        if rel.is_empty() || rel.split(['/', '\\']).any(|part| part == "..") {
            return Err(not_found());
        }
        let inputs = Inputs::new(&self.root);
        for folder in ["content", "static"] {
            let file = Path::new(folder).join(rel);
            match inputs.read(&self.root.join(&file)) {
                Ok(Some(bytes)) => return Ok((bytes, file.display().to_string())),
                Ok(None) => {}
                Err(e) => return Err(format!("{function} : {e}")),
            }
        }
        Err(not_found())
    }

    fn metadata(&self, args: &HashMap<String, Value>) -> Result<Value, String> {
        let (bytes, file) = self.read("get_image_metadata", args)?;
        let with_name = |e: super::ImageError| format!("get_image_metadata : {e}");
        let format = decode::format_of(&bytes, &file).map_err(with_name)?;
        // Upright, as published (a phone photo is often stored turned).
        let (width, height) = decode::upright_size(&bytes, format, &file).map_err(with_name)?;
        Ok(json!({
            "width": width,
            "height": height,
            "format": format.extension(),
            "mime": format.mime(),
        }))
    }

    fn resize_image(&self, args: &HashMap<String, Value>) -> Result<Value, String> {
        let (bytes, file) = self.read("resize_image", args)?;
        let req = request(args)?;
        let entry = self
            .store
            .resize(&bytes, &file, req)
            .map_err(|e| format!("resize_image : {e}"))?;
        let made = entry
            .files
            .first()
            .ok_or_else(|| format!("resize_image : aucune image produite pour {file}"))?;
        let stem = file
            .rsplit('/')
            .next()
            .and_then(|n| n.rsplit_once('.').map(|(s, _)| s))
            .unwrap_or("image");
        let stem: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let static_path = format!(
            "{FOLDER}/{stem}-{}x{}.{}.{}",
            made.width,
            made.height,
            entry.key(),
            made.format.extension()
        );
        self.store
            .publish_for_templates(static_path.clone(), Arc::clone(&made.bytes));
        Ok(json!({
            "url": self.urls.permalink(&static_path),
            "static_path": static_path,
            "width": made.width,
            "height": made.height,
            "orig_width": entry.orig.0,
            "orig_height": entry.orig.1,
        }))
    }
}

/// The arguments of `resize_image` but `path`, checked.
fn request(args: &HashMap<String, Value>) -> Result<Resize, String> {
    let size = |key: &str| -> Result<Option<u32>, String> {
        match args.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| (1..=super::decode::MAX_SIDE).contains(n))
                .map(Some)
                .ok_or_else(|| {
                    format!(
                        "resize_image : {key} doit être un nombre de pixels entre 1 et {} (trouvé {v})",
                        super::decode::MAX_SIDE
                    )
                }),
        }
    };
    let (width, height) = (size("width")?, size("height")?);
    let op_name = args.get("op").and_then(Value::as_str).unwrap_or("fill");
    let op = Op::from_name(op_name).ok_or_else(|| {
        format!(
            "resize_image : op « {op_name} » inconnue (valeurs possibles : {})",
            Op::NAMES
        )
    })?;
    let needs = match op {
        Op::FitWidth => (true, false),
        Op::FitHeight => (false, true),
        Op::Scale | Op::Fit | Op::Fill => (true, true),
    };
    if (needs.0 && width.is_none()) || (needs.1 && height.is_none()) {
        return Err(format!(
            "resize_image : op=\"{op_name}\" demande {}",
            match needs {
                (true, true) => "width et height",
                (true, false) => "width",
                _ => "height",
            }
        ));
    }
    let format = match args.get("format").and_then(Value::as_str).unwrap_or("auto") {
        "auto" => None,
        "jpg" | "jpeg" => Some(Format::Jpeg),
        "png" => Some(Format::Png),
        "webp" => Some(Format::Webp),
        other => {
            return Err(format!(
            "resize_image : format « {other} » inconnu (valeurs possibles : auto, jpg, png, webp)"
        ))
        }
    };
    let quality = match args.get("quality") {
        None | Some(Value::Null) => 75,
        Some(v) => v
            .as_u64()
            .and_then(|q| u8::try_from(q).ok())
            .filter(|q| (1..=100).contains(q))
            .ok_or_else(|| format!("resize_image : quality doit aller de 1 à 100 (trouvé {v})"))?,
    };
    Ok(Resize {
        op,
        width,
        height,
        format,
        quality,
    })
}

//! The optional `wasm-opt -Oz` pass (binaryen ≥ 116, inlining off), and
//! the check that the final module only uses what the target browsers
//! support.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[cfg(feature = "widget")]
use wasmparser::{Validator, WasmFeatures};

use super::error::WidgetError;
use super::process;

/// Older binaryen releases (Debian 12 ships 108) mishandle the features
/// rustc now enables by default.
pub const MIN_BINARYEN: u32 = 116;
/// The features rustc enables by default for wasm32-unknown-unknown (and
/// that every browser of the last years supports): what wasm-opt may use.
pub const FEATURE_FLAGS: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];
/// `-Oz` without its inlining: inlining makes the module smaller raw but
/// larger once gzipped (measured on the widget: `-Oz` alone 82.8 KB
/// gzipped, with these 79.7 KB, from 81.2 KB before wasm-opt).
pub const OPTIMIZE_FLAGS: [&str; 4] = [
    "-Oz",
    "--always-inline-max-function-size=0",
    "--flexible-inline-max-function-size=0",
    "--one-caller-inline-max-function-size=0",
];
const VERSION_TIMEOUT: Duration = Duration::from_secs(60);
const OPTIMIZE_TIMEOUT: Duration = Duration::from_secs(600);

/// The same feature set, for validation.
#[cfg(feature = "widget")]
fn browser_features() -> WasmFeatures {
    WasmFeatures::MVP
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
}

/// Checks that `wasm` is valid and needs only the features of [`FEATURE_FLAGS`].
#[cfg(feature = "widget")]
pub(crate) fn validate(wasm: &[u8]) -> Result<(), WidgetError> {
    Validator::new_with_features(browser_features())
        .validate_all(wasm)
        .map(|_| ())
        .map_err(|e| WidgetError::InvalidWasm(e.to_string()))
}

/// Without the `widget` feature there is no validator (and no module to
/// validate: wasm-bindgen is missing too).
#[cfg(not(feature = "widget"))]
pub(crate) fn validate(_wasm: &[u8]) -> Result<(), WidgetError> {
    Err(WidgetError::InvalidWasm(
        super::bindgen::WITHOUT_WIDGET.into(),
    ))
}

/// A usable wasm-opt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WasmOpt {
    pub path: PathBuf,
    pub version: u32,
}

/// The result of looking for wasm-opt: the tool, if any, and why others
/// were not used.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    pub tool: Option<WasmOpt>,
    pub notes: Vec<String>,
}

impl Lookup {
    /// What goes into the cache key.
    pub fn identity(&self) -> String {
        match &self.tool {
            Some(t) => format!(
                "wasm-opt {} {} {}",
                t.version,
                OPTIMIZE_FLAGS.join(" "),
                FEATURE_FLAGS.join(" ")
            ),
            None => "no wasm-opt".into(),
        }
    }
}

/// Looks for `<npm_root>/node_modules/.bin/wasm-opt` (npm package
/// `binaryen`, installed by `npm ci` in the site's folder), then `wasm-opt`
/// on `PATH`, and keeps the first recent enough.
pub(crate) fn find(npm_root: Option<&Path>) -> Lookup {
    let local = npm_root.map(|root| root.join("node_modules/.bin/wasm-opt"));
    let candidates = [
        local.filter(|local| process::is_executable(local)),
        process::which("wasm-opt"),
    ];
    let mut lookup = Lookup::default();
    for path in candidates.into_iter().flatten() {
        let out = process::run(Command::new(&path).arg("--version"), Some(VERSION_TIMEOUT));
        match out.ok().and_then(|o| parse_version(&o.stdout_text())) {
            Some(version) if version >= MIN_BINARYEN => {
                lookup.tool = Some(WasmOpt { path, version });
                break;
            }
            Some(version) => lookup.notes.push(format!(
                "ignored {} (binaryen {version}, {MIN_BINARYEN} or newer needed)",
                path.display()
            )),
            None => lookup
                .notes
                .push(format!("ignored {} (unknown version)", path.display())),
        }
    }
    if lookup.tool.is_none() {
        lookup.notes.push(format!(
            "wasm-opt skipped: no binaryen {MIN_BINARYEN}+ (`npm install` at the workspace root provides one)"
        ));
    }
    lookup
}

/// `wasm-opt version 132 (version_132)` → 132.
pub(crate) fn parse_version(text: &str) -> Option<u32> {
    let after = text.split("version").nth(1)?.trim_start();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The size of `bytes` once gzipped (`gzip -9`): what a visitor downloads.
pub fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to memory cannot fail.
    let _ = gz.write_all(bytes);
    gz.finish().map_or(0, |out| out.len())
}

/// Runs `wasm-opt -Oz` on `wasm` (files in `scratch`) and keeps its output
/// only when it is valid and smaller once gzipped: rustc's `opt-level = "z"`
/// output often shrinks raw but compresses worse after wasm-opt. Returns the
/// module kept and a note saying what happened.
pub(crate) fn optimize(
    tool: &WasmOpt,
    wasm: Vec<u8>,
    scratch: &Path,
) -> Result<(Vec<u8>, String), WidgetError> {
    let input = scratch.join("in.wasm");
    let output = scratch.join("out.wasm");
    std::fs::write(&input, &wasm).map_err(|e| WidgetError::io("impossible d’écrire", &input, e))?;
    let mut cmd = Command::new(&tool.path);
    cmd.args(OPTIMIZE_FLAGS)
        .args(FEATURE_FLAGS)
        .arg(&input)
        .arg("-o")
        .arg(&output);
    let label = format!("wasm-opt {} -Oz", tool.version);
    let out = match process::run(&mut cmd, Some(OPTIMIZE_TIMEOUT)) {
        Ok(out) => out,
        Err(e) => {
            let note = format!("{label} skipped: {}", e.into_widget_error(&cmd));
            return Ok((wasm, note));
        }
    };
    if !out.status.success() {
        let note = format!("{label} failed ({}): {}", out.status, out.stderr_tail());
        return Ok((wasm, note));
    }
    let optimized =
        std::fs::read(&output).map_err(|e| WidgetError::io("impossible de lire", &output, e))?;
    if let Err(e) = validate(&optimized) {
        return Ok((
            wasm,
            format!("{label} not kept: its output does not validate: {e}"),
        ));
    }
    let (before, after) = (gzipped_len(&wasm), gzipped_len(&optimized));
    let sizes = format!(
        "{} → {} bytes, gzipped {before} → {after} bytes",
        wasm.len(),
        optimized.len()
    );
    if after < before {
        Ok((optimized, format!("{label} kept: {sizes}")))
    } else {
        Ok((
            wasm,
            format!("{label} not kept (no gain once gzipped): {sizes}"),
        ))
    }
}

/// The imports' module in `wasm` (one module expected).
#[cfg(feature = "widget")]
fn import_module(wasm: &[u8]) -> Result<String, String> {
    let mut modules = std::collections::BTreeSet::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(reader) = payload.map_err(|e| e.to_string())? {
            for import in reader.into_imports() {
                modules.insert(import.map_err(|e| e.to_string())?.module.to_owned());
            }
        }
    }
    match modules.len() {
        1 => Ok(modules.into_iter().next().unwrap_or_default()),
        n => Err(format!("imports from {n} modules")),
    }
}

#[cfg(not(feature = "widget"))]
fn import_module(_wasm: &[u8]) -> Result<String, String> {
    Err(super::bindgen::WITHOUT_WIDGET.into())
}

/// One wasm-opt pass with `flags` over `wasm` (files `<name>-in.wasm`
/// and `<name>-out.wasm` in `scratch`): its output, validated, and what
/// the tool printed; the error says why there is none.
fn pass(
    tool: &WasmOpt,
    flags: &[&str],
    wasm: &[u8],
    scratch: &Path,
    name: &str,
) -> Result<(Vec<u8>, process::Captured), String> {
    let input = scratch.join(format!("{name}-in.wasm"));
    let output = scratch.join(format!("{name}-out.wasm"));
    std::fs::write(&input, wasm).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut cmd = Command::new(&tool.path);
    cmd.args(flags)
        .args(FEATURE_FLAGS)
        .arg(&input)
        .arg("-o")
        .arg(&output);
    let out = process::run(&mut cmd, Some(OPTIMIZE_TIMEOUT))
        .map_err(|e| e.into_widget_error(&cmd).to_string())?;
    if !out.status.success() {
        return Err(format!("{} ({})", out.status, out.stderr_tail()));
    }
    let module = std::fs::read(&output).map_err(|e| format!("{}: {e}", output.display()))?;
    validate(&module).map_err(|e| e.to_string())?;
    Ok((module, out))
}

/// `wasm` with its functions sorted for gzip ([`super::reorder`]), kept
/// only when valid and smaller once gzipped; the error says why `wasm`
/// stays as it was.
#[cfg(feature = "widget")]
pub(crate) fn reorder_functions(
    tool: &WasmOpt,
    wasm: &[u8],
    scratch: &Path,
) -> Result<(Vec<u8>, String), String> {
    let named = super::reorder::order_names(wasm)?;
    let (sorted, _) = pass(
        tool,
        &["--reorder-functions-by-name"],
        &named,
        scratch,
        "order",
    )?;
    let (before, after) = (gzipped_len(wasm), gzipped_len(&sorted));
    if after >= before {
        return Err(format!("no gain once gzipped ({before} → {after} bytes)"));
    }
    Ok((
        sorted,
        format!("functions sorted by body: gzipped {before} → {after} bytes"),
    ))
}

#[cfg(not(feature = "widget"))]
pub(crate) fn reorder_functions(
    _tool: &WasmOpt,
    _wasm: &[u8],
    _scratch: &Path,
) -> Result<(Vec<u8>, String), String> {
    Err(super::bindgen::WITHOUT_WIDGET.into())
}

/// Renames `wasm`'s imports and exports to short names
/// (`--minify-imports-and-exports-and-modules`, and drops its
/// `target_features` section) and `js`, its loader, to match
/// ([`super::minify`]). The error says why both were left as they were.
pub(crate) fn minify_names(
    tool: &WasmOpt,
    wasm: &[u8],
    js: &str,
    scratch: &Path,
) -> Result<(Vec<u8>, String), String> {
    // The last pass: it also drops the `target_features` section (tools'
    // information, 0.1 KB once gzipped; browsers never read it).
    let flags = [
        "--minify-imports-and-exports-and-modules",
        "--strip-target-features",
    ];
    let (renamed, out) = pass(tool, &flags, wasm, scratch, "names")?;
    let renames = super::minify::parse_report(&out.stdout_text(), &import_module(&renamed)?)?;
    let js = super::minify::rename_js(js, &renames)?;
    Ok((renamed, js))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzipped_sizes_are_close_to_gzip_9() {
        // `gzip -9` makes 29 bytes of 1000 times 'a'; miniz a few more.
        let len = gzipped_len(&[b'a'; 1000]);
        assert!((25..=40).contains(&len), "{len}");
        assert!(gzipped_len(b"") >= 18);
    }

    #[test]
    fn versions_are_parsed() {
        assert_eq!(
            parse_version("wasm-opt version 132 (version_132)\n"),
            Some(132)
        );
        assert_eq!(parse_version("wasm-opt version 108\n"), Some(108));
        assert_eq!(parse_version("wasm-opt version_116\n"), None);
        assert_eq!(parse_version("nonsense"), None);
    }

    #[test]
    #[cfg(feature = "widget")]
    fn validation_rejects_garbage_and_unsupported_features() {
        assert!(validate(b"\0asm\x01\0\0\0").is_ok());
        assert!(validate(b"not wasm").is_err());
        // A module using a SIMD instruction (v128.const) is outside the baseline.
        let simd: &[u8] = &[
            0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
            1, 4, 1, 0x60, 0, 0, // type: () -> ()
            3, 2, 1, 0, // one function
            10, 23, 1, 21, 0, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a,
            0x0b,
        ];
        let err = validate(simd).expect_err("simd refused");
        assert!(err.to_string().contains("SIMD"), "{err}");
    }
}

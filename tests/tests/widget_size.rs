//! The pricing widget stays light for slow rural lines: its two files (the
//! wasm module and its JS loader), as the shipped site publishes them,
//! weigh at most 80 KiB once gzipped (`gzip -9`). The target is 70 KiB;
//! bench/README.md lists what each part weighs.
//!
//! The widget is the one `site-gen build` makes for this repository
//! (`widget::build_for_site`): compiled once, then taken from site-gen's
//! cache, which the other tests building the site with the widget share.

use std::sync::OnceLock;

use e2e::site::repo_root;
use site_gen::widget::{build_for_site, gzipped_len, WidgetBundle};

/// The ceiling of issue #11: what a visitor downloads, wasm + JS, gzipped.
const CEILING: usize = 80 * 1024;

/// The widget as `site-gen build` publishes it, built once for this file.
fn bundle() -> &'static WidgetBundle {
    static BUNDLE: OnceLock<WidgetBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        build_for_site(&repo_root(), |_| {})
            .unwrap_or_else(|e| panic!("{e}"))
            .bundle
    })
}

#[test]
fn the_widget_weighs_at_most_80_kib_gzipped() {
    let bundle = bundle();
    let wasm = gzipped_len(&bundle.wasm);
    let js = gzipped_len(&bundle.js);
    let total = wasm + js;
    let kib = |n: usize| n as f64 / 1024.0;
    assert!(
        total <= CEILING,
        "the widget weighs {:.1} KiB gzipped (wasm {:.1} KiB, JS {:.1} KiB), over the \
         {:.0} KiB ceiling; built with {} ({}). See bench/README.md for what costs.",
        kib(total),
        kib(wasm),
        kib(js),
        kib(CEILING),
        bundle.toolchain,
        bundle.notes.join("; "),
    );
}

/// wasm-bindgen's import names end in 16 hex digits that gzip cannot
/// compress: the published files use the short names wasm-opt gives them
/// (when binaryen is installed, as `npm ci` does for this repository).
#[test]
fn the_published_widget_uses_short_import_names() {
    let bundle = bundle();
    let no_binaryen = bundle
        .notes
        .iter()
        .any(|n| n.starts_with("wasm-opt skipped") || n == "wasm-opt disabled");
    if no_binaryen {
        eprintln!(
            "wasm-opt not installed: names not minified ({:?})",
            bundle.notes
        );
        return;
    }
    let wasm = String::from_utf8_lossy(&bundle.wasm);
    assert!(
        !wasm.contains("__wbg_"),
        "the module still imports wasm-bindgen's long names: {:?}",
        bundle.notes
    );
    let js = String::from_utf8_lossy(&bundle.js);
    assert!(
        !js.contains("\"./calculateur_bg.js\""),
        "the loader still names the original import module"
    );
}

//! Makes wasm-bindgen's `--target web` loader start the widget by itself.
//!
//! The loader of wasm-bindgen 0.2.130 defines `async function
//! __wbg_init(module_or_path)` (which instantiates the module and runs its
//! `#[wasm_bindgen(start)]` function) and ends with
//! `export { initSync, __wbg_init as default };`; the page would normally
//! import it and call it from an inline script. Instead, the loader calls
//! it itself with the URL of the hashed module, resolved against its own
//! URL, so the page needs only `<script type="module" src="…">`.

use super::error::WidgetError;

/// `js` without its comments, indentation and blank lines (0.6 KB less
/// once gzipped), or unchanged when a line is not plainly code or comment:
/// a template literal or a block comment that does not close on its line.
/// Line breaks stay where they were (automatic semicolons unchanged).
pub(crate) fn compact(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let t = line.trim();
        if in_block {
            if t.ends_with("*/") {
                in_block = false;
            } else if t.contains("*/") {
                return js.to_owned();
            }
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        if t.starts_with("/*") {
            match t.find("*/") {
                None => in_block = true,
                Some(end) if end + 2 == t.len() => {}
                Some(_) => return js.to_owned(),
            }
            continue;
        }
        if t.matches('`').count() % 2 != 0 {
            return js.to_owned();
        }
        out.push_str(t);
        out.push('\n');
    }
    if in_block {
        return js.to_owned();
    }
    out
}

/// The prefix of wasm-bindgen's closure adapters in the loader
/// (`wasm_bindgen_<16 hex digits>___convert__closures_…`, over 100
/// characters each, written twice).
const ADAPTER_PREFIX: &str = "wasm_bindgen_";
/// Their short names: `__wbg_k0`, `__wbg_k1`…
const SHORT_PREFIX: &str = "__wbg_k";

/// [`compact`]'s output made shorter, the same code: the closure adapters
/// renamed (`__wbg_k0`…), and `const ret = X;` directly followed by
/// `return ret;` written `return X;`. 0.15 KB less once gzipped.
pub(crate) fn shorten(js: &str) -> String {
    let renamed = rename_adapters(js);
    let mut out = String::with_capacity(renamed.len());
    let mut lines = renamed.lines().peekable();
    while let Some(line) = lines.next() {
        let value = line
            .strip_prefix("const ret = ")
            .and_then(|rest| rest.strip_suffix(';'));
        if let (Some(value), Some(&"return ret;")) = (value, lines.peek()) {
            lines.next();
            out.push_str("return ");
            out.push_str(value);
            out.push_str(";\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Whether `c` can be part of a JavaScript identifier (ASCII ones: all
/// of wasm-bindgen's).
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// `js` with each identifier `wasm_bindgen_<16 hex digits>_…` replaced by
/// a short one, the same name for the same identifier; unchanged if a
/// short name is already taken.
fn rename_adapters(js: &str) -> String {
    if js.contains(SHORT_PREFIX) {
        return js.to_owned();
    }
    let bytes = js.as_bytes();
    let mut names: Vec<&str> = Vec::new();
    let mut out = String::with_capacity(js.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = js[from..].find(ADAPTER_PREFIX) {
        let start = from + found;
        let mut end = start;
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
        from = end.max(start + 1);
        let name = &js[start..end];
        let hash = name
            .as_bytes()
            .get(ADAPTER_PREFIX.len()..ADAPTER_PREFIX.len() + 17);
        let adapter = start == 0 || !is_ident(bytes[start - 1]);
        let adapter = adapter
            && hash.is_some_and(|h| h[..16].iter().all(u8::is_ascii_hexdigit) && h[16] == b'_');
        if !adapter {
            continue;
        }
        let index = match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                names.push(name);
                names.len() - 1
            }
        };
        out.push_str(&js[copied..start]);
        out.push_str(SHORT_PREFIX);
        out.push_str(&index.to_string());
        copied = end;
    }
    out.push_str(&js[copied..]);
    out
}

/// The definition of the init function, as wasm-bindgen 0.2.130 writes it.
pub(crate) const INIT_DEFINITION: &str = "async function __wbg_init(module_or_path";
/// The loader's exports, as wasm-bindgen 0.2.130 writes them.
pub(crate) const EXPORTS: &str = "export { initSync, __wbg_init as default };";
/// The end of its export line, with or without `initSync`.
pub(crate) const DEFAULT_EXPORT: &str = "__wbg_init as default };";
/// The first line of `initSync` (instantiates a module already fetched:
/// the widget never calls it).
const INIT_SYNC: &str = "function initSync(module) {";

/// `js` (wasm-bindgen's loader, not yet compacted) without `initSync`, the
/// synchronous variant of its init function that nothing calls, nor its
/// export; unchanged unless the function and the export are found once
/// each, the function ending with a `}` alone on its line.
pub(crate) fn without_init_sync(js: &str) -> String {
    if js.matches(INIT_SYNC).count() != 1 || js.matches(EXPORTS).count() != 1 {
        return js.to_owned();
    }
    let mut out = String::with_capacity(js.len());
    let mut inside = false;
    let mut removed = false;
    for line in js.split_inclusive('\n') {
        if inside {
            inside = line.trim_end() != "}";
            removed |= !inside;
            continue;
        }
        if !removed && line.trim_end() == INIT_SYNC {
            inside = true;
            continue;
        }
        out.push_str(line);
    }
    if !removed {
        return js.to_owned();
    }
    out.replace(EXPORTS, "export { __wbg_init as default };")
}

/// `js` followed by a call of its init function with `./{wasm_file_name}`.
pub(crate) fn self_starting(js: &str, wasm_file_name: &str) -> Result<String, WidgetError> {
    for pattern in [INIT_DEFINITION, DEFAULT_EXPORT] {
        let count = js.matches(pattern).count();
        if count != 1 {
            return Err(WidgetError::JsPatternMissing { pattern, count });
        }
    }
    let mut out = String::with_capacity(js.len() + 160);
    out.push_str(js.trim_end());
    out.push_str(&format!(
        "\n\n// Added by site-gen: the widget starts by itself, wherever the site is served from.\n\
         __wbg_init({{ module_or_path: new URL('./{wasm_file_name}', import.meta.url) }});\n"
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real output of wasm-bindgen 0.2.130 (`--target web`, no
    /// TypeScript) for the `calculator-wasm` crate (Yew widget).
    const SAMPLE: &str = include_str!("testdata/calculateur-web-0.2.130.js");

    #[test]
    fn the_sample_is_patched_to_load_the_hashed_module() {
        let js = self_starting(SAMPLE, "calculateur.0123456789abcdef.wasm").expect("patchable");
        assert!(js.starts_with(SAMPLE.trim_end()));
        assert!(js.ends_with(
            "__wbg_init({ module_or_path: new URL('./calculateur.0123456789abcdef.wasm', import.meta.url) });\n"
        ));
        // Only the added call names the module; nothing else loads a default path.
        assert_eq!(js.matches("import.meta.url").count(), 1);
        assert_eq!(js.matches(".wasm'").count(), 1);
    }

    #[test]
    fn the_sample_runs_the_start_function_from_init() {
        // What the patch relies on: init instantiates and runs the start function.
        assert!(SAMPLE.contains("wasm.__wbindgen_start();"));
        assert!(SAMPLE.contains("return __wbg_finalize_init(instance, module);"));
    }

    #[test]
    fn the_sample_is_compacted_and_still_patchable() {
        let js = compact(SAMPLE);
        assert!(
            js.len() < SAMPLE.len() * 8 / 10,
            "{} → {}",
            SAMPLE.len(),
            js.len()
        );
        assert!(!js.contains("\n ") && !js.contains("\n//") && !js.contains("/**"));
        // Code lines are kept whole, in order.
        let code = |s: &str| -> Vec<String> {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('*'))
                .filter(|l| !l.starts_with("/*"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(code(&js), code(SAMPLE));
        assert!(self_starting(&js, "x.wasm").is_ok());
    }

    #[test]
    fn code_that_is_not_plainly_line_based_is_left_alone() {
        for js in [
            "const a = `first\n    second`;\n",
            "/* open\nstill open",
            "/* doc */ const a = 1;\n",
        ] {
            assert_eq!(compact(js), js);
        }
        assert_eq!(compact("  /** doc\n   */\n  a();\n\n  // b\n"), "a();\n");
    }

    #[test]
    fn adapters_get_short_names_and_returns_lose_their_variable() {
        let a = "wasm_bindgen_57a56b4077dd6d48___convert__closures_____invoke_______true_";
        let b = "wasm_bindgen_57a56b4077dd6d48___convert__closures_____invoke___JsValue___true_";
        let js = format!(
            "const ret = makeClosure(arg0, arg1, {a});\nreturn ret;\n}},\nfunction {a}(x) {{\n\
             wasm.b(x);\n}}\nfunction {b}(x) {{\nconst ret = wasm.c(x);\nif (ret) {{}}\n}}\n\
             my_wasm_bindgen_0123456789abcdef_x();\nwasm_bindgen_xyz();\n"
        );
        assert_eq!(
            shorten(&js),
            "return makeClosure(arg0, arg1, __wbg_k0);\n},\nfunction __wbg_k0(x) {\n\
             wasm.b(x);\n}\nfunction __wbg_k1(x) {\nconst ret = wasm.c(x);\nif (ret) {}\n}\n\
             my_wasm_bindgen_0123456789abcdef_x();\nwasm_bindgen_xyz();\n"
        );
        // A short name already in use: the names stay.
        let taken = format!("{a}();\n__wbg_k0();\n");
        assert_eq!(shorten(&taken), taken);
    }

    #[test]
    fn the_sample_shortened_keeps_its_code() {
        let js = shorten(&compact(SAMPLE));
        assert!(js.len() < compact(SAMPLE).len());
        assert!(!js.contains("return ret;"));
        assert!(self_starting(&js, "x.wasm").is_ok());
    }

    #[test]
    fn init_sync_is_removed_and_no_longer_exported() {
        let js = without_init_sync(SAMPLE);
        assert!(!js.contains("initSync"));
        assert!(js.contains("\nexport { __wbg_init as default };"));
        // Everything else is kept, in order.
        let (before, rest) = SAMPLE.split_once(INIT_SYNC).expect("in the sample");
        let after = &rest[rest.find("\n}\n").expect("its end") + 3..];
        assert_eq!(
            js,
            [
                before,
                &after.replace(EXPORTS, "export { __wbg_init as default };")
            ]
            .concat()
        );
        assert!(self_starting(&shorten(&compact(&js)), "x.wasm").is_ok());
        // Not found as expected: unchanged.
        for odd in [
            SAMPLE.replace(INIT_SYNC, "function initSync(m) {"),
            format!("{SAMPLE}\n{INIT_SYNC}\n}}\n"),
            SAMPLE.replace("\n}\n", "\n} \n}").replace(EXPORTS, ""),
        ] {
            assert_eq!(without_init_sync(&odd), odd);
        }
    }

    #[test]
    fn a_changed_loader_is_refused() {
        let renamed = SAMPLE.replace("__wbg_init", "__wbg_load_and_init");
        let err = self_starting(&renamed, "x.wasm").expect_err("refused");
        assert!(matches!(
            err,
            WidgetError::JsPatternMissing {
                pattern: INIT_DEFINITION,
                count: 0
            }
        ));
        let doubled = format!("{SAMPLE}\n{EXPORTS}\n");
        assert!(matches!(
            self_starting(&doubled, "x.wasm"),
            Err(WidgetError::JsPatternMissing { count: 2, .. })
        ));
    }
}

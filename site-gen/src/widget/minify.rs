//! Short names for the module's imports and exports.
//!
//! wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`: over a
//! hundred hashes that gzip cannot compress, written twice (the module's
//! import section and the loader's import object). binaryen's
//! `--minify-imports-and-exports-and-modules` renames them (and the
//! exports) to one or two letters and reports the renames as JSON; the
//! loader is then rewritten to match ([`rename_js`]). Anything unexpected
//! in the report or the loader leaves both files as they were.

use std::collections::HashMap;

/// What wasm-opt renamed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Renames {
    /// The imports' module before (all of wasm-bindgen's imports come from one).
    pub old_module: String,
    /// The imports' module after.
    pub new_module: String,
    /// Import names, old → new.
    pub imports: Vec<(String, String)>,
    /// Export names, old → new.
    pub exports: Vec<(String, String)>,
}

/// Reads wasm-opt's report: `{"imports": [[module, old, new], …],
/// "exports": [[old, new], …]}`; `new_module` is the imports' module in
/// the renamed module (read from it: the report does not say).
pub(crate) fn parse_report(json: &str, new_module: &str) -> Result<Renames, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("report is not JSON: {e}"))?;
    let list = |key: &str| -> Result<Vec<Vec<String>>, String> {
        let items = value
            .get(key)
            .and_then(|v| v.as_array())
            .ok_or_else(|| format!("no \"{key}\" list in the report"))?;
        items
            .iter()
            .map(|item| {
                item.as_array()
                    .and_then(|fields| {
                        fields
                            .iter()
                            .map(|f| f.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| format!("unexpected \"{key}\" entry: {item}"))
            })
            .collect()
    };
    let mut renames = Renames {
        new_module: new_module.to_owned(),
        ..Renames::default()
    };
    for fields in list("imports")? {
        let [module, old, new] = fields.as_slice() else {
            return Err(format!("unexpected import entry: {fields:?}"));
        };
        if renames.old_module.is_empty() {
            renames.old_module = module.clone();
        } else if renames.old_module != *module {
            return Err(format!(
                "imports from two modules: {} and {module}",
                renames.old_module
            ));
        }
        renames.imports.push((old.clone(), new.clone()));
    }
    for fields in list("exports")? {
        let [old, new] = fields.as_slice() else {
            return Err(format!("unexpected export entry: {fields:?}"));
        };
        renames.exports.push((old.clone(), new.clone()));
    }
    if renames.imports.is_empty() {
        return Err("no import renamed".into());
    }
    Ok(renames)
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The wasm-bindgen `--target web` loader `js` using the names of
/// `renames`: the import object's module key, its keys (`name:`, each
/// exactly once) and the exports it calls (`wasm.name`; any other
/// `wasm.name` left is an error).
pub(crate) fn rename_js(js: &str, renames: &Renames) -> Result<String, String> {
    let module_key = format!("\"{}\":", renames.old_module);
    if js.matches(&module_key).count() != 1 {
        return Err(format!(
            "the loader names {module_key} more than once, or never"
        ));
    }
    let js = js.replacen(&module_key, &format!("\"{}\":", renames.new_module), 1);

    let imports: HashMap<&str, &str> = renames
        .imports
        .iter()
        .map(|(o, n)| (o.as_str(), n.as_str()))
        .collect();
    let exports: HashMap<&str, &str> = renames
        .exports
        .iter()
        .map(|(o, n)| (o.as_str(), n.as_str()))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let bytes = js.as_bytes();
    let mut out = String::with_capacity(js.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_ident_char(bytes[i]) {
            i += 1;
        }
        if bytes[start].is_ascii_digit() {
            continue;
        }
        let word = &js[start..i];
        let after_wasm_dot = js[..start].ends_with("wasm.")
            && !js[..start - "wasm.".len()]
                .bytes()
                .next_back()
                .is_some_and(is_ident_char);
        let new = if after_wasm_dot {
            Some(
                *exports
                    .get(word)
                    .ok_or_else(|| format!("the loader calls wasm.{word}, not renamed"))?,
            )
        } else if bytes.get(i) == Some(&b':') {
            imports.get(word).copied().inspect(|_| {
                *seen.entry(word).or_default() += 1;
            })
        } else {
            None
        };
        if let Some(new) = new {
            out.push_str(&js[copied..start]);
            out.push_str(new);
            copied = i;
        }
    }
    out.push_str(&js[copied..]);
    for (old, _) in &renames.imports {
        let count = seen.get(old.as_str()).copied().unwrap_or(0);
        if count != 1 {
            return Err(format!("the loader defines the import {old} {count} times"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real output of wasm-bindgen 0.2.130 for the widget.
    const SAMPLE: &str = include_str!("testdata/calculateur-web-0.2.130.js");

    /// The import keys of the sample's import object (`        name: function`).
    fn sample_imports() -> Vec<String> {
        SAMPLE
            .lines()
            .filter_map(|l| l.strip_prefix("        "))
            .filter_map(|l| l.split_once(": function").map(|(k, _)| k))
            .filter(|k| k.bytes().all(is_ident_char))
            .map(str::to_owned)
            .collect()
    }

    fn sample_exports() -> Vec<String> {
        let mut names: Vec<String> = SAMPLE
            .match_indices("wasm.")
            .map(|(i, _)| {
                SAMPLE[i + 5..]
                    .bytes()
                    .take_while(|b| is_ident_char(*b))
                    .map(char::from)
                    .collect()
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn renames() -> Renames {
        let short = |i: usize| format!("z{i}");
        Renames {
            old_module: "./calculateur_bg.js".into(),
            new_module: "a".into(),
            imports: sample_imports()
                .into_iter()
                .enumerate()
                .map(|(i, o)| (o, short(i)))
                .collect(),
            exports: sample_exports()
                .into_iter()
                .enumerate()
                .map(|(i, o)| (o, format!("e{i}")))
                .collect(),
        }
    }

    #[test]
    fn the_sample_loader_takes_the_short_names() {
        let r = renames();
        assert!(r.imports.len() > 50, "{} imports", r.imports.len());
        assert!(r.exports.iter().any(|(o, _)| o == "__wbindgen_start"));
        let js = rename_js(SAMPLE, &r).expect("renamed");
        assert!(js.len() < SAMPLE.len() * 9 / 10, "shorter");
        for (old, new) in &r.imports {
            assert!(!js.contains(&format!("{old}:")), "{old} left");
            assert!(js.contains(&format!("{new}: function")), "{new} missing");
        }
        assert!(js.contains("\"a\": import0"));
        assert!(js.contains("wasm.e") && !js.contains("wasm.__wbindgen_start"));
        // The loader's own exported functions keep their names.
        assert!(js.contains("export { initSync, __wbg_init as default };"));
    }

    #[test]
    fn a_name_missing_from_the_report_leaves_the_loader_alone() {
        let mut r = renames();
        r.exports.retain(|(o, _)| o != "__wbindgen_malloc");
        let err = rename_js(SAMPLE, &r).expect_err("a call left unrenamed");
        assert!(err.contains("wasm.__wbindgen_malloc"), "{err}");
        let mut r = renames();
        r.imports
            .push(("__wbg_absent_0123456789abcdef".into(), "q".into()));
        assert!(rename_js(SAMPLE, &r).is_err());
        let mut r = renames();
        r.old_module = "./autre.js".into();
        assert!(rename_js(SAMPLE, &r).is_err());
    }

    #[test]
    fn reports_are_read_and_checked() {
        let json = r#"{"imports": [["m", "__wbg_x_0123", "a"], ["m", "y", "b"]],
                       "exports": [["memory", "c"]]}"#;
        let r = parse_report(json, "a").expect("read");
        assert_eq!(r.old_module, "m");
        assert_eq!(
            r.imports,
            vec![
                ("__wbg_x_0123".into(), "a".into()),
                ("y".into(), "b".into())
            ]
        );
        assert_eq!(r.exports, vec![("memory".into(), "c".into())]);
        let two = r#"{"imports": [["m", "x", "a"], ["n", "y", "b"]], "exports": []}"#;
        assert!(parse_report(two, "a").is_err());
        assert!(parse_report("wasm-opt: error", "a").is_err());
        assert!(parse_report(r#"{"imports": [], "exports": []}"#, "a").is_err());
    }
}

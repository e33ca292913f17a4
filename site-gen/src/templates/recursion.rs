//! Endless recursion in templates, found before rendering.
//!
//! Tera has no depth limit: a template that includes itself, or a macro that
//! calls itself with nothing to stop it, recurses until the stack overflows
//! and the whole process is killed (no message, no file name). Such cycles
//! are found here from the templates' syntax trees and reported as errors.
//!
//! A call is *guarded* when it sits inside an `{% if %}` (past its first
//! condition) or a `{% for %}`: recursion through a guarded call may stop
//! (`toc_list` recursing on `h.children` does), so it is allowed. A cycle
//! made only of unguarded calls renders forever, so it is refused.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use tera::Template;

use super::calls::{calls, Call, Target};

/// Something that renders: a template's own body (with its blocks) or a macro.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro { file: String, name: String },
}

impl Unit {
    fn describe(&self) -> String {
        match self {
            Unit::Template(t) => format!("« {t} »"),
            Unit::Macro { file, name } => format!("la macro « {name} » de {file}"),
        }
    }

    fn file(&self) -> &str {
        match self {
            Unit::Template(t) => t,
            Unit::Macro { file, .. } => file,
        }
    }
}

/// Deepest nesting accepted in a template, of block tags (`{% if %}`,
/// `{% for %}`…) and of brackets inside a tag. Tera's parser and renderer
/// recurse once per level: about a thousand levels overflow a thread's
/// stack and kill the process; real templates use a handful.
pub(crate) const MAX_NESTING: usize = 100;

/// The deepest nesting of `text` (block tags, and `(`/`[` inside tags),
/// found without Tera's parser. Unclosed tags count up to the end.
pub(crate) fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut max = 0;
    let mut blocks = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let close: &[u8] = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            (b'{', b'#') => {
                // A comment: nothing in it counts.
                i = find(bytes, i + 2, b"#}").map_or(bytes.len(), |e| e + 2);
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let is_statement = bytes[i + 1] == b'%';
        let start = i + 2;
        // The tag's own brackets, outside string literals.
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut j = start;
        let end = loop {
            let Some(&b) = bytes.get(j) else {
                break bytes.len();
            };
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if bytes[j..].starts_with(close) => break j,
                None => match b {
                    b'"' | b'\'' | b'`' => quote = Some(b),
                    b'(' | b'[' => {
                        depth += 1;
                        max = max.max(depth);
                    }
                    b')' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            j += 1;
        };
        if is_statement {
            let tag = text.get(start..end).unwrap_or("");
            let word = tag
                .trim_start_matches('-')
                .split_whitespace()
                .next()
                .unwrap_or("");
            match word {
                "if" | "for" | "block" | "macro" | "filter" => {
                    blocks += 1;
                    max = max.max(blocks);
                }
                "raw" => {
                    // Nothing is parsed until `endraw`.
                    i = find(bytes, end, b"endraw").map_or(bytes.len(), |e| e + 6);
                    continue;
                }
                w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
        }
        i = end + close.len();
    }
    max
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Finds the unguarded cycles among `templates` (name → parsed template).
/// Returns (template file to report, message) for each, sorted.
pub(crate) fn endless_cycles(templates: &HashMap<String, Template>) -> Vec<(String, String)> {
    // Unguarded edges between units.
    let mut edges: BTreeMap<Unit, BTreeSet<Unit>> = BTreeMap::new();
    for (name, tpl) in templates {
        let mut targets = unguarded(calls(&tpl.ast));
        targets.extend(tpl.parent.iter().cloned().map(Target::Template));
        let unit = Unit::Template(name.clone());
        let reached = resolve(templates, name, targets);
        edges.entry(unit).or_default().extend(reached);
        for (macro_name, def) in &tpl.macros {
            let unit = Unit::Macro {
                file: name.clone(),
                name: macro_name.clone(),
            };
            let reached = resolve(templates, name, unguarded(calls(&def.body)));
            edges.entry(unit).or_default().extend(reached);
        }
    }
    report(&edges)
}

/// The targets of the calls made whatever the data.
fn unguarded(calls: Vec<Call>) -> Vec<Target> {
    calls
        .into_iter()
        .filter(|c| !c.guarded)
        .map(|c| c.target)
        .collect()
}

/// The units `calls` (made in template file `file`) reach.
fn resolve(templates: &HashMap<String, Template>, file: &str, targets: Vec<Target>) -> Vec<Unit> {
    targets
        .into_iter()
        .filter_map(|target| match target {
            Target::Template(t) => templates.contains_key(&t).then_some(Unit::Template(t)),
            Target::Macro { namespace, name } => {
                let target = macro_file(templates, file, &namespace)?;
                templates[&target]
                    .macros
                    .contains_key(&name)
                    .then_some(Unit::Macro { file: target, name })
            }
            Target::Function(_) | Target::SiblingField => None,
        })
        .collect()
}

/// The file whose macros `namespace` names in `file`, as Tera looks it up:
/// `self`, the file's imports, what those import, then the parents'.
fn macro_file(
    templates: &HashMap<String, Template>,
    file: &str,
    namespace: &str,
) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([file.to_string()]);
    while let Some(current) = queue.pop_front() {
        if !seen.insert(current.clone()) {
            continue;
        }
        let Some(tpl) = templates.get(&current) else {
            continue;
        };
        if namespace == "self" && !tpl.macros.is_empty() {
            return Some(current);
        }
        if let Some((target, _)) = tpl
            .imported_macro_files
            .iter()
            .find(|(_, ns)| ns == namespace)
        {
            return Some(target.clone());
        }
        queue.extend(tpl.imported_macro_files.iter().map(|(t, _)| t.clone()));
        queue.extend(tpl.parent.iter().cloned());
    }
    None
}

/// One message per cycle of `edges`.
fn report(edges: &BTreeMap<Unit, BTreeSet<Unit>>) -> Vec<(String, String)> {
    // Units that can reach a cycle: drop, again and again, the units whose
    // every target was dropped.
    let mut alive: BTreeSet<&Unit> = edges.keys().collect();
    loop {
        let dead: Vec<&Unit> = alive
            .iter()
            .copied()
            .filter(|u| !edges[*u].iter().any(|t| alive.contains(t)))
            .collect();
        if dead.is_empty() {
            break;
        }
        for u in dead {
            alive.remove(u);
        }
    }
    let mut reported: BTreeSet<&Unit> = BTreeSet::new();
    let mut out = Vec::new();
    for &start in &alive {
        if reported.contains(start) {
            continue;
        }
        // Walk alive units until one repeats: that is a cycle.
        let mut path: Vec<&Unit> = Vec::new();
        let mut index: BTreeMap<&Unit, usize> = BTreeMap::new();
        let mut current = start;
        let cycle = loop {
            if let Some(&i) = index.get(current) {
                break &path[i..];
            }
            index.insert(current, path.len());
            path.push(current);
            let Some(next) = edges[current].iter().find(|t| alive.contains(t)) else {
                break &path[..0];
            };
            current = next;
        };
        if cycle.is_empty() || cycle.iter().any(|u| reported.contains(u)) {
            reported.extend(path.iter().copied());
            continue;
        }
        reported.extend(path.iter().copied());
        let mut chain: Vec<String> = cycle.iter().map(|u| u.describe()).collect();
        chain.push(cycle[0].describe());
        let first = cycle.iter().min().copied().unwrap_or(cycle[0]);
        out.push((
            first.file().to_string(),
            format!(
                "récursion sans fin : {} (aucun {{% if %}} ni {{% for %}} ne l’arrête ; le rendu ne se terminerait jamais)",
                chain.join(" → ")
            ),
        ));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let templates = files
            .iter()
            .map(|(n, t)| (n.to_string(), Template::new(n, None, t).unwrap()))
            .collect();
        endless_cycles(&templates)
    }

    #[test]
    fn include_cycles_are_found() {
        let found = cycles(&[("a.html", "{% include \"a.html\" %}")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "a.html");
        assert!(found[0].1.contains("« a.html » → « a.html »"), "{found:?}");
        let found = cycles(&[
            (
                "a.html",
                "x{% block b %}{% include \"b.html\" %}{% endblock b %}",
            ),
            ("b.html", "{% include \"a.html\" %}"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn macro_cycles_are_found_across_files() {
        let found = cycles(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}",
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("la macro « f » de m.html"), "{found:?}");
        let found = cycles(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro f() %}{{ b::g() | upper }}{% endmacro f %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro g() %}{% set x = a::f() %}{% endmacro g %}",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn guarded_recursion_is_allowed() {
        let toc = "{% macro toc(items) %}{% for h in items %}{{ self::toc(items=h.children) }}{% endfor %}{% endmacro toc %}";
        assert!(cycles(&[("m.html", toc)]).is_empty());
        let cond = "{% macro f(n) %}{% if n < 3 %}{{ self::f(n=n+1) }}{% endif %}{% endmacro f %}";
        assert!(cycles(&[("m.html", cond)]).is_empty());
        let tree =
            "{% for c in items %}{% set items = c.children %}{% include \"t.html\" %}{% endfor %}";
        assert!(cycles(&[("t.html", tree)]).is_empty());
        // An unguarded call to a guarded recursion is fine too.
        assert!(cycles(&[("m.html", &format!("{cond}{{{{ self::f(n=0) }}}}"))]).is_empty());
    }

    #[test]
    fn nesting_is_measured_without_parsing() {
        assert_eq!(nesting_depth("texte"), 0);
        assert_eq!(nesting_depth("{{ f(a=[1, (2)]) }}"), 3);
        assert_eq!(nesting_depth("{{ \"((((\" }}{# [[[[ #}"), 0);
        assert_eq!(
            nesting_depth("{% if a %}{% for x in y %}{% endfor %}{% endif %}{% if b %}{% endif %}"),
            2
        );
        assert_eq!(nesting_depth("{% raw %}{% if %}{% if %}{% endraw %}"), 0);
        assert_eq!(nesting_depth(&"{% if a %}".repeat(500)), 500);
        assert_eq!(
            nesting_depth(&format!("{{{{ {} }}}}", "(".repeat(300))),
            300
        );
        // Unclosed things end at the end of the text.
        assert_eq!(nesting_depth("{{ ((( "), 3);
        assert_eq!(nesting_depth("{% if a %}{"), 1);
    }

    #[test]
    fn the_default_theme_has_no_cycle() {
        let files: Vec<(String, String)> = std::fs::read_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../themes/default/templates"
        ))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert!(cycles(&refs).is_empty());
    }
}

//! What a template's syntax tree calls: templates (`{% include %}`),
//! macros (`{{ ns::m() }}`) and functions (`get_page(…)`), each marked
//! *guarded* when it may not run (inside a `{% for %}`, a branch of an
//! `{% if %}`, past the first condition, or the right side of
//! `and`/`or`). One walk of the tree serves both readers: [`super::deps`]
//! (every template a template uses, and whether it reads other documents)
//! and [`super::recursion`] (cycles made of unguarded calls only).

use tera::ast::{Expr, ExprVal, Node};

/// What a call reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Template(String),
    Macro {
        namespace: String,
        name: String,
    },
    /// A function (`get_page`), by name.
    Function(String),
    /// A field named [`SIBLING_FIELDS`] (`page.lower.title`,
    /// `page["higher"]`, `get(key="lower")`, `page.lower is defined`).
    SiblingField,
}

/// Zola's `page.lower` and `page.higher`: given to the templates that name
/// them (their key then follows those pages).
pub(super) const SIBLING_FIELDS: [&str; 2] = ["lower", "higher"];

/// Whether identifier `ident` (`page.lower.title`, `p["higher"]`) names a
/// field of [`SIBLING_FIELDS`].
fn names_sibling(ident: &str) -> bool {
    ident
        .split(['.', '[', ']', '"', '\'', '`'])
        .any(|part| SIBLING_FIELDS.contains(&part.trim()))
}

/// One call of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Call {
    pub target: Target,
    /// Made only for some data: recursion through it may stop.
    pub guarded: bool,
}

/// The calls of `nodes` (a template's body or a macro's). Macro
/// definitions met on the way are skipped: their bodies are walked on
/// their own, from `Template::macros`.
pub(super) fn calls(nodes: &[Node]) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut exprs: Vec<(&Expr, bool)> = Vec::new();
    // Explicit stacks: a deeply nested template must not overflow here.
    let mut stack: Vec<(&Node, bool)> = nodes.iter().rev().map(|n| (n, false)).collect();
    while let Some((node, guarded)) = stack.pop() {
        match node {
            Node::Include(_, names, _) => calls.extend(names.iter().map(|n| Call {
                target: Target::Template(n.clone()),
                guarded,
            })),
            Node::VariableBlock(_, e) => exprs.push((e, guarded)),
            Node::Set(_, set) => exprs.push((&set.value, guarded)),
            Node::FilterSection(_, section, _) => {
                exprs.extend(section.filter.args.values().map(|e| (e, guarded)));
                push(&mut stack, &section.body, guarded);
            }
            Node::Block(_, block, _) => push(&mut stack, &block.body, guarded),
            Node::If(branches, _) => {
                // Only the first condition is always evaluated.
                for (i, (_, cond, body)) in branches.conditions.iter().enumerate() {
                    exprs.push((cond, guarded || i > 0));
                    push(&mut stack, body, true);
                }
                if let Some((_, body)) = &branches.otherwise {
                    push(&mut stack, body, true);
                }
            }
            Node::Forloop(_, forloop, _) => {
                exprs.push((&forloop.container, guarded));
                push(&mut stack, &forloop.body, true);
                if let Some(empty) = &forloop.empty_body {
                    push(&mut stack, empty, true);
                }
            }
            // Text, comments, imports, macro definitions… call nothing here.
            _ => {}
        }
    }
    while let Some((e, guarded)) = exprs.pop() {
        exprs.extend(
            e.filters
                .iter()
                .flat_map(|f| f.args.values().map(|a| (a, guarded))),
        );
        value(&e.val, guarded, &mut exprs, &mut calls);
    }
    calls
}

/// The calls of one value; the expressions it holds are queued on `exprs`.
fn value<'e>(
    val: &'e ExprVal,
    guarded: bool,
    exprs: &mut Vec<(&'e Expr, bool)>,
    calls: &mut Vec<Call>,
) {
    match val {
        ExprVal::MacroCall(call) => {
            calls.push(Call {
                target: Target::Macro {
                    namespace: call.namespace.clone(),
                    name: call.name.clone(),
                },
                guarded,
            });
            exprs.extend(call.args.values().map(|a| (a, guarded)));
        }
        ExprVal::FunctionCall(f) => {
            calls.push(Call {
                target: Target::Function(f.name.clone()),
                guarded,
            });
            exprs.extend(f.args.values().map(|a| (a, guarded)));
        }
        ExprVal::Math(m) => exprs.extend([(&*m.lhs, guarded), (&*m.rhs, guarded)]),
        // `rhs` may be short-circuited.
        ExprVal::Logic(l) => exprs.extend([(&*l.lhs, guarded), (&*l.rhs, true)]),
        ExprVal::Test(t) => {
            if names_sibling(&t.ident) {
                calls.push(Call {
                    target: Target::SiblingField,
                    guarded,
                });
            }
            exprs.extend(t.args.iter().map(|a| (a, guarded)));
        }
        ExprVal::Ident(name) | ExprVal::String(name) if names_sibling(name) => calls.push(Call {
            target: Target::SiblingField,
            guarded,
        }),
        ExprVal::Array(items) => exprs.extend(items.iter().map(|a| (a, guarded))),
        ExprVal::In(i) => exprs.extend([(&*i.lhs, guarded), (&*i.rhs, guarded)]),
        // `"a" ~ f()`: the parts are values, never concatenations.
        ExprVal::StringConcat(c) => {
            for part in &c.values {
                if !matches!(part, ExprVal::StringConcat(_)) {
                    value(part, guarded, exprs, calls);
                }
            }
        }
        _ => {}
    }
}

/// Queues `body` to be walked next, in order.
fn push<'n>(stack: &mut Vec<(&'n Node, bool)>, body: &'n [Node], guarded: bool) {
    stack.extend(body.iter().rev().map(|n| (n, guarded)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Vec<(String, bool)> {
        let tpl = tera::Template::new("t.html", None, text).unwrap();
        let mut found: Vec<(String, bool)> = calls(&tpl.ast)
            .into_iter()
            .map(|c| match c.target {
                Target::Template(t) => (t, c.guarded),
                Target::Macro { namespace, name } => (format!("{namespace}::{name}"), c.guarded),
                Target::Function(f) => (format!("{f}()"), c.guarded),
                Target::SiblingField => ("lower/higher".to_string(), c.guarded),
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn calls_are_guarded_by_loops_branches_and_short_circuits() {
        let text = concat!(
            r#"{% include "a.html" %}{{ m::f(x=n::g()) | upper }}"#,
            r#"{% for x in m::list() %}{% include "b.html" %}{% endfor %}"#,
            r#"{% if m::c() %}{% include "c.html" %}{% elif m::d() %}x{% else %}{% include "d.html" %}{% endif %}"#,
            r#"{% set y = m::e() or m::h() %}{% block z %}{% include "e.html" %}{% endblock z %}"#,
            r#"{% macro own() %}{% include "never.html" %}{% endmacro own %}"#,
            r#"{{ "a" ~ get_page(path=p) | upper(x=get_url(path="b")) }}"#,
            r#"{% for p in get_section(path=s) %}{{ load_data(path=p) }}{% endfor %}"#,
            r#"{% if page.lower is defined %}{{ page["higher"].title ~ x | get(key="lower") }}{% endif %}"#,
        );
        let expected: Vec<(String, bool)> = [
            ("a.html", false),
            ("b.html", true),
            ("c.html", true),
            ("d.html", true),
            ("e.html", false),
            ("get_page()", false),
            ("get_section()", false),
            ("get_url()", false),
            ("load_data()", true),
            ("lower/higher", false),
            ("lower/higher", true),
            ("lower/higher", true),
            ("m::c", false),
            ("m::d", true),
            ("m::e", false),
            ("m::f", false),
            ("m::h", true),
            ("m::list", false),
            ("n::g", false),
        ]
        .into_iter()
        .map(|(n, g)| (n.to_string(), g))
        .collect();
        assert_eq!(of(text), expected);
    }
}

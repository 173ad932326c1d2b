//! The catalogues agree: every language parses cleanly and has the same messages, the same
//! attributes and the same variables in each, so a missing translation fails the tests.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::{Lang, Text, misses};

/// Per message id: its attributes, and the variables its value and each attribute refer to
/// (keyed `id` and `id.attr`).
#[derive(Debug, Default, PartialEq)]
struct Shape {
    attributes: BTreeMap<String, BTreeSet<String>>,
    variables: BTreeMap<String, BTreeSet<String>>,
}

fn inline_vars(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.iter().for_each(|a| inline_vars(a, out));
            arguments.named.iter().for_each(|a| inline_vars(&a.value, out));
        }
        InlineExpression::Placeable { expression } => expr_vars(expression, out),
        _ => {}
    }
}

fn expr_vars(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_vars(i, out),
        Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            variants.iter().for_each(|v| pattern_vars(&v.value, out));
        }
    }
}

fn pattern_vars(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let PatternElement::Placeable { expression } = element {
            expr_vars(expression, out);
        }
    }
}

fn vars(p: &Pattern<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    pattern_vars(p, &mut out);
    out
}

/// The messages of a catalogue, with their shape; panics on a syntax error.
fn shapes(lang: Lang) -> BTreeMap<String, Shape> {
    let resource = fluent_syntax::parser::parse(lang.catalogue())
        .unwrap_or_else(|(_, errors)| panic!("{lang:?} catalogue does not parse: {errors:#?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let id = m.id.name.to_string();
                let mut shape = Shape::default();
                shape.variables.insert(id.clone(), m.value.as_ref().map(vars).unwrap_or_default());
                for a in &m.attributes {
                    shape.attributes.insert(a.id.name.to_string(), vars(&a.value));
                    shape.variables.insert(format!("{id}.{}", a.id.name), vars(&a.value));
                }
                assert!(out.insert(id.clone(), shape).is_none(), "{lang:?}: {id} is defined twice");
            }
            Entry::Term(t) => panic!("{lang:?}: terms are not used (-{})", t.id.name),
            Entry::Junk { content } => panic!("{lang:?}: junk in the catalogue: {content}"),
            _ => {}
        }
    }
    out
}

#[test]
fn every_language_has_the_same_messages_attributes_and_variables() {
    let en = shapes(Lang::En);
    assert!(en.len() > 100, "the English catalogue holds every word: {} messages", en.len());
    for lang in Lang::ALL {
        let other = shapes(lang);
        let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{lang:?}: missing {missing:?}, not in English {extra:?}");
        for (id, shape) in &en {
            assert_eq!(&other[id], shape, "{lang:?}: {id} differs in attributes or variables");
        }
    }
}

#[test]
fn messages_format_without_bidi_marks_and_missing_ones_show_their_id() {
    let en = Text::new(Lang::En);
    let before = misses();
    assert_eq!(en.msg("unit-secs", &[("s", "2.11".into())]), "2.11 s");
    assert_eq!(Text::new(Lang::Ko).msg("unit-secs", &[("s", "2.11".into())]), "2.11초");
    assert_eq!(en.get("no-such-message"), "no-such-message");
    assert_eq!(en.attr("unit-secs", "nope", &[]), "unit-secs.nope");
    assert!(misses() >= before + 2);
}

#[test]
fn plural_selectors_follow_the_language() {
    let en = Text::new(Lang::En);
    let line = |runs: usize| {
        let args = [("model", "m".into()), ("count", 3usize.into()), ("kind", "k".into()), ("example", "e".into())];
        en.msg("fail-kind", &[args.as_slice(), &[("runs", runs.into())]].concat())
    };
    assert_eq!(line(1), "✗ m: 3 × k in 1 run (e.g. e)");
    assert_eq!(line(6), "✗ m: 3 × k over 6 runs (e.g. e)");
}

//! A view (between `compare`'s analysis and the writers): `compare`'s document: the table of
//! matched cells with their change and verdict, then the set-up differences and what was not
//! compared.

use super::common::{col, row, table};
use super::doc::{Block, Document, Show, bullets};
use super::words::in_interpreter;
use crate::compare::{CellChange, Comparison, Difference, Reason, Side, Value, Verdict};
use crate::text::Text;

/// The comparison of two results, as a document.
pub fn document(c: &Comparison, t: &Text) -> Document {
    let mut doc = Document::default();
    doc.heading(1, t.get("compare-title"));
    let h = |id: &str| t.get(id);
    let secs = |s: f64| t.msg("compare-secs", &[("s", format!("{s:.3}").into())]).into();
    let pct = |x: f64| format!("{:+.1}%", (x - 1.0) * 100.0);
    let columns = vec![
        col(h("compare-experiment"), h("compare-experiment"), |c: &CellChange| c.experiment.into()),
        col(h("compare-model"), h("compare-model"), |c: &CellChange| {
            in_interpreter(t, c.model.clone(), c.interpreter.as_ref()).into()
        }),
        col(h("compare-a"), h("compare-a"), |c: &CellChange| secs(c.a_median_s)),
        col(h("compare-b"), h("compare-b"), |c: &CellChange| secs(c.b_median_s)),
        col(h("compare-change"), h("compare-change"), |c: &CellChange| pct(c.change.point).into()),
        col(h("compare-ci"), h("compare-ci"), |c: &CellChange| {
            c.change.ci95.map_or("–".into(), |(lo, hi)| format!("{} … {}", pct(lo), pct(hi))).into()
        }),
        col(h("compare-verdict"), h("compare-verdict"), |c: &CellChange| t.get(verdict_id(c.verdict)).into()),
    ];
    let rows = c.changes.iter().map(|ch| row(&columns, ch)).collect();
    doc.push(Show::Both, Block::Table(table(columns, rows)));
    let differences = c.differences.iter().map(|d| t.msg("compare-difference", &[("what", difference(t, d).into())]));
    let unmatched = c.unmatched.iter().map(|u| {
        let what = match &u.model {
            Some(m) => format!("{} {}", u.experiment, in_interpreter(t, m.clone(), u.interpreter.as_ref())),
            None => u.experiment.to_string(),
        };
        let what = [("what", what.into())];
        let why = match u.reason {
            Reason::OnlyIn(side) => {
                t.msg("compare-only-in", &[&what[..], &[("side", side_name(side).into())]].concat())
            }
            Reason::FailedIn(side) => {
                t.msg("compare-failed-in", &[&what[..], &[("side", side_name(side).into())]].concat())
            }
            Reason::NoRuns => t.msg("compare-no-runs", &what),
            Reason::OpenModel => t.msg("compare-open", &what),
        };
        t.msg("compare-unmatched", &[("what", why.into())])
    });
    doc.push(Show::Both, bullets(differences.chain(unmatched)));
    doc
}

fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::Faster => "compare-faster",
        Verdict::Slower => "compare-slower",
        Verdict::NoSignificantChange => "compare-no-change",
        Verdict::TooFewRuns => "compare-too-few",
        Verdict::SetupDiffers => "compare-setup-differs",
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::A => "A",
        Side::B => "B",
    }
}

fn value(t: &Text, v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Flag(true) => t.get("setup-on"),
        Value::Flag(false) => t.get("setup-off"),
        Value::Unset => t.get("setup-none"),
        Value::Embedded => t.get("setup-embedded"),
    }
}

fn difference(t: &Text, d: &Difference) -> String {
    match d {
        Difference::Cores { a, b } => t.msg("compare-cores", &[("a", (*a).into()), ("b", (*b).into())]),
        Difference::Setting { experiment, setting, a, b } => {
            let name = t.get(&format!("setup-{}", setting.name().replace(' ', "-")));
            let args = [
                ("experiment", (*experiment).into()),
                ("setting", name.into()),
                ("a", value(t, a).into()),
                ("b", value(t, b).into()),
            ];
            t.msg("compare-setting", &args)
        }
    }
}

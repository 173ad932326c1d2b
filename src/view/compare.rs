//! `compare`'s view: the table of matched cells with their change and verdict, then the set-up
//! differences and what was not compared.

use super::doc::{Block, Column, Document, Inline, Row, Show, Table, bullets};
use crate::compare::Comparison;

const HEADER: [&str; 7] = ["experiment", "model", "A (median)", "B (median)", "change", "95% CI", "verdict"];

/// The comparison of two results, as a document.
pub fn document(c: &Comparison) -> Document {
    let mut doc = Document::default();
    doc.heading(1, "Comparison: B against A (time for all tasks)");
    let rows = c.changes.iter().map(|c| {
        let pct = (c.change.point - 1.0) * 100.0;
        let ci = c
            .change
            .ci95
            .map_or("–".into(), |(lo, hi)| format!("{:+.1}% … {:+.1}%", (lo - 1.0) * 100.0, (hi - 1.0) * 100.0));
        let cells = [
            c.experiment.to_string(),
            c.model.clone(),
            format!("{:.3} s", c.a_median_s),
            format!("{:.3} s", c.b_median_s),
            format!("{pct:+.1}%"),
            ci,
            c.verdict.text().to_string(),
        ];
        Row { cells: cells.map(Inline::plain).to_vec(), show: Show::Both }
    });
    let columns = HEADER
        .iter()
        .enumerate()
        .map(|(i, h)| Column {
            terminal: Some(h.to_string()),
            document: Some(h.to_string()),
            align: if i == 0 { super::doc::Align::Left } else { super::doc::Align::Right },
        })
        .collect();
    doc.push(Show::Both, Block::Table(Table { columns, rows: rows.collect() }));
    let differences = c.differences.iter().map(|d| format!("⚠ set-up differs: {d}"));
    let unmatched = c.unmatched.iter().map(|u| format!("not compared: {u}"));
    doc.push(Show::Both, bullets(differences.chain(unmatched)));
    doc
}

//! `concbench compare A.json B.json`: did it get faster or slower, and is that real?
//!
//! Cells are matched by experiment kind and model spec; for each, the change is
//! median(B) / median(A) of the time for all tasks, with a bootstrap interval that resamples both
//! results' runs. A change is called only when its interval excludes 1, and only between runs of
//! the same set-up: when the workload, the target or the cores granted differ, the differences are
//! listed and the cells are shown but not judged. A model that failed on either side is not compared.

use std::path::Path;

use crate::Error;
use crate::analysis::figures::total_time;
use crate::analysis::stats::{self, RatioStat};
use crate::record::{Cell, CellStatus, ClientSettings, Experiment, Report, SCHEMA_VERSION, TargetInfo};

/// What a comparison concluded for one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Faster,
    Slower,
    NoSignificantChange,
    /// Fewer than 6 runs on a side: the change is shown, not judged.
    TooFewRuns,
    /// The two results ran different set-ups (see [`Comparison::differences`]): not judged.
    SetupDiffers,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::NoSignificantChange => "no significant change",
            Verdict::TooFewRuns => "too few runs to tell",
            Verdict::SetupDiffers => "not judged: set-up differs",
        }
    }
}

/// One matched cell.
#[derive(Debug, Clone)]
pub struct CellChange {
    pub experiment: &'static str,
    pub model: String,
    pub a_median_s: f64,
    pub b_median_s: f64,
    /// B / A: below 1 is faster.
    pub change: RatioStat,
    pub verdict: Verdict,
}

/// All matched cells, and those only one side has.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub changes: Vec<CellChange>,
    pub unmatched: Vec<String>,
    /// How the set-ups of matched experiments differ (`io: latency fixed:100ms → fixed:630ms`).
    pub differences: Vec<String>,
}

fn kind(e: &Experiment) -> &'static str {
    e.kind_name()
}

/// What must be equal for two runs of an experiment to be compared: the workload and its target.
fn setup(e: &Experiment) -> Vec<(&'static str, String)> {
    let target = |t: &TargetInfo| match &t.embedded {
        Some(e) => vec![
            ("latency", e.config.latency.to_string()),
            ("server cap", e.config.max_inflight.map_or("none".into(), |c| c.to_string())),
        ],
        None => vec![("target", t.url_template.clone())],
    };
    let client = |c: &ClientSettings| {
        vec![
            ("keep-alive", c.config.keep_alive.to_string()),
            ("prewarm", c.config.prewarm.to_string()),
            ("interp cost", crate::units::fmt_duration(c.config.interp_cost)),
            ("retries", c.config.retries.to_string()),
        ]
    };
    match e {
        Experiment::Io(io) => {
            let mut v = vec![("requests", io.settings.requests.to_string())];
            v.extend(target(&io.target));
            v.extend(client(&io.settings.client));
            v
        }
        Experiment::Scale(s) => {
            let mut v = vec![("requests", s.settings.requests.to_string())];
            v.extend(target(&s.target));
            v.extend(client(&s.settings.client));
            v
        }
        Experiment::Cpu(c) => vec![
            ("tasks", c.settings.tasks.to_string()),
            ("range", c.settings.spec.range.to_string()),
            ("seed", c.settings.spec.seed.to_string()),
            ("kernel", c.settings.spec.kernel.to_string()),
        ],
    }
}

fn times(cell: &Cell) -> Vec<f64> {
    cell.runs.iter().map(|r| total_time(cell, r).as_secs_f64()).collect()
}

/// Compares every cell of `a` with the same cell of `b`.
pub fn compare(a: &Report, b: &Report) -> Comparison {
    let mut out = Comparison::default();
    let (cores_a, cores_b) = (a.environment.cores_granted, b.environment.cores_granted);
    let cores_differ = cores_a != cores_b;
    if cores_differ {
        out.differences.push(format!("cores granted {cores_a} → {cores_b}"));
    }
    for ea in &a.experiments {
        let Some(eb) = b.experiments.iter().find(|eb| kind(eb) == kind(ea)) else {
            out.unmatched.push(format!("{} (only in A)", kind(ea)));
            continue;
        };
        let mut setup_differs = cores_differ;
        for ((name, va), (_, vb)) in setup(ea).into_iter().zip(setup(eb)) {
            if va != vb {
                out.differences.push(format!("{}: {name} {va} → {vb}", kind(ea)));
                setup_differs = true;
            }
        }
        for ca in ea.cells() {
            let Some(cb) = eb.cells().into_iter().find(|cb| cb.model == ca.model) else {
                out.unmatched.push(format!("{} {} (only in A)", kind(ea), ca.model));
                continue;
            };
            let failed = |c: &Cell| matches!(c.status, CellStatus::Failed { .. });
            if failed(ca) || failed(cb) {
                let side = if failed(ca) { "A" } else { "B" };
                out.unmatched.push(format!("{} {} (failed in {side})", kind(ea), ca.model));
                continue;
            }
            let (ta, tb) = (times(ca), times(cb));
            let Some(change) = stats::independent_ratio(&ta, &tb) else {
                out.unmatched.push(format!("{} {} (no runs to compare)", kind(ea), ca.model));
                continue;
            };
            let verdict = match change.ci95 {
                _ if setup_differs => Verdict::SetupDiffers,
                None => Verdict::TooFewRuns,
                Some((_, hi)) if hi < 1.0 => Verdict::Faster,
                Some((lo, _)) if lo > 1.0 => Verdict::Slower,
                Some(_) => Verdict::NoSignificantChange,
            };
            out.changes.push(CellChange {
                experiment: kind(ea),
                model: ca.model.to_string(),
                a_median_s: stats::median(&ta),
                b_median_s: stats::median(&tb),
                change,
                verdict,
            });
        }
        for cb in eb.cells() {
            if !ea.cells().iter().any(|ca| ca.model == cb.model) {
                out.unmatched.push(format!("{} {} (only in B)", kind(eb), cb.model));
            }
        }
    }
    for eb in &b.experiments {
        if !a.experiments.iter().any(|ea| kind(ea) == kind(eb)) {
            out.unmatched.push(format!("{} (only in B)", kind(eb)));
        }
    }
    out
}

impl Comparison {
    /// Cells significantly slower by more than `pct` per cent.
    pub fn regressions(&self, pct: f64) -> Vec<&CellChange> {
        self.changes.iter().filter(|c| c.verdict == Verdict::Slower && c.change.point > 1.0 + pct / 100.0).collect()
    }
}

/// Reads a saved `results.json`.
pub fn load(path: &Path) -> anyhow::Result<Report> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{} is not JSON: {e}", path.display())))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(SCHEMA_VERSION as u64) {
        return Err(Error::Usage(format!(
            "{}: schema_version {} is not the {SCHEMA_VERSION} this concbench reads",
            path.display(),
            version.map_or("missing".into(), |v| v.to_string())
        ))
        .into());
    }
    Ok(serde_json::from_value(value)
        .map_err(|e| Error::Usage(format!("{} is not a concbench result: {e}", path.display())))?)
}

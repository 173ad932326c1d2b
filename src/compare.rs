//! `concbench compare A.json B.json`: did it get faster or slower, and is that real?
//!
//! Experiments are matched by kind (a sweep also by the model it swept, the user's task apart
//! from HTTP requests) and cells by model spec and, for a py model, its interpreter; for each, the
//! change is
//! median(B) / median(A) of the time for all tasks, with a bootstrap interval that resamples both
//! results' runs. A change is called only when its interval excludes 1, and only between runs of
//! the same set-up: when the workload, the target or the cores granted differ, the differences are
//! listed and the cells are shown but not judged. A model that failed on either side is not compared,
//! nor an open model's run (`--rate`: its time is its schedule's, not a speed).

use std::path::Path;

use crate::analysis::figures::total_time;
use crate::analysis::stats::{self, RatioStat};
use crate::error::Error;
use crate::record::{Cell, CellInterpreter, CellStatus, ClientSettings, Experiment, ModelKind, Report, TargetInfo};

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

/// A setting two runs of an experiment must share to be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Requests,
    Latency,
    ServerCap,
    Target,
    KeepAlive,
    Prewarm,
    InterpCost,
    Retries,
    Method,
    Body,
    Urls,
    Tasks,
    Range,
    Seed,
    Kernel,
}

impl Setting {
    /// Its name, as the schema and the English text call it.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Requests => "requests",
            Setting::Latency => "latency",
            Setting::ServerCap => "server cap",
            Setting::Target => "target",
            Setting::KeepAlive => "keep-alive",
            Setting::Prewarm => "prewarm",
            Setting::InterpCost => "interp cost",
            Setting::Retries => "retries",
            Setting::Method => "method",
            Setting::Body => "body",
            Setting::Urls => "urls",
            Setting::Tasks => "tasks",
            Setting::Range => "range",
            Setting::Seed => "seed",
            Setting::Kernel => "kernel",
        }
    }
}

/// A setting's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// As written on the command line (`fixed:100ms`, `200`, `50000..150000`).
    Text(String),
    /// On or off.
    Flag(bool),
    /// Not set (no server cap).
    Unset,
    /// The embedded mock API (as a target).
    Embedded,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Flag(b) => write!(f, "{b}"),
            Value::Unset => f.write_str("none"),
            Value::Embedded => f.write_str("embedded API"),
        }
    }
}

/// How the set-ups of two results differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The machines granted different numbers of cores.
    Cores { a: usize, b: usize },
    /// A setting of an experiment (`io`, `scale`, `cpu`) differs.
    Setting { experiment: &'static str, setting: Setting, a: Value, b: Value },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Cores { a, b } => write!(f, "cores granted {a} → {b}"),
            Difference::Setting { experiment, setting, a, b } => {
                write!(f, "{experiment}: {} {a} → {b}", setting.name())
            }
        }
    }
}

/// One of the two results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

/// Why an experiment or a cell was not compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    OnlyIn(Side),
    FailedIn(Side),
    NoRuns,
    /// An open model (`--rate`): its time is its schedule's, not a speed.
    OpenModel,
}

/// An experiment (`model: None`) or a cell that was not compared, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub experiment: &'static str,
    pub model: Option<String>,
    /// The interpreter of a py model's cell.
    pub interpreter: Option<CellInterpreter>,
    pub reason: Reason,
}

impl Unmatched {
    /// The experiment, and the model when it is a cell: `io`, `io async-mt`,
    /// `cpu py-threads:2 [3.13.5t, no GIL]`.
    pub fn what(&self) -> String {
        match &self.model {
            Some(m) => format!("{} {}", self.experiment, crate::record::label(m, self.interpreter.as_ref())),
            None => self.experiment.to_string(),
        }
    }
}

impl std::fmt::Display for Unmatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = self.what();
        match self.reason {
            Reason::OnlyIn(side) => write!(f, "{what} (only in {side:?})"),
            Reason::FailedIn(side) => write!(f, "{what} (failed in {side:?})"),
            Reason::NoRuns => write!(f, "{what} (no runs to compare)"),
            Reason::OpenModel => write!(f, "{what} (an open model: not compared)"),
        }
    }
}

/// One matched cell.
#[derive(Debug, Clone)]
pub struct CellChange {
    pub experiment: &'static str,
    pub model: String,
    /// The interpreter of a py model's cell.
    pub interpreter: Option<CellInterpreter>,
    pub a_median_s: f64,
    pub b_median_s: f64,
    /// B / A: below 1 is faster.
    pub change: RatioStat,
    pub verdict: Verdict,
}

impl CellChange {
    /// Its model as written, with the interpreter of a py model: `py-threads:2 [3.13.5t, no GIL]`.
    pub fn label(&self) -> String {
        crate::record::label(&self.model, self.interpreter.as_ref())
    }
}

/// All matched cells, and those only one side has.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub changes: Vec<CellChange>,
    pub unmatched: Vec<Unmatched>,
    /// How the set-ups of matched experiments differ (`io: latency fixed:100ms → fixed:630ms`).
    pub differences: Vec<Difference>,
}

fn kind(e: &Experiment) -> &'static str {
    e.kind_name()
}

/// What makes two experiments the same one: their kind, the model a sweep swept, whether they ran
/// the user's task (a suite holds a Rust sweep and a CPython one).
fn key(e: &Experiment) -> (&'static str, Option<ModelKind>, bool) {
    let swept = match e {
        Experiment::Scale(s) => Some(s.settings.model),
        _ => None,
    };
    (kind(e), swept, e.task().is_some())
}

/// Whether two cells are the same model in the same interpreter.
fn same_cell(a: &Cell, b: &Cell) -> bool {
    a.model == b.model && a.interpreter == b.interpreter
}

/// What must be equal for two runs of an experiment to be compared: the workload and its target
/// (the embedded API's latency and cap only when both ran against it).
fn setup(e: &Experiment) -> Vec<(Setting, Value)> {
    let text = |s: String| Value::Text(s);
    let target = |t: &TargetInfo| match &t.embedded {
        Some(e) => vec![
            (Setting::Target, Value::Embedded),
            (Setting::Latency, text(e.config.latency.to_string())),
            (Setting::ServerCap, e.config.max_inflight.map_or(Value::Unset, |c| text(c.to_string()))),
        ],
        None => vec![(Setting::Target, text(t.url_template.clone()))],
    };
    let client = |c: &ClientSettings| {
        vec![
            (Setting::KeepAlive, Value::Flag(c.config.keep_alive)),
            (Setting::Prewarm, Value::Flag(c.config.prewarm)),
            (Setting::InterpCost, text(crate::units::fmt_duration(c.config.interp_cost))),
            (Setting::Retries, text(c.config.retries.to_string())),
            (Setting::Method, text(c.request.method.to_string())),
            (Setting::Body, c.request.body_bytes.map_or(Value::Unset, |b| text(format!("{b} B")))),
            (Setting::Urls, c.request.urls.map_or(Value::Unset, |n| text(n.to_string()))),
        ]
    };
    match e {
        Experiment::Io(io) => {
            let mut v = vec![(Setting::Requests, text(io.settings.requests.to_string()))];
            v.extend(target(&io.target));
            v.extend(client(&io.settings.client));
            v
        }
        Experiment::Scale(s) => {
            let mut v = vec![(Setting::Requests, text(s.settings.requests.to_string()))];
            v.extend(target(&s.target));
            v.extend(client(&s.settings.client));
            v
        }
        Experiment::Rates(r) => {
            let mut v = target(&r.target);
            v.extend(client(&r.settings.client));
            v
        }
        Experiment::Cpu(c) => vec![
            (Setting::Tasks, text(c.settings.tasks.to_string())),
            (Setting::Range, text(c.settings.spec.range.to_string())),
            (Setting::Seed, text(c.settings.spec.seed.to_string())),
            (Setting::Kernel, text(c.settings.spec.kernel.to_string())),
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
        out.differences.push(Difference::Cores { a: cores_a, b: cores_b });
    }
    let unmatched = |e: &Experiment, model: Option<&Cell>, reason| Unmatched {
        experiment: kind(e),
        model: model.map(|c| c.model.to_string()),
        interpreter: model.and_then(|c| c.interpreter.clone()),
        reason,
    };
    for ea in &a.experiments {
        if ea.arrivals().is_some() {
            out.unmatched.push(unmatched(ea, None, Reason::OpenModel));
            continue;
        }
        let Some(eb) = b.experiments.iter().find(|eb| key(eb) == key(ea)) else {
            out.unmatched.push(unmatched(ea, None, Reason::OnlyIn(Side::A)));
            continue;
        };
        let mut setup_differs = cores_differ;
        let setup_b = setup(eb);
        for (setting, va) in setup(ea) {
            if let Some((_, vb)) = setup_b.iter().find(|(s, _)| *s == setting)
                && va != *vb
            {
                out.differences.push(Difference::Setting { experiment: kind(ea), setting, a: va, b: vb.clone() });
                setup_differs = true;
            }
        }
        for ca in ea.cells() {
            let Some(cb) = eb.cells().into_iter().find(|cb| same_cell(ca, cb)) else {
                out.unmatched.push(unmatched(ea, Some(ca), Reason::OnlyIn(Side::A)));
                continue;
            };
            let failed = |c: &Cell| matches!(c.status, CellStatus::Failed { .. });
            if failed(ca) || failed(cb) {
                let side = if failed(ca) { Side::A } else { Side::B };
                out.unmatched.push(unmatched(ea, Some(ca), Reason::FailedIn(side)));
                continue;
            }
            let (ta, tb) = (times(ca), times(cb));
            let Some(change) = stats::independent_ratio(&ta, &tb) else {
                out.unmatched.push(unmatched(ea, Some(ca), Reason::NoRuns));
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
                interpreter: ca.interpreter.clone(),
                a_median_s: stats::median(&ta),
                b_median_s: stats::median(&tb),
                change,
                verdict,
            });
        }
        for cb in eb.cells() {
            if !ea.cells().iter().any(|ca| same_cell(ca, cb)) {
                out.unmatched.push(unmatched(eb, Some(cb), Reason::OnlyIn(Side::B)));
            }
        }
    }
    for eb in &b.experiments {
        if !a.experiments.iter().any(|ea| key(ea) == key(eb)) {
            out.unmatched.push(unmatched(eb, None, Reason::OnlyIn(Side::B)));
        }
    }
    out
}

impl Comparison {
    /// Whether any matched cell could be judged (faster, slower or no significant change).
    pub fn judged_any(&self) -> bool {
        self.changes
            .iter()
            .any(|c| matches!(c.verdict, Verdict::Faster | Verdict::Slower | Verdict::NoSignificantChange))
    }

    /// Cells significantly slower by more than `pct` per cent.
    pub fn regressions(&self, pct: f64) -> Vec<&CellChange> {
        self.changes.iter().filter(|c| c.verdict == Verdict::Slower && c.change.point > 1.0 + pct / 100.0).collect()
    }
}

/// Reads a saved `results.json`; a file that cannot be read is bad input (exit 2).
pub fn load(path: &Path) -> anyhow::Result<Report> {
    crate::record::load(path).map_err(|e| Error::Usage(e.to_string()).into())
}

//! The bottom layer: every figure and setting a run produces, serialisable, 1:1 with
//! `schema/results.schema.json`. Producers (models, the server, the meters, the runner) write it;
//! analysis reads it; the views and writers read analysis and records. It depends on nothing of
//! the crate above it (only `units` and `seed`, the leaf helpers). Loading a saved `results.json`
//! lives here too ([`load`]).

pub mod env;
pub mod facts;
pub mod measured;
pub mod model;
pub mod open;
pub mod outcome;
pub mod python;
pub mod segment;
pub mod server;
pub mod settings;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use env::{Environment, Tool};
pub use facts::{ExecutionFacts, GilStats, Hold, PoolStats, WorkerFigures, WorkerUsage};
pub use measured::{ErrorTally, HeapUse, LatencySummary, Measured, OthersLoad, Summary};
pub use model::{Concurrency, CpuParallelism, MAX_CONCURRENCY, ModelInfo, ModelKind, ModelSpec, Runtime};
pub use open::{ArrivalProcess, Arrivals, LATENESS_BOUND, OpenLoad, OpenRun, Tenth};
pub use outcome::{ErrorKind, TaskError, TaskOutcome};
pub use python::{CellInterpreter, Interpreter, PyRunFacts, PySettings, PyTaskSettings, Skipped};
pub use segment::{RawHistograms, RawRun, SegmentInfo, SegmentPart, Segments};
pub use server::{
    FaultCounts, Faults, LatencyProfile, MicrosHistogram, Rate, ServerConfig, ServerProcess, StatsSnapshot,
};
pub use settings::{
    BufferSizes, ClientConfig, ClientSettings, CpuSettings, CpuSpec, EmbeddedInfo, EmbeddedMode, IoSettings, Kernel,
    Method, RatesSettings, RequestSettings, ScaleSettings, Schedule, SizeRange, StatusSet, TargetInfo, TargetKind,
};

/// Version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// Versions [`load`] reads: 1 (before ratios could be withheld; its settings read with every task
/// required to succeed, as they were judged then) and 2.
pub const READS_VERSIONS: [u32; 2] = [1, 2];

/// Everything one invocation measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    /// False while running and when interrupted: the report then holds the cells measured so far.
    pub complete: bool,
    pub environment: Environment,
    pub experiments: Vec<Experiment>,
    /// A split run's segments: this one alone in a segment's report, all of them once merged
    /// (`concbench merge`). `None`: a run of one piece.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<Segments>,
}

/// One experiment of the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Experiment {
    /// Sections 1 and 2 of the source: API calls under sequential, thread-pool and async models.
    Io(IoExperiment),
    /// Section 3: a sweep of one model's concurrency.
    Scale(ScaleExperiment),
    /// Sections 4 and 5: CPU-bound prime counting under every model.
    Cpu(CpuExperiment),
    /// A capacity sweep (`scale --rates`): every model at every offered rate, in an open model.
    Rates(RatesExperiment),
}

impl Experiment {
    /// `io`, `scale` or `cpu`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Experiment::Io(_) => "io",
            Experiment::Scale(_) => "scale",
            Experiment::Cpu(_) => "cpu",
            Experiment::Rates(_) => "rates",
        }
    }

    /// The `i`-th cell in run order (see [`Experiment::cells`]).
    pub fn cell_mut(&mut self, i: usize) -> &mut Cell {
        match self {
            Experiment::Io(io) => &mut io.cells[i],
            Experiment::Scale(s) => match (&mut s.baseline, i) {
                (Some(b), 0) => b,
                (Some(_), i) => &mut s.points[i - 1],
                (None, i) => &mut s.points[i],
            },
            Experiment::Cpu(c) => &mut c.cells[i],
            Experiment::Rates(r) => &mut r.cells[i],
        }
    }

    /// The tasks of the experiment (every cell's, none sampled): its requests or CPU tasks.
    pub fn task_count(&self) -> usize {
        match self {
            Experiment::Io(e) => e.settings.requests,
            Experiment::Scale(e) => e.settings.requests,
            Experiment::Cpu(e) => e.settings.tasks,
            // Its points differ in length (a capacity sweep is never split): the longest.
            Experiment::Rates(e) => e.cells.iter().map(|c| c.tasks_per_run).max().unwrap_or(0),
        }
    }

    /// The share of its tasks a model must complete for its time to be compared.
    pub fn min_success(&self) -> f64 {
        match self {
            Experiment::Io(e) => e.settings.min_success,
            Experiment::Scale(e) => e.settings.min_success,
            Experiment::Cpu(e) => e.settings.min_success,
            Experiment::Rates(e) => e.settings.min_success,
        }
    }

    /// How the runs were repeated.
    pub fn schedule(&self) -> &Schedule {
        match self {
            Experiment::Io(e) => &e.settings.schedule,
            Experiment::Scale(e) => &e.settings.schedule,
            Experiment::Cpu(e) => &e.settings.schedule,
            Experiment::Rates(e) => &e.settings.schedule,
        }
    }

    /// Every cell of the experiment, in run order.
    pub fn cells(&self) -> Vec<&Cell> {
        match self {
            Experiment::Io(io) => io.cells.iter().collect(),
            Experiment::Scale(s) => s.baseline.iter().map(|b| &**b).chain(s.points.iter()).collect(),
            Experiment::Cpu(c) => c.cells.iter().collect(),
            Experiment::Rates(r) => r.cells.iter().collect(),
        }
    }

    /// How its py models ran (`None` without py models).
    pub fn python(&self) -> Option<&PySettings> {
        match self {
            Experiment::Io(e) => e.settings.python.as_ref(),
            Experiment::Scale(e) => e.settings.python.as_ref(),
            Experiment::Cpu(e) => e.settings.python.as_ref(),
            Experiment::Rates(_) => None,
        }
    }

    /// The user's Python task its tasks call instead of HTTP GETs (`None`: GETs, or CPU work).
    pub fn task(&self) -> Option<&PyTaskSettings> {
        match self {
            Experiment::Io(e) => e.settings.task.as_ref(),
            Experiment::Scale(e) => e.settings.task.as_ref(),
            Experiment::Cpu(_) | Experiment::Rates(_) => None,
        }
    }

    /// Where requests went (`None` for CPU work).
    pub fn target(&self) -> Option<&TargetInfo> {
        match self {
            Experiment::Io(e) => Some(&e.target),
            Experiment::Scale(e) => Some(&e.target),
            Experiment::Rates(e) => Some(&e.target),
            Experiment::Cpu(_) => None,
        }
    }

    /// How requests arrived, in an open model (`None`: a closed loop, or CPU work).
    pub fn arrivals(&self) -> Option<&Arrivals> {
        match self {
            Experiment::Io(e) => e.settings.open.as_ref().map(|o| &o.arrivals),
            Experiment::Rates(e) => Some(&e.settings.arrivals),
            Experiment::Scale(_) | Experiment::Cpu(_) => None,
        }
    }

    /// How the HTTP clients were set up (`None` for CPU work).
    pub fn client(&self) -> Option<&ClientSettings> {
        match self {
            Experiment::Io(e) => Some(&e.settings.client),
            Experiment::Scale(e) => Some(&e.settings.client),
            Experiment::Rates(e) => Some(&e.settings.client),
            Experiment::Cpu(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoExperiment {
    pub settings: IoSettings,
    pub target: TargetInfo,
    pub cells: Vec<Cell>,
}

/// Section 3: a worker-count sweep against a baseline, with the evidence to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleExperiment {
    pub settings: ScaleSettings,
    pub target: TargetInfo,
    pub baseline: Option<Box<Cell>>,
    /// One cell per swept setting, in the order of `settings.settings`.
    pub points: Vec<Cell>,
}

/// A capacity sweep: every model at every offered rate, each cell one (model, rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatesExperiment {
    pub settings: RatesSettings,
    pub target: TargetInfo,
    /// Model by model (in the order of `settings.models`), each at every rate, lowest first.
    pub cells: Vec<Cell>,
}

impl RatesExperiment {
    /// The cells of `model`, lowest rate first.
    pub fn cells_of(&self, model: &ModelSpec) -> Vec<&Cell> {
        self.cells.iter().filter(|c| c.model == *model).collect()
    }
}

/// Sections 4 and 5: prime counting under every model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuExperiment {
    pub settings: CpuSettings,
    /// n_i of every task.
    pub task_sizes: Vec<u64>,
    /// π(n_i) of every task, from a reference sieve: every model's sum must equal their sum.
    pub reference_counts: Vec<u64>,
    pub cells: Vec<Cell>,
}

impl CpuExperiment {
    /// The checksum every model must return: the sum of the reference counts.
    pub fn expected_checksum(&self) -> u64 {
        self.reference_counts.iter().sum()
    }
}

/// One model (or one setting of it) on one workload, with all its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub model: ModelSpec,
    /// The interpreter a py model ran in (`None` for the Rust models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<CellInterpreter>,
    /// The rate requests were offered at, in an open model (`--rate`); `None` in a closed loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_per_s: Option<f64>,
    /// Tasks the experiment is about (e.g. 200 requests).
    pub tasks_total: usize,
    /// Tasks each run executed: fewer than `tasks_total` for a sampled model, whose time for all
    /// tasks is then an estimate.
    pub tasks_per_run: usize,
    pub status: CellStatus,
    /// Runs done before measuring, not recorded.
    #[serde(default)]
    pub warmup_runs: usize,
    /// The measured runs, in the order they ran.
    pub runs: Vec<RunRecord>,
    /// Summaries over the runs (derived from `runs`; stored for readers of the JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<CellSummary>,
    /// Latency of successful tasks over all runs, from the merged histograms (in an open model:
    /// their service time, done − sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ok: Option<LatencyDistribution>,
    /// An open model's latency of successful tasks corrected for coordinated omission (done −
    /// due), over all runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_latency: Option<LatencyDistribution>,
    /// An open model's generator lateness (dispatched − due), over all runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<LatencyDistribution>,
}

impl Cell {
    /// A cell about to run.
    pub fn pending(model: ModelSpec, tasks_per_run: usize, tasks_total: usize) -> Self {
        Cell {
            model,
            interpreter: None,
            offered_per_s: None,
            tasks_total,
            tasks_per_run,
            status: CellStatus::Pending,
            warmup_runs: 0,
            runs: Vec::new(),
            summary: None,
            latency_ok: None,
            corrected_latency: None,
            lateness: None,
        }
    }

    /// The same cell, run in `interpreter`.
    pub fn in_interpreter(self, interpreter: Option<CellInterpreter>) -> Self {
        Cell { interpreter, ..self }
    }

    /// The same cell, its requests offered at `rate` per second (an open model).
    pub fn at_rate(self, rate: Option<f64>) -> Self {
        Cell { offered_per_s: rate, ..self }
    }

    pub fn is_sampled(&self) -> bool {
        self.tasks_per_run < self.tasks_total
    }

    /// The model as written, with its interpreter for a py model (`py-threads:2 [3.13.5t, no
    /// GIL]`) and its offered rate in an open model (`threads:50 @ 800/s`).
    pub fn label(&self) -> String {
        let model = label(&self.model, self.interpreter.as_ref());
        match self.offered_per_s {
            Some(rate) => format!("{model} @ {rate}/s"),
            None => model,
        }
    }
}

/// A model as written, with the interpreter a py model ran in: `py-threads:2 [3.13.5t, no GIL]`
/// (the records' own label, in English; the views name it in the report's language).
pub fn label(model: &impl std::fmt::Display, interpreter: Option<&CellInterpreter>) -> String {
    match interpreter {
        Some(i) => format!("{model} [{}]", i.label()),
        None => model.to_string(),
    }
}

/// The cells `models` make, in order: one per model, and one per interpreter for a py model.
pub fn cell_keys(models: &[ModelSpec], python: Option<&PySettings>) -> Vec<(ModelSpec, Option<CellInterpreter>)> {
    let interpreters = python.map_or(&[][..], |p| &p.interpreters[..]);
    models
        .iter()
        .flat_map(|m| {
            let runs_in: Vec<Option<CellInterpreter>> =
                if m.kind.is_python() { interpreters.iter().cloned().map(Some).collect() } else { vec![None] };
            runs_in.into_iter().map(move |i| (*m, i))
        })
        .collect()
}

/// Per-cell summaries over runs, each with its spread and interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellSummary {
    pub wall_s: Summary,
    /// Time for all tasks: `wall_s` scaled up for a sampled model.
    pub total_time_s: Summary,
    pub throughput_per_s: Summary,
    pub cpu_s: Summary,
    pub heap_peak_bytes: Option<Summary>,
    pub rss_peak_bytes: Option<Summary>,
    /// The first run was much slower than the rest (consider `--warmup 1`).
    pub first_run_slow: bool,
}

/// A latency distribution over all runs of a cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencyDistribution {
    pub summary: LatencySummary,
    /// (quantile, microseconds) points of the distribution function, for charts.
    pub cdf_us: Vec<(f64, u64)>,
}

/// Quantiles kept for a latency distribution function.
pub const CDF_QUANTILES: [f64; 17] =
    [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0];

impl LatencyDistribution {
    /// From a (merged) histogram; `None` when it is empty.
    pub fn of(h: &hdrhistogram::Histogram<u64>) -> Option<Self> {
        Some(LatencyDistribution {
            summary: LatencySummary::of(h)?,
            cdf_us: CDF_QUANTILES.iter().map(|&q| (q, h.value_at_quantile(q))).collect(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CellStatus {
    /// Not run yet (an interrupted report can hold such cells).
    Pending,
    Ok,
    /// The model failed as a whole; `runs` keeps whatever was measured before.
    Failed {
        reason: String,
    },
}

/// One measured run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The repetition it belongs to: runs of different cells with the same round ran one after
    /// the other, and are paired for ratios.
    #[serde(default)]
    pub round: usize,
    pub tasks: usize,
    pub ok: u64,
    pub failed: u64,
    pub errors: BTreeMap<String, ErrorTally>,
    /// Sum of the successful tasks' values (body bytes for I/O): equal across models.
    pub value_sum: u64,
    #[serde(flatten)]
    pub measured: Measured,
    pub latency_ok: Option<LatencySummary>,
    pub latency_failed: Option<LatencySummary>,
    /// Tries beyond the first, over all tasks.
    #[serde(default)]
    pub retries: u64,
    /// Tasks that succeeded after at least one retry (included in `ok`).
    #[serde(default)]
    pub ok_after_retry: u64,
    /// Time from the first task's start until the model's concurrency was reached (how long
    /// starting threads or connections held tasks back).
    pub ramp_up_ns: Option<u64>,
    pub facts: ExecutionFacts,
    /// The embedded API's counters for this run alone (reset before it).
    pub server: Option<StatsSnapshot>,
    /// What an open model's run measured (`--rate`); `None` in a closed loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenRun>,
    /// A segment's run: its start on the wall clock and raw histograms, to merge exactly (and
    /// once merged, every segment's part); `None` in a run of one piece.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawRun>,
}

#[cfg(test)]
impl RunRecord {
    /// A run of `tasks` tasks, `ok` of them successes, that measured nothing else: for a test to
    /// fill in what it is about.
    pub(crate) fn blank(tasks: usize, ok: u64) -> Self {
        RunRecord {
            round: 0,
            tasks,
            ok,
            failed: tasks as u64 - ok,
            errors: Default::default(),
            value_sum: 0,
            measured: Measured::blank(),
            latency_ok: None,
            latency_failed: None,
            retries: 0,
            ok_after_retry: 0,
            ramp_up_ns: None,
            facts: ExecutionFacts::default(),
            server: None,
            open: None,
            raw: None,
        }
    }
}

/// Now, as RFC 3339 UTC to the second.
pub fn timestamp_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Why a saved result could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub String);

/// Reads a saved `results.json`, refusing files of another schema version.
pub fn load(path: &Path) -> Result<Report, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError(format!("cannot read {}: {e}", path.display())))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| LoadError(format!("{} is not JSON: {e}", path.display())))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if !version.is_some_and(|v| READS_VERSIONS.iter().any(|&r| u64::from(r) == v)) {
        return Err(LoadError(format!(
            "{}: schema_version {} is not one this concbench reads ({})",
            path.display(),
            version.map_or("missing".into(), |v| v.to_string()),
            READS_VERSIONS.map(|v| v.to_string()).join(", ")
        )));
    }
    let mut report: Report = serde_json::from_value(value)
        .map_err(|e| LoadError(format!("{} is not a concbench result: {e}", path.display())))?;
    report.check().map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
    // Read, it is a report of this version: written again, it says so.
    report.schema_version = SCHEMA_VERSION;
    Ok(report)
}

impl Report {
    /// Checks the invariants every report concbench writes holds, and names the first one broken
    /// (with where it is): a result file that breaks one was not written by concbench, or was
    /// edited, and no figure of it can be trusted. The layout itself (fields, types) is checked
    /// by reading it into these types, which mirror `schema/results.schema.json`.
    pub fn check(&self) -> Result<(), String> {
        // A segment's report is about its share of the tasks.
        let part = self.segments.as_ref().filter(|s| !s.merged).and_then(|s| s.parts.first());
        let part = match part {
            Some(p) => crate::segment::Segment::new(p.index, p.count).map_err(|e| format!("segments: {e}"))?,
            None => crate::segment::Segment::WHOLE,
        };
        for (e, experiment) in self.experiments.iter().enumerate() {
            let at = |what: String| format!("experiments[{e}] ({}): {what}", experiment.kind_name());
            experiment.check(part).map_err(at)?;
            let schedule = experiment.schedule();
            for cell in experiment.cells() {
                cell.check(schedule).map_err(|w| at(format!("cell {}: {w}", cell.label())))?;
            }
        }
        Ok(())
    }
}

impl RatesExperiment {
    /// Its cells are its models at its rates, in order.
    fn check(&self) -> Result<(), String> {
        let s = &self.settings;
        let keys: Vec<(ModelSpec, Option<f64>)> =
            s.models.iter().flat_map(|&m| s.rates_per_s.iter().map(move |&r| (m, Some(r)))).collect();
        let cells: Vec<(ModelSpec, Option<f64>)> = self.cells.iter().map(|c| (c.model, c.offered_per_s)).collect();
        if cells != keys {
            return Err(format!("its cells ({}) are not its models at its rates", cells.len()));
        }
        Ok(())
    }
}

impl Experiment {
    /// The cells are those its settings list, with their task counts (`part`'s share of them).
    fn check(&self, part: crate::segment::Segment) -> Result<(), String> {
        let (models, total): (Vec<ModelSpec>, usize) = match self {
            Experiment::Rates(x) => return x.check(),
            Experiment::Io(x) => (x.settings.models.clone(), x.settings.requests),
            Experiment::Scale(x) => {
                let mut m: Vec<ModelSpec> = x.settings.baseline.into_iter().collect();
                m.extend(x.settings.points());
                (m, x.settings.requests)
            }
            Experiment::Cpu(x) => {
                let n = part.share(x.settings.tasks);
                if x.task_sizes.len() != n || x.reference_counts.len() != n {
                    return Err(format!(
                        "{} task sizes and {} reference counts for {n} tasks",
                        x.task_sizes.len(),
                        x.reference_counts.len()
                    ));
                }
                (x.settings.models.clone(), x.settings.tasks)
            }
        };
        let total = part.share(total);
        let cells: Vec<(ModelSpec, Option<CellInterpreter>)> =
            self.cells().iter().map(|c| (c.model, c.interpreter.clone())).collect();
        if cells != cell_keys(&models, self.python()) {
            return Err(format!("its cells ({}) are not the models its settings list", cells.len()));
        }
        match self.cells().iter().find(|c| c.tasks_total != total) {
            Some(c) => Err(format!("cell {} is about {} tasks, the experiment about {total}", c.model, c.tasks_total)),
            None => Ok(()),
        }
    }
}

impl Cell {
    /// Every run ran the cell's tasks and counted each once.
    fn check(&self, schedule: &Schedule) -> Result<(), String> {
        if self.tasks_per_run == 0 || self.tasks_per_run > self.tasks_total {
            return Err(format!("{} tasks per run of {}", self.tasks_per_run, self.tasks_total));
        }
        if self.runs.len() > schedule.runs {
            return Err(format!("{} runs, more than the {} scheduled", self.runs.len(), schedule.runs));
        }
        for (i, r) in self.runs.iter().enumerate() {
            r.check(self.tasks_per_run).map_err(|w| format!("runs[{i}]: {w}"))?;
        }
        Ok(())
    }
}

impl RunRecord {
    fn check(&self, tasks: usize) -> Result<(), String> {
        let errors: u64 = self.errors.values().map(|t| t.count).sum();
        let latency = |l: &Option<LatencySummary>| l.map_or(0, |l| l.count);
        if self.tasks != tasks {
            Err(format!("ran {} tasks, its cell {tasks}", self.tasks))
        } else if self.ok.checked_add(self.failed) != Some(tasks as u64) {
            Err(format!("ok {} + failed {} is not the {tasks} tasks it ran", self.ok, self.failed))
        } else if errors != self.failed {
            Err(format!("its errors count {errors}, its failures {}", self.failed))
        } else if self.ok_after_retry > self.ok || self.ok_after_retry > self.retries {
            Err(format!(
                "{} successes after a retry, of {} successes and {} retries",
                self.ok_after_retry, self.ok, self.retries
            ))
        } else if latency(&self.latency_ok) != self.ok || latency(&self.latency_failed) > self.failed {
            Err(format!(
                "its latency histograms count {} and {} tasks",
                latency(&self.latency_ok),
                latency(&self.latency_failed)
            ))
        } else if let Some(s) = self.server.as_ref().filter(|s| s.responses > s.requests) {
            Err(format!("the server answered {} of {} requests", s.responses, s.requests))
        } else {
            Ok(())
        }
    }
}

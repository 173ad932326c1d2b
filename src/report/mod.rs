//! The one `Report` data model every output is rendered from, and the exporters that render it.
//!
//! A report holds only measured figures and the settings that produced them; verdicts and ratios
//! are derived at render time by `analysis`, so a saved `results.json` re-renders identically.

pub mod charts;
pub mod csv;
pub mod html;
pub mod json;
pub mod lang;
pub mod markdown;
pub mod terminal;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::stats::Summary;
use crate::env::{Environment, Tool};
use crate::measure::recorder::ErrorTally;
use crate::measure::{LatencySummary, Measured};
use crate::model::{ExecutionFacts, ModelKind, ModelSpec};
use crate::server::StatsSnapshot;
use crate::workload::cpu::{Kernel, SizeRange};

/// Version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

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
}

/// How runs are repeated and ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Measured runs per cell.
    pub runs: usize,
    /// Unrecorded runs per cell before them.
    pub warmup: usize,
    /// Cells run in a random order within each repetition, from this seed (otherwise in order:
    /// A B C A B C ...).
    pub shuffle_seed: Option<u64>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { runs: 1, warmup: 0, shuffle_seed: None }
    }
}

impl Schedule {
    /// The order of `cells` cells' runs: (round, cell, is-warm-up), warm-up rounds first; every
    /// cell appears once per round.
    pub fn order(&self, cells: usize) -> Vec<(usize, usize, bool)> {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let mut order = Vec::with_capacity(cells * (self.runs + self.warmup));
        for round in 0..self.warmup + self.runs {
            let mut idx: Vec<usize> = (0..cells).collect();
            if let Some(seed) = self.shuffle_seed {
                idx.shuffle(&mut rand::rngs::SmallRng::seed_from_u64(crate::seed::derive(seed, round as u64)));
            }
            let warmup = round < self.warmup;
            let measured_round = round.saturating_sub(self.warmup);
            order.extend(idx.into_iter().map(|c| (measured_round, c, warmup)));
        }
        order
    }
}

impl Experiment {
    /// `io`, `scale` or `cpu`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Experiment::Io(_) => "io",
            Experiment::Scale(_) => "scale",
            Experiment::Cpu(_) => "cpu",
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
        }
    }

    /// How the runs were repeated.
    pub fn schedule(&self) -> &Schedule {
        match self {
            Experiment::Io(e) => &e.settings.schedule,
            Experiment::Scale(e) => &e.settings.schedule,
            Experiment::Cpu(e) => &e.settings.schedule,
        }
    }

    /// Every cell of the experiment, in run order.
    pub fn cells(&self) -> Vec<&Cell> {
        match self {
            Experiment::Io(io) => io.cells.iter().collect(),
            Experiment::Scale(s) => s.baseline.iter().map(|b| &**b).chain(s.points.iter()).collect(),
            Experiment::Cpu(c) => c.cells.iter().collect(),
        }
    }

    /// Where requests went (`None` for CPU work).
    pub fn target(&self) -> Option<&TargetInfo> {
        match self {
            Experiment::Io(e) => Some(&e.target),
            Experiment::Scale(e) => Some(&e.target),
            Experiment::Cpu(_) => None,
        }
    }

    /// How the HTTP clients were set up (`None` for CPU work).
    pub fn client(&self) -> Option<&ClientSettings> {
        match self {
            Experiment::Io(e) => Some(&e.settings.client),
            Experiment::Scale(e) => Some(&e.settings.client),
            Experiment::Cpu(_) => None,
        }
    }
}

/// Where the requests went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// `embedded` (the mock API) or `external` (`--url`).
    pub kind: TargetKind,
    pub url_template: String,
    /// For the embedded API: how it was run and how it behaved.
    pub embedded: Option<EmbeddedInfo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Embedded,
    External,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedInfo {
    pub latency_profile: String,
    pub max_inflight: Option<usize>,
    pub seed: u64,
    /// `child-process` (default: its CPU and memory are not the client's) or `in-process`.
    pub mode: String,
    pub server_threads: usize,
}

/// Settings of an I/O experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoSettings {
    pub requests: usize,
    /// Sequential runs only this many requests and extrapolates (the source's 20 of 200).
    pub sync_sample: usize,
    pub workers: usize,
    pub models: Vec<ModelSpec>,
    pub client: ClientSettings,
    pub schedule: Schedule,
}

/// How the HTTP clients were set up (the same for every model of an experiment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSettings {
    pub keep_alive: bool,
    pub timeout_ms: f64,
    pub connect_timeout_ms: f64,
    /// Names of the extra headers sent (values are not recorded: they may be keys).
    pub header_names: Vec<String>,
    pub blocking_client: String,
    pub async_client: String,
    pub blocking_buffer_bytes: BufferSizes,
    /// CPU time charged to every request (an interpreted client's cost), 0 by default.
    #[serde(default)]
    pub interp_cost_ms: f64,
    /// The emulated interpreter lock's switch interval (for `gil-threads`).
    #[serde(default)]
    pub switch_interval_ms: f64,
    /// Tries after the first for a retryable failure (0: none).
    #[serde(default)]
    pub retries: u32,
    #[serde(default)]
    pub retry_backoff_ms: f64,
    /// Whether async models opened their connections before each measured run (`--prewarm`).
    #[serde(default)]
    pub prewarm: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferSizes {
    pub input: usize,
    pub output: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IoExperiment {
    pub settings: IoSettings,
    pub target: TargetInfo,
    pub cells: Vec<Cell>,
}

/// Settings of a sweep: one model kind run at several settings of its N.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleSettings {
    pub requests: usize,
    pub model: ModelKind,
    /// The N values swept, in run order (ascending).
    pub settings: Vec<usize>,
    pub baseline: Option<ModelSpec>,
    /// A step past the knee gains less than this share of speed per doubling (0.10 = 10 %).
    pub knee_gain_per_doubling: f64,
    pub client: ClientSettings,
    pub schedule: Schedule,
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

/// Settings of the CPU-bound experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuSettings {
    pub tasks: usize,
    /// Task sizes are drawn from this inclusive range with SplitMix64(seed).
    pub range: SizeRange,
    pub seed: u64,
    pub kernel: Kernel,
    /// N for models named without one (default: the cores granted).
    pub workers: usize,
    pub models: Vec<ModelSpec>,
    pub switch_interval_ms: f64,
    pub schedule: Schedule,
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
    /// Latency of successful tasks over all runs, from the merged histograms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ok: Option<LatencyDistribution>,
}

impl Cell {
    /// A cell about to run.
    pub fn pending(model: ModelSpec, tasks_per_run: usize, tasks_total: usize) -> Self {
        Cell {
            model,
            tasks_total,
            tasks_per_run,
            status: CellStatus::Pending,
            warmup_runs: 0,
            runs: Vec::new(),
            summary: None,
            latency_ok: None,
        }
    }

    pub fn is_sampled(&self) -> bool {
        self.tasks_per_run < self.tasks_total
    }
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
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum Format {
    /// A readable summary for the terminal.
    Text,
    /// The report in Markdown, shaped like the source report.
    Md,
    /// One self-contained HTML page with the charts inline.
    Html,
    /// Every raw figure, with units in field names.
    Json,
    /// One row per run.
    Csv,
}

impl Format {
    /// File name in an output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "summary.txt",
            Format::Md => "report.md",
            Format::Html => "report.html",
            Format::Json => "results.json",
            Format::Csv => "results.csv",
        }
    }

    /// Whether the format shows charts (then the folder also gets them as `.svg` files).
    pub fn has_charts(self) -> bool {
        matches!(self, Format::Md | Format::Html)
    }
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

/// Renders a report into bytes; the caller decides where they go.
pub trait Exporter {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>>;
}

/// The exporter of a format, for a report folder: Markdown links the chart files written beside it.
pub fn folder_exporter(format: Format, lang: Lang) -> Box<dyn Exporter> {
    match format {
        Format::Md => Box::new(markdown::Markdown { lang, charts: true }),
        other => exporter(other, lang, false),
    }
}

/// The exporter of a format.
pub fn exporter(format: Format, lang: Lang, color: bool) -> Box<dyn Exporter> {
    match format {
        Format::Text => Box::new(terminal::Terminal { lang, color }),
        Format::Md => Box::new(markdown::Markdown { lang, charts: false }),
        Format::Html => Box::new(html::Html { lang }),
        Format::Json => Box::new(json::Json),
        Format::Csv => Box::new(csv::Csv),
    }
}

/// Now, as RFC 3339 UTC to the second.
pub fn timestamp_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_run_every_cell_once_per_round() {
        for shuffle_seed in [None, Some(7)] {
            let s = Schedule { runs: 4, warmup: 1, shuffle_seed };
            let order = s.order(3);
            assert_eq!(order.len(), 15);
            for cell in 0..3 {
                let measured = order.iter().filter(|(_, c, w)| *c == cell && !w).count();
                let warm = order.iter().filter(|(_, c, w)| *c == cell && *w).count();
                assert_eq!((measured, warm), (4, 1));
            }
            assert!(order[..3].iter().all(|(_, _, w)| *w), "warm-ups come first");
            for round in 0..4 {
                let mut cells: Vec<usize> =
                    order[3..].iter().filter(|(r, ..)| *r == round).map(|(_, c, _)| *c).collect();
                cells.sort_unstable();
                assert_eq!(cells, vec![0, 1, 2], "round {round} runs every cell once");
            }
        }
        let plain = Schedule { runs: 2, warmup: 0, shuffle_seed: None }.order(3);
        assert_eq!(plain.iter().map(|(_, c, _)| *c).collect::<Vec<_>>(), vec![0, 1, 2, 0, 1, 2]);
        let shuffled: Vec<usize> =
            Schedule { runs: 8, warmup: 0, shuffle_seed: Some(3) }.order(3).iter().map(|(_, c, _)| *c).collect();
        assert_ne!(shuffled, [0, 1, 2].repeat(8), "shuffled rounds differ from A B C");
        assert_eq!(
            shuffled,
            Schedule { runs: 8, warmup: 0, shuffle_seed: Some(3) }
                .order(3)
                .iter()
                .map(|(_, c, _)| *c)
                .collect::<Vec<_>>()
        );
    }
}

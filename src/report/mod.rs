//! The one `Report` data model every output is rendered from, and the exporters that render it.
//!
//! A report holds only measured figures and the settings that produced them; verdicts and ratios
//! are derived at render time by `analysis`, so a saved `results.json` re-renders identically.

pub mod json;
pub mod lang;
pub mod markdown;
pub mod terminal;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

impl Experiment {
    /// Every cell of the experiment, in run order.
    pub fn cells(&self) -> Vec<&Cell> {
        match self {
            Experiment::Io(io) => io.cells.iter().collect(),
            Experiment::Scale(s) => s.baseline.iter().chain(s.points.iter()).collect(),
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
}

/// Section 3: a worker-count sweep against a baseline, with the evidence to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleExperiment {
    pub settings: ScaleSettings,
    pub target: TargetInfo,
    pub baseline: Option<Cell>,
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
    pub runs: Vec<RunRecord>,
}

impl Cell {
    pub fn is_sampled(&self) -> bool {
        self.tasks_per_run < self.tasks_total
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CellStatus {
    Ok,
    /// The model failed as a whole; `runs` keeps whatever was measured before.
    Failed {
        reason: String,
    },
}

/// One measured run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
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
    /// Every raw figure, with units in field names.
    Json,
}

impl Format {
    /// File name in an output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "summary.txt",
            Format::Md => "report.md",
            Format::Json => "results.json",
        }
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

/// The exporter of a format.
pub fn exporter(format: Format, lang: Lang, color: bool) -> Box<dyn Exporter> {
    match format {
        Format::Text => Box::new(terminal::Terminal { lang, color }),
        Format::Md => Box::new(markdown::Markdown { lang }),
        Format::Json => Box::new(json::Json),
    }
}

/// Now, as RFC 3339 UTC to the second.
pub fn timestamp_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

//! The settings an experiment ran with, recorded as they were given: one type per concept, from
//! the plan through the workload (and a worker process) to the report, never copied field by
//! field. Durations are typed here and written as `_ms` floats.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::model::{Concurrency, ModelKind, ModelSpec};
use super::open::{Arrivals, OpenLoad};
use super::python::{PySettings, PyTaskSettings};
use super::server::ServerConfig;

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

/// How the HTTP clients behave: the one client configuration, from the plan to the workload (and
/// a worker process rebuilding it) to the report. The extra headers are not in it: their values
/// may be keys, and the report records only their names ([`ClientSettings::header_names`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// Reuse connections (HTTP keep-alive). Off: every request opens and closes its own.
    pub keep_alive: bool,
    /// Whole-request timeout.
    #[serde(rename = "timeout_ms", with = "crate::units::serde_ms")]
    pub timeout: Duration,
    #[serde(rename = "connect_timeout_ms", with = "crate::units::serde_ms")]
    pub connect_timeout: Duration,
    /// CPU time charged to every request, half before sending and half after the answer, the
    /// way an interpreted client spends it building the request and parsing the response
    /// (under `gil-threads` it is spent holding the interpreter lock).
    #[serde(rename = "interp_cost_ms", with = "crate::units::serde_ms", default)]
    pub interp_cost: Duration,
    /// Tries after the first for a retryable failure (timeout, connection, 429, 5xx); 0: none.
    #[serde(default)]
    pub retries: u32,
    /// First backoff before a retry; it doubles each time, with jitter, and a Retry-After from
    /// the server takes its place.
    #[serde(rename = "retry_backoff_ms", with = "crate::units::serde_ms", default)]
    pub retry_backoff: Duration,
    /// Async models open their connections before the measured window, so it measures
    /// requests on open connections rather than connection set-up.
    #[serde(default)]
    pub prewarm: bool,
    /// Final statuses that count as success (`--ok-status`, `2xx` by default); any other is a
    /// failure of kind `http_NNN`. Interim answers (1xx other than 101) are skipped, never judged.
    #[serde(default, with = "crate::units::serde_text")]
    pub ok_status: StatusSet,
}

/// A set of HTTP status codes, written as a comma-separated list of `2xx` (a class), `200-299`
/// (an inclusive range) and `304` (one code); kept as sorted, merged ranges and recorded in that
/// canonical form (`2xx,304`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    /// Disjoint, non-adjacent inclusive ranges, ascending.
    ranges: Vec<(u16, u16)>,
}

/// The lowest and highest status code a set may name (three digits, as HTTP/1.1 writes them).
const STATUS_CODES: (u16, u16) = (100, 999);

impl StatusSet {
    /// Whether `status` is in the set.
    pub fn contains(&self, status: u16) -> bool {
        self.ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&status))
    }

    fn item(text: &str) -> Result<(u16, u16), String> {
        let t = text.trim();
        let code = |c: &str| -> Result<u16, String> {
            c.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (STATUS_CODES.0..=STATUS_CODES.1).contains(c))
                .ok_or_else(|| format!("'{}' is not a status code from 100 to 999", c.trim()))
        };
        if let Some(class) = t.strip_suffix("xx").or_else(|| t.strip_suffix("XX")) {
            let first = code(&format!("{class}00"))?;
            return Ok((first, first + 99));
        }
        match t.split_once('-') {
            Some((lo, hi)) => {
                let (lo, hi) = (code(lo)?, code(hi)?);
                if lo > hi {
                    return Err(format!("'{t}' is reversed: the low end is above the high end"));
                }
                Ok((lo, hi))
            }
            None => code(t).map(|c| (c, c)),
        }
    }
}

impl Default for StatusSet {
    /// `2xx`.
    fn default() -> Self {
        StatusSet { ranges: vec![(200, 299)] }
    }
}

impl FromStr for StatusSet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut items = Vec::new();
        for item in s.split(',') {
            if item.trim().is_empty() {
                return Err(format!("'{s}' has an empty item: write e.g. 2xx,304 or 200-299"));
            }
            items.push(Self::item(item).map_err(|e| format!("status list '{s}': {e}"))?);
        }
        items.sort_unstable();
        let mut ranges: Vec<(u16, u16)> = Vec::with_capacity(items.len());
        for (lo, hi) in items {
            match ranges.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => ranges.push((lo, hi)),
            }
        }
        Ok(StatusSet { ranges })
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, &(lo, hi)) in self.ranges.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            // Whole classes as `2xx`, and a run of them as its classes: 200-399 is 2xx,3xx.
            if lo % 100 == 0 && hi % 100 == 99 {
                for class in lo / 100..=hi / 100 {
                    let sep = if class > lo / 100 { "," } else { "" };
                    write!(f, "{sep}{class}xx")?;
                }
            } else if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

/// How the HTTP clients were set up, as the report states it (the same for every model of an
/// experiment): their configuration, the names of the extra headers, and which clients they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSettings {
    #[serde(flatten)]
    pub config: ClientConfig,
    /// Names of the extra headers sent (values are not recorded: they may be keys).
    pub header_names: Vec<String>,
    pub blocking_client: String,
    pub async_client: String,
    pub blocking_buffer_bytes: BufferSizes,
    /// The emulated interpreter lock's switch interval (for `gil-threads`).
    #[serde(default)]
    pub switch_interval_ms: f64,
    /// What every request sends beyond its URL (GET without a body unless told otherwise).
    #[serde(default, skip_serializing_if = "RequestSettings::is_plain")]
    pub request: RequestSettings,
}

/// How the requests were shaped (`--method`, `--body`, `--urls-file`), as the report records it:
/// the body's size, never the body (it may hold secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSettings {
    pub method: Method,
    /// Bytes of the body every request carries (sent with Content-Length); `None`: no body.
    #[serde(default)]
    pub body_bytes: Option<u64>,
    /// URLs from `--urls-file`, cycled (request i goes to line i mod their count); `None`: the
    /// one URL template.
    #[serde(default)]
    pub urls: Option<usize>,
}

impl RequestSettings {
    /// A GET without a body to one URL template: what every run sent before these settings.
    pub fn is_plain(&self) -> bool {
        *self == RequestSettings::default()
    }
}

/// The HTTP method of a run's requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    #[default]
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [Method; 5] = [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete];

    /// As HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let accepted = || Method::ALL.map(Method::as_str).join(", ");
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown method '{s}' (accepted: {})", accepted()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferSizes {
    pub input: usize,
    pub output: usize,
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
    /// How the py models ran (their interpreters), when the experiment has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<PySettings>,
    /// The user's own Python function instead of HTTP GETs (`concbench task`, `scale --py-task`):
    /// each task calls it with its id, the embedded API's URL in `CONCBENCH_API_URL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<PyTaskSettings>,
    /// The share of its tasks a model must complete for its time to be compared (`--min-success`).
    #[serde(default = "all_must_succeed")]
    pub min_success: f64,
    /// Requests arrive at a rate (`--rate`): an open model. `None`: each model's workers send the
    /// next request when the last one ended (a closed loop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenLoad>,
}

/// The default of `--min-success`: every task must succeed.
pub fn all_must_succeed() -> f64 {
    1.0
}

impl IoSettings {
    /// Tasks each run of `model` executes: the sample (`--sync-sample`) for a model that runs one
    /// task at a time, whose time for all is then extrapolated; all requests otherwise.
    pub fn tasks_per_run(&self, model: &ModelSpec) -> usize {
        match model.kind.info().concurrency {
            Concurrency::One if self.open.is_none() => self.sync_sample,
            _ => self.requests,
        }
    }
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
    /// How the py models ran (their interpreters), when the experiment has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<PySettings>,
    /// The user's own Python function instead of HTTP GETs (`concbench task`, `scale --py-task`):
    /// each task calls it with its id, the embedded API's URL in `CONCBENCH_API_URL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<PyTaskSettings>,
    /// See [`IoSettings::min_success`].
    #[serde(default = "all_must_succeed")]
    pub min_success: f64,
}

impl ScaleSettings {
    /// The swept models, lowest N first.
    pub fn points(&self) -> Vec<ModelSpec> {
        self.settings.iter().map(|&n| ModelSpec::new(self.model, Some(n))).collect()
    }
}

/// Settings of a capacity sweep (`scale --rates`): every model at every offered rate, in an open
/// model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatesSettings {
    pub models: Vec<ModelSpec>,
    /// Requests offered per second, one point each, ascending.
    pub rates_per_s: Vec<f64>,
    #[serde(flatten)]
    pub arrivals: Arrivals,
    /// Requests per point when given as a count (`--requests`); `None`: those due within the
    /// duration, at each rate.
    #[serde(default)]
    pub requests: Option<usize>,
    /// The latency p99 (as users see it) a point must stay within (`--slo`); `None`: twice the
    /// p99 the model showed at the lowest rate.
    #[serde(default, rename = "slo_ms", with = "crate::units::serde_ms_opt")]
    pub slo: Option<Duration>,
    pub client: ClientSettings,
    pub schedule: Schedule,
    /// See [`IoSettings::min_success`].
    #[serde(default = "all_must_succeed")]
    pub min_success: f64,
}

/// Settings of the CPU-bound experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuSettings {
    pub tasks: usize,
    /// Task sizes are drawn from this inclusive range with SplitMix64(seed).
    #[serde(flatten)]
    pub spec: CpuSpec,
    /// N for models named without one (default: the cores granted).
    pub workers: usize,
    pub models: Vec<ModelSpec>,
    pub switch_interval_ms: f64,
    pub schedule: Schedule,
    /// How the py models ran (their interpreters), when the experiment has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<PySettings>,
    /// See [`IoSettings::min_success`].
    #[serde(default = "all_must_succeed")]
    pub min_success: f64,
    /// The source's task count, when this run gave every model a smaller set (the quick suite,
    /// so that CPython's rows fit in its time beside Rust's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_tasks: Option<usize>,
}

/// How primes are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// k is prime when no d in 2..=isqrt(k) divides it (the default: what the source did).
    Plain,
    /// The same, trying 2 and then odd divisors only (about 2x less work).
    Odd,
    /// A sieve of Eratosthenes (far less work; allocates n bytes).
    Sieve,
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kernel::Plain => "plain",
            Kernel::Odd => "odd",
            Kernel::Sieve => "sieve",
        })
    }
}

/// An inclusive range of task sizes, written `50000..150000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeRange {
    pub lo: u64,
    pub hi: u64,
}

/// Largest n a task may have: trial division to 10^9 would take minutes per task.
pub const MAX_N: u64 = 1_000_000_000;

impl FromStr for SizeRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (lo, hi) =
            s.split_once("..").ok_or_else(|| format!("'{s}' is not a range: write LOW..HIGH, e.g. 50000..150000"))?;
        let parse = |v: &str| crate::units::parse_count(v).map_err(|e| format!("range '{s}': {e}"));
        let (lo, hi) = (parse(lo)?, parse(hi)?);
        if lo > hi {
            return Err(format!("range '{s}' is reversed: the low end is above the high end"));
        }
        if hi > MAX_N {
            return Err(format!("range '{s}' goes beyond {MAX_N}, too big for trial division"));
        }
        Ok(SizeRange { lo, hi })
    }
}

impl fmt::Display for SizeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

/// The CPU workload, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuSpec {
    pub range: SizeRange,
    pub seed: u64,
    pub kernel: Kernel,
}

impl CpuSpec {
    /// n_i, the size of task `i`.
    pub fn size(&self, i: usize) -> u64 {
        let span = self.range.hi - self.range.lo + 1;
        self.range.lo + crate::seed::SplitMix64::nth(self.seed, i as u64) % span
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

/// The embedded API: its configuration, where it ran, on how many threads. The plan holds it, the
/// child server is started with it, the report records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddedInfo {
    #[serde(flatten)]
    pub config: ServerConfig,
    /// `child-process` (default: its CPU and memory are not the client's) or `in-process`.
    pub mode: EmbeddedMode,
    pub server_threads: usize,
}

/// Where the embedded API runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum EmbeddedMode {
    /// A child process of this binary: the client's figures exclude the server (default).
    #[default]
    #[serde(rename = "child-process")]
    Child,
    /// Threads of this process: quicker to start, but its CPU and heap count as the client's.
    #[serde(rename = "in-process")]
    InProcess,
}

impl fmt::Display for EmbeddedMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmbeddedMode::Child => "child-process",
            EmbeddedMode::InProcess => "in-process",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_sets_parse_classes_ranges_and_codes_into_one_canonical_form() {
        let set = |s: &str| s.parse::<StatusSet>().unwrap();
        assert_eq!(StatusSet::default().to_string(), "2xx");
        assert_eq!(set("2xx"), StatusSet::default());
        assert_eq!(set("200-299"), StatusSet::default());
        assert_eq!(set(" 2XX , 304 ").to_string(), "2xx,304");
        assert_eq!(set("304,2xx,200").to_string(), "2xx,304", "sorted, overlaps merged");
        assert_eq!(set("200-399").to_string(), "2xx,3xx");
        assert_eq!(set("200-204,205").to_string(), "200-205", "adjacent ranges merged");
        let s = set("2xx,304");
        assert!(s.contains(200) && s.contains(299) && s.contains(304));
        assert!(!s.contains(199) && !s.contains(300) && !s.contains(101) && !s.contains(404));
        for bad in ["", "2xx,", "abc", "99", "1000", "299-200", "0xx", "10xx", "2xx-3xx", "-", "200-"] {
            let e = bad.parse::<StatusSet>().unwrap_err();
            assert!(!e.contains('\n'), "{bad}: {e}");
        }
        assert_eq!(set(&set("304,2xx,200-204").to_string()), set("2xx,304"), "its text reads back");
    }

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

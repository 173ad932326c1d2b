//! Report wording, one file per language. Renderers ask [`Words`] for every sentence, label and
//! unit, so a language is added in one place and never scattered through the renderers.

mod en;
mod ko;

use std::time::Duration;

use crate::analysis::scaling::Usl;
use crate::analysis::stats::RatioStat;
use crate::analysis::sweep::Diagnosis;
use crate::record::{ModelKind, ModelSpec};
use crate::text::Lang;

/// Every piece of text a report prints.
pub trait Words: Sync {
    // Units.
    fn secs(&self, d: Duration) -> String;
    /// How sure a ratio is: its interval and runs, or why there is none.
    fn interval_note(&self, r: &RatioStat) -> String;
    fn count(&self, n: usize) -> String;

    // Section 1.
    fn s1_title(&self) -> &'static str;
    fn total_requests(&self) -> &'static str;
    fn async_test(&self) -> &'static str;
    fn sync_test(&self) -> &'static str;
    fn done_responses(&self, ok: u64, failed: u64) -> String;
    fn time_label(&self) -> &'static str;
    fn for_sample(&self, n: usize) -> String;
    fn results(&self) -> &'static str;
    fn col_model(&self) -> &'static str;
    fn col_time(&self) -> &'static str;
    fn col_peak_memory(&self) -> &'static str;
    fn row_async_n(&self, n: usize) -> String;
    fn row_sync_estimated(&self, n: usize) -> String;
    fn row_sync(&self, n: usize) -> String;
    fn async_faster(&self, x: f64) -> String;
    fn sync_faster(&self, x: f64) -> String;

    // Section 2.
    fn s2_title(&self) -> &'static str;
    fn pool_workers(&self) -> &'static str;
    fn threads_test(&self) -> &'static str;
    fn memory_line(&self, current: &str, peak: &str) -> String;
    fn row_async_client(&self) -> &'static str;
    fn row_threads_pool(&self, n: usize) -> String;
    fn speed_verdict_async(&self, x: f64) -> String;
    fn speed_verdict_threads(&self, x: f64) -> String;
    fn memory_verdict_threads(&self, x: f64) -> String;
    fn memory_verdict_async(&self, x: f64) -> String;

    // Section 3.
    fn s3_title(&self, kind: ModelKind) -> &'static str;
    fn settings_tested(&self, kind: ModelKind) -> &'static str;
    fn baseline_test(&self, baseline: &ModelSpec) -> String;
    fn point_test(&self, kind: ModelKind, n: usize) -> String;
    fn done_time_memory(&self, time: &str, memory: &str) -> String;
    fn vs_baseline(&self, x: f64) -> String;
    fn summary(&self) -> &'static str;
    fn col_setting(&self, kind: ModelKind) -> &'static str;
    fn col_vs_baseline(&self) -> &'static str;
    fn baseline_row(&self) -> &'static str;
    fn analysis(&self) -> &'static str;
    fn settings_span(&self, kind: ModelKind, first: usize, last: usize, ratio: f64) -> String;
    fn speedup_line(&self, speedup: f64, ideal: f64) -> String;
    fn possible_line(&self, requests: usize, possible: f64) -> String;
    fn efficiency_line(&self, pct: f64) -> String;
    fn not_reached(&self, kind: ModelKind) -> &'static str;
    fn reached(&self, kind: ModelKind, n: usize) -> String;
    fn diminishing(&self, kind: ModelKind) -> &'static str;
    fn diminishing_definition(&self) -> &'static str;
    fn why_title(&self) -> &'static str;
    /// `requests`: set when the knee is where N reaches the request count (nothing left to overlap).
    fn knee_line(&self, kind: ModelKind, n: usize, pct: f64, requests: Option<usize>) -> String;
    fn no_knee_line(&self, pct: f64) -> String;
    fn diagnosis(&self, d: &Diagnosis, kind: ModelKind) -> String;
    fn latency_basis(&self, latency: &str, estimated: bool) -> String;
    fn usl_line(&self, usl: &Usl, peak: Option<(f64, f64)>) -> String;
    fn usl_poor(&self, r2: f64) -> String;
    fn usl_too_few(&self, levels: usize) -> String;
    fn memory_per_worker(&self, kind: ModelKind, heap_kib: Option<f64>, rss_kib: Option<f64>) -> String;
    fn sweep_columns(&self, kind: ModelKind) -> [&'static str; 14];

    // Section 4.
    fn s4_title(&self) -> &'static str;
    fn cpu_cores(&self) -> &'static str;
    fn tasks_label(&self) -> &'static str;
    fn work_label(&self) -> &'static str;
    fn work_value(&self, lo: u64, hi: u64, kernel: &str) -> String;
    fn cpu_test(&self, index: usize, name: &str) -> String;
    fn vs_sync(&self, x: f64) -> String;
    fn col_speedup(&self) -> &'static str;
    fn gil_heading(&self) -> &'static str;
    fn gil_intro(&self) -> &'static str;
    fn gil_threads_point(&self, speedup: f64) -> String;
    fn processes_point(&self, speedup: f64) -> String;
    fn free_threads_point(&self, speedup: f64) -> String;
    fn theoretical_max(&self, cores: usize) -> String;
    fn actual_speedup(&self, name: &str, speedup: f64, efficiency_pct: f64) -> String;
    fn gil_no_effect(&self, speedup: f64) -> String;
    fn a_faster_than_b(&self, a: &str, b: &str, x: f64) -> String;
    fn checksum_line(&self, sum: u64, ok: bool) -> String;
    fn cpu_columns(&self) -> [&'static str; 11];

    // Section 5.
    fn s5_title(&self, gil_slower: bool) -> &'static str;
    fn s5_row_gil(&self, time: &str, g: &GilEvidence) -> String;
    fn key_line(&self) -> &'static str;
    fn seq_heading(&self) -> &'static str;
    fn seq_timeline(&self) -> &'static str;
    fn seq_points(&self, voluntary: u64, involuntary: u64) -> Vec<String>;
    fn gil_heading_n(&self, n: usize) -> String;
    fn timeline_label(&self, thread: usize) -> String;
    fn timeline_caption(&self, slice_ms: f64, total_ms: f64) -> String;
    fn gil_points(&self, n: usize, g: &GilEvidence) -> Vec<String>;
    fn overheads_title(&self) -> &'static str;
    fn overheads_columns(&self) -> [&'static str; 2];
    fn overhead_rows(&self, n: usize, g: &GilEvidence) -> Vec<[String; 2]>;
    fn conclusion_title(&self) -> &'static str;
    fn conclusion(&self, g: &GilEvidence) -> Vec<String>;
    fn beyond_title(&self) -> &'static str;
    fn beyond_free_threads(&self, n: usize, speedup: f64, efficiency_pct: f64) -> String;
    fn beyond_processes(&self, n: usize, startup_ms: f64, heap: &str, rss: &str) -> String;
    fn beyond_async(&self, speedup: f64) -> String;
    fn beyond_rayon(&self, n: usize, speedup: f64) -> String;

    /// The HTML page's title and subtitle.
    fn html_heading(&self) -> (&'static str, &'static str);

    // Charts.
    fn charts(&self) -> &'static ChartWords;

    // Repeated runs.
    fn spread_title(&self) -> &'static str;
    fn spread_columns(&self) -> [&'static str; 8];
    fn schedule_line(&self, runs: usize, warmup: usize, shuffle_seed: Option<u64>) -> String;
    fn note_first_slow(&self) -> &'static str;
    fn note_large_spread(&self, cv_pct: f64) -> String;
    fn note_outliers(&self, n: usize) -> String;
    fn busy_warning(&self, load: f64, cores: usize) -> String;

    // Beyond the source.
    fn model_name(&self, m: &ModelSpec) -> String;
    fn all_title(&self) -> &'static str;
    fn all_columns(&self) -> [&'static str; 12];
    fn estimated_mark(&self) -> &'static str;
    fn failures_title(&self) -> &'static str;
    fn retries_line(&self, model: &str, retries: u64, ok_after_retry: u64, failed: u64) -> String;
    fn retry_settings(&self, retries: u32, backoff: &str) -> String;
    fn failed_cell(&self, model: &str, reason: &str) -> String;
    /// Failed requests of one kind over all of a model's runs.
    fn error_kind_line(&self, model: &str, count: u64, kind: &str, runs: usize, example: &str) -> String;
    fn missing_section(&self, what: &str) -> String;
    fn target_title(&self) -> &'static str;
    fn target_embedded(&self, profile: &str, mode: &str, cap: Option<usize>) -> String;
    fn target_external(&self, url: &str) -> String;
    fn applied_latency(&self, requested_ms: f64, applied_ms: f64, max_ms: f64) -> String;
    fn settings_line(&self, keep_alive: bool, prewarm: bool, timeout: &str, connect_timeout: &str) -> String;
    fn clients_line(&self, blocking: &str, asynchronous: &str, input: usize, output: usize) -> String;
    fn server_peaks(&self) -> &'static str;
    fn server_peak_row(&self, model: &str, peak: u64, requests: u64, connections: u64) -> String;
    fn checksum_ok(&self, bytes: u64) -> String;
    fn checksum_mismatch(&self) -> &'static str;
    fn floor_line(&self, model: &str, ratio: f64, floor: &str) -> String;
    fn env_title(&self) -> &'static str;
    /// Cores granted, of those online, and the cgroup quota when there is one.
    fn cores_value(&self, granted: usize, online: usize, quota: Option<f64>) -> String;
    fn env_lines(&self) -> [&'static str; 8];
    fn reading_title(&self) -> &'static str;
    fn reading_notes(&self) -> &'static [&'static str];
    fn incomplete(&self) -> &'static str;
    fn headers_note(&self, names: &str) -> String;
}

/// Chart titles, axis labels and legends.
#[derive(Debug)]
pub struct ChartWords {
    pub io_time: &'static str,
    pub io_memory: &'static str,
    pub io_latency: &'static str,
    pub scale_time: &'static str,
    pub cpu_speedup: &'static str,
    pub seconds: &'static str,
    pub heap_mib: &'static str,
    pub latency_ms: &'static str,
    pub share_of_requests: &'static str,
    pub workers: &'static str,
    pub measured: &'static str,
    pub ideal: &'static str,
    pub baseline: &'static str,
    pub speedup: &'static str,
    pub theoretical_max: &'static str,
    pub sequential_line: &'static str,
    pub estimated: &'static str,
}

/// What section 5 says about the GIL, all measured.
#[derive(Debug, Clone)]
pub struct GilEvidence {
    pub sequential_s: f64,
    pub gil_s: f64,
    /// t(gil-threads) − t(sequential), seconds (negative: faster).
    pub overhead_s: f64,
    /// Whether gil-threads was slower than sequential beyond the noise (`Some(false)`: faster
    /// beyond it; `None`: the interval straddles no change, or there is none).
    pub slower: Option<bool>,
    /// The interval note of sequential's speed-up over gil-threads (sequential time / gil time).
    pub note: String,
    pub handovers: u64,
    pub forced_drops: u64,
    pub wait_s: f64,
    pub switch_interval_ms: f64,
    pub peak_inside: usize,
    pub voluntary: u64,
    pub involuntary: u64,
    pub threads: usize,
}

/// A verdict on a ratio: `above(x)` when it is at least 1, else `below(1/x)`, followed by the
/// interval note of the side shown.
pub fn verdict(w: &dyn Words, r: &RatioStat, above: impl Fn(f64) -> String, below: impl Fn(f64) -> String) -> String {
    let (text, shown) = if r.point >= 1.0 { (above(r.point), *r) } else { (below(1.0 / r.point), r.inverse()) };
    format!("{text} {}", w.interval_note(&shown))
}

/// A ratio to one decimal as the source prints it (60.1), to two when it is close to 1 (1.02).
pub fn ratio_text(x: f64) -> String {
    if x < 1.5 { format!("{x:.2}") } else { format!("{x:.1}") }
}

/// The words of a language.
pub fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::En,
        Lang::Ko => &ko::Ko,
    }
}

/// The N of a model, in words: `(4 workers)`, `(limit 100)`; `pool` and `limit` are the
/// language's words with `{n}` in them.
fn spec_suffix(m: &ModelSpec, pool: &str, limit: &str) -> String {
    match (m.kind, m.n) {
        (ModelKind::Sequential, _) | (_, None) => String::new(),
        (ModelKind::Async | ModelKind::AsyncMt, Some(n)) => format!(" ({})", limit.replace("{n}", &n.to_string())),
        (_, Some(n)) => format!(" ({})", pool.replace("{n}", &n.to_string())),
    }
}

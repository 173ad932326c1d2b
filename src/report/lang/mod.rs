//! Report wording, one file per language. Renderers ask [`Words`] for every sentence, label and
//! unit, so a language is added in one place and never scattered through the renderers.

mod en;
mod ko;

use std::time::Duration;

use super::Lang;
use crate::analysis::scaling::Usl;
use crate::analysis::sweep::Diagnosis;
use crate::model::{ModelKind, ModelSpec};

/// Every piece of text a report prints.
pub trait Words: Sync {
    // Units.
    fn secs(&self, d: Duration) -> String;
    fn count(&self, n: usize) -> String;
    fn times(&self, x: f64) -> String;

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
    fn knee_line(&self, kind: ModelKind, n: usize, pct: f64) -> String;
    fn no_knee_line(&self, pct: f64) -> String;
    fn diagnosis(&self, d: &Diagnosis, kind: ModelKind) -> String;
    fn latency_basis(&self, latency: &str, estimated: bool) -> String;
    fn usl_line(&self, usl: &Usl, peak: Option<(f64, f64)>) -> String;
    fn usl_poor(&self, r2: f64) -> String;
    fn usl_too_few(&self, levels: usize) -> String;
    fn memory_per_worker(&self, kind: ModelKind, heap_kib: Option<f64>, rss_kib: Option<f64>) -> String;
    fn sweep_columns(&self, kind: ModelKind) -> [&'static str; 14];

    // Beyond the source.
    fn model_name(&self, m: &ModelSpec) -> String;
    fn all_title(&self) -> &'static str;
    fn all_columns(&self) -> [&'static str; 12];
    fn estimated_mark(&self) -> &'static str;
    fn failures_title(&self) -> &'static str;
    fn failed_cell(&self, model: &str, reason: &str) -> String;
    fn missing_section(&self, what: &str) -> String;
    fn target_title(&self) -> &'static str;
    fn target_embedded(&self, profile: &str, mode: &str, cap: Option<usize>) -> String;
    fn target_external(&self, url: &str) -> String;
    fn applied_latency(&self, requested_ms: f64, applied_ms: f64, max_ms: f64) -> String;
    fn settings_line(&self, keep_alive: bool, timeout: &str, connect_timeout: &str) -> String;
    fn clients_line(&self, blocking: &str, asynchronous: &str, input: usize, output: usize) -> String;
    fn server_peaks(&self) -> &'static str;
    fn server_peak_row(&self, model: &str, peak: u64, requests: u64, connections: u64) -> String;
    fn checksum_ok(&self, bytes: u64) -> String;
    fn checksum_mismatch(&self) -> &'static str;
    fn floor_line(&self, model: &str, ratio: f64, floor: &str) -> String;
    fn env_title(&self) -> &'static str;
    fn env_lines(&self) -> [&'static str; 8];
    fn reading_title(&self) -> &'static str;
    fn reading_notes(&self) -> &'static [&'static str];
    fn incomplete(&self) -> &'static str;
    fn headers_note(&self, names: &str) -> String;
}

/// The words of a language.
pub fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::En => &en::En,
        Lang::Ko => &ko::Ko,
    }
}

/// Shared by both languages: `threads:50` style names stay as typed, in code font.
fn spec_suffix(m: &ModelSpec) -> String {
    match (m.kind, m.n) {
        (ModelKind::Sequential, _) | (_, None) => String::new(),
        (_, Some(n)) => format!(", {n}"),
    }
}

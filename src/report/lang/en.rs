//! English.

use std::time::Duration;

use super::{Words, spec_suffix};
use crate::model::{ModelKind, ModelSpec};

pub struct En;

impl Words for En {
    fn secs(&self, d: Duration) -> String {
        format!("{:.2} s", d.as_secs_f64())
    }
    fn count(&self, n: usize) -> String {
        n.to_string()
    }
    fn times(&self, x: f64) -> String {
        format!("{x:.2}x")
    }

    fn s1_title(&self) -> &'static str {
        "Async vs sync API calls"
    }
    fn total_requests(&self) -> &'static str {
        "Total requests"
    }
    fn async_test(&self) -> &'static str {
        "[1] Async test"
    }
    fn sync_test(&self) -> &'static str {
        "[2] Sync test"
    }
    fn done_responses(&self, ok: u64, failed: u64) -> String {
        if failed == 0 {
            format!("✓ Done: {ok} responses")
        } else {
            format!("✓ Done: {ok} responses, ✗ {failed} failed")
        }
    }
    fn time_label(&self) -> &'static str {
        "⏱ Time"
    }
    fn for_sample(&self, n: usize) -> String {
        format!("(for {n})")
    }
    fn results(&self) -> &'static str {
        "📊 Results"
    }
    fn col_model(&self) -> &'static str {
        "Model"
    }
    fn col_time(&self) -> &'static str {
        "Time"
    }
    fn col_peak_memory(&self) -> &'static str {
        "Peak memory (heap)"
    }
    fn row_async_n(&self, n: usize) -> String {
        format!("Async ({n})")
    }
    fn row_sync_estimated(&self, n: usize) -> String {
        format!("Sync, estimated ({n})")
    }
    fn row_sync(&self, n: usize) -> String {
        format!("Sync ({n})")
    }
    fn async_faster(&self, x: f64) -> String {
        format!("🚀 **Async is about {x:.1}x faster!**")
    }
    fn sync_faster(&self, x: f64) -> String {
        format!("🐢 **Sync is about {x:.1}x faster.**")
    }

    fn s2_title(&self) -> &'static str {
        "Async vs multithread API calls"
    }
    fn pool_workers(&self) -> &'static str {
        "Thread-pool workers"
    }
    fn threads_test(&self) -> &'static str {
        "[2] Multithread test"
    }
    fn memory_line(&self, current: &str, peak: &str) -> String {
        format!("💾 Memory: current {current}, peak {peak}")
    }
    fn row_async_client(&self) -> &'static str {
        "Async (tokio + reqwest)"
    }
    fn row_threads_pool(&self, n: usize) -> String {
        format!("Multithread (thread pool, {n} workers)")
    }
    fn speed_verdict_async(&self, x: f64) -> String {
        format!("⏱ **Speed:** async about {x:.2}x faster!")
    }
    fn speed_verdict_threads(&self, x: f64) -> String {
        format!("⏱ **Speed:** multithread about {x:.2}x faster!")
    }
    fn memory_verdict_threads(&self, x: f64) -> String {
        format!("💾 **Memory:** multithread uses about {x:.2}x less!")
    }
    fn memory_verdict_async(&self, x: f64) -> String {
        format!("💾 **Memory:** async uses about {x:.2}x less!")
    }

    fn model_name(&self, m: &ModelSpec) -> String {
        let base = match m.kind {
            ModelKind::Sequential => return "Sync (sequential)".into(),
            ModelKind::Threads => "Multithread",
            ModelKind::Async if m.n.is_none() => return "Async (all at once)".into(),
            ModelKind::Async => "Async, in-flight limit",
            ModelKind::AsyncMt => "Async, multi-thread runtime",
        };
        format!("{base}{}", spec_suffix(m))
    }
    fn all_title(&self) -> &'static str {
        "All measurements"
    }
    fn all_columns(&self) -> [&'static str; 12] {
        [
            "Model",
            "Spec",
            "OK / failed",
            "Time",
            "Ideal",
            "Req/s",
            "p50",
            "p99",
            "Peak heap",
            "End heap",
            "Peak RSS",
            "CPU user+sys",
        ]
    }
    fn estimated_mark(&self) -> &'static str {
        "(sample; time for all is estimated)"
    }
    fn failures_title(&self) -> &'static str {
        "Failures"
    }
    fn failed_cell(&self, model: &str, reason: &str) -> String {
        format!("✗ `{model}` failed as a whole: {reason}")
    }
    fn missing_section(&self, what: &str) -> String {
        format!("_Not shown: this run did not include {what}._")
    }
    fn target_title(&self) -> &'static str {
        "Target and settings"
    }
    fn target_embedded(&self, profile: &str, mode: &str, cap: Option<usize>) -> String {
        let cap = cap.map_or("no cap on requests in flight".to_string(), |c| format!("at most {c} requests in flight"));
        format!("**Target:** the embedded mock API over loopback HTTP ({mode}), latency `{profile}`, {cap}")
    }
    fn target_external(&self, url: &str) -> String {
        format!("**Target:** `{url}` (external: server-side figures are not available)")
    }
    fn applied_latency(&self, requested_ms: f64, applied_ms: f64, max_ms: f64) -> String {
        format!(
            "**Latency the server really applied:** {applied_ms:.2} ms on average (asked {requested_ms:.2} ms; max {max_ms:.2} ms): timers are coarse, this is the figure to compare with"
        )
    }
    fn settings_line(&self, keep_alive: bool, timeout: &str, connect_timeout: &str) -> String {
        let ka = if keep_alive { "on (connections reused)" } else { "off (a new connection per request)" };
        format!("**Keep-alive:** {ka}; **timeout:** {timeout} per request, {connect_timeout} to connect; no retries")
    }
    fn clients_line(&self, blocking: &str, asynchronous: &str, input: usize, output: usize) -> String {
        format!(
            "**Clients:** blocking models use {blocking} ({} KiB in + {} KiB out buffers per connection); async models use {asynchronous}",
            input / 1024,
            output / 1024
        )
    }
    fn server_peaks(&self) -> &'static str {
        "What the server saw, per model (its own counters, reset before each run):"
    }
    fn server_peak_row(&self, model: &str, peak: u64, requests: u64, connections: u64) -> String {
        format!("`{model}`: {requests} requests, at most {peak} in flight at once, {connections} connections")
    }
    fn checksum_ok(&self, bytes: u64) -> String {
        format!("**Check:** every complete model received the same {bytes} body bytes ✓")
    }
    fn checksum_mismatch(&self) -> &'static str {
        "**Check:** ✗ models received different numbers of body bytes: the target's answers differ between runs"
    }
    fn floor_line(&self, model: &str, ratio: f64, floor: &str) -> String {
        format!("`{model}` took {ratio:.2}x its ideal time ({floor}: waves of requests × one latency)")
    }
    fn env_title(&self) -> &'static str {
        "Environment"
    }
    fn env_lines(&self) -> [&'static str; 8] {
        ["OS", "CPU", "Cores granted", "Memory", "Load average (start → end)", "concbench", "Rust", "Started"]
    }
    fn reading_title(&self) -> &'static str {
        "How to read these figures"
    }
    fn reading_notes(&self) -> &'static [&'static str] {
        &[
            "**Time** is wall time on a monotonic clock, from when the first task may start to when the last one ended; building clients and runtimes is outside it, starting and joining threads is inside.",
            "**Heap** comes from a counting allocator, concbench's analogue of Python's tracemalloc: *peak* is the most live heap above the level at the start of the run, *end* is live heap at the end minus at the start (clients and their idle connections still alive). Thread stacks are not heap.",
            "**Peak RSS** is the resident memory of the whole client process (binary, libraries, touched thread stacks, heap), with the kernel's peak reset at the start of each run. The mock API runs in its own process and is not included.",
            "**Ideal** is the least possible time against a server of fixed latency: ceil(requests / concurrency) × one latency.",
            "**Estimated** times (sequential) are measured on a sample and scaled to all requests, as the source report did.",
        ]
    }
    fn incomplete(&self) -> &'static str {
        "⚠️ **This run was interrupted: the report holds only what was measured before.**"
    }
    fn headers_note(&self, names: &str) -> String {
        format!("**Extra headers sent:** {names} (values not recorded)")
    }
}

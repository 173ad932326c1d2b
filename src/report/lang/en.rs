//! English.

use std::time::Duration;

use super::{ChartWords, GilEvidence, Words, ratio_text, spec_suffix};
use crate::analysis::scaling::Usl;
use crate::analysis::stats::RatioStat;
use crate::analysis::sweep::Diagnosis;
use crate::record::{ModelKind, ModelSpec};

pub struct En;

impl Words for En {
    fn secs(&self, d: Duration) -> String {
        format!("{:.2} s", d.as_secs_f64())
    }
    fn interval_note(&self, r: &RatioStat) -> String {
        match (r.ci95, r.significant()) {
            (Some((lo, hi)), Some(true)) => format!("(95% CI {lo:.2}–{hi:.2}x, {} runs)", r.n),
            (Some((lo, hi)), _) => format!("(95% CI {lo:.2}–{hi:.2}x over {} runs: not significant)", r.n),
            (None, _) if r.n <= 1 => "(1 run: no interval; use --runs 6 or more)".into(),
            (None, _) => format!("({} runs: too few for a 95% interval; use --runs 6 or more)", r.n),
        }
    }
    fn count(&self, n: usize) -> String {
        n.to_string()
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
        format!("🚀 **Async is about {}x faster!**", ratio_text(x))
    }
    fn sync_faster(&self, x: f64) -> String {
        format!("🐢 **Sync is about {}x faster.**", ratio_text(x))
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
        "Async (tokio)"
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

    fn s3_title(&self, kind: ModelKind) -> &'static str {
        match kind {
            ModelKind::Threads => "Thread worker count vs performance",
            ModelKind::GilThreads => "Thread worker count under a GIL vs performance",
            ModelKind::Processes => "Process count vs performance",
            ModelKind::Rayon => "Work-stealing pool size vs performance",
            _ => "Async in-flight limit vs performance",
        }
    }
    fn settings_tested(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "Worker counts tested",
            _ => "In-flight limits tested",
        }
    }
    fn baseline_test(&self, baseline: &ModelSpec) -> String {
        format!("[Baseline] {} test", self.model_name(baseline))
    }
    fn point_test(&self, kind: ModelKind, n: usize) -> String {
        match kind {
            ModelKind::Threads => format!("[{n} workers] Multithread test"),
            ModelKind::GilThreads => format!("[{n} workers] Multithread under a GIL test"),
            ModelKind::Processes => format!("[{n} workers] Multiprocess test"),
            ModelKind::Rayon => format!("[{n} workers] Work-stealing pool test"),
            ModelKind::AsyncMt => format!("[limit {n}] Async (multi-thread runtime) test"),
            _ => format!("[limit {n}] Async test"),
        }
    }
    fn done_time_memory(&self, time: &str, memory: &str) -> String {
        format!("✓ Done: {time} | Peak memory: {memory}")
    }
    fn vs_baseline(&self, x: f64) -> String {
        format!("{x:.2}x vs baseline")
    }
    fn summary(&self) -> &'static str {
        "📊 Summary"
    }
    fn col_setting(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "Workers",
            _ => "In-flight limit",
        }
    }
    fn col_vs_baseline(&self) -> &'static str {
        "vs baseline"
    }
    fn baseline_row(&self) -> &'static str {
        "1.00x (baseline)"
    }
    fn analysis(&self) -> &'static str {
        "📈 Analysis"
    }
    fn settings_span(&self, kind: ModelKind, first: usize, last: usize, ratio: f64) -> String {
        let what = if kind.takes_workers() { "Workers" } else { "In-flight limit" };
        format!("{what} {first} → {last} ({ratio:.1}x more)")
    }
    fn speedup_line(&self, speedup: f64, ideal: f64) -> String {
        format!("Speed-up: {speedup:.2}x (ideal would be {ideal:.1}x)")
    }
    fn possible_line(&self, requests: usize, possible: f64) -> String {
        format!("With {requests} requests, Little's law allows at most {possible:.1}x over this range")
    }
    fn efficiency_line(&self, pct: f64) -> String {
        format!("Efficiency: {pct:.1}%")
    }
    fn not_reached(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "❌ **Did not reach the baseline's performance within the tested worker range**",
            _ => "❌ **Did not reach the baseline's performance within the tested range**",
        }
    }
    fn reached(&self, kind: ModelKind, n: usize) -> String {
        match kind {
            k if k.takes_workers() => format!("✅ **Reached the baseline's performance (within 5%) at {n} workers**"),
            _ => format!("✅ **Reached the baseline's performance (within 5%) at a limit of {n}**"),
        }
    }
    fn diminishing(&self, kind: ModelKind) -> &'static str {
        match kind {
            k if k.takes_workers() => "⚠️ **Diminishing returns!** Adding workers gives little gain",
            _ => "⚠️ **Diminishing returns!** Raising the limit gives little gain",
        }
    }
    fn diminishing_definition(&self) -> &'static str {
        "> Diminishing returns is a law of economics: when one input is added while the others stay fixed, the extra output it brings (the marginal product) keeps shrinking."
    }
    fn why_title(&self) -> &'static str {
        "🔎 Why: the curve explained"
    }
    fn knee_line(&self, kind: ModelKind, n: usize, pct: f64, requests: Option<usize>) -> String {
        let what = if kind.takes_workers() { format!("{n} workers") } else { format!("a limit of {n}") };
        let why = requests.map_or(String::new(), |r| {
            format!(": with {r} requests, no more than {r} can be in flight, so more cannot help (Little's law)")
        });
        format!("**Knee:** past {what}, each doubling gains less than {pct:.0}% in speed{why}")
    }
    fn no_knee_line(&self, pct: f64) -> String {
        format!("**No knee** in this range: the last step still gained at least {pct:.0}% per doubling")
    }
    fn diagnosis(&self, d: &Diagnosis, kind: ModelKind) -> String {
        let at = |n: usize| if kind.takes_workers() { format!("{n} workers") } else { format!("a limit of {n}") };
        match *d {
            Diagnosis::NearIdeal { worst_to_ideal } => format!(
                "**Bottleneck: none.** Every point is within {worst_to_ideal:.2}x of its ideal time: scaling is near ideal, as Little's law predicts for a server that does not limit concurrency."
            ),
            Diagnosis::ServerCap { setting, cap, peak_inflight, queued, mean_wait_ms } => format!(
                "**Bottleneck: the server's concurrency cap.** At {}, the server worked on at most {peak_inflight} requests at once (its cap is {cap}) while {queued} requests waited in its queue, {mean_wait_ms:.1} ms on average. More concurrency on the client only lengthens that queue.",
                at(setting)
            ),
            Diagnosis::InterpreterLock { setting, cost_ms, cap_per_s, measured_per_s, wait_share } => format!(
                "**Bottleneck: client CPU serialised by the interpreter lock.** Every request costs {cost_ms:.2} ms of client CPU that runs holding the one lock, so no number of threads can pass {cap_per_s:.0} requests/s; at {} the client made {measured_per_s:.0} requests/s and its threads spent {:.0}% of their time waiting for the lock. This is the source report's plateau: more threads, the same throughput.",
                at(setting),
                wait_share * 100.0
            ),
            Diagnosis::ClientCpu { setting, cores_used, cores } => format!(
                "**Bottleneck: client CPU.** At {}, the client kept {cores_used:.2} of its {cores} cores busy: it cannot issue requests any faster.",
                at(setting)
            ),
            Diagnosis::RampUp { setting, ramp_up_ms, concurrency, median_latency_ms } => format!(
                "**Bottleneck: getting started.** At {}, the client needed {ramp_up_ms:.1} ms to get {concurrency} requests under way (starting threads, opening connections), while a request itself took {median_latency_ms:.1} ms at the median: start-up, not the server, keeps the run from its ideal.",
                at(setting)
            ),
            Diagnosis::RequestOverhead { setting, client_median_ms, server_mean_ms } => format!(
                "**Bottleneck: overhead around each request.** At {}, a request took {client_median_ms:.1} ms at the median on the client, while the server spent {server_mean_ms:.1} ms on it: the difference is connecting and scheduling on both sides (client and server share this machine's cores).",
                at(setting)
            ),
            Diagnosis::ConnectionSetup { setting, connections_per_request, to_ideal } => format!(
                "**Bottleneck: connection set-up.** Keep-alive is off: at {} the server accepted {connections_per_request:.2} new connections per request, and the run took {to_ideal:.2}x its ideal time.",
                at(setting)
            ),
            Diagnosis::NotInFlight { setting, server_peak, offered } => format!(
                "**Bottleneck: the client.** At {}, the client meant to have {offered} requests in flight but the server never saw more than {server_peak} at once: starting threads or connections holds requests back.",
                at(setting)
            ),
            Diagnosis::Beyond { setting, cores_used, cores } => format!(
                "**Bottleneck: beyond the client.** At {}, the client used only {cores_used:.2} of {cores} cores, so it is not what limits the rate. From the client side, the server's own concurrency or rate limit, or the network, cannot be told apart: run against the embedded API with --server-max-inflight to see such a limit named.",
                at(setting)
            ),
            Diagnosis::Unexplained { setting, to_ideal } => format!(
                "**Bottleneck: not identified.** At {} the run took {to_ideal:.2}x its ideal time; neither the server's counters, the client's CPU nor its connections explain it.",
                at(setting)
            ),
            Diagnosis::NoData => "**Bottleneck: unknown:** no point was measured.".into(),
        }
    }
    fn latency_basis(&self, latency: &str, estimated: bool) -> String {
        if estimated {
            format!(
                "Ideal times use a latency of {latency}, estimated as the lowest median latency measured (the target is external)."
            )
        } else {
            format!(
                "Ideal times use the embedded API's latency of {latency} (Little's law: ceil(requests / N) × latency)."
            )
        }
    }
    fn usl_line(&self, usl: &Usl, peak: Option<(f64, f64)>) -> String {
        let peak = match peak {
            Some((n, x)) => format!(" Predicted peak: {x:.0} req/s at N ≈ {n:.0}."),
            None => " No peak predicted (κ = 0): throughput keeps rising, ever more slowly.".into(),
        };
        format!(
            "**Scalability fit** (Universal Scalability Law, throughput over concurrency N): X(N) = λN / (1 + σ(N−1) + κN(N−1)) with λ = {:.2} req/s, σ (contention) = {:.4}, κ (coherency) = {:.6}, R² = {:.3}.{peak}",
            usl.lambda, usl.sigma, usl.kappa, usl.r_squared
        )
    }
    fn usl_poor(&self, r2: f64) -> String {
        format!("The fit is poor (R² = {r2:.2}): treat its predictions with care.")
    }
    fn usl_too_few(&self, levels: usize) -> String {
        format!(
            "**No scalability fit:** {levels} distinct concurrency levels are too few for a meaningful fit of three parameters (at least 4 are needed)."
        )
    }
    fn memory_per_worker(&self, kind: ModelKind, heap_kib: Option<f64>, rss_kib: Option<f64>) -> String {
        let per = if kind.takes_workers() { "worker" } else { "request in flight" };
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1} KiB"));
        format!(
            "**Memory per {per}** (least-squares slope over the sweep): heap {}, peak RSS {}",
            f(heap_kib),
            f(rss_kib)
        )
    }
    fn sweep_columns(&self, kind: ModelKind) -> [&'static str; 14] {
        [
            self.col_setting(kind),
            "Time",
            "Ideal",
            "× ideal",
            "vs baseline",
            "Req/s",
            "p50",
            "p99",
            "Peak heap",
            "Peak RSS",
            "Client CPU (cores)",
            "Server peak in flight",
            "Queued",
            "Conns / req",
        ]
    }

    fn s4_title(&self) -> &'static str {
        "Multithread vs multiprocess, CPU-bound"
    }
    fn cpu_cores(&self) -> &'static str {
        "CPU cores (granted)"
    }
    fn tasks_label(&self) -> &'static str {
        "Tasks"
    }
    fn work_label(&self) -> &'static str {
        "Work per task"
    }
    fn work_value(&self, lo: u64, hi: u64, kernel: &str) -> String {
        format!("prime counting, n in the range {lo} ~ {hi} ({kernel})")
    }
    fn cpu_test(&self, index: usize, name: &str) -> String {
        format!("[{index}] {name} test")
    }
    fn vs_sync(&self, x: f64) -> String {
        format!("📈 {x:.2}x the speed of sync")
    }
    fn col_speedup(&self) -> &'static str {
        "Speed-up"
    }
    fn gil_heading(&self) -> &'static str {
        "GIL (Global Interpreter Lock)"
    }
    fn gil_intro(&self) -> &'static str {
        "Python's GIL lets one thread run bytecode at a time. Rust has no GIL: concbench emulates one (`gil-threads`) to show what it does, next to free threads and processes."
    }
    fn gil_threads_point(&self, speedup: f64) -> String {
        format!(
            "**Multithread under a GIL:** CPU work does not run in parallel ({speedup:.2}x here)\n  - → thread switching only adds overhead, so it can even be slower"
        )
    }
    fn processes_point(&self, speedup: f64) -> String {
        format!(
            "**Multiprocess:** each process has its own interpreter (and would have its own GIL) ({speedup:.2}x here)\n  - → real parallelism, up to the number of cores"
        )
    }
    fn free_threads_point(&self, speedup: f64) -> String {
        format!(
            "**Free threads (Rust):** no interpreter lock at all ({speedup:.2}x here)\n  - → real parallelism in one process, up to the number of cores"
        )
    }
    fn theoretical_max(&self, cores: usize) -> String {
        format!("Theoretical maximum speed-up (cores): **{cores}x**")
    }
    fn actual_speedup(&self, name: &str, speedup: f64, efficiency_pct: f64) -> String {
        format!("{name} actual speed-up: **{speedup:.2}x** (efficiency: {efficiency_pct:.1}%)")
    }
    fn gil_no_effect(&self, speedup: f64) -> String {
        format!("⚠️ **Multithreading under a GIL has almost no effect on CPU-bound work** ({speedup:.2}x)")
    }
    fn a_faster_than_b(&self, a: &str, b: &str, x: f64) -> String {
        format!("✅ **{a} is {}x faster than {b}!**", ratio_text(x))
    }
    fn checksum_line(&self, sum: u64, ok: bool) -> String {
        if ok {
            format!(
                "**Check:** every model that ran all its tasks counted {sum} primes in all, as the reference sieve did ✓"
            )
        } else {
            format!("**Check:** ✗ some model's count differs from the reference ({sum} primes)")
        }
    }
    fn cpu_columns(&self) -> [&'static str; 11] {
        [
            "Model",
            "Spec",
            "Time",
            "Speed-up",
            "Efficiency",
            "Serial fraction (Amdahl)",
            "Peak heap",
            "Peak RSS",
            "CPU user+sys",
            "Context switches (vol/invol)",
            "Checksum",
        ]
    }

    fn s5_title(&self, gil_slower: bool) -> &'static str {
        if gil_slower { "Why sync beat multithread (under a GIL)" } else { "Sync vs multithread under a GIL" }
    }
    fn s5_row_gil(&self, time: &str, g: &GilEvidence) -> String {
        match g.slower {
            Some(true) => format!("{time} ({:.2} s slower!)", g.overhead_s),
            Some(false) => format!("{time} ({:.2} s faster)", -g.overhead_s),
            None => format!("{time} ({:+.2} s, within noise)", g.overhead_s),
        }
    }
    fn key_line(&self) -> &'static str {
        "**Key: GIL + overhead** (every figure below was measured in this run)"
    }
    fn seq_heading(&self) -> &'static str {
        "Sync (sequential)"
    }
    fn seq_timeline(&self) -> &'static str {
        "task1 ████████ → task2 ████████ → task3 ████████"
    }
    fn seq_points(&self, voluntary: u64, involuntary: u64) -> Vec<String> {
        vec![
            "No lock contention".into(),
            format!("Few context switches ({voluntary} voluntary, {involuntary} involuntary)"),
            "Simply runs one task after another".into(),
        ]
    }
    fn gil_heading_n(&self, n: usize) -> String {
        format!("Multithread under a GIL ({n} workers)")
    }
    fn timeline_label(&self, thread: usize) -> String {
        format!("thread{}", thread + 1)
    }
    fn timeline_caption(&self, slice_ms: f64, total_ms: f64) -> String {
        format!(
            "(measured: the first {total_ms:.0} ms of the run, one character per {slice_ms:.0} ms; █ holding the lock, ░ waiting for it)"
        )
    }
    fn gil_points(&self, n: usize, g: &GilEvidence) -> Vec<String> {
        vec![
            format!(
                "{n} threads competed for one lock: it changed hands {} times, {} of them forced by a waiting thread after the {:.0} ms switch interval",
                g.handovers, g.forced_drops, g.switch_interval_ms
            ),
            format!("Only one ran at a time: at most {} thread was ever inside workload code", g.peak_inside),
            format!("Threads spent {:.2} s waiting for the lock, summed over threads", g.wait_s),
            format!("Result: sequential work + overhead = {:+.2} s against sequential", g.overhead_s),
        ]
    }
    fn overheads_title(&self) -> &'static str {
        "The overheads of multithreading (measured)"
    }
    fn overheads_columns(&self) -> [&'static str; 2] {
        ["Overhead", "Measured in this run"]
    }
    fn overhead_rows(&self, n: usize, g: &GilEvidence) -> Vec<[String; 2]> {
        vec![
            [
                "Lock contention".into(),
                format!("{n} threads competed for the lock; {:.2} s of waiting in all", g.wait_s),
            ],
            [
                "Context switching".into(),
                format!("{} voluntary + {} involuntary context switches", g.voluntary, g.involuntary),
            ],
            [
                "Thread creation/management".into(),
                format!("{} threads started and joined inside the measured time", g.threads),
            ],
            ["Lock waiting".into(), format!("{} hand-overs, {} forced drops", g.handovers, g.forced_drops)],
        ]
    }
    fn conclusion_title(&self) -> &'static str {
        "CPU-bound work on threads under a GIL"
    }
    fn conclusion(&self, g: &GilEvidence) -> Vec<String> {
        vec![
            "No parallel execution (one at a time under the lock)".into(),
            "The same work as sequential, plus overhead".into(),
            match g.slower {
                Some(true) => format!("So it ended {:.2} s slower than sequential {}", g.overhead_s, g.note),
                Some(false) => format!("Here it ended {:.2} s faster than sequential {}", -g.overhead_s, g.note),
                None => format!(
                    "Here it ended {:+.2} s against sequential: no difference beyond the noise of these runs {}",
                    g.overhead_s, g.note
                ),
            },
        ]
    }
    fn beyond_title(&self) -> &'static str {
        "Without a GIL (beyond the source)"
    }
    fn beyond_free_threads(&self, n: usize, speedup: f64, efficiency_pct: f64) -> String {
        format!(
            "**Free threads ({n}):** {speedup:.2}x, efficiency {efficiency_pct:.1}%: Rust threads hold no interpreter lock, so they run CPU work in parallel, as processes do, without start-up cost or copies"
        )
    }
    fn beyond_processes(&self, n: usize, startup_ms: f64, heap: &str, rss: &str) -> String {
        format!(
            "**Processes ({n}):** each took {startup_ms:.1} ms to start on average (inside the measured time) and used up to {heap} of heap and {rss} of resident memory of its own"
        )
    }
    fn beyond_async(&self, speedup: f64) -> String {
        format!("**Async:** {speedup:.2}x: one event loop runs one task at a time; async does not help CPU-bound work")
    }
    fn beyond_rayon(&self, n: usize, speedup: f64) -> String {
        format!("**Work-stealing pool (rayon, {n}):** {speedup:.2}x")
    }

    fn spread_title(&self) -> &'static str {
        "How sure: time over repeated runs"
    }
    fn spread_columns(&self) -> [&'static str; 8] {
        ["Model", "Runs", "Median", "Mean ± sd", "Min … max", "95% CI of the median", "Outliers", "Notes"]
    }
    fn schedule_line(&self, runs: usize, warmup: usize, shuffle_seed: Option<u64>) -> String {
        let order = match shuffle_seed {
            Some(seed) => format!("in a shuffled order in each repetition (seed {seed})"),
            None => "interleaved (A B C A B C …)".into(),
        };
        let warm = if warmup > 0 { format!(", after {warmup} unrecorded warm-up run(s) each") } else { String::new() };
        format!(
            "Every figure is the median of {runs} run(s) per model{warm}, {order}; ratios are medians of the ratios within each repetition, with a 95% interval of the median (order statistics, no assumption on the noise) from 6 runs on."
        )
    }
    fn note_first_slow(&self) -> &'static str {
        "first run much slower (try --warmup 1)"
    }
    fn note_large_spread(&self, cv_pct: f64) -> String {
        format!("large spread (sd {cv_pct:.0}% of the mean)")
    }
    fn note_outliers(&self, n: usize) -> String {
        format!("{n} flagged (modified Z > 14), kept")
    }
    fn busy_warning(&self, load: f64, cores: usize) -> String {
        format!(
            "⚠️ **The machine was busy:** load average {load:.2} on {cores} cores when the run started; figures may be noisy."
        )
    }

    fn html_heading(&self) -> (&'static str, &'static str) {
        (
            "concbench: concurrency models, measured",
            "Async, threads, processes and a GIL on this machine: every figure below was measured in this run",
        )
    }
    fn charts(&self) -> &'static ChartWords {
        &ChartWords {
            io_time: "Time for all requests, per model (bars: median; whiskers: min to max; log scale)",
            io_memory: "Peak heap per model (median)",
            io_latency: "Latency of successful requests (all runs): share answered within a time",
            scale_time: "Time against workers: measured, ideal (Little's law) and the baseline",
            cpu_speedup: "Speed-up over sequential (median, 95% CI) against the cores granted",
            seconds: "time (s)",
            heap_mib: "peak heap (MiB)",
            latency_ms: "latency (ms, log scale)",
            share_of_requests: "share of requests",
            workers: "N (the swept setting)",
            measured: "measured",
            ideal: "ideal (Little's law)",
            baseline: "baseline",
            speedup: "speed-up (x)",
            theoretical_max: "theoretical maximum (cores)",
            sequential_line: "sequential (1x)",
            estimated: "estimated",
        }
    }

    fn model_name(&self, m: &ModelSpec) -> String {
        let base = match m.kind {
            ModelKind::Sequential => return "Sync (sequential)".into(),
            ModelKind::Threads => "Multithread",
            ModelKind::Async => "Async",
            ModelKind::AsyncMt => "Async, multi-thread runtime",
            ModelKind::Processes => "Multiprocess",
            ModelKind::GilThreads => "Multithread under a GIL",
            ModelKind::Rayon => "Work-stealing pool (rayon)",
            // Labelled by spec until the report's py rows are rendered (phase 2 of the CPython issue).
            ModelKind::PySequential | ModelKind::PyThreads | ModelKind::PyAsync | ModelKind::PyProcesses => {
                return m.to_string();
            }
        };
        format!("{base}{}", spec_suffix(m, "{n} workers", "limit {n}"))
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
    fn retries_line(&self, model: &str, retries: u64, ok_after_retry: u64, failed: u64) -> String {
        format!(
            "`{model}`: {retries} retries; {ok_after_retry} requests succeeded after a retry, {failed} failed for good"
        )
    }
    fn retry_settings(&self, retries: u32, backoff: &str) -> String {
        if retries == 0 {
            "**Retries:** none (a failure is final)".into()
        } else {
            format!(
                "**Retries:** up to {retries} per request for timeouts, broken connections, 429 and 5xx; backoff from {backoff}, doubling, with jitter; Retry-After honoured"
            )
        }
    }
    fn error_kind_line(&self, model: &str, count: u64, kind: &str, runs: usize, example: &str) -> String {
        let over = if runs == 1 { "in 1 run".to_string() } else { format!("over {runs} runs") };
        format!("✗ `{model}`: {count} × `{kind}` {over} (e.g. {example})")
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
    fn settings_line(&self, keep_alive: bool, prewarm: bool, timeout: &str, connect_timeout: &str) -> String {
        let ka = match (keep_alive, prewarm) {
            (true, false) => "on (connections reused)",
            (true, true) => "on, async connections opened before each measured run (--prewarm)",
            (false, _) => "off (a new connection per request)",
        };
        format!("**Keep-alive:** {ka}; **timeout:** {timeout} per request, {connect_timeout} to connect")
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
    fn cores_value(&self, granted: usize, online: usize, quota: Option<f64>) -> String {
        match quota {
            Some(q) => format!("{granted} (of {online} online; cgroup quota {q:.2} CPUs)"),
            None => format!("{granted} (of {online} online)"),
        }
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
        "⚠️ **Incomplete: this run was interrupted (or is still going); the report holds only what was measured so far.**"
    }
    fn headers_note(&self, names: &str) -> String {
        format!("**Extra headers sent:** {names} (values not recorded)")
    }
}

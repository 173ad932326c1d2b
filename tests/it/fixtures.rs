//! Fixed reports built from the source report's figures, for rendering and compare tests; and
//! reports with py cells (CPython 3.11.7 with its GIL, a free-threaded 3.13.5t) beside Rust ones.

use std::collections::BTreeMap;
use std::time::Duration;

use concbench::analysis::figures::summarize_cell;
use concbench::record::{
    Arrivals, BufferSizes, Cell, CellStatus, ClientConfig, ClientSettings, CpuExperiment, CpuSettings, CpuSpec,
    EmbeddedInfo, EmbeddedMode, Environment, ErrorTally, ExecutionFacts, Experiment, GilStats, HeapUse, Hold,
    Interpreter, IoExperiment, IoSettings, Kernel, LatencyProfile, LatencySummary, Measured, MicrosHistogram,
    ModelKind, ModelSpec, OpenRun, PoolStats, PyRunFacts, PySettings, PyTaskSettings, RatesExperiment, RatesSettings,
    Report, RunRecord, ScaleExperiment, ScaleSettings, Schedule, ServerConfig, ServerProcess, SizeRange, StatsSnapshot,
    TargetInfo, TargetKind, Tenth, Tool, WorkerFigures, WorkerUsage,
};

pub fn spec(s: &str) -> ModelSpec {
    s.parse().unwrap()
}

/// One run of `tasks` tasks in `wall_ms`, with the given heap figures.
pub fn run(round: usize, tasks: usize, wall_ms: f64, peak_mib: f64, current_mib: f64, ok: u64) -> RunRecord {
    let mib = |m: f64| (m * 1024.0 * 1024.0) as u64;
    RunRecord {
        round,
        tasks,
        ok,
        failed: tasks as u64 - ok,
        errors: BTreeMap::new(),
        value_sum: 9_000,
        measured: Measured {
            wall_ns: (wall_ms * 1e6) as u64,
            heap: Some(HeapUse {
                peak_bytes: mib(peak_mib),
                current_bytes: mib(current_mib) as i64,
                allocations: Some(4_000),
            }),
            rss_peak_bytes: Some(mib(12.5)),
            rss_start_bytes: Some(mib(8.0)),
            rss_peak_reset: true,
            cpu_user_ns: 30_000_000,
            cpu_sys_ns: 20_000_000,
            voluntary_switches: 400,
            involuntary_switches: 3,
            system_busy_ns: None,
        },
        latency_ok: Some(LatencySummary {
            count: ok,
            min_us: 630_000,
            mean_us: 640_000.0,
            p50_us: 634_000,
            p90_us: 650_000,
            p99_us: 700_000,
            max_us: 710_000,
        }),
        latency_failed: None,
        retries: 0,
        ok_after_retry: 0,
        ramp_up_ns: Some(1_500_000),
        facts: ExecutionFacts { peak_tasks_in_flight: 1, ..ExecutionFacts::default() },
        server: None,
        open: None,
        raw: None,
    }
}

/// `n` runs around `wall_ms` (±2 % in a fixed pattern), one per round.
pub fn runs(n: usize, tasks: usize, wall_ms: f64, peak_mib: f64, current_mib: f64) -> Vec<RunRecord> {
    const JITTER: [f64; 6] = [0.0, 0.02, -0.02, 0.01, -0.01, 0.0];
    (0..n)
        .map(|i| run(i, tasks, wall_ms * (1.0 + JITTER[i % JITTER.len()]), peak_mib, current_mib, tasks as u64))
        .collect()
}

/// A finished cell with its summaries filled in, as the runner leaves it.
pub fn cell(model: &str, tasks_per_run: usize, tasks_total: usize, runs: Vec<RunRecord>) -> Cell {
    let mut c = Cell::pending(spec(model), tasks_per_run, tasks_total);
    c.status = CellStatus::Ok;
    c.runs = runs;
    c.summary = summarize_cell(&c);
    c
}

pub fn client() -> ClientSettings {
    ClientSettings {
        config: ClientConfig {
            keep_alive: true,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            interp_cost: Duration::ZERO,
            retries: 0,
            retry_backoff: Duration::from_millis(100),
            prewarm: false,
            ok_status: Default::default(),
        },
        header_names: vec!["X-Api-Key".into()],
        blocking_client: "ureq 3 (blocking)".into(),
        async_client: "concbench's HTTP/1.1 client (tokio + httparse)".into(),
        blocking_buffer_bytes: BufferSizes { input: 16384, output: 8192 },
        switch_interval_ms: 5.0,
        request: Default::default(),
    }
}

fn target(cap: Option<usize>) -> TargetInfo {
    TargetInfo {
        kind: TargetKind::Embedded,
        url_template: "http://127.0.0.1:40000/api/items/{i}".into(),
        embedded: Some(EmbeddedInfo {
            config: ServerConfig {
                latency: LatencyProfile::Fixed(Duration::from_millis(630)),
                max_inflight: cap,
                seed: 42,
                ..ServerConfig::default()
            },
            mode: EmbeddedMode::Child,
            server_threads: 2,
        }),
    }
}

fn report(experiment: Experiment) -> Report {
    Report {
        schema_version: concbench::record::SCHEMA_VERSION,
        tool: Tool {
            name: "concbench".into(),
            version: "0.1.0".into(),
            git_commit: None,
            rustc: "rustc 1.95.0".into(),
        },
        started_at: "2026-11-28T06:00:00Z".into(),
        finished_at: Some("2026-11-28T06:02:00Z".into()),
        complete: true,
        environment: Environment {
            os: "linux".into(),
            kernel: Some("Linux 6.18".into()),
            arch: "x86_64".into(),
            cpu_model: Some("AMD EPYC".into()),
            cpus_online: 2,
            cores_granted: 2,
            cgroup_cpu_quota: None,
            memory_total_bytes: Some(24 << 30),
            others_before: None,
            load_average_start: Some(0.5),
            load_average_end: Some(0.75),
            python: Vec::new(),
        },
        experiments: vec![experiment],
        segments: None,
    }
}

/// Sections 1 and 2 with the source report's figures (async 2.11 s; sync 12.68 s for 20;
/// threads 5.61 s and 2.91 MiB against async's 3.57 MiB), six runs each for async and sync, one
/// failed request, and a model that failed as a whole.
pub fn io() -> Report {
    let mut threads = run(0, 200, 5_610.0, 2.91, 0.60, 199);
    threads.errors.insert("http_503".into(), ErrorTally { count: 1, example: "HTTP status 503".into() });
    threads.value_sum = 8_955;
    let mut failed = Cell::pending(spec("async-mt"), 200, 200);
    failed.status = CellStatus::Failed { reason: "building the tokio runtime: out of threads".into() };
    report(Experiment::Io(IoExperiment {
        settings: IoSettings {
            requests: 200,
            sync_sample: 20,
            workers: 50,
            models: vec![spec("async"), spec("sequential"), spec("threads:50"), spec("async-mt")],
            client: client(),
            schedule: Schedule { runs: 6, warmup: 0, shuffle_seed: None },
            // One of threads:50's 200 requests failed: allowed, so its verdicts are stated and marked.
            min_success: 0.99,
            python: None,
            task: None,
            open: None,
        },
        target: target(None),
        cells: vec![
            cell("async", 200, 200, runs(6, 200, 2_110.0, 3.57, 1.22)),
            cell("sequential", 20, 200, runs(6, 20, 12_680.0, 0.03, 0.01)),
            cell("threads:50", 200, 200, vec![threads]),
            failed,
        ],
    }))
}

/// A latency summary of `count` requests: p50 and p99 in milliseconds.
fn ms_latency(count: u64, p50_ms: f64, p99_ms: f64) -> LatencySummary {
    let us = |ms: f64| (ms * 1000.0) as u64;
    LatencySummary {
        count,
        min_us: us(p50_ms * 0.99),
        mean_us: p50_ms * 1000.0,
        p50_us: us(p50_ms),
        p90_us: us((p50_ms + p99_ms) / 2.0),
        p99_us: us(p99_ms),
        max_us: us(p99_ms * 1.05),
    }
}

/// One open run of `model` offered `rate` for 5 s: it achieved `achieved`, its latency p99 as
/// users saw it was `p99_ms` (served in 100.4 ms), its generator `late_us` late at p99.
fn open_point(model: &str, rate: f64, achieved: f64, p99_ms: f64, late_us: u64) -> Cell {
    let n = (rate * 5.0) as usize;
    let behind = achieved < 0.95 * rate;
    let wall_ms = if behind { n as f64 / achieved * 1e3 } else { 5_100.0 };
    let mut r = run(0, n, wall_ms, 0.5 + rate / 800.0, 0.1, n as u64);
    r.latency_ok = Some(ms_latency(n as u64, 100.4, 101.9));
    let (first, last) = if behind { (140.0, p99_ms * 0.95) } else { (100.6, 100.7) };
    let tenths = (0..10)
        .map(|k| Tenth {
            ok: n as u64 / 10,
            corrected_mean_us: (first + (last - first) * k as f64 / 9.0) * 1e3,
            service_mean_us: 100.4e3,
        })
        .collect();
    r.open = Some(OpenRun {
        offered_per_s: rate,
        achieved_per_s: Some(achieved),
        scheduled: n as u64,
        released: n as u64,
        dropped: 0,
        queue_peak: if behind { (n as f64 * (1.0 - achieved / rate)) as u64 } else { 1 },
        lateness: Some(ms_latency(n as u64, 0.002, late_us as f64 / 1e3)),
        queue: Some(ms_latency(n as u64, if behind { p99_ms / 2.0 } else { 0.02 }, if behind { p99_ms } else { 0.1 })),
        corrected: Some(ms_latency(n as u64, if behind { p99_ms / 2.0 } else { 100.6 }, p99_ms)),
        tenths,
    });
    cell(model, n, n, vec![r]).at_rate(Some(rate))
}

/// A capacity sweep: threads:50 saturates at about 490 req/s (Little's law: 498), async holds
/// every rate up to 1600/s; the generator was late beyond its bound once.
pub fn rates() -> Report {
    const RATES: [f64; 5] = [100.0, 200.0, 400.0, 800.0, 1600.0];
    let threads = RATES.map(|r| match r {
        800.0 => open_point("threads:50", r, 490.0, 3_180.0, 90),
        1600.0 => open_point("threads:50", r, 492.0, 11_050.0, 120),
        _ => open_point("threads:50", r, r, 102.0, 60),
    });
    let unlimited = RATES.map(|r| {
        open_point("async", r, r, if r >= 1600.0 { 103.4 } else { 102.1 }, if r >= 1600.0 { 1_300 } else { 80 })
    });
    report(Experiment::Rates(RatesExperiment {
        settings: RatesSettings {
            models: vec![spec("threads:50"), spec("async")],
            rates_per_s: RATES.to_vec(),
            arrivals: Arrivals { duration: Some(Duration::from_secs(5)), ..Arrivals::default() },
            requests: None,
            slo: None,
            client: client(),
            schedule: Schedule::default(),
            min_success: 1.0,
        },
        target: TargetInfo {
            embedded: target(None).embedded.map(|mut e| {
                e.config.latency = LatencyProfile::Fixed(Duration::from_millis(100));
                e
            }),
            ..target(None)
        },
        cells: threads.into_iter().chain(unlimited).collect(),
    }))
}

/// Section 3 with the source report's figures: async 2.31 s; threads 50/100/200/1000 at
/// 5.53/5.67/5.77/5.66 s; and a server that capped at 50 requests in flight.
pub fn scale() -> Report {
    let point = |n: usize, ms: f64, mib: f64| {
        let mut r = run(0, 200, ms, mib, mib / 2.0, 200);
        r.facts = ExecutionFacts {
            threads_started: n.min(200),
            peak_tasks_in_flight: n.min(200),
            ..ExecutionFacts::default()
        };
        r.server = Some(StatsSnapshot {
            requests: 200,
            responses: 200,
            inflight_now: 0,
            peak_inflight: 50,
            inflight_at_reset: 0,
            admin_refused: 0,
            peak_waiting: (n.min(200) - 50) as u64,
            queued_requests: if n > 50 { 150 } else { 0 },
            queue_wait_us_total: if n > 50 { 150 * 2_000_000 } else { 0 },
            queue_wait_us_max: 4_000_000,
            connections_accepted: n.min(200) as u64,
            accept_errors: 0,
            latency_requested_us_total: 200 * 630_000,
            latency_applied_us_total: 200 * 631_000,
            latency_applied_us_min: Some(630_100),
            latency_applied_us_max: Some(633_000),
            max_inflight_cap: Some(50),
            latency_profile: "fixed:630ms".into(),
            faults: Default::default(),
            process: ServerProcess {
                pid: 4242,
                cpu_user_us: 1,
                cpu_sys_us: 1,
                rss_bytes: Some(1 << 23),
                rss_peak_bytes: Some(1 << 23),
                heap_current_bytes: None,
                heap_at_reset_bytes: None,
            },
            latency_excess: Some(MicrosHistogram { buckets_us: vec![(35, 120), (60, 70), (140, 8), (410, 2)] }),
            resume_lag: Some(MicrosHistogram { buckets_us: vec![(12, 150), (80, 40), (900, 10)] }),
        });
        cell(&format!("threads:{n}"), 200, 200, vec![r])
    };
    report(Experiment::Scale(ScaleExperiment {
        settings: sweep(ModelKind::Threads, "async", None),
        target: target(Some(50)),
        baseline: Some(Box::new(cell("async", 200, 200, vec![run(0, 200, 2_310.0, 3.96, 1.0, 200)]))),
        points: vec![
            point(50, 5_530.0, 2.78),
            point(100, 5_670.0, 4.42),
            point(200, 5_770.0, 7.29),
            point(1000, 5_660.0, 7.20),
        ],
    }))
}

/// The source's sweep of `model` (200 requests, 50 to 1000) against `baseline`, one run each.
fn sweep(model: ModelKind, baseline: &str, python: Option<PySettings>) -> ScaleSettings {
    ScaleSettings {
        requests: 200,
        model,
        settings: vec![50, 100, 200, 1000],
        baseline: Some(spec(baseline)),
        knee_gain_per_doubling: 0.1,
        client: client(),
        schedule: Schedule::default(),
        min_success: 1.0,
        python,
        task: None,
    }
}

/// A copy of `report` whose every run took `factor` times as long.
pub fn slowed(report: &Report, factor: f64) -> Report {
    let mut r = report.clone();
    for e in &mut r.experiments {
        for i in 0..e.cells().len() {
            let c = e.cell_mut(i);
            for run in &mut c.runs {
                run.measured.wall_ns = (run.measured.wall_ns as f64 * factor) as u64;
            }
            c.summary = summarize_cell(c);
        }
    }
    r
}

/// Sections 4 and 5 with the source report's sequential and GIL figures (16.75 s, 20.24 s) on a
/// 2-core machine, free threads and processes near 2x, and the lock's counters.
pub fn cpu() -> Report {
    let with = |model: &str, wall_ms: f64, edit: &dyn Fn(&mut RunRecord)| {
        let mut rs = runs(6, 100, wall_ms, 0.03, 0.0);
        for r in &mut rs {
            r.value_sum = 930_973;
            edit(r);
        }
        cell(model, 100, 100, rs)
    };
    let timeline: Vec<Hold> =
        (0..48).map(|i| Hold { thread: i % 2, start_us: 5_000 * i as u64, end_us: 5_000 * (i as u64 + 1) }).collect();
    let gil = GilStats {
        switch_interval_ns: 5_000_000,
        acquisitions: 3_210,
        handovers: 3_208,
        forced_drops: 3_150,
        wait_ns_total: 19_900_000_000,
        peak_inside: 1,
        timeline,
    };
    let pool = PoolStats {
        workers: (0..2)
            .map(|k| WorkerFigures {
                pid: 5000 + k,
                startup_ns: 4_200_000,
                tasks: 50,
                usage: WorkerUsage {
                    cpu_user_ns: 8_000_000_000,
                    cpu_sys_ns: 10_000_000,
                    heap_peak_bytes: Some(90_000),
                    rss_peak_bytes: Some(4_500_000),
                },
            })
            .collect(),
    };
    report(Experiment::Cpu(CpuExperiment {
        settings: CpuSettings {
            tasks: 100,
            spec: CpuSpec { range: SizeRange { lo: 50_000, hi: 150_000 }, seed: 42, kernel: Kernel::Plain },
            workers: 2,
            models: ["sequential", "threads:2", "processes:2", "gil-threads:2"].map(spec).to_vec(),
            switch_interval_ms: 5.0,
            schedule: Schedule { runs: 6, warmup: 0, shuffle_seed: None },
            min_success: 1.0,
            python: None,
            source_tasks: None,
        },
        task_sizes: vec![100_000; 100],
        reference_counts: [vec![9_309; 99], vec![9_382]].concat(),
        cells: vec![
            with("sequential", 16_750.0, &|_| {}),
            with("threads:2", 8_420.0, &|r| r.facts.threads_started = 2),
            with("processes:2", 8_610.0, &|r| r.facts.processes = Some(pool.clone())),
            with("gil-threads:2", 20_240.0, &|r| {
                r.facts.threads_started = 2;
                r.facts.gil = Some(gil.clone());
                r.measured.voluntary_switches = 3_300;
            }),
        ],
    }))
}

/// An interpreter as the environment block records it: CPython 3.11.7 with its GIL, or a
/// free-threaded 3.13.5t without it.
pub fn interpreter(free_threaded: bool) -> Interpreter {
    let (path, version, tag, abi) = if free_threaded {
        ("/opt/cpython-ft/bin/python3.13t", "3.13.5", "3.13.5t", "cpython-313t-x86_64-linux-gnu")
    } else {
        ("python3", "3.11.7", "3.11.7", "cpython-311-x86_64-linux-gnu")
    };
    Interpreter {
        path: path.into(),
        executable: if free_threaded { path.into() } else { "/usr/local/bin/python3.11".into() },
        implementation: "cpython".into(),
        version: version.into(),
        tag: tag.into(),
        abi: abi.into(),
        free_threaded_build: free_threaded,
        gil_enabled: !free_threaded,
        start_method: "fork".into(),
        build: "main, Dec 2023".into(),
        compiler: "GCC 12.2.0".into(),
        venv: None,
        clients: BTreeMap::new(),
        tracemalloc_slowdown: Some(if free_threaded { 12.6 } else { 10.7 }),
    }
}

/// How the py models of a fixture ran: in `interpreters`, tracing their heap or not.
pub fn py_settings(interpreters: &[Interpreter], tracemalloc: bool) -> PySettings {
    PySettings {
        interpreters: interpreters.iter().map(Interpreter::short).collect(),
        tracemalloc,
        timeouts: concbench::record::python::PY_TIMEOUTS.into(),
        skipped: Vec::new(),
    }
}

/// A py cell of `runs`, each with what a py run reports about itself and `cpu_ms` of CPU.
pub fn py_cell(model: &str, i: &Interpreter, tracemalloc: bool, mut runs: Vec<RunRecord>, cpu_ms: f64) -> Cell {
    for r in &mut runs {
        (r.measured.cpu_user_ns, r.measured.cpu_sys_ns) = ((cpu_ms * 0.95e6) as u64, (cpu_ms * 0.05e6) as u64);
        match &mut r.measured.heap {
            Some(h) if tracemalloc => h.allocations = None,
            heap => *heap = None,
        }
        r.facts.python = Some(PyRunFacts {
            gil_enabled: i.gil_enabled,
            tracemalloc,
            start_method: None,
            children_cpu_user_ns: 0,
            children_cpu_sys_ns: 0,
            parent_wall_ns: r.measured.wall_ns + 2_000_000,
            connector_limit: None,
        });
    }
    let mut c = cell(model, runs[0].tasks, runs[0].tasks, runs);
    c.interpreter = Some(i.short());
    c
}

/// Sections 4 and 5 with CPython beside Rust: 20 tasks on 2 cores, in CPython 3.11.7 (GIL) and a
/// free-threaded 3.13.5t, tracemalloc off: py-threads keep one core busy under the GIL and two
/// without it; py-processes' workers start by fork.
pub fn py_cpu() -> Report {
    let (gil, free) = (interpreter(false), interpreter(true));
    let sum = 186_253;
    let rust = |model: &str, wall_ms: f64, edit: &dyn Fn(&mut RunRecord)| {
        let mut rs = runs(6, 20, wall_ms, 0.03, 0.0);
        for r in &mut rs {
            r.value_sum = sum;
            edit(r);
        }
        cell(model, 20, 20, rs)
    };
    let py = |model: &str, i: &Interpreter, wall_ms: f64, cpu_ms: f64, edit: &dyn Fn(&mut RunRecord)| {
        let mut rs = runs(6, 20, wall_ms, 0.0, 0.0);
        for r in &mut rs {
            r.value_sum = sum;
        }
        let mut c = py_cell(model, i, false, rs, cpu_ms);
        c.runs.iter_mut().for_each(edit);
        c.summary = summarize_cell(&c);
        c
    };
    let pool = |startup_ms: u64| PoolStats {
        workers: (0..2)
            .map(|k| WorkerFigures {
                pid: 6000 + k,
                startup_ns: startup_ms * 1_000_000,
                tasks: 10,
                usage: WorkerUsage {
                    cpu_user_ns: 540_000_000,
                    cpu_sys_ns: 10_000_000,
                    heap_peak_bytes: None,
                    rss_peak_bytes: Some(24 << 20),
                },
            })
            .collect(),
    };
    let processes = |startup_ms: u64| {
        move |r: &mut RunRecord| {
            r.facts.processes = Some(pool(startup_ms));
            let p = r.facts.python.as_mut().unwrap();
            (p.start_method, p.children_cpu_user_ns) = (Some("fork".into()), 1_080_000_000);
        }
    };
    let threads = |r: &mut RunRecord| r.facts.threads_started = 2;
    let gil_stats = GilStats {
        switch_interval_ns: 5_000_000,
        acquisitions: 40,
        handovers: 38,
        forced_drops: 36,
        wait_ns_total: 90_000_000,
        peak_inside: 1,
        timeline: (0..24)
            .map(|i| Hold { thread: i % 2, start_us: 5_000 * i as u64, end_us: 5_000 * (i as u64 + 1) })
            .collect(),
    };
    let mut report = report(Experiment::Cpu(CpuExperiment {
        settings: CpuSettings {
            tasks: 20,
            spec: CpuSpec { range: SizeRange { lo: 50_000, hi: 150_000 }, seed: 42, kernel: Kernel::Plain },
            workers: 2,
            models: ["sequential", "gil-threads:2", "threads:2", "py-sequential", "py-threads:2", "py-processes:2"]
                .map(spec)
                .to_vec(),
            switch_interval_ms: 5.0,
            schedule: Schedule { runs: 6, warmup: 0, shuffle_seed: None },
            min_success: 1.0,
            python: Some(py_settings(&[gil.clone(), free.clone()], false)),
            source_tasks: Some(100),
        },
        task_sizes: vec![100_000; 20],
        reference_counts: [vec![9_309; 19], vec![9_382]].concat(),
        cells: vec![
            rust("sequential", 90.0, &|_| {}),
            rust("gil-threads:2", 96.0, &|r| {
                r.facts.threads_started = 2;
                r.facts.gil = Some(gil_stats.clone());
                (r.measured.cpu_user_ns, r.measured.cpu_sys_ns) = (90_000_000, 4_000_000);
            }),
            rust("threads:2", 47.0, &|r| {
                r.facts.threads_started = 2;
                (r.measured.cpu_user_ns, r.measured.cpu_sys_ns) = (89_000_000, 2_000_000);
            }),
            py("py-sequential", &gil, 1_100.0, 1_098.0, &|_| {}),
            py("py-sequential", &free, 1_350.0, 1_348.0, &|_| {}),
            py("py-threads:2", &gil, 1_150.0, 1_150.0, &threads),
            py("py-threads:2", &free, 700.0, 1_365.0, &threads),
            py("py-processes:2", &gil, 600.0, 20.0, &processes(7)),
            py("py-processes:2", &free, 720.0, 25.0, &processes(9)),
        ],
    }));
    report.environment.python = vec![gil, free];
    report
}

/// Sections 1 and 2 with CPython beside Rust at the source's 630 ms: the source's own figures
/// for asyncio + aiohttp (2.11 s; 3.57 MiB), requests (12.68 s for 20) and ThreadPoolExecutor (5.61
/// s; 2.91 MiB), in CPython 3.11.7 with tracemalloc on; Rust's models faster; a py-async:10
/// whose requests wait for a connection slot.
pub fn py_io() -> Report {
    let i = interpreter(false);
    let py = |model: &str, tasks: usize, wall_ms: f64, peak: f64, current: f64, cpu_ms: f64| {
        let mut c = py_cell(model, &i, true, runs(6, tasks, wall_ms, peak, current), cpu_ms);
        c.tasks_total = 200;
        for r in &mut c.runs {
            r.facts.python.as_mut().unwrap().connector_limit =
                model.starts_with("py-async").then(|| c.model.n.unwrap_or(0));
        }
        c.summary = summarize_cell(&c);
        c
    };
    let models = ["async", "sequential", "threads:50", "py-async", "py-sequential", "py-threads:50", "py-async:10"];
    let mut report = report(Experiment::Io(IoExperiment {
        settings: IoSettings {
            requests: 200,
            sync_sample: 20,
            workers: 50,
            models: models.map(spec).to_vec(),
            client: client(),
            schedule: Schedule { runs: 6, warmup: 0, shuffle_seed: None },
            min_success: 1.0,
            python: Some(py_settings(std::slice::from_ref(&i), true)),
            task: None,
            open: None,
        },
        target: target(None),
        cells: vec![
            cell("async", 200, 200, runs(6, 200, 660.0, 0.68, 0.49)),
            cell("sequential", 20, 200, runs(6, 20, 12_620.0, 0.03, 0.01)),
            cell("threads:50", 200, 200, runs(6, 200, 2_560.0, 1.18, 1.18)),
            py("py-async", 200, 2_110.0, 3.57, 1.22, 150.0),
            py("py-sequential", 20, 12_680.0, 0.05, 0.01, 50.0),
            py("py-threads:50", 200, 5_610.0, 2.91, 0.60, 310.0),
            py("py-async:10", 200, 12_700.0, 1.69, 0.40, 140.0),
        ],
    }));
    report.environment.python = vec![Interpreter {
        venv: Some("/root/.cache/concbench/venvs/cpython-3.11.7-0123456789abcdef".into()),
        clients: [("aiohttp".to_string(), "3.9.5".to_string()), ("requests".to_string(), "2.32.3".to_string())].into(),
        ..i
    }];
    report
}

/// Section 3 with CPython: ThreadPoolExecutor at 50, 100, 200 and 1000 workers against asyncio +
/// aiohttp, 200 requests at 100 ms: flat at about 0.5 s while the driver keeps 0.8 of 2 cores
/// busy under the GIL (the source's plateau, caused by the lock).
pub fn py_scale() -> Report {
    let i = interpreter(false);
    let point = |n: usize, wall_ms: f64, cores: f64| {
        let mut r = run(0, 200, wall_ms, 1.6 + n as f64 / 1000.0, 0.4, 200);
        r.facts = ExecutionFacts { threads_started: n.min(200), peak_tasks_in_flight: 66, ..ExecutionFacts::default() };
        let mut c = py_cell(&format!("py-threads:{n}"), &i, true, vec![r], wall_ms * cores);
        c.summary = summarize_cell(&c);
        c
    };
    let mut base = py_cell("py-async", &i, true, vec![run(0, 200, 200.0, 2.67, 0.44, 200)], 150.0);
    base.summary = summarize_cell(&base);
    let mut report = report(Experiment::Scale(ScaleExperiment {
        settings: sweep(ModelKind::PyThreads, "py-async", Some(py_settings(std::slice::from_ref(&i), true))),
        target: {
            let mut t = target(None);
            t.embedded.as_mut().unwrap().config.latency = LatencyProfile::Fixed(Duration::from_millis(100));
            t
        },
        baseline: Some(Box::new(base)),
        points: vec![
            point(50, 630.0, 0.72),
            point(100, 510.0, 0.76),
            point(200, 490.0, 0.81),
            point(1000, 540.0, 0.83),
        ],
    }));
    report.environment.python = vec![i];
    report
}

/// The user's own task (`concbench task`, the example that fetches an item and counts primes):
/// 40 calls under py-sequential, py-threads:8 (two raised ValueError in one run) and
/// py-processes:8; py-async left out for want of an async def.
pub fn py_task() -> Report {
    let i = interpreter(false);
    let py = |model: &str, wall_ms: f64, cpu_ms: f64, edit: &dyn Fn(&mut RunRecord)| {
        let mut rs = runs(6, 40, wall_ms, 0.15, 0.02);
        rs.iter_mut().for_each(|r| r.value_sum = 25_846);
        let mut c = py_cell(model, &i, true, rs, cpu_ms);
        c.runs.iter_mut().for_each(edit);
        c.summary = summarize_cell(&c);
        c
    };
    let raised = |r: &mut RunRecord| {
        if r.round == 2 {
            (r.ok, r.failed, r.value_sum) = (38, 2, 25_190);
            let example = "ValueError: item 7 is odd (py_task.py:42 in fetch_and_count)".to_string();
            r.errors.insert("exception:ValueError".into(), ErrorTally { count: 2, example });
            r.latency_ok.as_mut().unwrap().count = 38;
        }
    };
    let processes = |r: &mut RunRecord| {
        let mut pool = PoolStats::default();
        for k in 0..8 {
            let usage = WorkerUsage {
                cpu_user_ns: 18_000_000,
                cpu_sys_ns: 2_000_000,
                heap_peak_bytes: None,
                rss_peak_bytes: Some(28 << 20),
            };
            pool.workers.push(WorkerFigures { pid: 7000 + k, startup_ns: 7_000_000, tasks: 5, usage });
        }
        r.facts.processes = Some(pool);
    };
    let task = PyTaskSettings {
        sync_task: Some("examples/py_task.py:fetch_and_count".into()),
        async_task: None,
        task_timeout: Some(Duration::from_secs(5)),
    };
    let mut python = py_settings(std::slice::from_ref(&i), true);
    python.skipped = vec![concbench::record::Skipped {
        model: "py-async".into(),
        reason: "py-async awaits an async def, and the task is a plain function: give --py-async-task FILE.py:func"
            .into(),
    }];
    let mut report = report(Experiment::Io(IoExperiment {
        settings: IoSettings {
            requests: 40,
            sync_sample: 40,
            workers: 8,
            models: ["py-sequential", "py-threads:8", "py-processes:8"].map(spec).to_vec(),
            client: client(),
            schedule: Schedule { runs: 6, warmup: 0, shuffle_seed: None },
            min_success: 0.9,
            python: Some(python),
            task: Some(task),
            open: None,
        },
        target: {
            let mut t = target(None);
            t.embedded.as_mut().unwrap().config.latency = LatencyProfile::Fixed(Duration::from_millis(100));
            t
        },
        cells: vec![
            py("py-sequential", 4_450.0, 300.0, &|_| {}),
            py("py-threads:8", 760.0, 370.0, &raised),
            py("py-processes:8", 640.0, 8.0, &processes),
        ],
    }));
    report.environment.python = vec![i];
    report
}

/// Every report with py cells.
pub fn py_all() -> Vec<Report> {
    vec![py_io(), py_scale(), py_cpu(), py_task()]
}

//! Rendering, from a fixed Report: Markdown (en, ko) and the terminal summary as snapshots, JSON
//! round-trips. The figures below are the source report's, so the verdicts are easy to check.

use std::collections::BTreeMap;

use concbench::env::{Environment, Tool};
use concbench::measure::alloc::HeapUse;
use concbench::measure::recorder::ErrorTally;
use concbench::measure::{LatencySummary, Measured};
use concbench::model::{ExecutionFacts, ModelSpec};
use concbench::report::{
    BufferSizes, Cell, CellStatus, ClientSettings, EmbeddedInfo, Experiment, Format, IoExperiment, IoSettings, Lang,
    Report, RunRecord, TargetInfo, TargetKind, exporter,
};

fn run(tasks: usize, wall_ms: u64, peak_mib: f64, current_mib: f64, ok: u64) -> RunRecord {
    let mib = |m: f64| (m * 1024.0 * 1024.0) as u64;
    RunRecord {
        tasks,
        ok,
        failed: tasks as u64 - ok,
        errors: BTreeMap::new(),
        value_sum: 9_000,
        measured: Measured {
            wall_ns: wall_ms * 1_000_000,
            heap: Some(HeapUse {
                peak_bytes: mib(peak_mib),
                current_bytes: mib(current_mib) as i64,
                allocations: 4_000,
            }),
            rss_peak_bytes: Some(mib(12.5)),
            rss_start_bytes: Some(mib(8.0)),
            rss_peak_reset: true,
            cpu_user_ns: 30_000_000,
            cpu_sys_ns: 20_000_000,
            voluntary_switches: 400,
            involuntary_switches: 3,
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
        ramp_up_ns: Some(1_500_000),
        facts: ExecutionFacts { peak_tasks_in_flight: 1, ..ExecutionFacts::default() },
        server: None,
    }
}

fn client() -> ClientSettings {
    ClientSettings {
        keep_alive: true,
        timeout_ms: 30_000.0,
        connect_timeout_ms: 10_000.0,
        header_names: vec!["X-Api-Key".into()],
        blocking_client: "ureq 3 (blocking)".into(),
        async_client: "reqwest 0.13 (hyper 1, tokio)".into(),
        blocking_buffer_bytes: BufferSizes { input: 16384, output: 8192 },
        interp_cost_ms: 0.0,
        switch_interval_ms: 5.0,
    }
}

/// Sections 1 and 2 with the source report's figures (async 2.11 s; sync 12.68 s for 20; threads
/// 5.61 s, 2.91 MiB vs async 3.57 MiB), one failed request, and a model that failed as a whole.
pub fn fixture() -> Report {
    let spec = |s: &str| s.parse::<ModelSpec>().unwrap();
    let mut threads = run(200, 5_610, 2.91, 0.60, 199);
    threads.errors.insert("http_503".into(), ErrorTally { count: 1, example: "HTTP status 503".into() });
    threads.value_sum = 8_955;
    Report {
        schema_version: 1,
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
            load_average_start: Some(0.5),
            load_average_end: Some(0.75),
        },
        experiments: vec![Experiment::Io(IoExperiment {
            settings: IoSettings {
                requests: 200,
                sync_sample: 20,
                workers: 50,
                models: vec![spec("async"), spec("sequential"), spec("threads:50"), spec("async-mt")],
                client: client(),
            },
            target: TargetInfo {
                kind: TargetKind::Embedded,
                url_template: "http://127.0.0.1:40000/api/items/{i}".into(),
                embedded: Some(EmbeddedInfo {
                    latency_profile: "fixed:630ms".into(),
                    max_inflight: None,
                    seed: 42,
                    mode: "child-process".into(),
                    server_threads: 2,
                }),
            },
            cells: vec![
                Cell {
                    model: spec("async"),
                    tasks_total: 200,
                    tasks_per_run: 200,
                    status: CellStatus::Ok,
                    runs: vec![run(200, 2_110, 3.57, 1.22, 200)],
                },
                Cell {
                    model: spec("sequential"),
                    tasks_total: 200,
                    tasks_per_run: 20,
                    status: CellStatus::Ok,
                    runs: vec![run(20, 12_680, 0.03, 0.01, 20)],
                },
                Cell {
                    model: spec("threads:50"),
                    tasks_total: 200,
                    tasks_per_run: 200,
                    status: CellStatus::Ok,
                    runs: vec![threads],
                },
                Cell {
                    model: spec("async-mt"),
                    tasks_total: 200,
                    tasks_per_run: 200,
                    status: CellStatus::Failed { reason: "building the tokio runtime: out of threads".into() },
                    runs: vec![],
                },
            ],
        })],
    }
}

fn render(format: Format, lang: Lang) -> String {
    String::from_utf8(exporter(format, lang, false).render(&fixture()).unwrap()).unwrap()
}

#[test]
fn markdown_en_follows_the_source() {
    let md = render(Format::Md, Lang::En);
    assert!(md.contains("🚀 **Async is about 60.1x faster!**"), "{md}");
    assert!(md.contains("⏱ **Speed:** async about 2.66x faster!"));
    assert!(md.contains("💾 **Memory:** multithread uses about 1.23x less!"));
    insta::assert_snapshot!("markdown_en", md);
}

#[test]
fn markdown_ko_follows_the_source() {
    let md = render(Format::Md, Lang::Ko);
    assert!(md.contains("# 비동기 vs 동기 API 호출 성능 비교"));
    assert!(md.contains("| 동기 예상 (200개) | 126.80초 |"), "{md}");
    assert!(md.contains("🚀 **비동기가 약 60.1배 빠름!**"));
    assert!(md.contains("💾 **메모리:** 멀티스레드가 약 1.23배 적게 사용!"));
    insta::assert_snapshot!("markdown_ko", md);
}

#[test]
fn terminal_summary() {
    insta::assert_snapshot!("terminal_en", render(Format::Text, Lang::En));
}

#[test]
fn json_round_trips_and_carries_units() {
    let json = render(Format::Json, Lang::En);
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fixture());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let run = &v["experiments"][0]["cells"][0]["runs"][0];
    assert_eq!(run["wall_ns"], 2_110_000_000u64);
    assert!(run["heap"]["peak_bytes"].is_u64() && run["latency_ok"]["p99_us"].is_u64());
    assert_eq!(v["experiments"][0]["kind"], "io");
}

/// Section 3 with the source report's figures: async 2.31 s; threads 50/100/200/1000 at
/// 5.53/5.67/5.77/5.66 s; and a server that capped at 50 requests in flight.
pub fn scale_fixture() -> Report {
    use concbench::report::{ScaleExperiment, ScaleSettings};
    use concbench::server::{ServerProcess, StatsSnapshot};
    let spec = |s: &str| s.parse::<ModelSpec>().unwrap();
    let point = |n: usize, ms: u64, mib: f64| {
        let mut r = run(200, ms, mib, mib / 2.0, 200);
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
            process: ServerProcess {
                pid: 4242,
                cpu_user_us: 1,
                cpu_sys_us: 1,
                rss_bytes: Some(1 << 23),
                rss_peak_bytes: Some(1 << 23),
            },
        });
        Cell {
            model: spec(&format!("threads:{n}")),
            tasks_total: 200,
            tasks_per_run: 200,
            status: CellStatus::Ok,
            runs: vec![r],
        }
    };
    let mut report = fixture();
    report.experiments = vec![Experiment::Scale(ScaleExperiment {
        settings: ScaleSettings {
            requests: 200,
            model: concbench::model::ModelKind::Threads,
            settings: vec![50, 100, 200, 1000],
            baseline: Some(spec("async")),
            knee_gain_per_doubling: 0.1,
            client: client(),
        },
        target: TargetInfo {
            kind: TargetKind::Embedded,
            url_template: "http://127.0.0.1:40000/api/items/{i}".into(),
            embedded: Some(EmbeddedInfo {
                latency_profile: "fixed:630ms".into(),
                max_inflight: Some(50),
                seed: 42,
                mode: "child-process".into(),
                server_threads: 2,
            }),
        },
        baseline: Some(Cell {
            model: spec("async"),
            tasks_total: 200,
            tasks_per_run: 200,
            status: CellStatus::Ok,
            runs: vec![run(200, 2_310, 3.96, 1.0, 200)],
        }),
        points: vec![
            point(50, 5_530, 2.78),
            point(100, 5_670, 4.42),
            point(200, 5_770, 7.29),
            point(1000, 5_660, 7.20),
        ],
    })];
    report
}

fn render_scale(lang: Lang) -> String {
    String::from_utf8(exporter(Format::Md, lang, false).render(&scale_fixture()).unwrap()).unwrap()
}

#[test]
fn scale_markdown_reproduces_section_3() {
    let md = render_scale(Lang::En);
    for needle in [
        "# Thread worker count vs performance",
        "- Workers 50 → 1000 (20.0x more)",
        "- Speed-up: 0.98x (ideal would be 20.0x)",
        "- Efficiency: 4.9%",
        "❌ **Did not reach the baseline's performance within the tested worker range**",
        "⚠️ **Diminishing returns!**",
        "Bottleneck: the server's concurrency cap.",
        "3 distinct concurrency levels are too few",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    insta::assert_snapshot!("scale_markdown_en", md);
}

#[test]
fn scale_markdown_ko() {
    let md = render_scale(Lang::Ko);
    for needle in [
        "# 멀티스레드 워커 수 증가에 따른 성능 변화 테스트",
        "- 워커 수 50 → 1000 (20.0배 증가)",
        "- 속도 향상: 0.98배 (이상적이라면 20.0배)",
        "- 효율성: 4.9%",
        "⚠️ **수확체감 현상 발생!** 워커 수 증가 대비 성능 향상이 크지 않음",
        "> 수확 체감(Diminishing Returns)은 경제학 법칙으로",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    insta::assert_snapshot!("scale_markdown_ko", md);
    insta::assert_snapshot!(
        "scale_terminal_en",
        String::from_utf8(exporter(Format::Text, Lang::En, false).render(&scale_fixture()).unwrap()).unwrap()
    );
}

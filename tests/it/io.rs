//! Sections 1 and 2 end to end, against the embedded API over real loopback sockets.

use std::time::Duration;

use concbench::record::CellStatus;

use crate::support::{cell, io, run};

#[test]
fn sequential_calls_add_up_their_latency() {
    // 20 calls at 50 ms, one after another, cannot take less than 1 s.
    let r = run(&["--models", "sequential", "--requests", "20", "--sync-sample", "20", "--latency", "50ms"]);
    let c = cell(&r, "sequential");
    let run = &c.runs[0];
    assert_eq!((run.ok, run.failed, run.tasks), (20, 0, 20));
    assert!(run.measured.wall() >= Duration::from_secs(1), "{:?}", run.measured.wall());
    assert_eq!(run.server.as_ref().unwrap().peak_inflight, 1);
}

#[test]
fn all_concurrent_async_overlaps_its_calls() {
    // 200 calls at 50 ms all at once: far below the 10 s they take in sequence, and the server
    // holds every one of them at once (the barrier makes "all 200 together" true by construction).
    let r = run(&["--models", "async", "--requests", "200", "--latency", "50ms", "--server-barrier", "200"]);
    let run = &cell(&r, "async").runs[0];
    assert_eq!((run.ok, run.failed), (200, 0));
    assert!(run.measured.wall() < Duration::from_secs(1), "{:?}", run.measured.wall());
    let server = run.server.as_ref().unwrap();
    assert_eq!(server.peak_inflight, 200);
    assert_eq!(run.facts.peak_tasks_in_flight, 200);
}

#[test]
fn a_thread_pool_never_exceeds_its_size_and_fills_it() {
    let r = run(&["--models", "threads:10", "--requests", "40", "--latency", "20ms", "--server-barrier", "10"]);
    let run = &cell(&r, "threads:10").runs[0];
    assert_eq!((run.ok, run.failed), (40, 0));
    assert_eq!(run.server.as_ref().unwrap().peak_inflight, 10);
    assert_eq!(run.facts.threads_started, 10);
}

#[test]
fn an_async_limit_caps_requests_in_flight() {
    for model in ["async:8", "async-mt:8"] {
        let r = run(&["--models", model, "--requests", "40", "--latency", "20ms", "--server-barrier", "8"]);
        let run = &cell(&r, model).runs[0];
        assert_eq!((run.ok, run.failed), (40, 0), "{model}");
        assert_eq!(run.server.as_ref().unwrap().peak_inflight, 8, "{model}");
        assert_eq!(run.facts.peak_tasks_in_flight, 8, "{model}");
    }
}

#[test]
fn the_server_counts_exactly_what_the_client_reports() {
    let r = run(&["--requests", "60", "--latency", "5ms", "--workers", "7", "--sync-sample", "9"]);
    let exp = io(&r);
    assert_eq!(exp.cells.len(), 3);
    for c in &exp.cells {
        assert_eq!(c.status, CellStatus::Ok, "{}", c.model);
        let run = &c.runs[0];
        let server = run.server.as_ref().unwrap();
        assert_eq!(server.requests, run.ok + run.failed, "{}", c.model);
        assert_eq!(server.responses, run.ok, "{}", c.model);
        assert_eq!(server.inflight_now, 0);
    }
    assert_eq!(cell(&r, "sequential").runs[0].tasks, 9);
    assert!(matches!(concbench::analysis::checksums_agree(&exp.cells), Some((true, _))));
}

#[test]
fn keep_alive_off_opens_a_connection_per_request() {
    let on = run(&["--models", "threads:4", "--requests", "40", "--latency", "1ms"]);
    let off = run(&["--models", "threads:4", "--requests", "40", "--latency", "1ms", "--keep-alive", "off"]);
    let conns = |r| cell(r, "threads:4").runs[0].server.as_ref().unwrap().connections_accepted;
    assert_eq!(conns(&off), 40);
    assert!(conns(&on) <= 8, "keep-alive reused connections: {}", conns(&on));
    assert!(!io(&off).settings.client.config.keep_alive);
}

#[test]
fn the_sync_sample_is_extrapolated_and_marked_estimated() {
    let r = run(&["--models", "async,sequential", "--requests", "100", "--sync-sample", "10", "--latency", "20ms"]);
    let s1 = concbench::analysis::io::sync_vs_async(io(&r)).expect("section 1");
    assert!(s1.sync.estimated);
    assert_eq!(s1.sync.run.tasks, 10);
    // 100 sequential calls at 20 ms: estimated at no less than 2 s.
    assert!(s1.sync.total_time >= Duration::from_secs(2), "{:?}", s1.sync.total_time);
    assert!(s1.async_speedup.ratio.unwrap().point > 1.0);
}

#[test]
fn processes_count_the_same_retries_as_threads_and_async() {
    // The embedded API's faults are seeded by request id and attempt: the same tries fail, and
    // are retried, whichever model sends them.
    let mut plan = crate::support::plan(&[
        "--models",
        "threads:4,processes:4,async",
        "--requests",
        "40",
        "--latency",
        "5ms",
        "--error-rate",
        "0.3",
        "--retries",
        "3",
        "--retry-backoff",
        "5ms",
    ]);
    plan.env.worker_exe = Some(env!("CARGO_BIN_EXE_concbench").into());
    let r = concbench::runner::run_io(&plan, &mut concbench::runner::Silent, &concbench::interrupt::Stop::new())
        .expect("run completes");
    let threads = &cell(&r, "threads:4").runs[0];
    assert!(threads.retries > 0 && threads.ok_after_retry > 0, "the faults made retries");
    let figures = |run: &concbench::record::RunRecord| (run.ok, run.failed, run.retries, run.ok_after_retry);
    for model in ["processes:4", "async"] {
        let run = &cell(&r, model).runs[0];
        assert_eq!(figures(run), figures(threads), "{model}");
        assert_eq!(run.server.as_ref().unwrap().requests, 40 + run.retries, "{model}: every try reached the server");
    }
}

/// Resets the embedded API's counters (with its secret, as another process that had it could)
/// once the server has seen `after` requests of the run in progress.
struct ResetMidRun {
    after: u64,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl concbench::runner::Observer for ResetMidRun {
    fn target_ready(&mut self, target: &concbench::target::Target) {
        let base = target.embedded_base().unwrap().to_string();
        let bearer = format!("Bearer {}", target.admin_secret().unwrap());
        let after = self.after;
        self.handle = Some(std::thread::spawn(move || {
            let agent = ureq::Agent::new_with_defaults();
            let seen = || -> u64 {
                let body = agent.get(format!("{base}/stats")).call().unwrap().body_mut().read_to_string().unwrap();
                serde_json::from_str::<serde_json::Value>(&body).unwrap()["requests"].as_u64().unwrap()
            };
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while seen() < after && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            agent.post(format!("{base}/stats/reset")).header("authorization", &bearer).send_empty().unwrap();
        }));
    }
}

/// A run whose server counters were reset under it does not pass: the reconciliation finds the
/// server counted fewer requests than the client sent, and the run counts as failed (exit 1).
#[test]
fn counters_reset_under_a_run_are_flagged() {
    // Sequential, 20 requests of 20 ms: the reset lands after the 5th, well before the end.
    let plan = crate::support::plan(&[
        "--models",
        "sequential",
        "--requests",
        "20",
        "--sync-sample",
        "20",
        "--latency",
        "20ms",
    ]);
    let mut observer = ResetMidRun { after: 5, handle: None };
    let report = concbench::runner::run_io(&plan, &mut observer, &concbench::interrupt::Stop::new()).unwrap();
    observer.handle.take().unwrap().join().unwrap();
    let first = &cell(&report, "sequential").runs[0];
    assert_eq!((first.ok, first.failed), (20, 0), "every request itself succeeded");
    let findings = concbench::analysis::integrity::report_findings(&report);
    assert!(
        findings.iter().any(|f| matches!(
            f.mismatch,
            concbench::analysis::integrity::Mismatch::Requests { tries: 20, server, exact: true } if server < 20
        )),
        "{findings:?}"
    );
    assert!(concbench::runner::any_failed(&report), "a mismatch fails the run (exit 1)");
    // Untouched, the same run reconciles exactly.
    let clean = run(&["--models", "sequential", "--requests", "20", "--sync-sample", "20", "--latency", "1ms"]);
    assert!(concbench::analysis::integrity::report_findings(&clean).is_empty());
    assert!(!concbench::runner::any_failed(&clean));
}

//! A target that fails mid-run: failures are counted per kind, the run completes, exit code 1.

use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use concbench::report::CellStatus;

use crate::support::{TestServer, cell, run};

/// Answers 503 for every id ≡ 1 (mod 4), stalls for a minute on every id ≡ 3 (mod 10), else 200.
fn flaky() -> TestServer {
    TestServer::start(axum::Router::new().route(
        "/x/{i}",
        get(|Path(i): Path<u64>| async move {
            if i % 10 == 3 {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            if i % 4 == 1 { (StatusCode::SERVICE_UNAVAILABLE, "busy") } else { (StatusCode::OK, "fine") }
        }),
    ))
}

#[test]
fn failures_are_counted_by_kind_and_the_run_completes() {
    let server = flaky();
    let url = server.url("/x/{i}");
    let r = run(&["--url", &url, "--requests", "40", "--models", "async,threads:8,sequential", "--sync-sample", "40"]
        .into_iter()
        .chain(["--timeout", "300ms"])
        .collect::<Vec<_>>());
    // Of ids 0..40: 3, 13, 23, 33 stall (timeout); 1, 5, 9, ..., 37 would answer 503, but 13 and
    // 33 of those stall first, so 8 answer 503.
    for model in ["async", "threads:8", "sequential"] {
        let c = cell(&r, model);
        assert_eq!(c.status, CellStatus::Ok, "{model}");
        let run = &c.runs[0];
        assert_eq!((run.ok, run.failed), (28, 12), "{model}: {:?}", run.errors);
        assert_eq!(run.errors["http_503"].count, 8, "{model}");
        assert_eq!(run.errors["timeout"].count, 4, "{model}: {:?}", run.errors);
        assert_eq!(run.latency_failed.unwrap().count, 12);
        assert_eq!(run.latency_ok.unwrap().count, 28);
        assert!(run.server.is_none(), "an external target has no server counters");
    }
    assert!(concbench::runner::any_failed(&r));
}

#[test]
fn the_binary_exits_1_when_requests_failed() {
    let server = flaky();
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args([
            "io",
            "--url",
            &server.url("/x/{i}"),
            "--requests",
            "12",
            "--models",
            "async",
            "--timeout",
            "300ms",
            "--runs",
            "1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("http_503") && stdout.contains("timeout"), "{stdout}");
}

#[test]
fn a_preflight_answered_with_an_error_status_is_refused() {
    let server = flaky();
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args(["io", "--url", &server.url("/x/1")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("answered HTTP 503"));
}

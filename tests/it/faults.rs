//! A target that fails mid-run: failures are counted per kind, the run completes, exit code 1.

use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use concbench::record::CellStatus;

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
        // Generous for the healthy requests on a loaded machine; the stalls never answer.
        .chain(["--timeout", "1s"])
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
            "1s",
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
fn a_preflight_answered_with_a_client_error_is_refused() {
    let server = flaky();
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args(["io", "--url", &server.url("/nowhere/{i}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("answered HTTP 404"));
}

#[test]
fn a_preflight_answered_with_a_server_error_warns_and_runs() {
    let server = flaky();
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args(["io", "--url", &server.url("/x/1"), "--requests", "4", "--models", "async", "--runs", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the run happened and counted its failures");
    assert!(String::from_utf8_lossy(&out.stderr).contains("answered HTTP 503; running anyway"));
}

/// The server's fault counters and the client's failures of one run.
fn counts(
    r: &concbench::record::Report,
    model: &str,
) -> (concbench::record::StatsSnapshot, concbench::record::RunRecord) {
    let run = cell(r, model).runs[0].clone();
    (run.server.clone().expect("the embedded API's counters"), run)
}

fn errors(run: &concbench::record::RunRecord, kind: &str) -> u64 {
    run.errors.get(kind).map_or(0, |t| t.count)
}

#[test]
fn injected_error_statuses_match_the_server_count() {
    let r = run(&["--models", "async,threads:8", "--requests", "200", "--latency", "1ms", "--error-rate", "0.3"]);
    for model in ["async", "threads:8"] {
        let (server, run) = counts(&r, model);
        assert!(server.faults.errors_500 > 0 && server.faults.errors_503 > 0, "{server:?}");
        assert_eq!(errors(&run, "http_500"), server.faults.errors_500, "{model}");
        assert_eq!(errors(&run, "http_503"), server.faults.errors_503, "{model}");
        assert_eq!(run.failed, server.faults.errors_500 + server.faults.errors_503);
        assert_eq!(run.ok + run.failed, server.requests);
    }
    // Seeded: both models met the very same faults.
    assert_eq!(counts(&r, "async").1.errors, counts(&r, "threads:8").1.errors);
}

#[test]
fn stalls_end_as_client_timeouts_one_for_one() {
    let r =
        run(&["--models", "async", "--requests", "60", "--latency", "1ms", "--stall-rate", "0.1", "--timeout", "2s"]);
    let (server, run) = counts(&r, "async");
    assert!(server.faults.stalled > 0);
    assert_eq!(errors(&run, "timeout"), server.faults.stalled);
    assert_eq!(run.failed, server.faults.stalled);
}

#[test]
fn cut_responses_are_counted_as_resets() {
    for model in ["async", "threads:4"] {
        let r = run(&["--models", model, "--requests", "80", "--latency", "1ms", "--reset-rate", "0.25"]);
        let (server, run) = counts(&r, model);
        assert!(server.faults.resets > 0);
        assert_eq!(errors(&run, "reset"), server.faults.resets, "{model}: {:?}", run.errors);
        assert_eq!(run.failed, server.faults.resets);
    }
}

#[test]
fn slow_bodies_past_the_timeout_time_out_and_within_it_succeed() {
    let args =
        ["--models", "async", "--requests", "40", "--latency", "1ms", "--slow-body-rate", "0.2", "--slow-body", "3s"];
    // 1.5 s: far beyond a healthy request even on a loaded machine, half of a slow body.
    let late = run(&[&args[..], &["--timeout", "1500ms"]].concat());
    let (server, record) = counts(&late, "async");
    assert!(server.faults.slow_bodies > 0);
    assert_eq!(errors(&record, "timeout"), server.faults.slow_bodies);
    let patient = run(&[&args[..], &["--timeout", "10s"]].concat());
    let (server, record) = counts(&patient, "async");
    assert_eq!((record.ok, record.failed), (40, 0));
    // A slow body takes its 3 seconds: the slowest request shows it.
    assert!(record.latency_ok.unwrap().max_us >= 2_700_000, "{:?}", record.latency_ok);
    assert!(server.faults.slow_bodies > 0);
}

#[test]
fn rate_limiting_answers_429_and_retries_honour_retry_after() {
    let r = run(&["--models", "async", "--requests", "30", "--latency", "1ms", "--rate-limit", "20/s"]);
    let (server, record) = counts(&r, "async");
    assert!(server.faults.rate_limited > 0);
    assert_eq!(errors(&record, "http_429"), server.faults.rate_limited);
    // With retries every request gets through in the end; each retry is one more request.
    let r =
        run(&["--models", "async", "--requests", "30", "--latency", "1ms", "--rate-limit", "20/s", "--retries", "5"]);
    let (server, record) = counts(&r, "async");
    assert_eq!((record.ok, record.failed), (30, 0), "{:?}", record.errors);
    assert!(record.retries > 0 && record.ok_after_retry > 0);
    assert_eq!(server.requests, 30 + record.retries, "every try reached the server");
    assert_eq!(server.faults.rate_limited, record.retries);
    // Retry-After says 1 s: the retried requests waited at least that long.
    assert!(record.latency_ok.unwrap().max_us >= 1_000_000);
}

#[test]
fn retries_separate_first_try_successes_from_later_ones() {
    let r = run(&[
        "--models",
        "threads:4",
        "--requests",
        "100",
        "--latency",
        "1ms",
        "--error-rate",
        "0.3",
        "--retries",
        "4",
        "--retry-backoff",
        "1ms",
    ]);
    let (server, run) = counts(&r, "threads:4");
    assert_eq!(run.ok + run.failed, 100);
    assert!(run.ok_after_retry > 0);
    assert_eq!(server.requests, 100 + run.retries);
    assert_eq!(server.faults.errors_500 + server.faults.errors_503, run.retries + run.failed);
}

#[test]
fn a_listener_that_closes_refuses_later_connections_as_scheduled() {
    // One connection per request, one request at a time: the listener closes after the 10th
    // connection, so exactly the 20 requests after it are refused.
    let r = run(&[
        "--models",
        "threads:1",
        "--requests",
        "30",
        "--latency",
        "1ms",
        "--keep-alive",
        "off",
        "--close-after",
        "10",
    ]);
    let (server, run) = counts(&r, "threads:1");
    assert_eq!(server.connections_accepted, 10);
    assert_eq!((run.ok, run.failed), (10, 20), "{:?}", run.errors);
    assert_eq!(errors(&run, "connect"), 20, "{:?}", run.errors);
}

#[test]
fn faults_can_be_set_per_request_in_the_query_string() {
    let server = concbench::server::InProcess::start(Default::default(), ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let url = format!("http://{}/api/items/{{i}}?error_rate=0.5&latency=0", server.addr());
    let r = run(&["--url", &url, "--models", "async", "--requests", "50"]);
    let run = &cell(&r, "async").runs[0];
    let failed = errors(run, "http_500") + errors(run, "http_503");
    assert_eq!(run.failed, failed);
    assert!((10..=40).contains(&failed), "about half of 50: {failed}");
    let bad = format!("http://{}/api/items/{{i}}?error_rate=7", server.addr());
    // A malformed fault setting is a 400: the preflight refuses it.
    let out = assert_cmd::Command::cargo_bin("concbench").unwrap().args(["io", "--url", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the preflight meets the 400");
}

/// Sends `bytes` on `stream` and returns what comes back (empty when the server closed the
/// connection without answering).
fn exchange(stream: &mut std::net::TcpStream, bytes: &[u8]) -> String {
    use std::io::{Read, Write};
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// GET `url` with `agent`, reading the body to the end so the agent keeps the connection.
fn call(agent: &ureq::Agent, url: &str) -> String {
    agent.get(url).call().unwrap().body_mut().read_to_string().unwrap()
}

fn closing_server(close_after: u64) -> concbench::server::child::ChildServer {
    let cfg = concbench::record::ServerConfig {
        latency: concbench::record::LatencyProfile::Fixed(Duration::ZERO),
        faults: concbench::record::Faults { close_after: Some(close_after), ..Default::default() },
        ..Default::default()
    };
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_concbench"));
    concbench::server::child::ChildServer::spawn(exe, &cfg, 1).unwrap()
}

#[test]
fn close_after_counts_client_connections_since_start_not_admin_ones() {
    // `serve --close-after 3`, then /health, a reset, and items 1 to 4 each on a connection of
    // its own: the first three are answered, the fourth is refused.
    let server = closing_server(3);
    let base = format!("http://{}", server.addr());
    let fresh = || ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    // The admin agent keeps its connection, so it can still read the counters after the close.
    let admin = ureq::Agent::new_with_defaults();
    call(&admin, &format!("{base}/health"));
    assert_eq!(fresh().get(format!("{base}/health")).call().unwrap().status(), 200);
    let bearer = format!("Bearer {}", server.admin_token().secret());
    let reset =
        |agent: &ureq::Agent| agent.post(format!("{base}/stats/reset")).header("authorization", &bearer).send_empty();
    assert_eq!(reset(&fresh()).unwrap().status(), 204);
    for i in 1..=3 {
        assert_eq!(fresh().get(format!("{base}/api/items/{i}")).call().unwrap().status(), 200, "item {i}");
    }
    let refused = fresh().get(format!("{base}/api/items/4")).call();
    assert!(
        matches!(refused, Err(ureq::Error::Io(ref e)) if e.kind() == std::io::ErrorKind::ConnectionRefused),
        "{refused:?}"
    );
    // A reset restarts the counters, not the listener.
    reset(&admin).unwrap();
    let s: concbench::record::StatsSnapshot = serde_json::from_str(&call(&admin, &format!("{base}/stats"))).unwrap();
    assert_eq!((s.connections_accepted, s.requests), (0, 0));
    assert!(fresh().get(format!("{base}/health")).call().is_err(), "the listener stays closed");
}

#[test]
fn connections_open_before_the_close_are_not_served_past_close_after() {
    let server = closing_server(2);
    let addr = server.addr();
    let admin = ureq::Agent::new_with_defaults();
    call(&admin, &format!("http://{addr}/health"));
    // Four connections open at once (as concurrent clients would have them) before any request.
    let mut conns: Vec<_> = (0..4).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
    let answers: Vec<String> = conns
        .iter_mut()
        .enumerate()
        .map(|(i, c)| {
            exchange(c, format!("GET /api/items/{i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        })
        .collect();
    assert!(answers[..2].iter().all(|a| a.starts_with("HTTP/1.1 200")), "{answers:?}");
    assert!(answers[2..].iter().all(String::is_empty), "closed unanswered: {answers:?}");
    let s: concbench::record::StatsSnapshot =
        serde_json::from_str(&call(&admin, &format!("http://{addr}/stats"))).unwrap();
    assert_eq!((s.connections_accepted, s.requests, s.responses), (2, 2, 2));
}

#[test]
fn a_preflight_answered_outside_ok_status_names_the_status_and_its_location() {
    let server = TestServer::start(axum::Router::new().route(
        "/moved/{i}",
        get(|| async { (StatusCode::FOUND, [(axum::http::header::LOCATION, "/elsewhere")], "") }),
    ));
    let url = server.url("/moved/{i}");
    let out = assert_cmd::Command::cargo_bin("concbench").unwrap().args(["io", "--url", &url]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("answered HTTP 302 (Location: /elsewhere)") && stderr.contains("--ok-status 2xx"),
        "{stderr}"
    );
    // Listed, a 302 is a success: the preflight passes and every request counts as one.
    let r = run(&["--url", &url, "--requests", "3", "--models", "async,threads:2", "--ok-status", "2xx,302"]);
    for model in ["async", "threads:2"] {
        assert_eq!(cell(&r, model).runs[0].ok, 3, "{model}");
    }
}

/// Against an API that fails every request, no model is "faster": the run completes (exit 1),
/// every failure is counted, and no ratio is drawn from times to failure.
#[test]
fn an_api_failing_every_request_gets_no_speed_verdict() {
    let r = run(&["--models", "async,sequential", "--requests", "60", "--sync-sample", "20", "--error-rate", "1"]);
    for model in ["async", "sequential"] {
        let run = &cell(&r, model).runs[0];
        assert_eq!(run.ok, 0, "{model}");
    }
    let s1 = concbench::analysis::io::sync_vs_async(crate::support::io(&r)).unwrap();
    assert!(s1.async_speedup.ratio.is_none(), "withheld: {:?}", s1.async_speedup);
    assert_eq!(s1.async_speedup.withheld_by().unwrap().ok, 0);
    let text = String::from_utf8(
        concbench::render::exporter(concbench::render::Format::Text, concbench::text::Lang::En, false)
            .render(&r)
            .unwrap(),
    )
    .unwrap();
    assert!(text.contains("No verdict") && !text.contains("faster"), "{text}");
}

/// Points of a sweep whose requests failed are shown but not read: the span, the knee and the
/// fit come from the points that succeeded.
#[test]
fn a_sweep_reads_its_curve_from_the_points_that_succeeded() {
    let mut report = crate::fixtures::scale();
    let concbench::record::Experiment::Scale(exp) = &mut report.experiments[0] else { unreachable!() };
    let last = exp.points.last_mut().unwrap();
    for run in &mut last.runs {
        (run.ok, run.failed) = (20, 180);
        run.errors.insert("timeout".into(), concbench::record::ErrorTally { count: 180, example: "x".into() });
    }
    let sweep = concbench::analysis::sweep::analyse(exp, 2);
    assert_eq!(sweep.points.len(), 4, "every point is still shown");
    let excluded: Vec<usize> = sweep.points.iter().filter(|p| !p.comparable).map(|p| p.setting).collect();
    assert_eq!(excluded, vec![1000]);
    assert!(sweep.points.last().unwrap().vs_baseline.unwrap().ratio.is_none());
    let span = sweep.span.unwrap();
    assert!((span.setting_ratio - 4.0).abs() < 1e-9, "the span ends at 200, the last point that succeeded: {span:?}");
}

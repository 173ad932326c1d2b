//! The binary as a user meets it: bad input gives one clear line and exit code 2, before any work
//! and without output files; a normal run prints its tables and writes its files.

use std::process::Command;

use assert_cmd::prelude::*;

fn concbench() -> Command {
    Command::cargo_bin("concbench").unwrap()
}

/// Runs `concbench ARGS` and checks: exit 2, one line on stderr mentioning `needle`, nothing on stdout.
fn refused(args: &[&str], needle: &str) {
    let out = concbench().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?} should explain itself in one line: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in {stderr:?}");
    assert!(out.stdout.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn bad_input_is_refused_in_one_line_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["io", "--requests", "0"], "--requests must be at least 1"),
        (&["io", "--requests", "ten"], "not a whole number"),
        (&["io", "--requests", "-5"], "'-5'"),
        (&["io", "--requests", "99999999999999999999999"], "too large"),
        (&["io", "--requests", "20000000"], "more than"),
        (&["io", "--models", "threads:0"], "at least 1"),
        (&["io", "--models", "fibers"], "unknown model 'fibers'"),
        (&["io", "--models", ""], "unknown model"),
        (&["io", "--models", "async,async"], "twice"),
        (&["io", "--models", "sequential:4"], "takes no N"),
        (&["io", "--requests", "900k", "--models", "threads:900k"], "allows at most"),
        (&["io", "--workers", "0"], "--workers must be at least 1"),
        (&["io", "--sync-sample", "0"], "--sync-sample must be at least 1"),
        (&["io", "--latency", "slow"], "accepted:"),
        (&["io", "--latency", "uniform:2s..1s"], "low end is above"),
        (&["io", "--latency", "99999999999h"], "too long"),
        (&["io", "--timeout", "0"], "above zero"),
        (&["io", "--timeout", "5 parsecs"], "unknown unit"),
        (&["io", "--url", "localhost:8080/x"], "--url"),
        (&["io", "--url", "ftp://example.com/x"], "scheme 'ftp'"),
        (&["io", "--url", "http://127.0.0.1:8/x", "--latency", "5ms"], "cannot be used with"),
        (&["io", "-H", "no colon here"], "Name: value"),
        (&["io", "--format", "pdf"], "--format"),
        (&["io", "--keep-alive", "maybe"], "--keep-alive"),
        (&["io", "--lang", "fr"], "--lang"),
        (&["serve", "--port", "70000"], "--port"),
        (&["io", "--no-such-flag"], "--no-such-flag"),
        (&["scale", "--workers", ""], "not a whole number"),
        (&["scale", "--workers", "0,4"], "--workers must be at least 1"),
        (&["scale", "--workers", "4,8,4"], "lists 4 twice"),
        (&["scale", "--workers", "four"], "not a whole number"),
        (&["scale", "--model", "sequential"], "no N to sweep"),
        (&["scale", "--model", "fibers"], "unknown model"),
        (&["scale", "--requests", "900k", "--workers", "1,900k"], "allows at most"),
        (&["scale", "--knee-gain", "150%"], "--knee-gain"),
        (&["scale", "--baseline", "threads:0"], "at least 1"),
        (&["cpu", "--range", "150000..50000"], "reversed"),
        (&["cpu", "--range", "1..5000000000"], "too big"),
        (&["cpu", "--range", "5000"], "not a range"),
        (&["cpu", "--tasks", "0"], "--tasks must be at least 1"),
        (&["cpu", "--workers", "0"], "--workers must be at least 1"),
        (&["cpu", "--models", "fibers"], "unknown model"),
        (&["cpu", "--models", "processes:0"], "at least 1"),
        (&["cpu", "--switch-interval", "0"], "above zero"),
        (&["cpu", "--kernel", "magic"], "--kernel"),
    ];
    for (args, needle) in cases {
        refused(args, needle);
    }
}

#[test]
fn an_unreachable_url_fails_the_preflight_with_exit_2() {
    // Port 9 on loopback: nothing listens there, so the connection is refused at once.
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out_arg = out_dir.to_str().unwrap();
    refused(
        &["io", "--url", "http://127.0.0.1:9/items/{i}", "--out", out_arg],
        "preflight GET http://127.0.0.1:9/items/0",
    );
    assert!(!out_dir.exists(), "no output folder after a failed preflight");
}

#[test]
fn a_port_in_use_is_refused() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    refused(&["serve", "--port", &port], "cannot listen on 127.0.0.1:");
}

#[test]
fn an_existing_report_is_not_overwritten_silently() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("results.json"), "{}").unwrap();
    refused(&["io", "--out", dir.path().to_str().unwrap()], "--force");
    assert_eq!(std::fs::read_to_string(dir.path().join("results.json")).unwrap(), "{}");
}

#[test]
fn help_teaches_the_model_grammar() {
    let out = concbench().args(["io", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in ["threads:N", "async[:N]", "--sync-sample", "--server-max-inflight", "Exit codes"] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn a_run_prints_its_table_and_writes_md_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("report");
    let out = concbench()
        .args(["io", "--requests", "30", "--sync-sample", "5", "--workers", "5", "--latency", "10ms", "--runs", "2"])
        .args(["--out", out_dir.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for needle in ["sequential", "threads:5", "async", "[1]", "[2]"] {
        assert!(stdout.contains(needle), "summary lacks {needle}: {stdout}");
    }
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.contains("# Async vs sync API calls") && md.contains("# Async vs multithread API calls"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["complete"], true);
    let cells = json["experiments"][0]["cells"].as_array().unwrap();
    let models: Vec<&str> = cells.iter().map(|c| c["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["async", "sequential", "threads:5"]);
    for c in cells {
        let run = &c["runs"][0];
        for field in ["wall_ns", "cpu_user_ns", "rss_peak_bytes", "ok", "latency_ok"] {
            assert!(!run[field].is_null(), "{} lacks {field}", c["model"]);
        }
        assert!(run["heap"]["peak_bytes"].as_u64().is_some(), "the binary counts heap");
    }
}

#[test]
fn the_embedded_api_runs_in_its_own_process() {
    let child = concbench()
        .args(["io", "--requests", "10", "--models", "async", "--latency", "1ms", "--format", "json", "--runs", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let client_pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let exp = &json["experiments"][0];
    assert_eq!(exp["target"]["embedded"]["mode"], "child-process");
    let server_pid = exp["cells"][0]["runs"][0]["server"]["process"]["pid"].as_u64().unwrap();
    assert_ne!(server_pid, u64::from(client_pid));
}

#[test]
fn stdout_closed_early_is_not_an_error() {
    use std::io::Read;
    let mut child = concbench()
        .args(["io", "--requests", "5", "--models", "async", "--latency", "1ms", "--format", "md", "--runs", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

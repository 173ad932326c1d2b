//! Ctrl-C and SIGTERM during a run: it stops within a bounded time, exits 130, and the results
//! measured so far are on disk, valid and marked incomplete.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;

fn wait_for(path: &Path, limit: Duration) {
    let deadline = Instant::now() + limit;
    while !path.exists() {
        assert!(Instant::now() < deadline, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn interrupt_with(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let mut child = Command::cargo_bin("concbench")
        .unwrap()
        .args([
            "io",
            "--models",
            "async,threads:4",
            "--requests",
            "40",
            "--latency",
            "100ms",
            "--runs",
            "50",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The folder is written after the first run: some results exist to be kept.
    wait_for(&out.join("results.json"), Duration::from_secs(30));
    let sent = Instant::now();
    let killed = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(15), "no exit within 15 s of {signal}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130), "{signal}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["complete"], false, "{signal}: marked incomplete");
    let runs: usize =
        json["experiments"][0]["cells"].as_array().unwrap().iter().map(|c| c["runs"].as_array().unwrap().len()).sum();
    assert!((1..100).contains(&runs), "{signal}: {runs} runs kept, not all 100");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("interrupted"), "{signal}: the report says so");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no half-written files");
}

#[test]
fn ctrl_c_keeps_the_results_so_far() {
    interrupt_with("-INT");
}

#[test]
fn sigterm_keeps_the_results_so_far() {
    interrupt_with("-TERM");
}

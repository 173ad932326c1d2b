//! The counting allocator. Its counters are process-wide, so tests running as threads of one
//! process would pollute each other's figures: the checks run in a process of their own (this
//! test binary started again with a filter), whichever test runner is used.

use std::process::Command;

use concbench::measure::alloc::{HeapWindow, is_installed};

const ISOLATED: &str = "CONCBENCH_ISOLATED_TEST";

#[test]
fn the_allocator_window_in_its_own_process() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["alloc::window_checks", "--exact", "--include-ignored", "--test-threads=1", "--nocapture"])
        .env(ISOLATED, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the isolated check did not run: {stdout}");
}

#[test]
#[ignore = "runs in its own process, started by the_allocator_window_in_its_own_process"]
fn window_checks() {
    if std::env::var_os(ISOLATED).is_none() {
        return;
    }
    assert!(is_installed());
    const MIB: u64 = 1 << 20;
    let window = HeapWindow::open().unwrap();
    let held = std::hint::black_box(vec![1u8; MIB as usize]);
    let during = window.close();
    assert!(during.peak_bytes >= MIB, "{during:?}");
    assert!(during.current_bytes >= MIB as i64, "{during:?}");
    assert!(during.peak_bytes as i64 >= during.current_bytes);
    assert!(during.allocations >= Some(1));
    drop(held);
    let after = window.close();
    assert!(after.peak_bytes >= MIB, "the peak survives the free: {after:?}");
    assert!(after.current_bytes < (MIB / 4) as i64, "current falls back: {after:?}");
    // A new window starts from a fresh peak.
    let next = HeapWindow::open().unwrap();
    let fresh = next.close();
    assert!(fresh.peak_bytes < MIB / 4, "the peak was reset: {fresh:?}");
}

#[test]
fn heap_peak_holds_at_least_the_current_heap_in_a_real_run() {
    // Through the binary: its own process, its own allocator.
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args(["io", "--requests", "50", "--models", "async,threads:10", "--latency", "5ms", "--format", "json"])
        .args(["--runs", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in json["experiments"][0]["cells"].as_array().unwrap() {
        let heap = &c["runs"][0]["heap"];
        let (peak, current) = (heap["peak_bytes"].as_i64().unwrap(), heap["current_bytes"].as_i64().unwrap());
        assert!(peak > 0 && peak >= current, "{}: {heap}", c["model"]);
        assert!(heap["allocations"].as_u64().unwrap() > 50, "every request allocates");
    }
}

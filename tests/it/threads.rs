//! Threads the client starts, counted exactly: the binary run under `strace -f`, every `clone`
//! and `clone3` that creates a thread in the client's process counted (the embedded API's child
//! process and its threads are not the client's). Runs that differ only in their model or their
//! request count share every other thread (the runtime's, the embedded API's supervision), so the
//! differences between them are the model's own.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

const STRACE: &str = "/usr/bin/strace";

/// Threads created by the first process of an `strace -f -o` log (and by the threads it created):
/// calls of `clone`/`clone3` with `CLONE_THREAD`, their result the new thread's id. A call strace
/// splits into `<unfinished ...>` and `<... resumed>` is joined first.
fn client_threads(log: &str) -> usize {
    let mut client: HashSet<u64> = HashSet::new();
    let mut unfinished: HashMap<u64, String> = HashMap::new();
    let mut created = 0;
    for line in log.lines() {
        let Some((tid, call)) = line.split_once(char::is_whitespace) else { continue };
        let Ok(tid) = tid.parse::<u64>() else { continue };
        if client.is_empty() {
            client.insert(tid);
        }
        let call = call.trim_start();
        let call = match call.strip_suffix("<unfinished ...>") {
            Some(start) => {
                unfinished.insert(tid, start.to_string());
                continue;
            }
            None if call.starts_with("<...") => unfinished.remove(&tid).unwrap_or_default() + call,
            None => call.to_string(),
        };
        if !(call.starts_with("clone(") || call.starts_with("clone3(")) || !call.contains("CLONE_THREAD") {
            continue;
        }
        let new = call.rsplit_once('=').and_then(|(_, ret)| ret.trim().parse::<u64>().ok());
        if let (true, Some(new)) = (client.contains(&tid), new) {
            client.insert(new);
            created += 1;
        }
    }
    created
}

/// Threads `concbench io ARGS` creates in its own process (embedded API as a child process).
fn threads_of(args: &[&str]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("strace.log");
    let out = Command::new(STRACE)
        .args(["-f", "-e", "trace=clone,clone3", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_concbench"))
        .args(["io", "--embedded", "child", "--latency", "1ms", "--runs", "1", "--quiet", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    client_threads(&std::fs::read_to_string(&log).unwrap())
}

#[test]
fn threads_n_starts_exactly_n_threads_and_no_model_one_per_request() {
    if !Path::new(STRACE).exists() {
        assert!(
            std::env::var_os("CONCBENCH_CI").is_none(),
            "{STRACE} is missing in CI: scripts/ci-prereqs.sh installs it"
        );
        eprintln!(
            "{STRACE} is missing: thread creations cannot be counted, test SKIPPED (scripts/ci-prereqs.sh installs it)"
        );
        return;
    }
    let sequential = |n: &str| threads_of(&["--models", "sequential", "--requests", n, "--sync-sample", n]);
    let (five, thirty) = (sequential("5"), sequential("30"));
    assert_eq!(five, thirty, "sequential starts no thread per request");
    let pool = threads_of(&["--models", "threads:4", "--requests", "30"]);
    assert_eq!(pool, thirty + 4, "threads:4 starts its 4 workers and nothing else");
    let event_loop = threads_of(&["--models", "async:4", "--requests", "30"]);
    assert_eq!(event_loop, thirty, "async (one event loop) starts no thread");
    eprintln!("threads created: sequential {five} (5 requests), {thirty} (30); threads:4 {pool}; async:4 {event_loop}");
}

#[test]
fn strace_logs_are_read_whole() {
    let log = [
        "100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} <unfinished ...>",
        "101 +++ exited with 0 +++",
        "100 <... clone3 resumed> => {parent_tid=[101]}, 88) = 101",
        "100 clone3({flags=CLONE_VM|CLONE_VFORK|CLONE_CLEAR_SIGHAND, exit_signal=SIGCHLD}, 88) = 200",
        "200 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 201",
        "101 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD) = 102",
    ]
    .join("\n");
    // 101 by the client, 102 by its thread 101; the child process (200) and its thread are not its.
    assert_eq!(client_threads(&log), 2);
}

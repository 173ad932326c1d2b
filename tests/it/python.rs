//! The py models for real: a real CPython interpreter, real sockets against the embedded API,
//! the environments made by concbench itself (the cache inside the build folder, so a fresh clone
//! proves the install step). Exact invariants only: the server's peak in flight is N by
//! construction (its barrier), requests seen equal requests sent, checksums, counts per type.
//!
//! The free-threaded tests look for the interpreter `.ci/run` builds (`CONCBENCH_FT_PYTHON`, else
//! `~/.cache/concbench/cpython-ft-3.13.5/bin/python3.13t`) and say why they skip without it.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use concbench::record::{Cell, CellStatus, Experiment, Report, RunRecord};

/// Where the tests' cache (the driver, the environments) lives: inside the build folder.
fn cache() -> PathBuf {
    crate::support::py_cache()
}

fn tasks_py(func: &str) -> String {
    format!("{}/tests/it/py/tasks.py:{func}", env!("CARGO_MANIFEST_DIR"))
}

fn example(func: &str) -> String {
    format!("{}/examples/py_task.py:{func}", env!("CARGO_MANIFEST_DIR"))
}

/// The free-threaded interpreter `.ci/run` builds, when there is one. Named in
/// `CONCBENCH_FT_PYTHON` (as `.ci/run` does), it must be there.
fn free_threaded() -> Option<String> {
    if let Some(path) = std::env::var("CONCBENCH_FT_PYTHON").ok().filter(|p| !p.is_empty()) {
        assert!(Path::new(&path).exists(), "CONCBENCH_FT_PYTHON={path} does not exist");
        return Some(path);
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let path = format!("{home}/.cache/concbench/cpython-ft-3.13.5/bin/python3.13t");
    if Path::new(&path).exists() {
        Some(path)
    } else {
        eprintln!("skipped: no free-threaded CPython at {path} (scripts/build-free-threaded-python.sh builds one)");
        None
    }
}

fn concbench(args: &[&str]) -> Output {
    Command::cargo_bin("concbench")
        .unwrap()
        .args(args)
        .args(["--quiet", "--format", "json"])
        .env(concbench::python::cache::CACHE_ENV, cache())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs `concbench ARGS --format json` and reads the report; `code` is the exit code expected.
fn report(args: &[&str], code: i32) -> Report {
    let out = concbench(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"))
}

/// `concbench io` against the embedded API: `models`, `requests` at `latency`, one run, `extra`.
fn io_report(models: &str, requests: &str, latency: &str, extra: &[&str], code: i32) -> Report {
    let mut args = vec!["io", "--models", models, "--requests", requests, "--latency", latency, "--runs", "1"];
    args.extend_from_slice(extra);
    report(&args, code)
}

/// `concbench task --py-task TASK` with one run and `extra`.
fn task_report(task: &str, extra: &[&str], code: i32) -> Report {
    let mut args = vec!["task", "--py-task", task, "--runs", "1"];
    args.extend_from_slice(extra);
    report(&args, code)
}

fn cells(r: &Report) -> Vec<&Cell> {
    r.experiments[0].cells()
}

fn cell<'a>(r: &'a Report, label: &str) -> &'a Cell {
    cells(r).into_iter().find(|c| c.model.to_string() == label).unwrap_or_else(|| panic!("no cell {label}"))
}

fn only_run(c: &Cell) -> &RunRecord {
    assert_eq!(c.status, CellStatus::Ok, "{}", c.label());
    &c.runs[0]
}

#[test]
fn python_draws_the_same_task_sizes_as_rust() {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/python/driver.py");
    for (seed, lo, hi) in
        [(42u64, 50_000u64, 150_000u64), (0, 1, 1000), (u64::MAX - 1, 7, 7), (12345, 0, 1_000_000_000)]
    {
        let args = ["--sizes".to_string(), seed.to_string(), lo.to_string(), hi.to_string(), "50".into()];
        let out = Command::new("python3").arg(driver).args(&args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let sizes: Vec<u64> = serde_json::from_slice(&out.stdout).unwrap();
        let spec = concbench::record::CpuSpec {
            range: concbench::record::SizeRange { lo, hi },
            seed,
            kernel: concbench::record::Kernel::Plain,
        };
        assert_eq!(sizes, (0..50).map(|i| spec.size(i)).collect::<Vec<_>>(), "seed {seed}");
    }
}

#[test]
fn every_py_cpu_model_counts_the_reference_checksum() {
    let r = report(
        &[
            "cpu",
            "--tasks",
            "8",
            "--range",
            "2000..9000",
            "--runs",
            "1",
            "--models",
            "sequential,py-sequential,py-threads:3,py-async,py-processes:2",
        ],
        0,
    );
    let Experiment::Cpu(e) = &r.experiments[0] else { panic!("a cpu experiment") };
    assert_eq!(r.environment.python.len(), 1, "the interpreter is recorded");
    assert!(r.environment.python[0].tracemalloc_slowdown.is_some_and(|x| x > 0.0));
    for c in &e.cells {
        let run = only_run(c);
        assert_eq!((run.ok, run.value_sum), (8, e.expected_checksum()), "{}", c.label());
        assert_eq!(c.interpreter.is_some(), c.model.kind.is_python(), "{}", c.label());
    }
    let pool = &only_run(cell(&r, "py-processes:2")).facts;
    let workers = &pool.processes.as_ref().expect("the pool's workers").workers;
    assert_eq!(workers.len(), 2, "{workers:?}");
    assert_eq!(workers.iter().map(|w| w.tasks).sum::<usize>(), 8);
    assert!(workers.iter().all(|w| w.usage.rss_peak_bytes.is_some_and(|b| b > 0)));
    let py = pool.python.as_ref().unwrap();
    assert_eq!(py.start_method.as_deref(), Some(r.environment.python[0].start_method.as_str()));
    assert_eq!(only_run(cell(&r, "py-threads:3")).facts.threads_started, 3);
    // The other kernels, implemented identically in Python.
    for kernel in ["odd", "sieve"] {
        let models = "sequential,py-sequential,py-processes:2";
        let args =
            ["cpu", "--tasks", "5", "--range", "1000..5000", "--runs", "1", "--kernel", kernel, "--models", models];
        let r = report(&args, 0);
        let Experiment::Cpu(e) = &r.experiments[0] else { panic!() };
        assert!(e.cells.iter().all(|c| only_run(c).value_sum == e.expected_checksum()), "{kernel}");
    }
}

#[test]
fn py_processes_work_with_every_start_method() {
    for method in ["spawn", "forkserver", "fork"] {
        let out = Command::cargo_bin("concbench")
            .unwrap()
            .args(["cpu", "--tasks", "6", "--range", "1000..3000", "--runs", "1", "--models", "py-processes:2"])
            .args(["--quiet", "--format", "json"])
            .env(concbench::python::cache::CACHE_ENV, cache())
            .env("CONCBENCH_PY_START_METHOD", method)
            .output()
            .unwrap();
        assert!(out.status.success(), "{method}: {}", String::from_utf8_lossy(&out.stderr));
        let r: Report = serde_json::from_slice(&out.stdout).unwrap();
        let Experiment::Cpu(e) = &r.experiments[0] else { panic!() };
        let run = only_run(&e.cells[0]);
        assert_eq!(run.value_sum, e.expected_checksum(), "{method}");
        assert_eq!(run.facts.python.as_ref().unwrap().start_method.as_deref(), Some(method));
        assert_eq!(run.facts.processes.as_ref().unwrap().workers.iter().map(|w| w.tasks).sum::<usize>(), 6);
    }
}

#[test]
fn py_async_holds_n_requests_at_the_server_and_it_saw_what_was_sent() {
    for (model, n) in [("py-async:8", 8), ("py-async", 40)] {
        let r = io_report(model, "40", "20ms", &["--server-barrier", &n.to_string()], 0);
        let run = only_run(cell(&r, model));
        let server = run.server.as_ref().unwrap();
        assert_eq!((run.ok, run.failed), (40, 0), "{model}");
        assert_eq!(server.peak_inflight, n, "{model}: the server held N at once");
        assert_eq!(server.requests, 40, "{model}: requests seen = requests sent");
        let py = run.facts.python.as_ref().unwrap();
        assert_eq!(py.connector_limit, Some(if model == "py-async" { 0 } else { 8 }));
        assert_eq!(run.latency_ok.unwrap().count, 40, "every request in the histogram");
    }
}

#[test]
fn py_threads_never_exceed_their_pool_and_agree_with_the_rust_clients() {
    let models = "threads:5,py-threads:5,py-sequential,py-processes:2";
    let r = io_report(models, "30", "10ms", &["--sync-sample", "4"], 0);
    let (rust, py) = (only_run(cell(&r, "threads:5")), only_run(cell(&r, "py-threads:5")));
    assert_eq!(py.value_sum, rust.value_sum, "the same bodies, byte for byte");
    assert!(py.server.as_ref().unwrap().peak_inflight <= 5);
    assert_eq!(py.facts.threads_started, 5);
    assert_eq!(only_run(cell(&r, "py-processes:2")).value_sum, rust.value_sum);
    let seq = cell(&r, "py-sequential");
    assert!(seq.is_sampled() && only_run(seq).tasks == 4, "--sync-sample applies to py-sequential");
    // With a barrier of 5, five threads are in flight at once, exactly.
    let r = io_report("py-threads:5", "20", "10ms", &["--server-barrier", "5"], 0);
    assert_eq!(only_run(cell(&r, "py-threads:5")).server.as_ref().unwrap().peak_inflight, 5);
    // Without keep-alive, requests.get's way: a new connection per call.
    let r = io_report("py-threads:4", "20", "1ms", &["--keep-alive", "off"], 0);
    assert_eq!(only_run(cell(&r, "py-threads:4")).server.as_ref().unwrap().connections_accepted, 20);
}

#[test]
fn py_clients_count_the_same_retries_and_failures_as_the_rust_ones() {
    // The embedded API's faults are seeded by request id and attempt: the same tries fail.
    let faults = ["--error-rate", "0.3", "--retries", "1", "--retry-backoff", "5ms"];
    let r = io_report("threads:4,py-threads:4,py-async", "40", "5ms", &faults, 1);
    let tally = |model: &str| {
        let run = &cell(&r, model).runs[0];
        let kinds: Vec<&String> = run.errors.keys().collect();
        ((run.ok, run.failed, run.retries, run.ok_after_retry), kinds, run.server.as_ref().unwrap().requests)
    };
    let (rust, rust_kinds, _) = tally("threads:4");
    assert!(rust.2 > 0 && rust.1 > 0, "the faults made retries and failures: {rust:?}");
    for model in ["py-threads:4", "py-async"] {
        let (py, kinds, requests) = tally(model);
        assert_eq!((py, &kinds), (rust, &rust_kinds), "{model}: the same tries failed, in the same classes");
        assert_eq!(requests, 40 + py.2, "{model}: every try reached the server");
    }
}

#[test]
fn a_user_task_that_raises_is_counted_per_exception_type() {
    let (sync, asynchronous) = (tasks_py("raises"), tasks_py("araises"));
    let models = "py-sequential,py-threads:3,py-async,py-processes:2";
    let r = task_report(&sync, &["--py-async-task", &asynchronous, "--tasks", "30", "--models", models], 1);
    assert_eq!(cells(&r).len(), 4);
    let expected: u64 = (0..30).filter(|i| i % 3 == 2).sum();
    for c in cells(&r) {
        let run = &c.runs[0];
        assert_eq!((run.ok, run.failed, run.value_sum), (10, 20, expected), "{}", c.label());
        let value_error = &run.errors["exception:ValueError"];
        assert_eq!((value_error.count, run.errors["exception:KeyError"].count), (10, 10), "{}", c.label());
        assert!(value_error.example.starts_with("ValueError: bad ") && value_error.example.contains("tasks.py:"));
    }
}

#[test]
fn task_timeout_bounds_every_call_under_every_model() {
    let (slow, aslow) = (tasks_py("slow"), tasks_py("aslow"));
    let extra = ["--py-async-task", &aslow, "--tasks", "4", "--task-timeout", "10ms", "--workers", "2"];
    let r = task_report(&slow, &extra, 1);
    assert_eq!(cells(&r).len(), 4);
    for c in cells(&r) {
        let run = &c.runs[0];
        assert_eq!((run.ok, run.errors["timeout"].count), (0, 4), "{}: {:?}", c.label(), run.errors);
    }
}

#[test]
fn py_results_validate_against_the_committed_schema() {
    let raise = tasks_py("raises");
    for args in [
        &["io", "--models", "py-async:4,py-processes:2,py-sequential", "--requests", "8", "--latency", "1ms"][..],
        &["task", "--py-task", &raise, "--tasks", "6", "--models", "py-threads:2,py-async"][..],
    ] {
        let out = concbench(&[args, &["--runs", "1"]].concat());
        let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = crate::support::schema_errors(&results);
        assert!(errors.is_empty(), "{args:?} breaks the schema: {errors:#?}");
        let cell = &results["experiments"][0]["cells"][0];
        assert!(cell["interpreter"]["version"].is_string() && results["environment"]["python"][0]["abi"].is_string());
    }
}

#[test]
fn the_protocol_survives_a_task_that_prints() {
    let noisy = tasks_py("noisy");
    let out = concbench(&[
        "task",
        "--py-task",
        &noisy,
        "--tasks",
        "10",
        "--runs",
        "1",
        "--models",
        "py-sequential,py-threads:2,py-processes:2",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let r: Report = serde_json::from_slice(&out.stdout).unwrap();
    for c in cells(&r) {
        assert_eq!((c.runs[0].ok, c.runs[0].value_sum), (10, 45), "{}", c.label());
    }
    assert!(stderr.contains("noisy task"), "what the task printed is shown: {stderr}");
}

#[test]
fn tracemalloc_peak_follows_a_task_holding_memory_and_resets_between_runs() {
    let spike = tasks_py("spike");
    let r = report(&["task", "--py-task", &spike, "--tasks", "5", "--runs", "2", "--models", "py-sequential"], 0);
    let c = cell(&r, "py-sequential");
    let peak = |k: usize| c.runs[k].measured.heap.expect("traced").peak_bytes;
    assert!(peak(0) >= 5_000_000, "the first run held 5 MB: {}", peak(0));
    assert!(peak(1) < 1_000_000, "the peak was reset between runs: {}", peak(1));
    let r = task_report(&spike, &["--tasks", "5", "--models", "py-sequential", "--py-tracemalloc", "off"], 0);
    let run = only_run(cell(&r, "py-sequential"));
    assert!(run.measured.heap.is_none() && !run.facts.python.as_ref().unwrap().tracemalloc);
}

#[test]
fn the_example_task_agrees_under_every_model_and_calls_the_embedded_api() {
    let (sync, asynchronous) = (example("fetch_and_count"), example("fetch_and_count_async"));
    let extra = ["--py-async-task", &asynchronous, "--tasks", "12", "--workers", "4", "--latency", "10ms"];
    let r = task_report(&sync, &extra, 0);
    let sums: Vec<u64> = cells(&r).iter().map(|c| only_run(c).value_sum).collect();
    assert_eq!(sums.len(), 4);
    assert!(sums.windows(2).all(|w| w[0] == w[1]) && sums[0] > 0, "{sums:?}");
    for c in cells(&r) {
        assert_eq!(only_run(c).server.as_ref().unwrap().requests, 12, "{}: every call reached the API", c.label());
    }
}

#[test]
fn a_model_lacking_the_task_flavour_is_skipped_with_its_reason() {
    let r = task_report(&tasks_py("ident"), &["--tasks", "4"], 0);
    let labels: Vec<String> = cells(&r).iter().map(|c| c.label()).collect();
    assert!(!labels.iter().any(|l| l.starts_with("py-async")), "{labels:?}");
    let python = r.experiments[0].python().unwrap();
    assert_eq!(python.skipped.len(), 1);
    assert!(python.skipped[0].reason.contains("--py-async-task"), "{:?}", python.skipped);
    // An async def alone runs under py-async and, awaited in turn, py-sequential.
    let r = task_report(&tasks_py("araises"), &["--tasks", "3", "--models", "py-sequential,py-async"], 1);
    assert!(cells(&r).iter().all(|c| c.runs[0].ok == 1 && c.runs[0].value_sum == 2));
}

/// Runs `concbench ARGS` with the cache at `cache` and checks it was refused before any work.
fn refused_with_cache(args: &[&str], cache: &Path, needle: &str) {
    let cwd = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("concbench")
        .unwrap()
        .current_dir(cwd.path())
        .args(args)
        .env(concbench::python::cache::CACHE_ENV, cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    assert!(out.stdout.is_empty() && std::fs::read_dir(cwd.path()).unwrap().next().is_none());
}

#[test]
fn a_missing_interpreter_or_environment_is_refused_before_any_work() {
    let empty = tempfile::tempdir().unwrap();
    refused_with_cache(
        &["cpu", "--models", "py-sequential", "--python", "/nonexistent"],
        empty.path(),
        "no such interpreter",
    );
    refused_with_cache(
        &["io", "--models", "async,py-async", "--no-install", "--requests", "5"],
        empty.path(),
        "--no-install forbids making one: run `concbench python setup --python python3`",
    );
    assert!(!empty.path().join("venvs").exists(), "nothing was installed");
}

#[test]
fn python_setup_makes_the_environment_a_run_then_finds() {
    let out = Command::cargo_bin("concbench")
        .unwrap()
        .args(["python", "setup"])
        .env(concbench::python::cache::CACHE_ENV, cache())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("aiohttp 3.") && stdout.contains("requests 2."), "{stdout}");
    let r = report(
        &["io", "--models", "py-async:2", "--requests", "4", "--latency", "1ms", "--no-install", "--runs", "1"],
        0,
    );
    let venv = r.environment.python[0].venv.as_deref().expect("the environment is recorded");
    assert!(venv.starts_with(cache().to_str().unwrap()), "{venv}");
}

#[test]
fn ctrl_c_stops_the_driver_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, pid_file) = (tmp.path().join("report"), tmp.path().join("task.pid"));
    let slow = tasks_py("slow");
    let mut child = Command::cargo_bin("concbench")
        .unwrap()
        .args(["task", "--py-task", &slow, "--tasks", "20", "--runs", "50", "--models", "py-sequential", "--quiet"])
        .arg("--out")
        .arg(&out)
        .env(concbench::python::cache::CACHE_ENV, cache())
        .env("TASK_PID_FILE", &pid_file)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !out.join("results.json").exists() {
        assert!(Instant::now() < deadline, "no run finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Ctrl-C as a terminal sends it: to concbench's whole process group (the driver has its own).
    let pgid = child.id() as libc::pid_t;
    // SAFETY: signalling the process group of the child this test started.
    assert_eq!(unsafe { libc::kill(-pgid, libc::SIGINT) }, 0);
    let sent = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(sent.elapsed() < Duration::from_secs(15), "no exit within 15 s of Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let driver = std::fs::read_to_string(&pid_file).unwrap();
    let gone = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{}", driver.trim())).exists() {
        assert!(Instant::now() < gone, "the driver {driver} outlived concbench");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_free_threaded_build_runs_threads_without_the_gil() {
    let Some(ft) = free_threaded() else { return };
    let pythons = format!("python3,{ft}");
    let models = "py-sequential,py-threads:2";
    let args =
        ["cpu", "--tasks", "4", "--range", "5000..9000", "--runs", "1", "--models", models, "--python", &pythons];
    let r = report(&args, 0);
    let labels: Vec<String> = cells(&r).iter().map(|c| c.label()).collect();
    assert_eq!(labels.len(), 4, "each py model once per interpreter: {labels:?}");
    assert!(labels.iter().any(|l| l.starts_with("py-threads:2 [3.13.5t, no GIL]")), "{labels:?}");
    let sums: Vec<u64> = cells(&r).iter().map(|c| only_run(c).value_sum).collect();
    assert!(sums.windows(2).all(|w| w[0] == w[1]));
    for c in cells(&r).into_iter().filter(|c| c.interpreter.as_ref().is_some_and(|i| !i.gil)) {
        assert!(!only_run(c).facts.python.as_ref().unwrap().gil_enabled, "{}", c.label());
    }
    // aiohttp and requests install on it, and leave its GIL off.
    let r = io_report("py-async:4,py-threads:4", "16", "10ms", &["--server-barrier", "4", "--python", &ft], 0);
    assert!(!r.environment.python[0].gil_enabled && r.environment.python[0].free_threaded_build);
    for c in cells(&r) {
        assert_eq!(only_run(c).server.as_ref().unwrap().peak_inflight, 4, "{}", c.label());
    }
}

/// `py-async:N` bounds a user's task as it bounds HTTP: at most N calls at once (the task has no
/// connector, so a semaphore does), and the API the calls reach sees exactly N held together.
#[test]
fn py_async_n_runs_at_most_n_calls_of_a_user_task_at_once() {
    let asynchronous = example("fetch_and_count_async");
    let extra = ["--tasks", "12", "--models", "py-async:3", "--latency", "10ms", "--server-barrier", "3"];
    let r = task_report(&asynchronous, &extra, 0);
    let run = only_run(cell(&r, "py-async:3"));
    assert_eq!((run.ok, run.failed), (12, 0));
    assert_eq!(run.server.as_ref().unwrap().peak_inflight, 3, "the API held 3 calls at once, never more");
}

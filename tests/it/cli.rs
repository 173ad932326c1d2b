//! The binary as a user meets it: bad input gives one clear line and exit code 2, before any work
//! and without output files; a normal run prints its tables and writes its files.

use std::process::Command;

use assert_cmd::prelude::*;

fn concbench() -> Command {
    Command::cargo_bin("concbench").unwrap()
}

/// Runs `concbench ARGS` in an empty folder and checks: exit 2, one line on stderr mentioning
/// `needle`, nothing on stdout, no file written.
fn refused(args: &[&str], needle: &str) {
    if let Err(e) = check_refused(args, needle) {
        panic!("{e}");
    }
}

fn check_refused(args: &[&str], needle: &str) -> Result<(), String> {
    let cwd = tempfile::tempdir().unwrap();
    let out = concbench().current_dir(cwd.path()).args(args).output().unwrap();
    let written: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problem = if !written.is_empty() {
        format!("wrote {written:?}")
    } else if out.status.code() != Some(2) {
        format!("exit {:?}: {stderr}", out.status.code())
    } else if stderr.trim_end().lines().count() != 1 {
        format!("not one line: {stderr}")
    } else if !stderr.contains(needle) {
        format!("expected {needle:?} in {stderr:?}")
    } else if !out.stdout.is_empty() {
        format!("printed {:?}", String::from_utf8_lossy(&out.stdout))
    } else if stderr.contains("panicked") {
        format!("panicked: {stderr}")
    } else {
        return Ok(());
    };
    Err(format!("{args:?}: {problem}"))
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
        (&["io", "--ok-status", "2xx,"], "empty item"),
        (&["io", "--ok-status", "20x"], "not a status code"),
        (&["io", "--ok-status", "399-300"], "reversed"),
        (&["scale", "--ok-status", "1000"], "--ok-status"),
        (&["io", "--lang", "fr"], "--lang"),
        (&["serve", "--port", "70000"], "--port"),
        (&["io", "--no-such-flag"], "--no-such-flag"),
        (&["scale", "--workers", ""], "not a whole number"),
        (&["scale", "--workers", "0,4"], "--workers must be at least 1"),
        (&["scale", "--workers", "4,8,4"], "lists 4 twice"),
        (&["scale", "--workers", "four"], "not a whole number"),
        (&["scale", "--model", "sequential"], "no N to sweep"),
        (&["scale", "--model", "fibers"], "unknown model"),
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
        // Hostile values, option by option.
        (&["io", "--requests", ""], "not a whole number"),
        (&["io", "--requests", "２００"], "not a whole number"),
        (&["io", "--requests", "1.5"], "not a whole number"),
        (&["io", "--workers", "-3"], "'-3'"),
        (&["io", "--workers", "1000001"], "at most"),
        (&["io", "--sync-sample", "x"], "not a whole number"),
        (&["io", "--timeout", "99999999999h"], "too long"),
        (&["io", "--timeout", ""], "no unit"),
        (&["io", "--timeout", "1e9s"], "unknown unit"),
        (&["io", "--connect-timeout", "-1s"], "'-1s': a duration cannot be negative"),
        (&["io", "--latency", ""], "accepted:"),
        (&["io", "--latency", "normal:100ms"], "MEAN,STDDEV"),
        (&["io", "--latency", "lognormal:100ms,9"], "sigma"),
        (&["io", "--latency", "fixed:🙂"], "accepted:"),
        (&["io", "--url", ""], "--url"),
        (&["io", "--url", "http://"], "--url"),
        (&["io", "--url", "javascript:alert(1)"], "scheme"),
        (&["io", "--url", "http://127.0.0.1:99999/x"], "--url"),
        (&["io", "--url", "http://127.0.0.1:9/x", "--error-rate", "0.1"], "cannot be used with"),
        (&["io", "--server-max-inflight", "0"], "at least 1"),
        (&["io", "--seed", "-1"], "'-1'"),
        (&["io", "--seed", "18446744073709551616"], "--seed"),
        (&["io", "--error-rate", "1.5"], "share from 0 to 1"),
        (&["io", "--error-rate", "NaN"], "not a share"),
        (&["io", "--error-rate", "0.6", "--stall-rate", "0.6"], "more than 1"),
        (&["io", "--rate-limit", "fast"], "not a rate"),
        (&["io", "--rate-limit", "0/s"], "above 0"),
        (&["io", "--close-after", "0"], "at least 1"),
        (&["io", "--retries", "1000"], "at most"),
        (&["io", "--retry-backoff", "soon"], "--retry-backoff"),
        (&["io", "--interp-cost", "2 ms"], "--interp-cost"),
        (&["io", "--runs", "0"], "--runs must be at least 1"),
        (&["io", "--runs", "5000"], "at most"),
        (&["io", "--models", "threads:1,threads:1"], "twice"),
        (&["io", "--models", "threads:ten"], "not a whole number"),
        (&["io", "--models", "async:0"], "at least 1"),
        (&["io", "--models", "threads::4"], "not a whole number"),
        (&["io", "-H", ":"], "header"),
        (&["io", "-H", "X-Key: a\u{7}b"], "header"),
        (&["scale", "--workers", "1,,2"], "not a whole number"),
        (&["scale", "--knee-gain", "-10%"], "--knee-gain must be a share from 0"),
        (&["cpu", "--range", "..5000"], "not a whole number"),
        (&["cpu", "--range", "5000.."], "not a whole number"),
        (&["cpu", "--tasks", "2000000"], "more than"),
        (&["cpu", "--seed", "x"], "--seed"),
        (&["suite", "--size", "huge"], "--size"),
        (&["io", "--segment", "3/2", "--out", "d"], "numbered from 0 to 1"),
        (&["io", "--segment", "0/0", "--out", "d"], "from 1 to"),
        (&["cpu", "--segment", "auto", "--out", "d"], "no launcher's rank"),
        (&["cpu", "--segment", "1/2"], "give --out DIR"),
        (&["io", "--segment", "0/2", "--out", "d"], "--sync-sample"),
        (&["cpu", "--segments", "3", "--out", "d"], "--segment auto"),
        (&["cpu", "--segment", "1/2", "--segments", "3", "--out", "d"], "--segments says 3"),
        (&["cpu", "--start-at", "2001-01-01T00:00:00Z"], "has passed"),
        (&["cpu", "--start-at", "soon"], "--start-at"),
        (&["cpu", "--run-slot", "1s"], "--start-at"),
        (&["run", "nothing.json", "--segment", "0/2", "--out", "d"], "nothing.json"),
        (&["plan", "cpu", "--segment", "0/2", "--out", "p.json"], "every segment"),
        (&["plan", "cpu"], "--out plan.json"),
        (&["merge", "nowhere", "--out", "m"], "nowhere"),
        (&["suite", "--sections", "gpu"], "--sections"),
        (&["suite", "--format", "pdf"], "--format"),
        (&["suite", "--format", "text"], "no file format"),
        (&["suite", "--runs", "0"], "--runs must be at least 1"),
        (&["serve", "--port", "-1"], "'-1'"),
        (&["serve", "--port", "http"], "--port"),
        (&["serve", "--bind", "localhost"], "--bind"),
        (&["serve", "--bind", "999.1.1.1"], "--bind"),
        (&["serve", "--threads", "0"], "at least 1"),
        (&["serve", "--error-rate", "2"], "share"),
        (&["compare", "only-one.json"], "required"),
        (&["compare", "a.json", "b.json", "--fail-on-regression", "-5"], "'-5'"),
        (&["compare", "a.json", "b.json", "--format", "html"], "possible values: text, md"),
        (&["report", "missing.json"], "cannot read"),
        (&["io", "--request", "10"], "did you mean '--requests'"),
        (&["io", "--prewarm", "--keep-alive", "off"], "needs --keep-alive on"),
        (&["scale", "--no-baseline", "--baseline", "threads:3"], "cannot be used with"),
        (&["scale", "--knee-gain", "1"], "not including, 1"),
        // Values a shell passes whole that would once cut the message or be taken for flags.
        (&["io", "--timeout", "-1s"], "'-1s': a duration cannot be negative"),
        (&["io", "--latency", "-5ms"], "cannot be negative"),
        (&["io", "--retry-backoff", "-100ms"], "cannot be negative"),
        (&["io", "--requests", "-5k"], "'-5k' is not a whole number"),
        (&["io", "--error-rate", "-0.1"], "'-0.1' must be a share from 0 to 1"),
        (&["io", "-H", "X: a\r\nInjected: 1"], "holds a line break (CR)"),
        (&["io", "-H", "X: a\nInjected: 1"], "holds a line break (LF)"),
        (&["io", "--url", "http://a b/{i}"], "holds a space at byte 8"),
        (&["io", "--url", "http://a/\r\n{i}"], "no spaces or control characters"),
        (&["io", "--url", "http://127.0.0.1:8/x y"], "percent-encode"),
        // The report folder is checked before any work: writable, and no file of the user's in it.
        (&["io", "--out", "/proc/self/concbench-out"], "cannot write in /proc/self"),
        (&["suite", "--out", "/proc/self/concbench-out"], "cannot write in /proc/self"),
        (&["serve", "--admin-token-file", "no-such-file"], "--admin-token-file no-such-file"),
        (&["io", "--min-success", "0"], "--min-success must be a share above 0 and at most 100%"),
        (&["cpu", "--min-success", "150%"], "--min-success must be a share above 0 and at most 100%"),
        (&["scale", "--min-success", "most"], "not a share"),
        // The py models: interpreters, the user's task, options that mean nothing to them.
        (&["cpu", "--models", "py-sequential", "--python", "/nonexistent"], "no such interpreter"),
        (&["cpu", "--models", "py-sequential", "--python", "/bin/sh"], "could not run concbench's driver"),
        (&["cpu", "--models", "py-sequential", "--python", "python3,python3"], "names python3 twice"),
        (&["io", "--models", "py-async", "--interp-cost", "2ms"], "--interp-cost"),
        (&["io", "--models", "py-threads:4", "--prewarm"], "--prewarm has no meaning for py-threads:4"),
        (&["scale", "--model", "py-threads", "--workers", "1,2", "--python", "python3,python4"], "one --python"),
        (&["task"], "task needs --py-task"),
        (&["task", "--py-task", "/nonexistent/task.py:f"], "no such file"),
        (&["task", "--py-task", "no_such_module_xyz:f"], "no module named no_such_module_xyz"),
        (
            &["task", "--py-task", concat!(env!("CARGO_MANIFEST_DIR"), "/examples/py_task.py:nope")],
            "defines no function nope",
        ),
        (&["scale", "--py-async-task", "x.py:f"], "give --py-task too"),
        (
            &[
                "task",
                "--py-task",
                concat!(env!("CARGO_MANIFEST_DIR"), "/examples/py_task.py:fetch_and_count"),
                "--models",
                "threads",
            ],
            "cannot run a Python function",
        ),
        (
            &[
                "task",
                "--py-task",
                concat!(env!("CARGO_MANIFEST_DIR"), "/examples/py_task.py:fetch_and_count"),
                "--py-async-task",
                concat!(env!("CARGO_MANIFEST_DIR"), "/examples/py_task.py:count_primes"),
            ],
            "must be an async def",
        ),
        (&["task", "--py-task", "x.py:f", "--task-timeout", "0"], "--task-timeout must be above zero"),
        (&["io", "--models", "py-async", "--body", "x"], "py-async sends GETs of one URL template"),
        // Requests shaped like the user's: methods, bodies, URL files.
        (&["io", "--method", "HEAD"], "unknown method 'HEAD' (accepted: GET, POST, PUT, PATCH, DELETE)"),
        (&["io", "--method", "GET", "--body", "x"], "--method GET carries no body"),
        (&["io", "--body", "x", "--retries", "2"], "--retries cannot be used with --body"),
        (&["io", "--body", "x", "--body-file", "b.json"], "cannot be used with"),
        (&["io", "--body-file", "/nonexistent/body.json"], "--body-file /nonexistent/body.json: No such file"),
        (&["io", "--urls-file", "/nonexistent/urls.txt"], "--urls-file /nonexistent/urls.txt: No such file"),
        (&["io", "--urls-file", "/dev/null"], "--urls-file /dev/null: holds no URL"),
        (&["scale", "--urls-file", "/proc/self/status"], "--urls-file /proc/self/status: line 1:"),
        // The open model: a rate, a length, and what it cannot be combined with.
        (&["io", "--rate", "0"], "--rate 0: '0/s': the rate must be above 0"),
        (&["io", "--rate", "-5/s"], "--rate -5/s: '-5/s': the rate must be above 0"),
        (&["io", "--rate", "fast"], "--rate fast"),
        (&["io", "--rate", "100/h"], "unknown unit 'h'"),
        (&["io", "--rate", "100"], "--rate 100/s needs a length: --duration (e.g. 10s) or an explicit --requests"),
        (
            &["io", "--rate", "2/s", "--duration", "100ms"],
            "--duration 100ms at --rate 2/s is too short for one request",
        ),
        (&["io", "--rate", "100", "--duration", "1s", "--requests", "50"], "not both"),
        (
            &["io", "--rate", "100", "--duration", "1s", "--sync-sample", "20"],
            "--sync-sample 20 estimates a closed loop",
        ),
        (&["io", "--duration", "1s"], "--duration and --max-queue shape an open model: give --rate too"),
        (&["io", "--max-queue", "10"], "give --rate too"),
        (&["io", "--rate", "100", "--duration", "1s", "--max-queue", "0"], "--max-queue must be at least 1"),
        (&["io", "--rate", "100", "--duration", "1s", "--arrivals", "bursty"], "--arrivals"),
        (
            &["io", "--rate", "10000000/s", "--requests", "1000000", "--latency", "1s", "--models", "async"],
            "keeps about 1000000 requests in flight (Little's law: rate × latency), which needs",
        ),
        (
            &["io", "--rate", "100", "--duration", "1s", "--models", "py-async"],
            "--rate: py-async runs closed loops only",
        ),
        (&["cpu", "--rate", "100/s"], "--rate 100/s: cpu tasks are all there at the start"),
        // A capacity sweep.
        (&["scale", "--rates", "100,200", "--models", "async", "--workers", "4"], "--workers sweeps N; --rates sweeps"),
        (&["scale", "--rates", "100,200", "--models", "async", "--model", "threads"], "--model sweeps one model's N"),
        (&["scale", "--rates", "100,200", "--models", "async", "--baseline", "threads:2"], "has no --baseline"),
        (&["scale", "--rates", "100,200", "--duration", "1s"], "--rates loads --models"),
        (&["scale", "--rates", "100,200", "--models", "threads:2"], "--rate 100/s needs a length"),
        (&["scale", "--rates", "100,0", "--models", "async", "--duration", "1s"], "'0/s': the rate must be above 0"),
        (&["scale", "--rates", "100,100/s", "--models", "async", "--duration", "1s"], "--rates lists 100/s twice"),
        (
            &["scale", "--rates", "1,100", "--models", "async", "--duration", "500ms"],
            "--duration 500ms at --rate 1/s is too short",
        ),
        (&["scale", "--rates", "100", "--models", "py-async", "--duration", "1s"], "py-async runs closed loops only"),
        (
            &["scale", "--rates", "100", "--models", "async", "--duration", "1s", "--slo", "0"],
            "--slo must be above zero",
        ),
        // A capacity sweep is never split into segments (nor planned for them).
        (
            &["scale", "--rates", "100,200", "--models", "async", "--duration", "1s", "--segment", "0/2", "--out", "d"],
            "a capacity sweep (scale --rates) cannot be split into segments",
        ),
        (&["scale", "--rates", "100", "--models", "async", "--segment", "auto", "--segments", "2"], "cannot be split"),
        (&["scale", "--rates", "100", "--models", "async", "--duration", "1s", "--start-at", "+10s"], "is never split"),
        (
            &["plan", "scale", "--rates", "100", "--models", "async", "--duration", "1s", "--out", "p.json"],
            "so it has no plan file",
        ),
        (&["io", "--models", "async", "--segment", "0/2", "--start-at", "+30s", "--out", "d"], "a relative --start-at"),
        (&["suite", "--segment", "0/2"], "give --out DIR"),
        (&["scale", "--models", "async"], "give --rates too"),
        (&["scale", "--slo", "100ms"], "give --rates too"),
        (&["scale", "--duration", "1s"], "give --rate too"),
    ];
    let mut cases = cases.to_vec();
    // Thread counts past the machine's limit (it grows with memory, so only where it is below).
    let threads: &[(&[&str], &str)] = &[
        (&["io", "--requests", "900k", "--models", "threads:900k"], "allows at most"),
        (&["scale", "--requests", "900k", "--workers", "1,900k"], "allows at most"),
    ];
    if concbench::env::thread_limit().is_some_and(|(limit, _)| limit < 900_000) {
        cases.extend_from_slice(threads);
    }
    let failures: Vec<String> = cases.iter().filter_map(|(args, needle)| check_refused(args, needle).err()).collect();
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
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

/// Every file the folder will hold is checked, charts included, before any work; a folder that
/// is a file, or lies under one, is refused; and the probe for writing leaves nothing behind.
#[test]
fn the_report_folder_is_checked_whole_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("io-time.svg"), "<svg>mine</svg>").unwrap();
    refused(&["io", "--out", dir.path().to_str().unwrap()], "already holds io-time.svg");
    refused(&["suite", "--out", dir.path().to_str().unwrap(), "--format", "md"], "already holds io-time.svg");
    assert_eq!(std::fs::read_to_string(dir.path().join("io-time.svg")).unwrap(), "<svg>mine</svg>");
    // JSON and CSV show no charts: the user's chart is no clash for them.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    refused(&["io", "--out", file.to_str().unwrap()], "exists and is not a folder");
    refused(&["io", "--out", file.join("sub").to_str().unwrap()], "is not a folder");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "the probe left nothing: {names:?}");
    let empty = dir.path().join("empty-token");
    std::fs::write(&empty, "  \n").unwrap();
    refused(&["serve", "--admin-token-file", empty.to_str().unwrap()], "one word of printable ASCII");
}

/// `report` and `compare` check what they load: a file concbench did not write (or that was
/// edited to claim more successes than tasks) is refused, naming the first broken invariant.
#[test]
fn doctored_results_are_refused_naming_what_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let mut json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/golden/io.en.json")).unwrap(),
    )
    .unwrap();
    json["experiments"][0]["cells"][0]["runs"][0]["ok"] = 1_000_000.into();
    let doctored = dir.path().join("doctored.json");
    std::fs::write(&doctored, serde_json::to_vec(&json).unwrap()).unwrap();
    let path = doctored.to_str().unwrap();
    refused(&["report", path], "cell async: runs[0]: ok 1000000 + failed 0 is not the 200 tasks it ran");
    refused(&["compare", path, path], "is not the 200 tasks it ran");
}

/// A CI gate that compares nothing passes nothing: `--fail-on-regression` with no model judged
/// (different set-ups, too few runs, nothing in common) is exit 2, not a silent 0.
#[test]
fn a_regression_gate_with_nothing_to_compare_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let golden = |name: &str| format!("{}/tests/it/golden/{name}.en.json", env!("CARGO_MANIFEST_DIR"));
    let out = concbench()
        .current_dir(dir.path())
        .args(["compare", &golden("io"), &golden("cpu"), "--fail-on-regression", "10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing to compare") && stderr.lines().count() == 1, "{stderr}");
    let plain = concbench().args(["compare", &golden("io"), &golden("cpu")]).output().unwrap();
    assert_eq!(plain.status.code(), Some(0), "without the gate, showing nothing in common is no error");
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
    assert_eq!(json["schema_version"], 2);
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

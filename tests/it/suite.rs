//! The whole report in one command: the folder it writes, the HTML page, the schema, and
//! re-rendering saved results byte for byte; CPython's rows beside Rust's by default, their
//! environment installed on first use, and left out with the reason when they cannot run.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

fn concbench() -> Command {
    let mut cmd = Command::cargo_bin("concbench").unwrap();
    cmd.env(concbench::python::cache::CACHE_ENV, crate::support::py_cache());
    cmd
}

/// Runs the smoke-sized suite into `dir` and returns its stdout.
fn smoke_suite(dir: &Path, extra: &[&str]) -> String {
    let out = concbench()
        .args(["suite", "--size", "smoke", "--runs", "2", "--quiet", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// One default smoke suite shared by the tests that read its folder (the run takes seconds).
fn default_suite() -> &'static (tempfile::TempDir, String) {
    static RUN: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let stdout = smoke_suite(&tmp.path().join("report"), &[]);
        (tmp, stdout)
    })
}

const CHARTS: [&str; 6] =
    ["io-time.svg", "io-memory.svg", "io-latency.svg", "scale-time.svg", "scale-time-py.svg", "cpu-speedup.svg"];

#[test]
fn the_suite_writes_a_complete_report_folder() {
    let (tmp, stdout) = default_suite();
    let dir = tmp.path().join("report");
    for needle in ["concbench io", "concbench scale", "concbench cpu", "[1]", "[2]", "Bottleneck", "Check"] {
        assert!(stdout.contains(needle), "the terminal summary lacks {needle:?}:\n{stdout}");
    }
    for file in ["report.md", "report.html", "results.json", "results.csv"].iter().chain(CHARTS.iter()) {
        assert!(dir.join(file).is_file(), "missing {file}");
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for heading in [
        "# Async vs sync API calls",
        "# Async vs multithread API calls",
        "# Thread worker count vs performance",
        "# Multithread vs multiprocess, CPU-bound",
        "# Why sync beat multithread (under a GIL)",
    ]
    .iter()
    .filter(|h| !h.starts_with("# Why") || md.contains("slower!"))
    {
        assert!(md.contains(heading), "report.md lacks {heading}");
    }
    for chart in CHARTS {
        assert!(md.contains(&format!("]({chart})")), "report.md does not show {chart}");
    }
    let csv = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let rows = csv.lines().count() - 1;
    // io: 3 Rust + 3 CPython models, scale: baseline + 2 points twice (Rust, CPython), cpu: 4 + 3
    // models; 2 runs each.
    assert_eq!(rows, (6 + 3 + 3 + 7) * 2, "{csv}");
    for heading in [
        "🚀 **Async (aiohttp) is about",
        "# CPython thread worker count vs performance",
        "## The lock: emulated, real and none (the same tasks)",
        "## CPython interpreters",
    ] {
        assert!(md.contains(heading), "report.md lacks {heading}");
    }
}

#[test]
fn the_html_is_one_self_contained_page_with_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    smoke_suite(&dir, &["--sections", "io,scale", "--format", "html"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("the page parses");
    let parser = dom.parser();
    let count = |tag: &str| dom.query_selector(tag).map_or(0, |q| q.count());
    assert_eq!(count("svg"), 5, "io-time, io-memory, io-latency, scale-time, scale-time-py, inline");
    assert_eq!(count("figure"), 5);
    assert_eq!(count("script") + count("link") + count("img") + count("iframe"), 0, "nothing is loaded from elsewhere");
    for node in dom.nodes() {
        if let Some(tag) = node.as_tag() {
            for attr in ["src", "href"] {
                if let Some(Some(v)) = tag.attributes().get(attr) {
                    let v = v.as_utf8_str();
                    assert!(!v.contains("://") && !v.starts_with("//"), "{attr}={v} points outside the file");
                }
            }
        }
    }
    let title = dom.query_selector("title").and_then(|mut q| q.next()).unwrap();
    assert!(title.get(parser).unwrap().inner_text(parser).contains("concbench"));
    assert!(html.contains("name=\"viewport\""), "readable on a phone");
    // Every chart has labelled axes with units.
    for svg_file in ["io-time.svg", "scale-time.svg"] {
        let svg = std::fs::read_to_string(dir.join(svg_file)).unwrap();
        assert!(svg.contains("time (s)"), "{svg_file} has a labelled time axis");
    }
}

#[test]
fn the_json_validates_against_the_committed_schema() {
    let dir = default_suite().0.path().join("report");
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap();
    let errors = crate::support::schema_errors(&results);
    assert!(errors.is_empty(), "results.json breaks the schema: {errors:#?}");
    let validator = crate::support::schema_validator();
    assert_eq!(results["complete"], true);
    let kinds: Vec<&str> =
        results["experiments"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["io", "scale", "scale", "cpu"]);
    // The schema rejects what is not a concbench result.
    assert!(!validator.is_valid(&serde_json::json!({"schema_version": 2})));
}

#[test]
fn saved_results_re_render_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    smoke_suite(&dir, &["--lang", "ko"]);
    let results = dir.join("results.json");
    for (format, file) in
        [("html", "report.html"), ("md", "report.md"), ("csv", "results.csv"), ("json", "results.json")]
    {
        let out = concbench().args(["report", "--lang", "ko", "--format", format]).arg(&results).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let written = std::fs::read(dir.join(file)).unwrap();
        assert!(out.stdout == written, "`report --format {format}` differs from the {file} the suite wrote");
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("# 비동기 vs 동기 API 호출 성능 비교")
            && md.contains("# 멀티스레드 vs 멀티프로세스 CPU 바운드 성능 비교")
    );
    // Re-rendered into a folder, in English this time.
    let again = tmp.path().join("again");
    let out = concbench().args(["report", "--format", "md,html", "--out"]).arg(&again).arg(&results).output().unwrap();
    assert!(out.status.success());
    assert!(std::fs::read_to_string(again.join("report.md")).unwrap().contains("# Async vs sync API calls"));
    assert!(again.join("io-time.svg").is_file());
}

#[test]
fn report_refuses_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = concbench().args(["report"]).arg(tmp.path().join("nope.json")).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&missing.stderr).lines().count(), 1);
    let junk = tmp.path().join("x.json");
    std::fs::write(&junk, "{\"schema_version\": 1}").unwrap();
    let bad = concbench().args(["report"]).arg(&junk).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
    let several = concbench().args(["report", "--format", "md,html"]).arg(&junk).output().unwrap();
    assert_eq!(several.status.code(), Some(2));
}

/// Runs `concbench suite ARGS` with the CPython cache at `cache` and `path` as PATH (when given),
/// and returns its exit code, stdout, stderr and report.md.
fn suite_with(cache: &Path, path: Option<&Path>, args: &[&str]) -> (Option<i32>, String, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let mut cmd = concbench();
    cmd.env(concbench::python::cache::CACHE_ENV, cache);
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd.args(["suite", "--size", "smoke", "--runs", "1", "--quiet", "--out"]).arg(&dir).args(args).output();
    let out = out.unwrap();
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap_or_default();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr), md)
}

/// On a machine without its environment yet, the suite makes it (aiohttp and requests, pinned
/// and hashed, into the cache) with a progress line, then runs CPython's rows: how CI proves the
/// install.
#[test]
fn the_first_suite_installs_the_py_environment_with_a_progress_line() {
    let fresh = tempfile::tempdir().unwrap();
    let (code, stdout, stderr, md) = suite_with(fresh.path(), None, &["--sections", "io"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("python: installing aiohttp and requests for python3"), "{stderr}");
    assert!(stdout.contains("py-async [") && md.contains("Async, asyncio + aiohttp (20)"), "{stdout}");
    assert!(fresh.path().join("venvs").is_dir());
}

/// `--no-install` leaves the I/O sections' CPython rows out, with the reason in the report and on
/// the terminal; the CPU rows need only the standard library and run.
#[test]
fn no_install_leaves_the_py_io_rows_out_with_the_reason() {
    let empty = tempfile::tempdir().unwrap();
    let (code, stdout, stderr, md) = suite_with(empty.path(), None, &["--no-install"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("py-async ["), "{stdout}");
    assert!(md.contains("**Not run:** `py-async, py-sequential, py-threads:5`: python3"), "{md}");
    assert!(md.contains("--no-install forbids making one"), "{md}");
    assert!(md.contains("**Not run:** `py-threads:[2, 4] (baseline py-async)`"), "{md}");
    assert!(stdout.contains("Not run: py-async, py-sequential, py-threads:5"), "{stdout}");
    assert!(stdout.contains("py-threads:2 [") && md.contains("## The lock: emulated, real and none"), "{stdout}");
    assert!(!empty.path().join("venvs").exists(), "nothing was installed");
}

/// Without python3, the suite runs the Rust rows and says why CPython's are missing; an
/// interpreter named with --python must be there.
#[test]
fn without_python_the_suite_says_why_and_a_named_one_is_required() {
    let no_path = tempfile::tempdir().unwrap();
    let (code, stdout, stderr, md) = suite_with(&crate::support::py_cache(), Some(no_path.path()), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(md.contains("--python python3: no such interpreter"), "{md}");
    assert!(md.contains("- **Tasks:** 8\n"), "the CPU section as Rust alone runs it: {md}");
    assert!(!md.contains("# CPython thread worker count"), "{md}");
    let (code, _, stderr, _) = suite_with(&crate::support::py_cache(), None, &["--python", "/nonexistent/python3"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--python /nonexistent/python3: no such interpreter"), "{stderr}");
}

/// The quick suite gives every model of sections 4 and 5 the same smaller task set when CPython's
/// rows are beside Rust's, and says so; `--size source` the source's 100; its CPU rows run
/// untraced unless told otherwise, its I/O rows traced.
#[test]
fn the_quick_suite_shares_a_smaller_cpu_task_set_and_says_so() {
    use clap::Parser;
    let args = |args: &[&str]| {
        // The CPU section only: it needs no environment, so nothing is made outside the test cache.
        let argv = [&["concbench", "suite", "--sections", "cpu"][..], args].concat();
        let Some(concbench::cli::Command::Suite(s)) = concbench::cli::Cli::try_parse_from(argv).unwrap().command else {
            unreachable!()
        };
        s
    };
    let plan = |a: &[&str]| concbench::plan::SuitePlan::from_args(&args(a)).unwrap();
    let python = which_python3();
    let quick = plan(&["--python", &python]);
    let cpu = &quick.cpu.as_ref().unwrap().settings;
    assert_eq!((cpu.tasks, cpu.source_tasks), (concbench::plan::QUICK_SHARED_TASKS as usize, Some(100)));
    assert!(cpu.models.iter().any(|m| m.kind.is_python()) && !cpu.python.as_ref().unwrap().tracemalloc);
    let on = concbench::cli::OnOff::On;
    assert_eq!(args(&[]).python_args(false).py_tracemalloc, on, "sections 1-3 traced, as the source");
    let source = plan(&["--python", &python, "--size", "source"]);
    let cpu = &source.cpu.as_ref().unwrap().settings;
    assert_eq!((cpu.tasks, cpu.source_tasks), (100, None));
    let traced = plan(&["--python", &python, "--py-tracemalloc", "on"]);
    assert!(traced.cpu.as_ref().unwrap().settings.python.as_ref().unwrap().tracemalloc);
}

/// python3's real path (the plan runs in this process, with this PATH).
fn which_python3() -> String {
    let out = Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

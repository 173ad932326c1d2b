//! The whole report in one command: the folder it writes, the HTML page, the schema, and
//! re-rendering saved results byte for byte.

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

fn concbench() -> Command {
    Command::cargo_bin("concbench").unwrap()
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

const CHARTS: [&str; 5] = ["io-time.svg", "io-memory.svg", "io-latency.svg", "scale-time.svg", "cpu-speedup.svg"];

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
    // io: 3 models, scale: baseline + 2 points, cpu: 4 models; 2 runs each.
    assert_eq!(rows, (3 + 3 + 4) * 2, "{csv}");
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
    assert_eq!(count("svg"), 4, "io-time, io-memory, io-latency, scale-time, inline");
    assert_eq!(count("figure"), 4);
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
    assert_eq!(kinds, ["io", "scale", "cpu"]);
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

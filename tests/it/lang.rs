//! `--lang ko` is Korean throughout: live runs of `cpu`, `io` and `scale`, and `compare`, print no
//! English word on stdout beyond model specs, units, numbers, codes, flags and names.

use assert_cmd::Command;
use concbench::record::ModelKind;

use crate::fixtures;

/// Words that stay as they are in Korean: the tool and its commands, acronyms, units, the
/// kernel's name, the shuffle order's letters, the symbols of formulas (`X(N)`, `R²`, `Z`), and
/// the names of Rust, CPython and what it runs, flags' values (`--py-tracemalloc off`,
/// `--size source`).
const ALLOWED: [&str; 31] = [
    "off",
    "source",
    "Rust",
    "Python",
    "CPython",
    "ThreadPoolExecutor",
    "ProcessPoolExecutor",
    "asyncio",
    "aiohttp",
    "requests",
    "tracemalloc",
    "concbench",
    "io",
    "scale",
    "cpu",
    "API",
    "CPU",
    "RSS",
    "GIL",
    "MiB",
    "KiB",
    "ms",
    "N",
    "A",
    "B",
    "C",
    "X",
    "R",
    "Z",
    "plain",
    "fixed",
];

/// The ASCII words of `text` outside model specs (`threads:50`), numbers with units (`10ms`),
/// codes (`http_503`), flags (`--runs`) and the allowed words.
fn english_words(text: &str) -> Vec<String> {
    let models: Vec<&str> = ModelKind::ALL.iter().flat_map(|i| i.name.split('-')).collect();
    let mut found = Vec::new();
    for token in text.split_whitespace() {
        if token.contains("--") || token.contains(|c: char| c.is_ascii_digit() || c == ':' || c == '_' || c == '/') {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
            if !ALLOWED.contains(&word) && !models.contains(&word) {
                found.push(word.to_string());
            }
        }
    }
    found
}

fn korean_stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("concbench").unwrap().args(args).args(["--lang", "ko"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{args:?}: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn assert_korean(what: &str, stdout: &str) {
    let english = english_words(stdout);
    assert!(english.is_empty(), "{what}: English words {english:?} in\n{stdout}");
    assert!(stdout.contains("중앙값"), "{what}: not the Korean summary:\n{stdout}");
}

#[test]
fn the_word_check_finds_english_and_passes_specs_units_and_codes() {
    let words = english_words("  threads:50 가 2.11초 ±1% http_503 --runs 6 (A B C) 3.57 MiB failed as a whole");
    assert_eq!(words, ["failed", "as", "a", "whole"]);
}

#[test]
fn a_live_cpu_run_in_korean_prints_no_english() {
    let stdout = korean_stdout(&["cpu", "--tasks", "8", "--range", "1000..5000", "--runs", "1", "--quiet"]);
    assert_korean("cpu", &stdout);
}

#[test]
fn a_live_io_run_in_korean_prints_no_english() {
    let args = [
        "io",
        "--embedded",
        "in-process",
        "--requests",
        "20",
        "--sync-sample",
        "5",
        "--latency",
        "10ms",
        "--runs",
        "1",
        "--quiet",
    ];
    assert_korean("io", &korean_stdout(&args));
}

#[test]
fn a_live_scale_run_in_korean_prints_no_english() {
    let args = [
        "scale",
        "--embedded",
        "in-process",
        "--requests",
        "20",
        "--workers",
        "1,2,4,8",
        "--latency",
        "10ms",
        "--runs",
        "1",
        "--quiet",
    ];
    assert_korean("scale", &korean_stdout(&args));
}

#[test]
fn live_open_runs_in_korean_print_no_english() {
    let common = ["--embedded", "in-process", "--latency", "10ms", "--runs", "1", "--quiet", "--duration", "300ms"];
    let io = [&["io", "--models", "threads:2,async", "--rate", "50/s"][..], &common[..]].concat();
    assert_korean("io --rate", &korean_stdout(&io));
    let rates = [&["scale", "--models", "threads:1,async", "--rates", "20,200"][..], &common[..]].concat();
    assert_korean("scale --rates", &korean_stdout(&rates));
}

#[test]
fn compare_in_korean_prints_no_english() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, r: &concbench::record::Report| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(r).unwrap()).unwrap();
        path
    };
    let a = write("a.json", &fixtures::io());
    let mut other = fixtures::slowed(&fixtures::io(), 2.0);
    other.environment.cores_granted = 4;
    let b = write("b.json", &other);
    for format in ["text", "md"] {
        let out = Command::cargo_bin("concbench")
            .unwrap()
            .args(["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--format", format, "--lang", "ko"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let english = english_words(&stdout);
        assert!(english.is_empty(), "compare {format}: English words {english:?} in\n{stdout}");
        assert!(stdout.contains("판정"), "{stdout}");
    }
}

/// CPython's rows in Korean: names, the lock table, the cores used; no English beyond names.
#[test]
fn live_py_rows_in_korean_print_no_english() {
    let cpu = ["cpu", "--tasks", "4", "--range", "1000..5000", "--runs", "1", "--quiet"];
    let models = ["--models", "sequential,gil-threads:2,py-sequential,py-threads:2,py-processes:2"];
    let out = Command::cargo_bin("concbench")
        .unwrap()
        .args(cpu)
        .args(models)
        .args(["--lang", "ko"])
        .env(concbench::python::cache::CACHE_ENV, crate::support::py_cache())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    assert_korean("cpu with py models", &stdout);
    assert!(stdout.contains("CPython의 GIL"), "{stdout}");
    for report in fixtures::py_all() {
        let text = String::from_utf8(
            concbench::render::exporter(concbench::render::Format::Text, concbench::text::Lang::Ko, false)
                .render(&report)
                .unwrap(),
        )
        .unwrap();
        let english: Vec<String> = english_words(&text).into_iter().filter(|w| !DATA.contains(&w.as_str())).collect();
        assert!(english.is_empty(), "English words {english:?} in\n{text}");
    }
}

/// The fixtures' data, shown as it was recorded: a skipped model's reason (the plan states it in
/// English, as it states every error) and a task's exception.
const DATA: [&str; 15] =
    ["awaits", "an", "async", "def", "and", "the", "task", "is", "a", "plain", "function", "give", "item", "odd", "in"];

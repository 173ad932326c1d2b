//! Golden outputs of `concbench report` for the fixed reports of `fixtures`: every format, in
//! English and in Korean, byte for byte. They guard the rendering through refactors: a change to
//! any of them is either a fix (then the golden file is rewritten on purpose, with
//! `CONCBENCH_BLESS=1 cargo test golden`, and the diff reviewed) or a regression.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;

use crate::fixtures;

const FORMATS: [&str; 5] = ["text", "md", "html", "json", "csv"];
const LANGS: [&str; 2] = ["en", "ko"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/golden")
}

/// Renders `report` with the binary's `report` command, in every format and language, and
/// compares each output with its golden file (or rewrites it when blessing).
fn check(name: &str, report: &concbench::record::Report) {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.json");
    std::fs::write(&results, serde_json::to_vec_pretty(report).unwrap()).unwrap();
    let bless = std::env::var_os("CONCBENCH_BLESS").is_some();
    let mut differ = Vec::new();
    for format in FORMATS {
        for lang in LANGS {
            let out = Command::cargo_bin("concbench")
                .unwrap()
                .args(["report", results.to_str().unwrap(), "--format", format, "--lang", lang])
                .output()
                .unwrap();
            assert!(out.status.success(), "report {name} {format} {lang}: {}", String::from_utf8_lossy(&out.stderr));
            let path = golden_dir().join(format!("{name}.{lang}.{format}"));
            if bless {
                std::fs::create_dir_all(golden_dir()).unwrap();
                std::fs::write(&path, &out.stdout).unwrap();
                continue;
            }
            let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (bless it first)", path.display()));
            if want != out.stdout {
                differ.push(path.display().to_string());
            }
        }
    }
    assert!(differ.is_empty(), "output differs from the golden files (diff them; bless only a fix): {differ:#?}");
}

#[test]
fn golden_io() {
    check("io", &fixtures::io());
}

#[test]
fn golden_scale() {
    check("scale", &fixtures::scale());
}

#[test]
fn golden_cpu() {
    check("cpu", &fixtures::cpu());
}

/// The reports with py cells: sections 1-2, the sweep, sections 4-5 in two interpreters, the
/// user's own task.
#[test]
fn golden_with_py_cells() {
    let reports = [
        ("io-py", fixtures::py_io()),
        ("scale-py", fixtures::py_scale()),
        ("cpu-py", fixtures::py_cpu()),
        ("task-py", fixtures::py_task()),
    ];
    for (name, report) in reports {
        check(name, &report);
    }
}

#[test]
fn golden_rates() {
    check("rates", &fixtures::rates());
}

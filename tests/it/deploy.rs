//! The Kubernetes manifests of `deploy/k8s/`, checked without a cluster: each validates against
//! the Kubernetes schema (strict: no unknown field) with `kubernetes-validate` from PyPI, pinned,
//! installed into a venv under `target/`; the segments' Job is an Indexed Job whose parallelism,
//! completions and `--segments` agree, and the arguments of both Jobs are ones concbench accepts.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Parser;
use concbench::cli::{Cli, Command as Sub};

/// The validator, pinned.
const VALIDATOR: &str = "kubernetes-validate==1.37.0";

fn manifests() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/k8s");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// A venv with the validator, under `target/` (made once), or why there is none: a failure
/// under CONCBENCH_CI, a skip otherwise.
fn validator_venv() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubernetes-validate-1.37.0");
    // A venv's scripts name its path: it is made in place, and marked complete last.
    let done = venv.join("installed");
    if done.exists() {
        return Some(venv);
    }
    let why = (|| {
        let _ = std::fs::remove_dir_all(&venv);
        let made =
            Command::new("python3").args(["-m", "venv"]).arg(&venv).status().map_err(|e| format!("python3: {e}"))?;
        if !made.success() {
            return Err("python3 -m venv failed".to_string());
        }
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "--timeout", "30", VALIDATOR])
            .output()
            .map_err(|e| format!("pip: {e}"))?;
        if !pip.status.success() {
            return Err(format!("pip install {VALIDATOR}: {}", String::from_utf8_lossy(&pip.stderr)));
        }
        std::fs::write(&done, VALIDATOR).map_err(|e| e.to_string())
    })();
    match why {
        Ok(()) => Some(venv),
        Err(why) => {
            assert!(std::env::var_os("CONCBENCH_CI").is_none(), "CI: no schema validator: {why}");
            eprintln!("skipped: no schema validator ({why})");
            None
        }
    }
}

/// A manifest as JSON (PyYAML comes with the validator).
fn as_json(venv: &Path, file: &Path) -> serde_json::Value {
    let out = Command::new(venv.join("bin/python"))
        .args(["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The container's arguments, parsed as concbench would parse them.
fn parsed_args(manifest: &serde_json::Value) -> Sub {
    let args = &manifest["spec"]["template"]["spec"]["containers"][0]["args"];
    let args: Vec<String> = serde_json::from_value(args.clone()).unwrap();
    let argv = std::iter::once("concbench".to_string()).chain(args);
    Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}")).command.expect("a command")
}

#[test]
fn the_kubernetes_manifests_validate_against_the_schema_and_run_concbench_as_it_expects() {
    let Some(venv) = validator_venv() else { return };
    let files = manifests();
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        let out = Command::new(venv.join("bin/kubernetes-validate"))
            .args(["--strict", "--quiet"])
            .arg(file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !text.contains("ERROR"), "{}: {text}", file.display());
    }
    let segments = as_json(&venv, &files.iter().find(|f| f.ends_with("segments-job.yaml")).unwrap().clone());
    let spec = &segments["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert_eq!(spec["parallelism"], spec["completions"]);
    let Sub::Run(run) = parsed_args(&segments) else { panic!("the segments run a plan") };
    assert_eq!(run.segment, Some(concbench::cli::SegmentChoice::Auto));
    assert_eq!(run.segments, spec["completions"].as_u64(), "--segments is the Job's completions");
    let merge = as_json(&venv, &files.iter().find(|f| f.ends_with("merge-job.yaml")).unwrap().clone());
    let Sub::Merge(m) = parsed_args(&merge) else { panic!("the merge Job merges") };
    assert_eq!(m.dirs, vec![run.output.out.unwrap()], "the merge reads the folder the segments write");
}

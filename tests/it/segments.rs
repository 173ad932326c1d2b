//! Split runs as a user makes them, with real processes and no cluster: a plan file, its
//! segments run side by side (by hand, or by `mpirun` from Debian's `openmpi-bin`), one
//! `concbench serve` every segment sends to, and the merge: the unsplit task count, the
//! reference checksum, the server's request count, and percentiles equal to those of the union
//! of every recorded latency. Bad input is refused with exit 2, in one line, before any work.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::prelude::*;
use concbench::record::segment::decode;
use concbench::record::{Cell, Experiment, LatencySummary, Report};

fn concbench() -> Command {
    Command::cargo_bin("concbench").unwrap()
}

/// `concbench serve` on a free loopback port: the one API every segment sends to.
struct Served {
    child: Child,
    base: String,
}

impl Served {
    fn start(latency: &str) -> Self {
        let mut child = concbench()
            .args(["serve", "--port", "0", "--latency", latency])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split_whitespace().find(|w| w.starts_with("http://")).expect("serve announces its address");
        Served { child, base: addr.to_string() }
    }

    /// Requests it counted since it started (its counters are never reset here).
    fn requests(&self) -> u64 {
        let body = ureq::get(format!("{}/stats", self.base)).call().unwrap().body_mut().read_to_string().unwrap();
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["requests"].as_u64().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `concbench plan ARGS --out DIR/plan.json`.
fn plan(dir: &Path, args: &[&str]) -> PathBuf {
    let path = dir.join("plan.json");
    let out = concbench().args(["plan"]).args(args).args(["--quiet", "--out"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

/// Every segment of `plan` run side by side into `out`, as separate processes.
fn run_segments(plan: &Path, n: usize, out: &Path) {
    let children: Vec<Child> = (0..n)
        .map(|i| {
            concbench()
                .args(["run"])
                .arg(plan)
                .args(["--segment", &format!("{i}/{n}"), "--quiet", "--out"])
                .arg(out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "a segment failed: {}", String::from_utf8_lossy(&done.stderr));
    }
}

/// `concbench merge DIRS --out DIR/merged [EXTRA]`, read back.
fn merge(dirs: &[&Path], out: &Path, extra: &[&str]) -> Report {
    let done = concbench().arg("merge").args(dirs).arg("--out").arg(out).args(extra).output().unwrap();
    assert!(done.status.success(), "merge: {}", String::from_utf8_lossy(&done.stderr));
    concbench::record::load(&out.join("results.json")).unwrap()
}

fn segment_reports(dir: &Path) -> Vec<Report> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path().join("results.json")).collect();
    paths.sort();
    paths.iter().map(|p| concbench::record::load(p).unwrap()).collect()
}

/// The union of every segment's successful latencies in cell `c` of experiment `e`.
fn union_of_latencies(segments: &[Report], e: usize, c: usize) -> LatencySummary {
    let mut union = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
    for report in segments {
        for run in &report.experiments[e].cells()[c].runs {
            let raw = run.raw.as_ref().expect("a segment's run keeps its histograms");
            union.add(decode(raw.histograms.ok.as_ref().unwrap()).unwrap()).unwrap();
        }
    }
    LatencySummary::of(&union).unwrap()
}

/// Checks the merged cells against the segments: every run all the experiment's tasks, its
/// successes and failures summed, its latency that of the union of the segments'.
fn check_merged(merged: &Report, segments: &[Report], tasks: usize) {
    for (e, experiment) in merged.experiments.iter().enumerate() {
        for (c, cell) in experiment.cells().into_iter().enumerate() {
            assert_eq!(cell.tasks_total, tasks, "{}", cell.label());
            for run in &cell.runs {
                assert_eq!((run.tasks, run.ok + run.failed), (tasks, tasks as u64), "{}", cell.label());
                assert_eq!(run.raw.as_ref().unwrap().parts.len(), segments.len());
            }
            let merged_latency = cell.latency_ok.as_ref().unwrap().summary;
            assert_eq!(
                merged_latency,
                union_of_latencies(segments, e, c),
                "{}: percentiles of the union",
                cell.label()
            );
        }
    }
}

fn only_cell<'a>(r: &'a Report, model: &str) -> &'a Cell {
    r.experiments[0].cells().into_iter().find(|c| c.model.to_string() == model).unwrap()
}

#[test]
fn merged_cpu_segments_give_the_unsplit_tasks_checksum_and_the_union_of_their_latencies() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["cpu", "--tasks", "23", "--range", "2000..30000", "--models", "processes:1,sequential"];
    let plan = plan(dir.path(), &[&args[..], &["--runs", "2"]].concat());
    run_segments(&plan, 3, &dir.path().join("d"));
    let segments = segment_reports(&dir.path().join("d"));
    let merged = merge(&[&dir.path().join("d")], &dir.path().join("m"), &[]);
    check_merged(&merged, &segments, 23);
    let unsplit = concbench().args(&args[..]).args(["--runs", "1", "--format", "json", "--quiet"]).output().unwrap();
    let unsplit: Report = serde_json::from_slice(&unsplit.stdout).unwrap();
    let (Experiment::Cpu(m), Experiment::Cpu(u)) = (&merged.experiments[0], &unsplit.experiments[0]) else { panic!() };
    assert_eq!((&m.task_sizes, &m.reference_counts), (&u.task_sizes, &u.reference_counts), "the tasks interleave back");
    for cell in &m.cells {
        assert!(
            cell.runs.iter().all(|r| r.value_sum == u.expected_checksum()),
            "{}: the reference checksum",
            cell.label()
        );
    }
    // The sequential baseline is one worker doing every task: its segments' times summed.
    let seq = only_cell(&merged, "sequential");
    let run = &seq.runs[0];
    assert_eq!(run.measured.wall_ns, run.raw.as_ref().unwrap().parts.iter().map(|p| p.wall_ns).sum::<u64>());
    let md = std::fs::read_to_string(dir.path().join("m/report.md")).unwrap();
    assert!(md.contains("Segments: 3 parts of one plan, merged") && md.contains("Straggler cost"), "{md}");
    // Three segments side by side on one machine are each other's "other processes", and their
    // windows overlap: the merge judges no machine busy, and says so.
    assert!(
        merged
            .experiments
            .iter()
            .flat_map(|e| e.cells())
            .flat_map(|c| &c.runs)
            .all(|r| r.measured.system_busy_ns.is_none())
    );
    assert!(merged.environment.others_before.is_none());
    assert!(!md.contains("The machine was busy") && md.contains("does not say whether the machine was busy"), "{md}");
}

#[test]
fn a_rate_plan_split_offers_the_whole_schedule_and_the_shared_api_counts_every_try() {
    let served = Served::start("10ms");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/api/items/{{i}}", served.base);
    let args = [
        "io",
        "--url",
        &url,
        "--rate",
        "300/s",
        "--duration",
        "1s",
        "--arrivals",
        "poisson",
        "--models",
        "async,threads:8",
        "--runs",
        "1",
    ];
    let plan = plan(dir.path(), &args);
    run_segments(&plan, 3, &dir.path().join("d"));
    let segments = segment_reports(&dir.path().join("d"));
    let merged = merge(&[&dir.path().join("d")], &dir.path().join("m"), &["--server", &served.base]);
    let requests = match &merged.experiments[0] {
        Experiment::Io(io) => io.settings.requests,
        _ => panic!("an io experiment"),
    };
    check_merged(&merged, &segments, requests);
    for cell in merged.experiments[0].cells() {
        let open = cell.runs[0].open.as_ref().unwrap();
        assert_eq!(open.scheduled as usize, requests, "{}: the segments' schedules make the whole one", cell.label());
        assert!((open.offered_per_s - 300.0).abs() < 1e-6, "{}", open.offered_per_s);
    }
    let shared = concbench::analysis::segments::shared_server(&merged).expect("the shared API's counters");
    assert!(shared.exact && shared.agrees(), "{shared:?}");
    // Two models, one run each, and a preflight per segment.
    assert_eq!(served.requests(), 2 * requests as u64 + 3);
    assert_eq!(shared.server_requests, served.requests());
}

/// `mpirun` from Debian's `openmpi-bin` (scripts/ci-prereqs.sh installs it), or why not.
fn mpirun() -> Option<&'static str> {
    const MPIRUN: &str = "/usr/bin/mpirun";
    if Path::new(MPIRUN).exists() {
        return Some(MPIRUN);
    }
    assert!(
        std::env::var_os("CONCBENCH_CI").is_none(),
        "CI: {MPIRUN} is missing (scripts/ci-prereqs.sh installs openmpi-bin)"
    );
    eprintln!("skipped: {MPIRUN} is missing (apt-get install openmpi-bin)");
    None
}

fn mpi_run(mpirun: &str, plan: &Path, out: &Path) {
    let done = Command::new(mpirun)
        .args(["--allow-run-as-root", "--oversubscribe", "-np", "3"])
        .arg(env!("CARGO_BIN_EXE_concbench"))
        .arg("run")
        .arg(plan)
        .args(["--segment", "auto", "--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "mpirun: {stderr}");
    assert_eq!(
        stderr.matches("Open MPI (OMPI_COMM_WORLD_RANK").count(),
        3,
        "each rank says where its segment came from: {stderr}"
    );
}

#[test]
fn mpirun_runs_an_io_plan_and_a_cpu_plan_on_three_ranks_and_they_merge_exactly() {
    let Some(mpirun) = mpirun() else { return };
    let served = Served::start("10ms");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/api/items/{{i}}", served.base);
    let io = plan(
        dir.path(),
        &["io", "--url", &url, "--requests", "60", "--models", "async,threads:6", "--runs", "1", "--start-at", "+2s"],
    );
    mpi_run(mpirun, &io, &dir.path().join("io"));
    let merged = merge(&[&dir.path().join("io")], &dir.path().join("io-m"), &["--server", &served.base]);
    check_merged(&merged, &segment_reports(&dir.path().join("io")), 60);
    let shared = concbench::analysis::segments::shared_server(&merged).unwrap();
    assert_eq!((shared.tries, shared.server_requests), (2 * 60 + 3, served.requests()));
    let segments = merged.segments.as_ref().unwrap();
    assert!(
        segments.parts.iter().all(|p| p.start_at_unix_ns.is_some() && p.start_lateness_ns().is_some_and(|l| l >= 0))
    );

    let cpu_dir = dir.path().join("cpu-plan");
    std::fs::create_dir(&cpu_dir).unwrap();
    let cpu = plan(
        &cpu_dir,
        &["cpu", "--tasks", "20", "--range", "2000..20000", "--models", "sequential,processes:1", "--runs", "1"],
    );
    mpi_run(mpirun, &cpu, &dir.path().join("cpu"));
    let merged = merge(&[&dir.path().join("cpu")], &dir.path().join("cpu-m"), &[]);
    check_merged(&merged, &segment_reports(&dir.path().join("cpu")), 20);
    let Experiment::Cpu(c) = &merged.experiments[0] else { panic!() };
    assert!(c.cells.iter().all(|cell| cell.runs[0].value_sum == c.expected_checksum()));
}

/// `concbench merge ARGS`: exit 2, one line naming `needle`, and no merged folder.
fn merge_refused(args: &[&Path], out: &Path, needle: &str) {
    let done = concbench().arg("merge").args(args).arg("--out").arg(out).output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn merging_refuses_two_plans_a_missing_segment_and_an_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cpu = |tasks: &str, out: &str, seg: &str| {
        let done = concbench()
            .args(["cpu", "--tasks", tasks, "--range", "100..200", "--models", "sequential", "--runs", "1", "--quiet"])
            .args(["--segment", seg, "--out"])
            .arg(d.join(out))
            .output()
            .unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    };
    cpu("10", "a", "0/2");
    cpu("10", "a", "1/2");
    cpu("11", "b", "1/2");
    merge_refused(&[&d.join("a/segment-0"), &d.join("b")], &d.join("m"), "plan_hash");
    merge_refused(&[&d.join("a/segment-0")], &d.join("m"), "segment 1 of 2 is missing");
    merge_refused(&[&d.join("a"), &d.join("a/segment-1")], &d.join("m"), "segment 1 twice");
    merge_refused(&[&d.join("nowhere")], &d.join("m"), "nowhere");
    let merged = merge(&[&d.join("a")], &d.join("m"), &[]);
    assert_eq!(merged.experiments[0].cells()[0].runs[0].tasks, 10);
}

/// `concbench plan suite` plans for segments: its sequential rows run every request (a sample
/// cannot be split, and the suite has no --sync-sample to say so), so the whole suite, CPython's
/// sweep included, splits into segments and merges back, every task run once.
#[test]
fn a_planned_suite_splits_into_segments_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &["suite", "--size", "smoke", "--runs", "1"]);
    run_segments(&plan, 2, &dir.path().join("d"));
    let merged = merge(&[&dir.path().join("d")], &dir.path().join("m"), &[]);
    let kinds: Vec<&str> = merged.experiments.iter().map(Experiment::kind_name).collect();
    assert_eq!((kinds.first(), kinds.last()), (Some(&"io"), Some(&"cpu")), "{kinds:?}");
    for cell in merged.experiments.iter().flat_map(|e| e.cells()) {
        assert!(!cell.runs.is_empty(), "{} ran", cell.label());
        for run in &cell.runs {
            assert_eq!(run.ok + run.failed, cell.tasks_total as u64, "{}: every task, none sampled", cell.label());
            assert_eq!(run.raw.as_ref().unwrap().parts.len(), 2, "{}", cell.label());
        }
    }
}

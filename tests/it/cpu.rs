//! Sections 4 and 5: every model counts the same primes; the GIL lets one thread in at a time;
//! free threads overlap; processes are real and N of them work; a dying worker is reported.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

use clap::Parser;
use concbench::cli::{Cli, Command};
use concbench::interrupt::Stop;
use concbench::measure::{Meter, Recorder};
use concbench::model::{Job, ModelEnv};
use concbench::plan::CpuPlan;
use concbench::record::{CellStatus, CpuExperiment, Experiment, ModelSpec, Report, TaskError, TaskOutcome};
use concbench::runner::{Silent, run_cpu};
use concbench::workload::{BoxFuture, TaskCx, Workload};

fn worker_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_concbench"))
}

fn cpu(args: &[&str]) -> Report {
    let mut argv = vec!["concbench", "cpu", "--quiet", "--runs", "1"];
    argv.extend_from_slice(args);
    let mut plan = match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Cpu(a)) => CpuPlan::from_args(&a).unwrap(),
        _ => unreachable!(),
    };
    plan.env.worker_exe = Some(worker_exe());
    run_cpu(&plan, &mut Silent, &Stop::new()).unwrap()
}

fn exp(r: &Report) -> &CpuExperiment {
    match &r.experiments[0] {
        Experiment::Cpu(c) => c,
        _ => panic!("not a cpu experiment"),
    }
}

#[test]
fn every_model_returns_the_reference_checksum() {
    let r = cpu(&[
        "--tasks",
        "12",
        "--range",
        "2000..9000",
        "--workers",
        "3",
        "--models",
        "sequential,threads,processes,gil-threads,rayon,async,async-mt",
    ]);
    let e = exp(&r);
    assert_eq!(e.task_sizes.len(), 12);
    assert_eq!(e.cells.len(), 7);
    let expected = e.expected_checksum();
    assert!(expected > 0);
    for c in &e.cells {
        assert_eq!(c.status, CellStatus::Ok, "{}", c.model);
        let run = &c.runs[0];
        assert_eq!((run.ok, run.failed), (12, 0), "{}", c.model);
        assert_eq!(run.value_sum, expected, "{} counted differently", c.model);
    }
}

#[test]
fn under_the_gil_one_thread_at_a_time_runs_workload_code() {
    let r = cpu(&["--tasks", "8", "--range", "30000..40000", "--models", "gil-threads:4", "--switch-interval", "1ms"]);
    let run = &exp(&r).cells[0].runs[0];
    let gil = run.facts.gil.as_ref().expect("gil stats");
    assert_eq!(gil.peak_inside, 1);
    assert_eq!(run.facts.peak_in_workload, Some(1));
    assert!(gil.handovers > 0 && gil.forced_drops > 0, "four threads contended: {gil:?}");
    assert_eq!(gil.switch_interval_ns, 1_000_000);
}

/// Every task waits for another task at a rendezvous: only threads that overlap can finish it.
struct Rendezvous(Barrier);

impl Workload for Rendezvous {
    fn run_blocking(&self, _task: usize, _cx: &TaskCx) -> Result<TaskOutcome, TaskError> {
        self.0.wait();
        Ok(TaskOutcome::new(1))
    }
    fn run_async(&self, _task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>> {
        unreachable!("blocking models only")
    }
}

fn execute(model: &str, workload: Arc<dyn Workload>, tasks: Range<usize>) -> concbench::record::ExecutionFacts {
    let recorder = Arc::new(Recorder::new());
    let job = Job::new(workload, None, tasks, recorder.clone(), Stop::new());
    let mut meter = Meter::new();
    let spec: ModelSpec = model.parse().unwrap();
    let env = ModelEnv { worker_exe: Some(worker_exe()), ..ModelEnv::default() };
    let facts = concbench::model::build(&spec, &env).execute(&job, &mut meter);
    facts.unwrap()
}

#[test]
fn free_threads_run_workload_code_at_the_same_time() {
    // Two tasks that wait for each other: they can only finish if two threads are inside at once.
    let facts = execute("threads:2", Arc::new(Rendezvous(Barrier::new(2))), 0..2);
    assert_eq!(facts.peak_in_workload, Some(2));
    let facts = execute("rayon:2", Arc::new(Rendezvous(Barrier::new(2))), 0..2);
    assert_eq!(facts.peak_in_workload, Some(2));
}

#[test]
fn n_distinct_processes_do_the_work() {
    let r = cpu(&["--tasks", "9", "--range", "1000..2000", "--models", "processes:3"]);
    let run = &exp(&r).cells[0].runs[0];
    let pool = run.facts.processes.as_ref().expect("pool stats");
    assert_eq!(pool.workers.len(), 3);
    let mut pids: Vec<u32> = pool.workers.iter().map(|w| w.pid).collect();
    pids.dedup();
    assert_eq!(pids.len(), 3, "distinct worker pids");
    assert!(!pids.contains(&std::process::id()));
    assert!(pool.workers.iter().all(|w| w.tasks >= 1), "every worker ran a task: {pool:?}");
    assert_eq!(pool.workers.iter().map(|w| w.tasks).sum::<usize>(), 9);
    assert!(pool.workers.iter().all(|w| w.startup_ns > 0 && w.usage.rss_peak_bytes.is_some()));
}

#[test]
fn a_dying_worker_is_reported_with_its_task_and_the_other_models_still_run() {
    let out = assert_cmd::Command::cargo_bin("concbench")
        .unwrap()
        .args(["cpu", "--tasks", "10", "--range", "1000..2000", "--models", "processes:2,sequential", "--runs", "2"])
        .env(concbench::worker::CRASH_ENV, "5")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("processes:2 failed as a whole") && stdout.contains("task 5"), "{stdout}");
    assert!(stdout.contains("sequential") && stdout.contains('✓'), "sequential still ran: {stdout}");
    // The run in which the pool died is not a measurement: no time, no speed-up, no verdict.
    let row = stdout.lines().find(|l| l.trim_start().starts_with("processes:2 ")).expect("a processes row");
    assert!(row.contains("failed") && !row.contains('x'), "{row}");
    assert!(!stdout.contains("processes:2 is"), "no verdict from a failed model: {stdout}");
}

/// A rebuild that replaces the binary mid-run must not break the models that start children:
/// the program is started from an already-deleted file (as after `cargo build` during a run).
#[cfg(target_os = "linux")]
#[test]
fn children_start_even_after_the_binary_was_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("concbench");
    let script = r#"exec 3< "$1"; rm "$1"; shift; exec /proc/self/fd/3 "$@""#;
    for args in [
        &["cpu", "-q", "--tasks", "6", "--range", "1000..2000", "--models", "sequential,processes:2", "--runs", "1"][..],
        &["io", "-q", "--requests", "4", "--latency", "5ms", "--models", "async", "--runs", "1"][..],
    ] {
        std::fs::copy(worker_exe(), &copy).unwrap();
        let out = std::process::Command::new("sh").args(["-c", script, "sh"]).arg(&copy).args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(!stdout.contains('✗'), "no model failed: {stdout}");
    }
}

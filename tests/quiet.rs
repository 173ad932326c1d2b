//! Is the machine quiet? Judged from what other processes do now, measured (`/proc/stat`), not
//! from the one-minute load average: a first run right after a build is not "busy", and a run
//! beside a real busy loop is. In a test binary of its own, so no other test runs beside it.

use std::process::{Child, Command, Stdio};

use concbench::analysis::machine::quiet;
use concbench::record::Report;

/// `concbench cpu` with a small task set, its results read back.
fn cpu(tasks: &str) -> Report {
    let out = Command::new(env!("CARGO_BIN_EXE_concbench"))
        .args(["cpu", "--tasks", tasks, "--range", "50000..150000", "--runs", "2", "--quiet", "--format", "json"])
        .args(["--models", "sequential,threads"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A process that keeps one core busy until killed.
struct BusyLoop(Child);

impl BusyLoop {
    fn start() -> Self {
        BusyLoop(Command::new("sh").args(["-c", "while :; do :; done"]).stdout(Stdio::null()).spawn().unwrap())
    }
}

impl Drop for BusyLoop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_busy_loop_beside_the_run_is_noticed_and_a_quiet_machine_is_not_called_busy() {
    // Processes of the tests before this binary may take a moment to end: the machine is given
    // three chances, two seconds apart, to be seen quiet.
    let mut seen = Vec::new();
    for _ in 0..3 {
        let calm = quiet(&cpu("160"));
        assert!(calm.before.is_some() && calm.runs_measured > 0, "{calm:?}");
        if !calm.busy() {
            break;
        }
        seen.push(calm);
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    assert!(
        seen.len() < 3,
        "nothing else runs beside this test, yet others' CPU looked busy three times: {seen:?} (is the machine idle?)"
    );
    let _spin = BusyLoop::start();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let busy = quiet(&cpu("160"));
    assert!(busy.busy_before, "a busy loop during the window before the first run: {busy:?}");
    assert!(!busy.busy_runs.is_empty(), "a busy loop during the runs: {busy:?}");
    assert!(busy.during_max.unwrap() > 0.5, "one core's worth, less the noise: {busy:?}");
}

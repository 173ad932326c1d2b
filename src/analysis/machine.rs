//! Was the machine quiet? Judged from what other processes did, measured: over a short window
//! just before the first run, and during every run (the machine's busy CPU time, less what this
//! process, its embedded server and its worker processes spent). Not from the one-minute load
//! average, which on a first run still holds the build that `cargo run` has just finished.

use crate::record::{Experiment, Report, RunRecord};

/// Others taking at least this share of the cores granted make the machine busy (on 2 cores:
/// 0.4 of a core, well above what an idle machine's daemons take, well below one busy loop).
pub const BUSY_SHARE: f64 = 0.2;

/// Runs shorter than this are not judged: the kernel counts CPU time in ticks of 10 ms per CPU,
/// so over a shorter window one tick more or less looks like a busy machine.
pub const MIN_WINDOW_NS: u64 = 250_000_000;

/// A run during which other processes were busy.
#[derive(Debug, Clone, PartialEq)]
pub struct BusyRun {
    pub experiment: &'static str,
    pub model: String,
    pub round: usize,
    /// Cores' worth of CPU the others took during it.
    pub cores: f64,
}

/// What the report says about the machine.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quiet {
    /// Cores' worth of CPU others took just before the first run (`None`: not measured).
    pub before: Option<f64>,
    /// Whether that was enough to call the machine busy.
    pub busy_before: bool,
    /// Runs during which others were busy.
    pub busy_runs: Vec<BusyRun>,
    /// Runs whose others' CPU could be measured.
    pub runs_measured: usize,
    /// The most cores others took during any run.
    pub during_max: Option<f64>,
}

impl Quiet {
    /// Whether anything says the figures may be noisy.
    pub fn busy(&self) -> bool {
        self.busy_before || !self.busy_runs.is_empty()
    }
}

/// Cores' worth of CPU other processes took during `run`: the machine's busy time less this
/// process's, the embedded server's (counted since its reset, just before the run) and the worker
/// processes'. `None` where the machine's busy time was not measured, or the run was too short to
/// tell ([`MIN_WINDOW_NS`]).
pub fn others_cores(run: &RunRecord) -> Option<f64> {
    if run.measured.wall_ns < MIN_WINDOW_NS {
        return None;
    }
    let busy = run.measured.system_busy_ns? as f64;
    let own = (run.measured.cpu_user_ns + run.measured.cpu_sys_ns) as f64;
    let server = run.server.as_ref().map_or(0.0, |s| (s.process.cpu_user_us + s.process.cpu_sys_us) as f64 * 1e3);
    let workers = run.facts.processes.as_ref().map_or(0.0, |p| p.cpu_ns() as f64);
    let wall = run.measured.wall_ns.max(1) as f64;
    Some(((busy - own - server - workers) / wall).max(0.0))
}

fn busy_runs(experiment: &Experiment, threshold: f64) -> impl Iterator<Item = (Option<BusyRun>, Option<f64>)> + '_ {
    experiment.cells().into_iter().flat_map(move |cell| {
        cell.runs.iter().map(move |run| {
            let cores = others_cores(run);
            let busy = cores.filter(|&c| c >= threshold).map(|cores| BusyRun {
                experiment: experiment.kind_name(),
                model: cell.model.to_string(),
                round: run.round,
                cores,
            });
            (busy, cores)
        })
    })
}

/// Judges the machine of `report`.
pub fn quiet(report: &Report) -> Quiet {
    let threshold = BUSY_SHARE * report.environment.cores_granted.max(1) as f64;
    let before = report.environment.others_before.map(|o| o.cores());
    let mut q = Quiet { before, busy_before: before.is_some_and(|c| c >= threshold), ..Quiet::default() };
    for (busy, cores) in report.experiments.iter().flat_map(|e| busy_runs(e, threshold)) {
        if let Some(c) = cores {
            q.runs_measured += 1;
            q.during_max = Some(q.during_max.map_or(c, |m: f64| m.max(c)));
        }
        q.busy_runs.extend(busy);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Measured;

    fn run(wall_ms: u64, own_ms: u64, system_ms: Option<u64>) -> RunRecord {
        let measured = Measured {
            wall_ns: wall_ms * 1_000_000,
            cpu_user_ns: own_ms * 1_000_000,
            system_busy_ns: system_ms.map(|m| m * 1_000_000),
            ..Measured::blank()
        };
        RunRecord { measured, ..RunRecord::blank(1, 1) }
    }

    #[test]
    fn others_are_what_is_left_after_this_process() {
        // 1 s run, this process 0.9 s of CPU, the machine 1.9 s: others kept one core busy.
        assert!((others_cores(&run(1000, 900, Some(1900))).unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(others_cores(&run(1000, 900, Some(800))), Some(0.0), "never below zero");
        assert_eq!(others_cores(&run(1000, 900, None)), None, "not measured");
        assert_eq!(others_cores(&run(100, 0, Some(200))), None, "too short to tell from ticks");
    }
}

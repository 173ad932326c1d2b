//! Reconciliation: after every run against the embedded API, the server's own counters are
//! checked against what the client recorded. A figure the two sides disagree on is not a
//! measurement: another process may have reset the counters, a client may have sent requests it
//! did not count, or the server may have worked on more requests at once than the model could
//! have had in flight. Pure functions over the records; the views state what they find and the
//! exit code is 1.
//!
//! What holds exactly, and what only as a bound:
//! - every try the client made is at most one request the server counted, and a run without a
//!   failed try (no failure, no retry) must equal it: `requests == ok`;
//! - every success was answered: `responses >= ok`;
//! - the server never works on more requests than the model has in flight: its peak, above what
//!   was in flight at the reset (stalled requests of earlier runs), is at most the model's
//!   concurrency;
//! - the client cannot see more error statuses than the server sent (injected 5xx, 429, 4xx).

use crate::record::{Cell, CellInterpreter, Experiment, ModelSpec, Report, RunRecord, StatsSnapshot};

/// A way the server's counters and the client's figures disagree in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// The server counted a different number of requests than the client's tries allow:
    /// exactly `tries` when no try failed, at most `tries` otherwise.
    Requests { tries: u64, server: u64, exact: bool },
    /// More successes than the server answered.
    Answers { ok: u64, answered: u64 },
    /// The server had more requests in flight (above those in flight at the reset) than the
    /// model's concurrency allows.
    Peak { server_peak: u64, concurrency: u64 },
    /// The client counted more error statuses than the server sent.
    Statuses { client: u64, server: u64 },
}

/// A mismatch, where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub experiment: &'static str,
    pub model: ModelSpec,
    /// The interpreter a py model ran in.
    pub interpreter: Option<CellInterpreter>,
    /// The repetition (run) it was found in.
    pub round: usize,
    pub mismatch: Mismatch,
}

/// Tries the client made in `run`: every task's first try and its retries.
pub fn tries(run: &RunRecord) -> u64 {
    run.ok + run.failed + run.retries
}

/// Failures the server answered with an error status, as the client counted them.
fn status_failures(run: &RunRecord) -> u64 {
    run.errors.iter().filter(|(kind, _)| kind.starts_with("http_")).map(|(_, t)| t.count).sum()
}

/// Error statuses the server sent: injected 500/503, 429 from the rate limit, 4xx answers.
fn statuses_sent(s: &StatsSnapshot) -> u64 {
    s.faults.errors_500 + s.faults.errors_503 + s.faults.rate_limited + s.faults.bad_requests
}

/// What disagrees in one run of `cell` (nothing without the server's counters).
pub fn check(cell: &Cell, run: &RunRecord) -> Vec<Mismatch> {
    let Some(s) = &run.server else { return Vec::new() };
    let mut found = Vec::new();
    let tries = tries(run);
    let exact = run.failed == 0 && run.retries == 0;
    if (exact && s.requests != tries) || s.requests > tries || s.requests < run.ok {
        found.push(Mismatch::Requests { tries, server: s.requests, exact });
    }
    if s.responses < run.ok {
        found.push(Mismatch::Answers { ok: run.ok, answered: s.responses });
    }
    let concurrency = cell.model.concurrency(run.tasks) as u64;
    let peak = s.peak_inflight.saturating_sub(s.inflight_at_reset);
    if peak > concurrency {
        found.push(Mismatch::Peak { server_peak: peak, concurrency });
    }
    let (client, server) = (status_failures(run), statuses_sent(s));
    if client > server {
        found.push(Mismatch::Statuses { client, server });
    }
    found
}

/// Every mismatch of an experiment, run by run. The user's own task (`concbench task`) calls the
/// API as often as it pleases: there is nothing to reconcile.
pub fn findings(experiment: &Experiment) -> Vec<Finding> {
    if experiment.task().is_some() {
        return Vec::new();
    }
    findings_of(experiment.kind_name(), &experiment.cells())
}

/// Every mismatch of the cells of an experiment of kind `experiment` (one that runs the built-in
/// HTTP workload: see [`findings`]), run by run.
pub fn findings_of(experiment: &'static str, cells: &[&Cell]) -> Vec<Finding> {
    cells
        .iter()
        .flat_map(|&cell| {
            cell.runs.iter().flat_map(move |run| {
                check(cell, run).into_iter().map(move |mismatch| Finding {
                    experiment,
                    model: cell.model,
                    interpreter: cell.interpreter.clone(),
                    round: run.round,
                    mismatch,
                })
            })
        })
        .collect()
}

/// Every mismatch of a report.
pub fn report_findings(report: &Report) -> Vec<Finding> {
    report.experiments.iter().flat_map(findings).collect()
}

/// Resets refused for want of the secret, as the last run of the report saw them (the server
/// never resets that count): something else tried to reset the counters under the run.
pub fn resets_refused(report: &Report) -> u64 {
    report
        .experiments
        .iter()
        .flat_map(|e| e.cells())
        .flat_map(|c| c.runs.iter())
        .filter_map(|r| r.server.as_ref().map(|s| s.admin_refused))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{CellStatus, ErrorTally, FaultCounts, ModelSpec, ServerProcess};

    fn server(requests: u64, responses: u64, peak: u64) -> StatsSnapshot {
        StatsSnapshot {
            requests,
            responses,
            inflight_now: 0,
            peak_inflight: peak,
            inflight_at_reset: 0,
            admin_refused: 0,
            peak_waiting: 0,
            queued_requests: 0,
            queue_wait_us_total: 0,
            queue_wait_us_max: 0,
            connections_accepted: 1,
            accept_errors: 0,
            latency_requested_us_total: 0,
            latency_applied_us_total: 0,
            latency_applied_us_min: None,
            latency_applied_us_max: None,
            max_inflight_cap: None,
            latency_profile: "fixed:0".into(),
            faults: FaultCounts::default(),
            process: ServerProcess {
                pid: 1,
                cpu_user_us: 0,
                cpu_sys_us: 0,
                rss_bytes: None,
                rss_peak_bytes: None,
                heap_current_bytes: None,
                heap_at_reset_bytes: None,
            },
            latency_excess: None,
            resume_lag: None,
        }
    }

    fn run(ok: u64, failed: u64, retries: u64, s: StatsSnapshot) -> RunRecord {
        RunRecord { retries, server: Some(s), ..RunRecord::blank((ok + failed) as usize, ok) }
    }

    fn cell(model: &str) -> Cell {
        let mut c = Cell::pending(model.parse::<ModelSpec>().unwrap(), 10, 10);
        c.status = CellStatus::Ok;
        c
    }

    #[test]
    fn agreeing_counters_pass() {
        assert!(check(&cell("threads:4"), &run(10, 0, 0, server(10, 10, 4))).is_empty());
        // Failed tries may not have reached the server: a bound, not an equality.
        assert!(check(&cell("threads:4"), &run(8, 2, 3, server(11, 9, 4))).is_empty());
    }

    #[test]
    fn a_reset_under_the_run_is_caught() {
        // 10 sent, all answered, but the server counted 5: its counters were reset mid-run.
        let found = check(&cell("async:2"), &run(10, 0, 0, server(5, 5, 2)));
        assert!(found.contains(&Mismatch::Requests { tries: 10, server: 5, exact: true }), "{found:?}");
        assert!(found.contains(&Mismatch::Answers { ok: 10, answered: 5 }), "{found:?}");
    }

    #[test]
    fn more_requests_than_tries_or_in_flight_than_the_model_allows_are_caught() {
        let found = check(&cell("threads:4"), &run(8, 2, 0, server(12, 10, 6)));
        assert_eq!(
            found,
            vec![
                Mismatch::Requests { tries: 10, server: 12, exact: false },
                Mismatch::Peak { server_peak: 6, concurrency: 4 }
            ]
        );
        // Requests still in flight from an earlier run (stalls) raise the peak, not this run's.
        let mut s = server(10, 10, 6);
        s.inflight_at_reset = 2;
        assert!(check(&cell("threads:4"), &run(10, 0, 0, s)).is_empty());
    }

    #[test]
    fn the_client_cannot_see_more_error_statuses_than_were_sent() {
        let mut r = run(7, 3, 0, server(10, 10, 1));
        r.errors.insert("http_503".into(), ErrorTally { count: 3, example: "503".into() });
        let found = check(&cell("sequential"), &r);
        assert_eq!(found, vec![Mismatch::Statuses { client: 3, server: 0 }]);
        r.server.as_mut().unwrap().faults.errors_503 = 3;
        assert!(check(&cell("sequential"), &r).is_empty());
    }
}

//! Analysis: pure functions from measured figures to the ratios and verdicts a report states.
//! Nothing here measures or prints; every function is tested on fixed inputs.

pub mod capacity;
pub mod cpu;
pub mod figures;
pub mod integrity;
pub mod io;
pub mod machine;
pub mod open;
pub mod scaling;
pub mod segments;
pub mod stats;
pub mod sweep;
pub mod task;

use std::time::Duration;

/// Requests or tasks that failed in a cell, over all its runs.
pub fn failed(cell: &crate::record::Cell) -> u64 {
    cell.runs.iter().map(|r| r.failed).sum()
}

/// Whether every cell that completed all its tasks without a failure received the same total
/// (body bytes for I/O) as every other run of as many tasks (a capacity sweep's points differ in
/// length): `Some(true, bytes)` when they agree, the bytes when every run had as many tasks;
/// `None` when no two runs can be compared.
pub fn checksums_agree<'a>(cells: impl IntoIterator<Item = &'a crate::record::Cell>) -> Option<(bool, Option<u64>)> {
    let mut sums: std::collections::BTreeMap<usize, Vec<u64>> = Default::default();
    let runs = cells
        .into_iter()
        .filter(|c| c.status == crate::record::CellStatus::Ok && !c.is_sampled())
        .flat_map(|c| c.runs.iter())
        .filter(|r| r.failed == 0);
    for r in runs {
        sums.entry(r.tasks).or_default().push(r.value_sum);
    }
    let compared: Vec<&Vec<u64>> = sums.values().filter(|s| s.len() >= 2).collect();
    let same = compared.iter().all(|s| s.windows(2).all(|w| w[0] == w[1]));
    let bytes = (sums.len() == 1).then(|| compared.first().map(|s| s[0])).flatten();
    (!compared.is_empty()).then_some((same, bytes))
}

/// `a / b` when both are finite and `b > 0`.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (a.is_finite() && b.is_finite() && b > 0.0 && a >= 0.0).then(|| a / b)
}

/// The time all `total` tasks would take at the pace measured over `done` of them, the way the
/// source estimated 200 sequential calls from 20.
pub fn extrapolate(measured: Duration, done: usize, total: usize) -> Duration {
    if done == 0 || done >= total {
        return measured;
    }
    measured.mul_f64(total as f64 / done as f64)
}

/// The least time `tasks` calls of latency `latency` can take with `concurrency` of them under
/// way at once: ceil(tasks / concurrency) waves of one latency each (Little's law, discretised).
pub fn ideal_time(tasks: usize, concurrency: usize, latency: Duration) -> Duration {
    if tasks == 0 {
        return Duration::ZERO;
    }
    let waves = tasks.div_ceil(concurrency.max(1));
    latency * waves as u32
}

/// The fixed latency of the embedded API, when it has one: what "ideal" times are computed from.
pub fn fixed_latency(target: &crate::record::TargetInfo) -> Option<Duration> {
    match target.embedded.as_ref()?.config.latency {
        crate::record::LatencyProfile::Fixed(d) if !d.is_zero() => Some(d),
        _ => None,
    }
}

/// The embedded API's latency really applied, over every run of `cells`: (requested, applied,
/// max) in microseconds.
pub fn applied_latency(cells: &[&crate::record::Cell]) -> Option<(f64, f64, u64)> {
    use crate::record::StatsSnapshot;
    let servers: Vec<&StatsSnapshot> =
        cells.iter().flat_map(|c| c.runs.iter().filter_map(|r| r.server.as_ref())).collect();
    let responses: u64 = servers.iter().map(|s| s.responses).sum();
    (responses > 0).then(|| {
        let total = |f: fn(&StatsSnapshot) -> u64| servers.iter().map(|s| f(s)).sum::<u64>() as f64 / responses as f64;
        let max = servers.iter().filter_map(|s| s.latency_applied_us_max).max().unwrap_or(0);
        (total(|s| s.latency_requested_us_total), total(|s| s.latency_applied_us_total), max)
    })
}

/// A histogram the embedded API keeps (`pick`: the applied − asked latency, the resume lag),
/// merged over every run of `cells`.
pub fn server_histogram(
    cells: &[&crate::record::Cell],
    pick: fn(&crate::record::StatsSnapshot) -> Option<&crate::record::MicrosHistogram>,
) -> Option<crate::record::MicrosHistogram> {
    let runs = cells.iter().flat_map(|c| c.runs.iter());
    let merged = crate::record::MicrosHistogram::merged(runs.filter_map(|r| pick(r.server.as_ref()?)));
    (merged.count() > 0).then_some(merged)
}

/// The load average at the start, when it says the machine was busy (above half its cores).
pub fn busy(report: &crate::record::Report) -> Option<f64> {
    let load = report.environment.load_average_start?;
    (load > 0.5 * report.environment.cores_granted as f64).then_some(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_refuse_nonsense() {
        assert_eq!(ratio(6.0, 2.0), Some(3.0));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(f64::NAN, 1.0), None);
        assert_eq!(ratio(-1.0, 1.0), None);
    }

    #[test]
    fn checksums_agree_among_runs_of_as_many_tasks() {
        let with = |tasks: usize, sum: u64| {
            let mut c = open::tests::open_cell("async", 100.0, 100.0, 100.0, 10);
            (c.tasks_total, c.tasks_per_run) = (tasks, tasks);
            (c.runs[0].tasks, c.runs[0].ok, c.runs[0].value_sum) = (tasks, tasks as u64, sum);
            c
        };
        let (a, b, long) = (with(100, 7), with(100, 7), with(200, 14));
        assert_eq!(checksums_agree([&a, &b]), Some((true, Some(7))));
        assert_eq!(checksums_agree([&a, &b, &long]), Some((true, None)), "agreeing, but of two lengths");
        assert_eq!(checksums_agree([&a, &long]), None, "no two runs of as many tasks");
        assert_eq!(checksums_agree([&a, &with(100, 8)]).map(|c| c.0), Some(false));
    }

    #[test]
    fn extrapolation_scales_the_sample() {
        let s = Duration::from_millis(12_680);
        assert_eq!(extrapolate(s, 20, 200), Duration::from_millis(126_800));
        assert_eq!(extrapolate(s, 200, 200), s);
        assert_eq!(extrapolate(s, 0, 200), s);
    }

    #[test]
    fn ideal_time_counts_waves() {
        let l = Duration::from_millis(100);
        assert_eq!(ideal_time(200, 200, l), l);
        assert_eq!(ideal_time(200, 50, l), l * 4);
        assert_eq!(ideal_time(200, 1, l), l * 200);
        assert_eq!(ideal_time(200, 1000, l), l);
        assert_eq!(ideal_time(201, 50, l), l * 5);
        assert_eq!(ideal_time(0, 50, l), Duration::ZERO);
    }
}

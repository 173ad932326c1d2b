//! Merging the segments of one split run (`concbench merge`) into one report, exactly: pure
//! functions from the segments' records to the merged one, between the records and the views.
//!
//! The rules, run by run (a run of a cell is merged from the runs of the same round of every
//! segment; a round some segment lacks is left out):
//! - counts are summed (tasks, successes, failures by kind, retries, the checksum), CPU time and
//!   context switches too; memory peaks are the largest segment's;
//! - latency comes from the segments' raw HDR histograms added together, so merged percentiles
//!   are those of every recorded latency, within the histogram's precision (3 significant
//!   figures), never an average of percentiles;
//! - wall time runs from the earliest segment's start (the aligned start, when `--start-at` was
//!   given: none starts before it) to the last segment's end; a model that runs one task at a
//!   time (sequential, py-sequential) is the exception: its time is the sum of its segments'
//!   times, the time one worker would take for all the tasks, so it stays the baseline that
//!   speed-ups are measured against;
//! - every segment's own figures are kept beside the sums (`RunRecord::raw`'s parts).
//!
//! Segments are refused (one line, naming the field) when they are not of one plan (their plan
//! hashes, their number of segments), overlap (a segment twice) or miss one, or are incomplete.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use crate::analysis::figures::summarize_cell;
use crate::record::segment::{decode, encode};
use crate::record::{
    Cell, CellStatus, Concurrency, CpuExperiment, ErrorTally, Experiment, HeapUse, LatencyDistribution, LatencySummary,
    Measured, MicrosHistogram, OpenRun, RawHistograms, RawRun, Report, RunRecord, SegmentInfo, SegmentPart, Segments,
    StatsSnapshot, Tenth,
};

use crate::record::server::micros_histogram as new_histogram;

/// The segment a report is, or why it is not one.
fn segment_of(report: &Report, name: &str) -> Result<SegmentInfo, String> {
    let seg = report.segments.as_ref().ok_or_else(|| format!("{name}: not a segment's results (no segments)"))?;
    match (seg.merged, &seg.parts[..]) {
        (false, [one]) => Ok(one.clone()),
        (true, _) => Err(format!("{name}: segments: already a merged result")),
        _ => Err(format!("{name}: segments: {} parts in one segment's results", seg.parts.len())),
    }
}

/// Checks that `reports` (named by `names`) are every segment of one plan, once each, complete;
/// returns them in segment order.
pub fn check(reports: Vec<(String, Report)>) -> Result<Vec<(SegmentInfo, Report)>, String> {
    let mut segs = Vec::with_capacity(reports.len());
    for (name, report) in reports {
        let info = segment_of(&report, &name)?;
        if !report.complete {
            return Err(format!("{name}: complete: segment {} was interrupted", info.index));
        }
        segs.push((name, info, report));
    }
    let Some((first_name, first, _)) = segs.first() else { return Err("no segment to merge".into()) };
    let (first_name, first) = (first_name.clone(), first.clone());
    for (name, info, _) in &segs {
        if info.plan_hash != first.plan_hash {
            return Err(format!(
                "plan_hash: {name} ran plan {} and {first_name} plan {}: segments of two different plans",
                info.plan_hash, first.plan_hash
            ));
        }
        if info.count != first.count {
            return Err(format!(
                "count: {name} is one of {} segments, {first_name} one of {}",
                info.count, first.count
            ));
        }
    }
    segs.sort_by_key(|(_, info, _)| info.index);
    for pair in segs.windows(2) {
        if pair[0].1.index == pair[1].1.index {
            return Err(format!(
                "index: segment {} twice ({} and {}): segments overlap",
                pair[0].1.index, pair[0].0, pair[1].0
            ));
        }
    }
    if let Some(missing) = (0..first.count).find(|i| segs.iter().all(|(_, s, _)| s.index != *i)) {
        return Err(format!("index: segment {missing} of {} is missing ({} given)", first.count, segs.len()));
    }
    Ok(segs.into_iter().map(|(_, info, report)| (info, report)).collect())
}

/// Whether the one API every segment sent to counted other than what they sent (see
/// `analysis::segments::shared_server`): the merge then fails, as any reconciliation does.
pub fn shared_server_disagrees(report: &Report) -> bool {
    crate::analysis::segments::shared_server(report).is_some_and(|s| !s.agrees())
}

/// Merges the segments of one run (see the module docs); `check` them first.
pub fn merge(segs: Vec<(SegmentInfo, Report)>) -> Result<Report, String> {
    let (infos, reports): (Vec<SegmentInfo>, Vec<Report>) = segs.into_iter().unzip();
    let first = reports.first().ok_or("no segment to merge")?;
    let kinds: Vec<&str> = first.experiments.iter().map(Experiment::kind_name).collect();
    if let Some(r) = reports.iter().find(|r| r.experiments.iter().map(Experiment::kind_name).ne(kinds.iter().copied()))
    {
        return Err(format!("experiments: segment {} ran other experiments", segment_of(r, "a segment")?.index));
    }
    let experiments = (0..first.experiments.len())
        .map(|e| merge_experiment(&reports.iter().map(|r| &r.experiments[e]).collect::<Vec<_>>()))
        .collect::<Result<Vec<_>, String>>()?;
    let mut environment = first.environment.clone();
    // What other processes did before the first run: each segment's own report says (see
    // `merge_measured`).
    environment.others_before = None;
    let hosts: BTreeMap<&str, &Report> = infos.iter().map(|i| i.host.as_str()).zip(&reports).collect();
    environment.cores_granted = hosts.values().map(|r| r.environment.cores_granted).sum();
    environment.cpus_online = hosts.values().map(|r| r.environment.cpus_online).sum();
    let loads = reports.iter().filter_map(|r| r.environment.load_average_start);
    environment.load_average_start = loads.reduce(f64::max);
    environment.load_average_end = reports.iter().filter_map(|r| r.environment.load_average_end).reduce(f64::max);
    Ok(Report {
        started_at: reports.iter().map(|r| r.started_at.clone()).min().unwrap_or_default(),
        finished_at: reports.iter().filter_map(|r| r.finished_at.clone()).max(),
        complete: true,
        environment,
        experiments,
        segments: Some(Segments { merged: true, parts: infos, shared_server: None }),
        ..first.clone()
    })
}

fn merge_experiment(parts: &[&Experiment]) -> Result<Experiment, String> {
    let mut merged = parts[0].clone();
    let cells = merged.cells().len();
    for c in 0..cells {
        let cell = merge_cell(&parts.iter().map(|e| e.cells()[c]).collect::<Vec<_>>())?;
        *merged.cell_mut(c) = cell;
    }
    if let Experiment::Cpu(cpu) = &mut merged {
        let all: Vec<&CpuExperiment> = parts
            .iter()
            .filter_map(|e| match e {
                Experiment::Cpu(c) => Some(c),
                _ => None,
            })
            .collect();
        cpu.task_sizes = interleave(all.iter().map(|c| &c.task_sizes[..]).collect());
        cpu.reference_counts = interleave(all.iter().map(|c| &c.reference_counts[..]).collect());
    }
    Ok(merged)
}

/// The whole run's per-task values from its segments' (segment i's k-th is task i + k·N).
fn interleave(parts: Vec<&[u64]>) -> Vec<u64> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    (0..total).filter_map(|id| parts[id % parts.len()].get(id / parts.len()).copied()).collect()
}

fn merge_cell(parts: &[&Cell]) -> Result<Cell, String> {
    let first = parts[0];
    let status = parts
        .iter()
        .enumerate()
        .find_map(|(i, c)| match &c.status {
            CellStatus::Failed { reason } => Some(CellStatus::Failed { reason: format!("segment {i}: {reason}") }),
            _ => None,
        })
        .or_else(|| parts.iter().any(|c| c.status == CellStatus::Pending).then_some(CellStatus::Pending))
        .unwrap_or(CellStatus::Ok);
    let one_at_a_time = first.model.kind.info().concurrency == Concurrency::One;
    let rounds = parts.iter().map(|c| c.runs.len()).min().unwrap_or(0);
    let mut runs = Vec::with_capacity(rounds);
    let (mut ok, mut corrected, mut lateness) = (new_histogram(), new_histogram(), new_histogram());
    for r in 0..rounds {
        let run = merge_run(&parts.iter().map(|c| &c.runs[r]).collect::<Vec<_>>(), one_at_a_time)?;
        let raw = run.raw.as_ref().map(|raw| raw.histograms.clone()).unwrap_or_default();
        add(&mut ok, raw.ok.as_deref())?;
        add(&mut corrected, raw.corrected.as_deref())?;
        add(&mut lateness, raw.lateness.as_deref())?;
        runs.push(run);
    }
    let mut cell = Cell {
        tasks_total: parts.iter().map(|c| c.tasks_total).sum(),
        tasks_per_run: parts.iter().map(|c| c.tasks_per_run).sum(),
        status,
        runs,
        latency_ok: LatencyDistribution::of(&ok),
        corrected_latency: LatencyDistribution::of(&corrected),
        lateness: LatencyDistribution::of(&lateness),
        ..first.clone()
    };
    cell.summary = summarize_cell(&cell);
    Ok(cell)
}

/// Adds a serialised histogram into `into`.
fn add(into: &mut Histogram<u64>, text: Option<&str>) -> Result<(), String> {
    if let Some(text) = text {
        into.add(decode(text)?).map_err(|e| format!("adding histograms: {e:?}"))?;
    }
    Ok(())
}

/// The sum of the serialised histograms of `runs`, picked by `pick`.
fn added(runs: &[&RunRecord], pick: fn(&RawHistograms) -> Option<&String>) -> Result<Histogram<u64>, String> {
    let mut h = new_histogram();
    for run in runs {
        add(&mut h, run.raw.as_ref().and_then(|r| pick(&r.histograms)).map(String::as_str))?;
    }
    Ok(h)
}

fn merge_run(runs: &[&RunRecord], one_at_a_time: bool) -> Result<RunRecord, String> {
    let raw: Vec<&RawRun> =
        runs.iter().map(|r| r.raw.as_ref()).collect::<Option<_>>().ok_or("raw: a segment's run has no raw figures")?;
    let parts: Vec<SegmentPart> = runs
        .iter()
        .zip(&raw)
        .enumerate()
        .map(|(segment, (r, raw))| SegmentPart {
            segment,
            started_unix_ns: raw.started_unix_ns,
            wall_ns: r.measured.wall_ns,
            tasks: r.tasks,
            ok: r.ok,
            failed: r.failed,
            cpu_ns: r.measured.cpu_user_ns + r.measured.cpu_sys_ns,
        })
        .collect();
    let wall_ns = if one_at_a_time { parts.iter().map(|p| p.wall_ns).sum() } else { span_ns(&parts) };
    let ok_h = added(runs, |h| h.ok.as_ref())?;
    let failed_h = added(runs, |h| h.failed.as_ref())?;
    let histograms = RawHistograms {
        ok: encode(&ok_h),
        failed: encode(&failed_h),
        corrected: encode(&added(runs, |h| h.corrected.as_ref())?),
        queue: encode(&added(runs, |h| h.queue.as_ref())?),
        lateness: encode(&added(runs, |h| h.lateness.as_ref())?),
    };
    let first = runs[0];
    let sum = |f: fn(&RunRecord) -> u64| runs.iter().map(|r| f(r)).sum::<u64>();
    Ok(RunRecord {
        round: first.round,
        tasks: runs.iter().map(|r| r.tasks).sum(),
        ok: sum(|r| r.ok),
        failed: sum(|r| r.failed),
        errors: merge_errors(runs),
        value_sum: runs.iter().fold(0u64, |s, r| s.wrapping_add(r.value_sum)),
        measured: merge_measured(runs, wall_ns),
        latency_ok: LatencySummary::of(&ok_h),
        latency_failed: LatencySummary::of(&failed_h),
        retries: sum(|r| r.retries),
        ok_after_retry: sum(|r| r.ok_after_retry),
        ramp_up_ns: runs.iter().filter_map(|r| r.ramp_up_ns).max(),
        facts: merge_facts(runs),
        server: merge_servers(runs),
        open: merge_open(runs, &histograms)?,
        raw: Some(RawRun {
            started_unix_ns: parts.iter().map(|p| p.started_unix_ns).min().unwrap_or(0),
            histograms,
            parts,
        }),
    })
}

/// From the earliest start to the last end.
fn span_ns(parts: &[SegmentPart]) -> u64 {
    let start = parts.iter().map(|p| p.started_unix_ns).min().unwrap_or(0);
    parts.iter().map(SegmentPart::end_unix_ns).max().unwrap_or(start) - start
}

fn merge_errors(runs: &[&RunRecord]) -> BTreeMap<String, ErrorTally> {
    let mut errors: BTreeMap<String, ErrorTally> = BTreeMap::new();
    for (kind, tally) in runs.iter().flat_map(|r| r.errors.iter()) {
        errors.entry(kind.clone()).and_modify(|t| t.count += tally.count).or_insert_with(|| tally.clone());
    }
    errors
}

fn merge_measured(runs: &[&RunRecord], wall_ns: u64) -> Measured {
    let m: Vec<&Measured> = runs.iter().map(|r| &r.measured).collect();
    let sum = |f: fn(&Measured) -> u64| m.iter().map(|x| f(x)).sum::<u64>();
    let all_max =
        |f: fn(&Measured) -> Option<u64>| m.iter().map(|x| f(x)).collect::<Option<Vec<u64>>>()?.into_iter().max();
    let heaps: Option<Vec<HeapUse>> = m.iter().map(|x| x.heap).collect();
    Measured {
        wall_ns,
        heap: heaps.map(|h| HeapUse {
            peak_bytes: h.iter().map(|h| h.peak_bytes).max().unwrap_or(0),
            current_bytes: h.iter().map(|h| h.current_bytes).sum(),
            allocations: h.iter().map(|h| h.allocations).sum(),
        }),
        rss_peak_bytes: all_max(|x| x.rss_peak_bytes),
        rss_start_bytes: all_max(|x| x.rss_start_bytes),
        rss_peak_reset: m.iter().all(|x| x.rss_peak_reset),
        cpu_user_ns: sum(|x| x.cpu_user_ns),
        cpu_sys_ns: sum(|x| x.cpu_sys_ns),
        voluntary_switches: sum(|x| x.voluntary_switches),
        involuntary_switches: sum(|x| x.involuntary_switches),
        // Each segment's window measured its whole machine, other segments included, and the
        // windows overlap: their sum is no machine's busy time (it counted 4.9 of 2 cores for 4
        // segments on one box). Each segment's own report judges its machine.
        system_busy_ns: None,
    }
}

/// Thread and task counts summed, every pool's workers listed; the first segment's lock and
/// interpreter figures (they describe one process).
fn merge_facts(runs: &[&RunRecord]) -> crate::record::ExecutionFacts {
    let mut facts = runs[0].facts.clone();
    facts.threads_started = runs.iter().map(|r| r.facts.threads_started).sum();
    facts.peak_tasks_in_flight = runs.iter().map(|r| r.facts.peak_tasks_in_flight).sum();
    facts.peak_in_workload = runs.iter().map(|r| r.facts.peak_in_workload).sum();
    if let Some(pool) = facts.processes.as_mut() {
        pool.workers = runs.iter().filter_map(|r| r.facts.processes.as_ref()).flat_map(|p| p.workers.clone()).collect();
    }
    facts
}

/// Each segment's own embedded API, summed (its peaks: the busiest one's); `None` unless every
/// segment had one.
fn merge_servers(runs: &[&RunRecord]) -> Option<StatsSnapshot> {
    let all: Vec<&StatsSnapshot> = runs.iter().map(|r| r.server.as_ref()).collect::<Option<_>>()?;
    let mut s = all[0].clone();
    for o in &all[1..] {
        s.requests += o.requests;
        s.responses += o.responses;
        s.inflight_now += o.inflight_now;
        s.peak_inflight = s.peak_inflight.max(o.peak_inflight);
        s.inflight_at_reset += o.inflight_at_reset;
        s.admin_refused += o.admin_refused;
        s.peak_waiting = s.peak_waiting.max(o.peak_waiting);
        s.queued_requests += o.queued_requests;
        s.queue_wait_us_total += o.queue_wait_us_total;
        s.queue_wait_us_max = s.queue_wait_us_max.max(o.queue_wait_us_max);
        s.connections_accepted += o.connections_accepted;
        s.accept_errors += o.accept_errors;
        s.latency_requested_us_total += o.latency_requested_us_total;
        s.latency_applied_us_total += o.latency_applied_us_total;
        s.latency_applied_us_min = s.latency_applied_us_min.into_iter().chain(o.latency_applied_us_min).min();
        s.latency_applied_us_max = s.latency_applied_us_max.max(o.latency_applied_us_max);
        let (f, g) = (&mut s.faults, &o.faults);
        (f.errors_500, f.errors_503, f.rate_limited) =
            (f.errors_500 + g.errors_500, f.errors_503 + g.errors_503, f.rate_limited + g.rate_limited);
        (f.stalled, f.resets, f.slow_bodies, f.bad_requests) = (
            f.stalled + g.stalled,
            f.resets + g.resets,
            f.slow_bodies + g.slow_bodies,
            f.bad_requests + g.bad_requests,
        );
    }
    let merged = |h: fn(&StatsSnapshot) -> Option<&MicrosHistogram>| {
        Some(MicrosHistogram::merged(all.iter().filter_map(|s| h(s)))).filter(|e| e.count() > 0)
    };
    s.latency_excess = merged(|s| s.latency_excess.as_ref());
    s.resume_lag = merged(|s| s.resume_lag.as_ref());
    Some(s)
}

/// An open model's figures summed (rates, requests, drops), its peaks the largest, its latency
/// from the added histograms, its tenths weighted by their successes.
fn merge_open(runs: &[&RunRecord], h: &RawHistograms) -> Result<Option<OpenRun>, String> {
    let Some(all) = runs.iter().map(|r| r.open.as_ref()).collect::<Option<Vec<&OpenRun>>>() else { return Ok(None) };
    let summary = |text: &Option<String>| -> Result<Option<LatencySummary>, String> {
        Ok(text.as_deref().map(decode).transpose()?.as_ref().and_then(LatencySummary::of))
    };
    let tenths = (0..all.iter().map(|o| o.tenths.len()).min().unwrap_or(0))
        .map(|t| {
            let ok: u64 = all.iter().map(|o| o.tenths[t].ok).sum();
            let mean = |f: fn(&Tenth) -> f64| {
                let total: f64 = all.iter().map(|o| f(&o.tenths[t]) * o.tenths[t].ok as f64).sum();
                if ok > 0 { total / ok as f64 } else { 0.0 }
            };
            Tenth { ok, corrected_mean_us: mean(|x| x.corrected_mean_us), service_mean_us: mean(|x| x.service_mean_us) }
        })
        .collect();
    Ok(Some(OpenRun {
        offered_per_s: all.iter().map(|o| o.offered_per_s).sum(),
        achieved_per_s: all.iter().map(|o| o.achieved_per_s).sum(),
        scheduled: all.iter().map(|o| o.scheduled).sum(),
        released: all.iter().map(|o| o.released).sum(),
        dropped: all.iter().map(|o| o.dropped).sum(),
        queue_peak: all.iter().map(|o| o.queue_peak).max().unwrap_or(0),
        lateness: summary(&h.lateness)?,
        queue: summary(&h.queue)?,
        corrected: summary(&h.corrected)?,
        tenths,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_values_interleave_back_into_their_ids() {
        // 7 tasks in 3 segments: 0 3 6 | 1 4 | 2 5.
        let whole = interleave(vec![&[0, 3, 6], &[1, 4], &[2, 5]]);
        assert_eq!(whole, (0..7).collect::<Vec<u64>>());
        assert_eq!(interleave(vec![&[5, 6]]), vec![5, 6]);
    }

    #[test]
    fn a_span_runs_from_the_first_start_to_the_last_end() {
        let part = |s: u64, w: u64| SegmentPart {
            segment: 0,
            started_unix_ns: s,
            wall_ns: w,
            tasks: 1,
            ok: 1,
            failed: 0,
            cpu_ns: 0,
        };
        assert_eq!(span_ns(&[part(100, 50), part(110, 60), part(105, 10)]), 70);
    }
}

//! The runner's side of a split run (see `crate::segment`): the wait for the aligned start, the
//! segment's record (where and when it ran, the tries no run records), and each run's raw
//! figures for an exact merge.

use std::time::{Instant, SystemTime};

use crate::interrupt::Stop;
use crate::measure::Tally;
use crate::measure::clock::Pacer;
use crate::model::dispatch::Released;
use crate::plan::split::Split;
use crate::record::segment::encode;
use crate::record::{Method, RawHistograms, RawRun, Report, RunRecord, SegmentInfo, Segments};
use crate::segment::unix_ns;
use crate::target::Target;
use crate::workload::WorkloadSpec;

/// Waits, when the split says when step `k` of the schedule (over all experiments) starts, for
/// that instant on this machine's clock (a stop ends the wait). At the first step, says on
/// stderr which segment this is and how it was found.
pub fn wait_for_slot(split: &Split, k: usize, stop: &Stop) {
    if let (0, Some((segment, source))) = (k, &split.segment) {
        eprintln!("segment {segment} of plan {}: {source}", split.plan_hash);
    }
    let Some(at) = split.slot(k) else { return };
    let Ok(ahead) = at.duration_since(SystemTime::now()) else {
        let late = SystemTime::now().duration_since(at).unwrap_or_default();
        eprintln!("run {k} is {:.3} s late for its start: starting now", late.as_secs_f64());
        return;
    };
    if k == 0 {
        eprintln!("starting at {} (in {:.3} s)", humantime::format_rfc3339_millis(at), ahead.as_secs_f64());
    }
    Pacer::default().sleep_until_or(Instant::now() + ahead, || stop.requested());
}

/// A segment's record as its run begins (`None` for a run of one piece): `preflight` tries were
/// made before any run.
pub fn segments(split: &Split, preflight: u64) -> Option<Segments> {
    let (segment, source) = split.segment.as_ref()?;
    let info = SegmentInfo {
        index: segment.index,
        count: segment.count,
        source: source.clone(),
        host: crate::env::host_name(),
        pid: std::process::id(),
        plan_hash: split.plan_hash.clone(),
        start_at_unix_ns: split.start_at.map(unix_ns),
        first_start_unix_ns: None,
        last_end_unix_ns: None,
        unrecorded_tries: preflight,
    };
    Some(Segments { merged: false, parts: vec![info], shared_server: None })
}

/// Requests sent before any run: the preflight GET to an external target (the embedded API's is
/// `/health`, which it does not count; a request with another method is only connected).
pub fn preflight_tries(target: Option<&Target>, spec: &WorkloadSpec) -> u64 {
    let external = target.is_some_and(|t| t.embedded_base().is_none());
    let get = matches!(spec, WorkloadSpec::Io(io) if io.method == Method::Get);
    u64::from(external && get)
}

/// Notes a run in the segment's record: a warm-up's tries (no run records them), a measured
/// run's start and end.
pub fn note_run(report: &mut Report, record: Option<&RunRecord>, warmup: bool) {
    let (Some(segments), Some(record)) = (report.segments.as_mut(), record) else { return };
    let Some(me) = segments.parts.first_mut() else { return };
    if warmup {
        me.unrecorded_tries += crate::analysis::integrity::tries(record);
        return;
    }
    if let Some(raw) = &record.raw {
        let end = raw.started_unix_ns + record.measured.wall_ns;
        me.first_start_unix_ns =
            Some(me.first_start_unix_ns.map_or(raw.started_unix_ns, |s| s.min(raw.started_unix_ns)));
        me.last_end_unix_ns = Some(me.last_end_unix_ns.map_or(end, |e| e.max(end)));
    }
}

/// A run's raw figures: when its window opened, and its histograms (`None` if it never opened).
pub fn raw_run(started: Option<SystemTime>, tally: &Tally, released: Option<&Released>) -> Option<RawRun> {
    let open = tally.open.as_ref();
    Some(RawRun {
        started_unix_ns: unix_ns(started?),
        histograms: RawHistograms {
            ok: encode(&tally.ok_latency),
            failed: encode(&tally.failed_latency),
            corrected: open.and_then(|o| encode(&o.corrected)),
            queue: open.and_then(|o| encode(&o.queue)),
            lateness: released.and_then(|r| encode(&r.lateness)),
        },
        parts: Vec::new(),
    })
}

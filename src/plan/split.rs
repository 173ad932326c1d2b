//! The plan of a split run (between the arguments and the runner): which segment this process
//! runs (`--segment I/N`, or `auto` from the launcher's environment), when its first measured run
//! starts (`--start-at`), and the checks a split needs, all before any work.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::cli::{SegmentArgs, SegmentChoice};
use crate::error::Error;
use crate::segment::{Segment, StartAt};

/// How this process runs its part of a plan. The default is the whole run, started at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Split {
    /// The segment and how it was chosen (`--segment 1/4`, or the launcher); `None`: not split.
    pub segment: Option<(Segment, String)>,
    /// When the first measured run starts (`--start-at`, resolved).
    pub start_at: Option<SystemTime>,
    /// Run k of the schedule starts at `start_at` + k × this (`--run-slot`).
    pub run_slot: Option<Duration>,
    /// The content hash of the plan every segment shares (set once the plan is whole).
    pub plan_hash: String,
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

/// This process's segment, from `--segment` and `--segments` (`var` reads the environment).
pub fn segment(
    choice: Option<SegmentChoice>,
    segments: Option<u64>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<(Segment, String)>, Error> {
    let segments = segments.map(|n| n as usize);
    match choice {
        None if segments.is_some() => {
            Err(usage("--segments N is the size for --segment auto: give --segment auto (or I/N)".into()))
        }
        None => Ok(None),
        Some(SegmentChoice::Part(s)) if segments.is_some_and(|n| n != s.count) => Err(usage(format!(
            "--segment {s} is one of {} segments, but --segments says {}",
            s.count,
            segments.unwrap_or_default()
        ))),
        Some(SegmentChoice::Part(s)) => Ok(Some((s, format!("--segment {s}")))),
        Some(SegmentChoice::Auto) => {
            let (s, launcher) = crate::segment::from_launcher(var, segments).map_err(usage)?;
            Ok(Some((s, launcher.describe().to_string())))
        }
    }
}

/// The split of an experiment command: its segment and its start, `+D` counted from now.
pub fn of_args(args: &SegmentArgs) -> Result<Split, Error> {
    let segment = segment(args.segment, args.segments, |k| std::env::var(k).ok())?;
    if let (Some((s, _)), Some(StartAt::After(_))) = (&segment, args.start_at) {
        // Each segment's process would count from its own launch: their starts, and the plans
        // their results carry, would differ, and `concbench merge` would refuse them.
        return Err(usage(format!(
            "--segment {s} with a relative --start-at: every segment would count from its own launch; give a time (--start-at 2026-12-01T23:30:00Z), or write the plan once (concbench plan … --start-at +30s) and run it on every segment"
        )));
    }
    let start_at = args.start_at.map(|s| s.resolve(SystemTime::now()));
    if args.run_slot.is_some() && args.start_at.is_none() {
        return Err(usage("--run-slot spaces the runs from the aligned start: give --start-at too".into()));
    }
    if args.run_slot.is_some_and(|d| d.is_zero()) {
        return Err(usage("--run-slot must be above zero".into()));
    }
    if let Some(StartAt::At(at)) = args.start_at
        && at < SystemTime::now()
    {
        return Err(usage(format!("--start-at {}: that time has passed", humantime::format_rfc3339_millis(at))));
    }
    Ok(Split { segment, start_at, run_slot: args.run_slot, plan_hash: String::new() })
}

/// The split of an experiment command whose output is `output` (its folder checked for reports
/// unless `force`), and a model it samples, if any: the split, and where the output goes.
pub fn apply(
    args: &SegmentArgs,
    mut output: super::OutputPlan,
    force: bool,
    sampled: Option<String>,
) -> Result<(Split, super::OutputPlan), Error> {
    let split = of_args(args)?;
    split.check_sampled(sampled)?;
    output.out_dir = split.out_dir(output.out_dir.as_deref(), force)?;
    Ok((split, output))
}

impl Split {
    /// When step `k` of the schedule may start: `None` when only the first waits (or none).
    pub fn slot(&self, k: usize) -> Option<SystemTime> {
        match (self.start_at, self.run_slot) {
            (Some(at), Some(slot)) => Some(at + slot * k as u32),
            (Some(at), None) if k == 0 => Some(at),
            _ => None,
        }
    }

    /// Whether the run is split (into one segment or more).
    pub fn is_split(&self) -> bool {
        self.segment.is_some()
    }

    /// The segment (the whole run when not split).
    pub fn part(&self) -> Segment {
        self.segment.as_ref().map_or(Segment::WHOLE, |(s, _)| *s)
    }

    /// Where a segment writes: `DIR/segment-I/`, checked like any report folder; a segment
    /// needs a folder (its results are merged from there).
    pub fn out_dir(&self, out: Option<&Path>, force: bool) -> Result<Option<PathBuf>, Error> {
        let Some((s, _)) = &self.segment else { return Ok(out.map(Path::to_path_buf)) };
        let out = out.ok_or_else(|| {
            usage(format!(
                "--segment {s} writes its results for `concbench merge`: give --out DIR (they go to DIR/segment-{}/)",
                s.index
            ))
        })?;
        let dir = out.join(format!("segment-{}", s.index));
        super::check_out_dir(&dir, force, &super::folder_files(&super::FOLDER_FORMATS))?;
        Ok(Some(dir))
    }

    /// Refuses a split of a sampled model (its time for all is extrapolated from a sample of one
    /// process: split, the sample would run side by side, and its estimate mean nothing).
    pub fn check_sampled(&self, sampled: Option<String>) -> Result<(), Error> {
        match (&self.segment, sampled) {
            (Some((s, _)), Some(model)) => Err(usage(format!(
                "--segment {s}: {model} runs a sample (--sync-sample) and extrapolates, which a split cannot: give --sync-sample equal to --requests, or leave {model} out"
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn segments_come_from_the_flag_or_the_launcher_and_agree_with_segments() {
        let part = |s: &str| Some(SegmentChoice::Part(s.parse().unwrap()));
        assert_eq!(segment(part("1/3"), None, none).unwrap().unwrap().0, Segment::new(1, 3).unwrap());
        assert!(segment(part("1/3"), Some(4), none).unwrap_err().to_string().contains("--segments says 4"));
        assert!(segment(None, Some(4), none).unwrap_err().to_string().contains("--segment auto"));
        assert_eq!(segment(None, None, none).unwrap(), None);
        let e = segment(Some(SegmentChoice::Auto), None, none).unwrap_err().to_string();
        assert!(e.contains("no launcher"), "{e}");
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        let (s, source) = segment(Some(SegmentChoice::Auto), Some(3), k8s).unwrap().unwrap();
        assert_eq!((s, source.contains("JOB_COMPLETION_INDEX")), (Segment::new(2, 3).unwrap(), true));
    }
}

//! Segments: one run split into N parts that run side by side (on one machine or many) and merge
//! exactly. Pure arithmetic, below everything that runs tasks: which task ids a segment runs, and
//! which segment a launcher's environment says this process is.
//!
//! Segment I of N (I counts from 0, as ranks do) runs the task ids I, I + N, I + 2N, … of the
//! experiment's ids, so every id is in exactly one segment and the segments' shares differ by at
//! most one task. In an open model the ids keep their due times (the whole schedule is computed
//! from the rate and the seed, and a segment keeps its ids'), so each segment offers R / N and the
//! union of their schedules is the whole one.

use std::ops::Range;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Part `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    pub index: usize,
    pub count: usize,
}

/// The most segments a run may be split into.
pub const MAX_SEGMENTS: usize = 100_000;

impl Segment {
    /// The whole run: segment 0 of 1.
    pub const WHOLE: Segment = Segment { index: 0, count: 1 };

    /// Segment `index` of `count`, checked: `count` from 1 to [`MAX_SEGMENTS`], `index` below it.
    pub fn new(index: usize, count: usize) -> Result<Self, String> {
        if count == 0 || count > MAX_SEGMENTS {
            return Err(format!("{index}/{count}: the number of segments must be from 1 to {MAX_SEGMENTS}"));
        }
        if index >= count {
            return Err(format!("{index}/{count}: a segment is numbered from 0 to {} (its rank)", count - 1));
        }
        Ok(Segment { index, count })
    }

    /// Whether this is the whole run.
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// The ids of `tasks` this segment runs.
    pub fn tasks(&self, tasks: Range<usize>) -> TaskSet {
        TaskSet { first: tasks.start.saturating_add(self.index).min(tasks.end), end: tasks.end, step: self.count }
    }

    /// How many of `n` tasks (ids 0..n) it runs.
    pub fn share(&self, n: usize) -> usize {
        self.tasks(0..n).len()
    }

    /// Whether task `id` of a run whose ids start at `start` is this segment's.
    pub fn holds(&self, start: usize, id: usize) -> bool {
        id >= start && (id - start) % self.count == self.index
    }
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Segment {
    type Err = String;
    /// `I/N`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s.trim().split_once('/').ok_or_else(|| format!("'{s}' is not a segment: write I/N, e.g. 0/4"))?;
        let number =
            |v: &str| v.trim().parse::<usize>().map_err(|_| format!("'{s}' is not a segment: write I/N, e.g. 0/4"));
        Segment::new(number(i)?, number(n)?)
    }
}

/// The task ids one run executes: `first`, `first + step`, … below `end`. The whole run is
/// `0..n` with a step of 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskSet {
    pub first: usize,
    pub end: usize,
    pub step: usize,
}

impl From<Range<usize>> for TaskSet {
    fn from(r: Range<usize>) -> Self {
        TaskSet { first: r.start.min(r.end), end: r.end, step: 1 }
    }
}

impl TaskSet {
    pub fn len(&self) -> usize {
        (self.end - self.first).div_ceil(self.step)
    }

    pub fn is_empty(&self) -> bool {
        self.first >= self.end
    }

    /// The `k`-th id, if there are that many.
    pub fn nth(&self, k: usize) -> Option<usize> {
        let id = k.checked_mul(self.step)?.checked_add(self.first)?;
        (id < self.end).then_some(id)
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: usize) -> bool {
        id >= self.first && id < self.end && (id - self.first).is_multiple_of(self.step)
    }

    /// The ids in order.
    pub fn iter(&self) -> std::iter::StepBy<Range<usize>> {
        (self.first..self.end).step_by(self.step)
    }
}

/// `--start-at`: when every segment's first measured run starts. Clocks are assumed synchronised
/// (NTP): each segment waits for the instant on its own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// An absolute wall-clock time: RFC 3339 (`2026-12-01T10:00:00Z`) or `@` and Unix seconds.
    At(SystemTime),
    /// `+5s`: this long after the plan is made (resolved once, where the plan is made).
    After(Duration),
}

impl StartAt {
    /// The instant, a relative one counted from `now`.
    pub fn resolve(self, now: SystemTime) -> SystemTime {
        match self {
            StartAt::At(t) => t,
            StartAt::After(d) => now + d,
        }
    }
}

impl std::str::FromStr for StartAt {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if let Some(after) = t.strip_prefix('+') {
            return crate::units::parse_duration(after).map(StartAt::After).map_err(|e| format!("--start-at {s}: {e}"));
        }
        if let Some(unix) = t.strip_prefix('@') {
            let secs: f64 =
                unix.parse().map_err(|_| format!("--start-at {s}: @ takes Unix seconds, e.g. @1764583200"))?;
            return (secs.is_finite() && secs >= 0.0)
                .then(|| StartAt::At(UNIX_EPOCH + Duration::from_secs_f64(secs)))
                .ok_or_else(|| format!("--start-at {s}: Unix seconds must be 0 or more"));
        }
        humantime::parse_rfc3339_weak(t).map(StartAt::At).map_err(|_| {
            format!("--start-at {s}: write a wall-clock time (2026-12-01T10:00:00Z, @UNIX-SECONDS) or +DURATION (+30s)")
        })
    }
}

/// Nanoseconds since the Unix epoch (0 before it).
pub fn unix_ns(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// The instant `ns` nanoseconds after the Unix epoch.
pub fn from_unix_ns(ns: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(ns)
}

/// Where a segment's rank and the number of segments came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launcher {
    OpenMpi,
    Pmi,
    Slurm,
    Kubernetes,
}

impl Launcher {
    /// How the report names it, with the variables read.
    pub fn describe(self) -> &'static str {
        match self {
            Launcher::OpenMpi => "Open MPI (OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE)",
            Launcher::Pmi => "PMI (PMI_RANK, PMI_SIZE)",
            Launcher::Slurm => "Slurm (SLURM_PROCID, SLURM_NTASKS)",
            Launcher::Kubernetes => "a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, --segments)",
        }
    }
}

/// The pairs of variables (rank, size) each launcher sets, in the order they are looked for.
const LAUNCHERS: [(Launcher, &str, &str); 3] = [
    (Launcher::OpenMpi, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
    (Launcher::Pmi, "PMI_RANK", "PMI_SIZE"),
    (Launcher::Slurm, "SLURM_PROCID", "SLURM_NTASKS"),
];

/// This process's segment from its launcher's environment (`var` looks a variable up): Open MPI,
/// then PMI, then Slurm, each giving the rank and the size; else a Kubernetes Indexed Job's
/// `JOB_COMPLETION_INDEX` with `segments` (the Job's completions, which no variable gives).
/// `segments`, when given, must agree with a launcher's size.
pub fn from_launcher(
    var: impl Fn(&str) -> Option<String>,
    segments: Option<usize>,
) -> Result<(Segment, Launcher), String> {
    let number = |name: &str, v: String| {
        v.trim().parse::<usize>().map_err(|_| format!("--segment auto: {name}={v} is not a number"))
    };
    for (launcher, rank, size) in LAUNCHERS {
        let (Some(r), Some(s)) = (var(rank), var(size)) else { continue };
        let (r, s) = (number(rank, r)?, number(size, s)?);
        if let Some(n) = segments.filter(|&n| n != s) {
            return Err(format!("--segment auto: {size}={s}, but --segments says {n}"));
        }
        let segment = Segment::new(r, s).map_err(|e| format!("--segment auto ({rank}, {size}): {e}"))?;
        return Ok((segment, launcher));
    }
    if let Some(index) = var("JOB_COMPLETION_INDEX") {
        let index = number("JOB_COMPLETION_INDEX", index)?;
        let Some(n) = segments else {
            return Err(format!(
                "--segment auto: JOB_COMPLETION_INDEX={index} gives the rank, not the size: give --segments N (the Job's completions)"
            ));
        };
        let segment = Segment::new(index, n).map_err(|e| format!("--segment auto (JOB_COMPLETION_INDEX): {e}"))?;
        return Ok((segment, Launcher::Kubernetes));
    }
    Err("--segment auto: no launcher's rank in the environment (OMPI_COMM_WORLD_RANK, PMI_RANK, SLURM_PROCID or JOB_COMPLETION_INDEX): start it with mpirun, srun or an Indexed Job, or give --segment I/N".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        #[test]
        fn every_task_is_in_exactly_one_segment(n in 1usize..=7, start in 0usize..5, len in 0usize..500) {
            let tasks = start..start + len;
            let mut seen = vec![0u8; len];
            for i in 0..n {
                let seg = Segment::new(i, n).unwrap();
                let set = seg.tasks(tasks.clone());
                let ids: Vec<usize> = set.iter().collect();
                prop_assert_eq!(ids.len(), set.len());
                prop_assert_eq!(set.len(), seg.share(len));
                prop_assert!(set.len().abs_diff(len / n) <= 1, "shares differ by at most one");
                for (k, &id) in ids.iter().enumerate() {
                    prop_assert_eq!(set.nth(k), Some(id));
                    prop_assert!(set.contains(id) && seg.holds(start, id));
                    seen[id - start] += 1;
                }
                prop_assert_eq!(set.nth(ids.len()), None);
            }
            prop_assert!(seen.iter().all(|&c| c == 1), "each id once: {:?}", seen);
        }
    }

    #[test]
    fn segments_parse_and_refuse_nonsense() {
        assert_eq!("1/4".parse::<Segment>(), Ok(Segment { index: 1, count: 4 }));
        assert_eq!(" 0/1 ".parse::<Segment>(), Ok(Segment::WHOLE));
        for bad in ["3/2", "2/2", "0/0", "1", "a/2", "-1/2", "1/", "/3"] {
            let e = bad.parse::<Segment>().unwrap_err();
            assert!(!e.is_empty() && !e.contains('\n'), "{bad}: {e}");
        }
        assert_eq!(TaskSet::from(3..8).iter().collect::<Vec<_>>(), vec![3, 4, 5, 6, 7]);
        assert!(Segment::new(4, 5).unwrap().tasks(0..3).is_empty());
    }

    #[test]
    fn start_times_are_absolute_or_after_the_plan() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!("+5s".parse::<StartAt>().unwrap().resolve(now), now + Duration::from_secs(5));
        assert_eq!("@1764583200".parse::<StartAt>(), Ok(StartAt::At(UNIX_EPOCH + Duration::from_secs(1_764_583_200))));
        let at = "2025-12-01T10:00:00Z".parse::<StartAt>().unwrap();
        assert_eq!(at, StartAt::At(UNIX_EPOCH + Duration::from_secs(1_764_583_200)));
        assert_eq!(from_unix_ns(unix_ns(now)), now);
        for bad in ["+x", "tomorrow", "@-3", "@x", ""] {
            assert!(bad.parse::<StartAt>().is_err(), "{bad}");
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_launcher_is_read_from_its_environment() {
        let mpi = env(&[("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "3"), ("SLURM_PROCID", "0")]);
        assert_eq!(from_launcher(&mpi, None), Ok((Segment { index: 2, count: 3 }, Launcher::OpenMpi)));
        assert!(from_launcher(&mpi, Some(4)).unwrap_err().contains("--segments says 4"));
        let pmi = env(&[("PMI_RANK", "0"), ("PMI_SIZE", "2")]);
        assert_eq!(from_launcher(pmi, None).unwrap().1, Launcher::Pmi);
        let slurm = env(&[("SLURM_PROCID", "1"), ("SLURM_NTASKS", "2")]);
        assert_eq!(from_launcher(slurm, None), Ok((Segment { index: 1, count: 2 }, Launcher::Slurm)));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "3")]);
        assert_eq!(from_launcher(&k8s, Some(4)), Ok((Segment { index: 3, count: 4 }, Launcher::Kubernetes)));
        assert!(from_launcher(&k8s, None).unwrap_err().contains("--segments N"));
        assert!(from_launcher(&k8s, Some(3)).unwrap_err().contains("3/3"));
        let none = from_launcher(env(&[]), None).unwrap_err();
        assert!(none.contains("no launcher") && !none.contains('\n'), "{none}");
        assert!(from_launcher(env(&[("PMI_RANK", "x"), ("PMI_SIZE", "2")]), None).unwrap_err().contains("PMI_RANK=x"));
    }
}

//! What the kernel knows about this process: CPU time, context switches, resident memory.
//!
//! Peak RSS (`VmHWM`) never falls by itself; [`reset_peak_rss`] asks Linux to restart it
//! (`/proc/self/clear_refs`, value 5), so each run's peak is its own. Where that is refused the
//! figure is marked as "since process start" rather than silently wrong.

use std::time::Duration;

/// `getrusage` figures for this process (or its waited-for children).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub user: Duration,
    pub sys: Duration,
    pub voluntary_switches: u64,
    pub involuntary_switches: u64,
    /// The kernel's max RSS (kilobytes on Linux) as bytes; for children, the largest child's.
    pub max_rss_bytes: u64,
}

/// Whose usage to read.
#[derive(Debug, Clone, Copy)]
pub enum Who {
    /// This process, all threads.
    SelfProcess,
    /// Terminated and waited-for children, summed (max RSS: the largest).
    Children,
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

/// Reads `getrusage` for `who`.
pub fn usage(who: Who) -> Usage {
    let flag = match who {
        Who::SelfProcess => libc::RUSAGE_SELF,
        Who::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointer to a rusage struct; RUSAGE_SELF/CHILDREN are valid selectors.
    if unsafe { libc::getrusage(flag, &mut ru) } != 0 {
        return Usage::default();
    }
    Usage {
        user: timeval(ru.ru_utime),
        sys: timeval(ru.ru_stime),
        voluntary_switches: ru.ru_nvcsw as u64,
        involuntary_switches: ru.ru_nivcsw as u64,
        max_rss_bytes: ru.ru_maxrss as u64 * 1024,
    }
}

impl Usage {
    /// The usage accrued since `earlier` (max RSS is taken as is: it is not additive).
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            user: self.user.saturating_sub(earlier.user),
            sys: self.sys.saturating_sub(earlier.sys),
            voluntary_switches: self.voluntary_switches.saturating_sub(earlier.voluntary_switches),
            involuntary_switches: self.involuntary_switches.saturating_sub(earlier.involuntary_switches),
            max_rss_bytes: self.max_rss_bytes,
        }
    }
}

/// Resident set size now and its peak, from `/proc/self/status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rss {
    pub current_bytes: u64,
    pub peak_bytes: u64,
}

/// Reads `VmRSS`/`VmHWM`; `None` where `/proc` is not there.
pub fn rss() -> Option<Rss> {
    rss_at("/proc/self")
}

/// The same of another process (a child, from outside it).
pub fn rss_of(pid: u32) -> Option<Rss> {
    rss_at(&format!("/proc/{pid}"))
}

fn rss_at(proc_dir: &str) -> Option<Rss> {
    let status = std::fs::read_to_string(format!("{proc_dir}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb * 1024)
    };
    Some(Rss { current_bytes: field("VmRSS:")?, peak_bytes: field("VmHWM:")? })
}

/// Restarts the kernel's peak-RSS counter at the current RSS. Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The same for another process (a child of this one).
pub fn reset_peak_rss_of(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_moves_forward_with_work() {
        let before = usage(Who::SelfProcess);
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let spent = usage(Who::SelfProcess).since(&before);
        assert!(spent.user + spent.sys > Duration::ZERO, "{spent:?}");
    }

    #[test]
    fn rss_is_read_and_peak_is_at_least_current() {
        let r = rss().expect("/proc/self/status");
        assert!(r.current_bytes > 0 && r.peak_bytes >= r.current_bytes, "{r:?}");
    }
}

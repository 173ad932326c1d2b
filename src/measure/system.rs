//! What the whole machine did while concbench measured: the CPU time all processes spent
//! (`/proc/stat`), so a report can tell a quiet machine from a busy one by what the machine is
//! doing now, not by a one-minute load average that still holds the build `cargo run` just
//! finished.

use std::time::{Duration, Instant};

use crate::record::OthersLoad;

/// CPU time the whole machine has spent busy (user, nice, system, interrupts, and time stolen by
/// a hypervisor) since it booted; `None` without `/proc/stat`.
pub fn busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    busy_of(stat.lines().next()?)
}

/// The busy time of the aggregate `cpu` line of `/proc/stat` (fields in clock ticks: user nice
/// system idle iowait irq softirq steal ...).
fn busy_of(line: &str) -> Option<Duration> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let ticks: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
    let at = |i: usize| ticks.get(i).copied().unwrap_or(0);
    let busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
    Some(Duration::from_secs_f64(busy as f64 / clock_ticks_per_second()))
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf with a valid name has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// The CPU time other processes took during `window`, while this one slept: the machine's busy
/// time minus this process's own (and its waited-for children's).
pub fn others_during(window: Duration) -> Option<OthersLoad> {
    let own = || {
        let (s, c) = (
            super::process::usage(super::process::Who::SelfProcess),
            super::process::usage(super::process::Who::Children),
        );
        s.user + s.sys + c.user + c.sys
    };
    let (busy0, own0, t0) = (busy()?, own(), Instant::now());
    std::thread::sleep(window);
    let (busy1, own1, elapsed) = (busy()?, own(), t0.elapsed());
    let others = busy1.saturating_sub(busy0).saturating_sub(own1.saturating_sub(own0));
    Some(OthersLoad { window_ms: elapsed.as_secs_f64() * 1e3, cpu_ms: others.as_secs_f64() * 1e3 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aggregate_line_sums_the_busy_fields() {
        let hz = clock_ticks_per_second();
        let busy = busy_of("cpu  100 10 50 9000 40 5 5 20 0 0").unwrap();
        assert!((busy.as_secs_f64() - 190.0 / hz).abs() < 1e-9, "{busy:?}");
        assert_eq!(busy_of("cpu0 1 2 3"), None, "only the aggregate line");
        assert_eq!(busy_of("intr 1 2"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_reports_its_busy_time() {
        let a = busy().unwrap();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(50) {
            std::hint::spin_loop();
        }
        assert!(busy().unwrap() >= a);
    }
}

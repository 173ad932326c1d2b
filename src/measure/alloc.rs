//! A counting global allocator: live heap bytes, their peak and the number of allocations.
//!
//! This is concbench's analogue of Python's `tracemalloc`, which the source report used: it sees
//! every heap allocation of the process (all threads), and nothing else: thread stacks, the
//! executable, and memory the kernel maps directly are not heap. The binary installs it with
//! `#[global_allocator]`; a library user who does not install it gets `None` from [`snapshot`].
//!
//! Cost: one relaxed `fetch_add`/`fetch_sub` on a shared counter per allocation and free, plus a
//! `fetch_max` only when a new peak is reached. The counters share a cache line, so threads that
//! allocate flat out contend on it; for I/O-bound runs this is noise (measured in the README).

use crate::record::HeapUse;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};

/// The allocator to install: `#[global_allocator] static A: CountingAlloc = CountingAlloc;`.
pub struct CountingAlloc;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
/// Counting can be switched off (`CONCBENCH_HEAP_COUNTING=off`) to measure what it costs.
static ENABLED: AtomicBool = AtomicBool::new(true);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicU64 = AtomicU64::new(0);

#[inline]
fn grew(by: usize) {
    if !ENABLED.load(Relaxed) {
        return;
    }
    COUNT.fetch_add(1, Relaxed);
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    if now > PEAK.load(Relaxed) {
        PEAK.fetch_max(now, Relaxed);
    }
}

// SAFETY: every method forwards to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        if ENABLED.load(Relaxed) {
            CURRENT.fetch_sub(layout.size(), Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else if ENABLED.load(Relaxed) {
                COUNT.fetch_add(1, Relaxed);
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        new
    }
}

/// Stops counting for good (the figures then read as "not measured"). For measuring what the
/// counting costs; call it before anything else runs.
pub fn disable() {
    ENABLED.store(false, Relaxed);
}

/// The counters at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapSnapshot {
    /// Live heap bytes now.
    pub current_bytes: usize,
    /// Highest live heap bytes since the last [`reset_peak`].
    pub peak_bytes: usize,
    /// Allocations (including reallocations) since the process started.
    pub allocations: u64,
}

/// The counters now, or `None` when [`CountingAlloc`] is not the global allocator.
pub fn snapshot() -> Option<HeapSnapshot> {
    is_installed().then(|| HeapSnapshot {
        current_bytes: CURRENT.load(Relaxed),
        peak_bytes: PEAK.load(Relaxed),
        allocations: COUNT.load(Relaxed),
    })
}

/// Starts a new peak window: the peak becomes the live heap now.
pub fn reset_peak() {
    PEAK.store(CURRENT.load(Relaxed), Relaxed);
}

/// Whether [`CountingAlloc`] is installed and counting. The first call probes (an allocation made
/// there must move the counter) and the answer is kept, so later calls allocate nothing and the
/// allocation counts of a window are exact.
pub fn is_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    // Counting once switched off stays off (see `disable`): no probe is needed then.
    ENABLED.load(Relaxed)
        && *INSTALLED.get_or_init(|| {
            let before = COUNT.load(Relaxed);
            drop(std::hint::black_box(Box::new(0u64)));
            COUNT.load(Relaxed) != before
        })
}

/// Heap figures of one measured window, relative to its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapWindow {
    start: HeapSnapshot,
}

impl HeapWindow {
    /// Opens a window (resets the peak); `None` when the allocator is not installed.
    pub fn open() -> Option<Self> {
        reset_peak();
        snapshot().map(|start| HeapWindow { start })
    }

    /// What the window saw up to now.
    pub fn close(&self) -> HeapUse {
        let end = snapshot().unwrap_or(self.start);
        HeapUse {
            peak_bytes: end.peak_bytes.saturating_sub(self.start.current_bytes) as u64,
            current_bytes: end.current_bytes as i64 - self.start.current_bytes as i64,
            allocations: Some(end.allocations - self.start.allocations),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The library's unit tests run with the counting allocator, so the figures can be checked.
    #[global_allocator]
    static ALLOC: CountingAlloc = CountingAlloc;

    /// Tries `check` until it holds once: other tests' threads allocate too, and an allocation of
    /// theirs between two reads is not this code's. With the probe on every call, no try could
    /// ever see zero allocations.
    fn holds_once(check: impl Fn() -> bool) -> bool {
        (0..1000).any(|_| check())
    }

    #[test]
    fn reading_the_counters_allocates_nothing() {
        assert!(is_installed());
        assert!(holds_once(|| {
            let a = snapshot().unwrap();
            let b = snapshot().unwrap();
            b.allocations == a.allocations
        }));
        assert!(holds_once(|| {
            let before = COUNT.load(Relaxed);
            (0..10).all(|_| is_installed()) && COUNT.load(Relaxed) == before
        }));
    }

    #[test]
    fn a_window_counts_each_allocation_once() {
        assert!(holds_once(|| {
            let window = HeapWindow::open().unwrap();
            let held = std::hint::black_box(Box::new([0u8; 64]));
            let used = window.close();
            drop(held);
            used.allocations == Some(1) && used.current_bytes == 64
        }));
    }
}

//! A view (between analysis and the writers): what the report says about how the py models ran,
//! wherever it matters: what tracing their heap cost, what their clients' timeouts bound, the
//! models left out and why, and each interpreter in the environment block.

use crate::record::{Environment, PySettings};
use crate::text::Text;

/// What tracemalloc cost in each interpreter of `python`, as measured when its driver started:
/// `10.7x in 3.11.7, GIL` (`None` when it did not trace, or nothing was measured).
pub fn tracemalloc_cost(t: &Text, env: &Environment, python: &PySettings) -> Option<String> {
    if !python.tracemalloc {
        return None;
    }
    let costs: Vec<String> = python
        .interpreters
        .iter()
        .filter_map(|i| {
            let x = env.python.iter().filter(|e| e.path == i.path).find_map(|e| e.tracemalloc_slowdown)?;
            let args = [("x", format!("{x:.1}").into()), ("version", i.version.as_str().into())];
            Some(t.msg("tracemalloc-slowdown", &args))
        })
        .collect();
    (!costs.is_empty()).then(|| costs.join(", "))
}

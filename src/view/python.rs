//! A view (between analysis and the writers): what the report says about how the py models ran,
//! wherever it matters: what tracing their heap cost, what their clients' timeouts bound, the
//! models left out and why, and each interpreter in the environment block.

use super::doc::{Document, Inline, bullets};
use super::words::{code, interpreter, led, plain, rich};
use crate::record::{Environment, Experiment, Interpreter, PySettings};
use crate::text::{Arg, Text};
use crate::units::fmt_duration;

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

/// How an experiment's py models ran, as its tail states it: the interpreters, what their heap
/// figures are, what their clients' timeouts bound (HTTP work) or each call's (the user's task),
/// and the models left out with why. Nothing without py settings.
pub fn settings(doc: &mut Document, t: &Text, experiment: &Experiment, env: &Environment) {
    let Some(python) = experiment.python() else { return };
    doc.heading(2, t.get("py-title"));
    let mut lines = Vec::new();
    if !python.interpreters.is_empty() {
        let each: Vec<String> =
            python.interpreters.iter().map(|i| format!("{} ({})", interpreter(t, i), i.path)).collect();
        let args = [("list", plain(&each.join("; ")).into()), ("n", each.len().into())];
        lines.push(led(t, "py-interpreters", &args));
        lines.push(heap(t, env, python));
    }
    match (experiment.task(), experiment.kind_name()) {
        (Some(task), _) => lines.push(task_timeout(t, task)),
        (None, "io" | "scale") => lines.push(timeouts(t, experiment)),
        _ => {}
    }
    lines.extend(skipped(t, python));
    doc.doc(bullets(lines));
}

/// What the py rows' heap figures are: tracemalloc's, the driver's only, and what it cost; or none.
fn heap(t: &Text, env: &Environment, python: &PySettings) -> Inline {
    match tracemalloc_cost(t, env, python) {
        Some(cost) => led(t, "py-heap-traced", &[("slowdown", cost.into())]),
        None if python.tracemalloc => led(t, "py-heap-traced", &[("slowdown", "?".into())]),
        None => led(t, "py-heap-untraced", &[]),
    }
}

/// What `--timeout` and `--connect-timeout` bound for aiohttp and for requests.
fn timeouts(t: &Text, experiment: &Experiment) -> Inline {
    let c = experiment.client().map(|c| &c.config);
    let d = |f: fn(&crate::record::ClientConfig) -> std::time::Duration| c.map_or("?".into(), |c| fmt_duration(f(c)));
    led(t, "py-timeouts", &[("timeout", d(|c| c.timeout).into()), ("connect", d(|c| c.connect_timeout).into())])
}

/// What bounds each call of the user's task.
fn task_timeout(t: &Text, task: &crate::record::PyTaskSettings) -> Inline {
    match task.task_timeout {
        Some(d) => led(t, "py-task-timeout", &[("timeout", fmt_duration(d).into())]),
        None => led(t, "py-task-no-timeout", &[]),
    }
}

/// The models left out, each with why.
pub fn skipped(t: &Text, python: &PySettings) -> Vec<Inline> {
    let line = |s: &crate::record::Skipped| {
        led(t, "py-skipped", &[("model", code(&s.model).into()), ("reason", plain(&s.reason).into())])
    };
    python.skipped.iter().map(line).collect()
}

/// Each interpreter the py models ran in, for the environment block.
pub fn interpreters(doc: &mut Document, t: &Text, env: &Environment) {
    if env.python.is_empty() {
        return;
    }
    doc.heading(2, t.get("env-python"));
    doc.doc(bullets(env.python.iter().map(|i| interpreter_line(t, i))));
}

fn interpreter_line(t: &Text, i: &Interpreter) -> Inline {
    let clients: Vec<String> = i.clients.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let args = [
        ("tag", Arg::from(i.tag.as_str())),
        ("path", code(&i.path).into()),
        ("executable", code(&i.executable).into()),
        ("abi", plain(&i.abi).into()),
        ("build", plain(&i.build).into()),
        ("compiler", plain(&i.compiler).into()),
        ("free", if i.free_threaded_build { "yes" } else { "no" }.into()),
        ("gil", if i.gil_enabled { "on" } else { "off" }.into()),
        ("method", i.start_method.as_str().into()),
    ];
    let mut line = led(t, "env-interpreter", &args);
    if !clients.is_empty() {
        let venv = i.venv.as_deref().unwrap_or("?");
        let more = [("clients", plain(&clients.join(", ")).into()), ("venv", code(venv).into())];
        line = line.then(" ").then(rich(t, "env-interpreter-clients", &more));
    }
    if let Some(x) = i.tracemalloc_slowdown {
        line = line.then(" ").then(rich(t, "env-interpreter-tracemalloc", &[("x", format!("{x:.1}").into())]));
    }
    line
}

//! A view (between analysis and the writers): what sections 4 and 5 say about CPython's own
//! lock: its threads under the real GIL beside the emulated one and none (a free-threaded build,
//! Rust threads), each with the cores it really kept busy (CPU over wall time), and its processes'
//! start-up. Nothing here shows without a py model.

use super::common::{doc_table, headers, or_none};
use super::cpu::f2;
use super::doc::{Block, Document, Inline, Item};
use super::words::{Names, led, ratio_cell, secs};
use crate::analysis::cpu::{CpuAnalysis, CpuRow, Lock};
use crate::record::ModelKind;
use crate::text::{Arg, Text};
use crate::units::fmt_mib;

/// Cores used (CPU over wall time) below this mean the threads ran one at a time.
pub const ONE_AT_A_TIME: f64 = 1.25;

/// Whether CPython's threads ran (under its GIL or, in a free-threaded build, without it).
pub fn any_real(a: &CpuAnalysis) -> bool {
    a.locks().iter().any(|(_, lock)| matches!(lock, Lock::Real | Lock::FreeThreaded))
}

/// The lock in words, as the catalogues select on it.
fn lock_word(t: &Text, lock: Lock) -> String {
    let key = match lock {
        Lock::Emulated => "emulated",
        Lock::Real => "real",
        Lock::FreeThreaded => "free",
        Lock::None => "none",
    };
    t.msg("lock", &[("lock", key.into())])
}

/// Section 4's points on CPython's threads and processes, after the emulated lock's.
pub fn section4_points(doc: &mut Document, t: &Text, a: &CpuAnalysis) {
    let point = |id: &str, r: &CpuRow| {
        let x = r.stated_speedup()?.point;
        let version = r.interpreter().map_or(String::new(), |i| i.version.clone());
        let args = [("x", Arg::from(f2(x))), ("version", version.into())];
        Some(Item { text: led(t, id, &args), more: Vec::new(), sub: vec![t.attr(id, "then", &args).into()] })
    };
    let threads = a.all(ModelKind::PyThreads).filter_map(|r| match r.lock() {
        Some(Lock::Real) => point("s4-py-gil-point", r),
        _ => point("s4-py-free-point", r),
    });
    let processes = a.all(ModelKind::PyProcesses).filter_map(|r| point("s4-py-processes-point", r));
    let items: Vec<Item> = threads.chain(processes).collect();
    if !items.is_empty() {
        doc.doc(Block::Paragraph(t.get("s4-py-intro").into()));
        doc.doc(Block::Bullets(items));
    }
}

/// The source's "multithreading has almost no effect on CPU-bound work (GIL)", for each
/// interpreter whose threads ran under the real GIL and gained less than 1.2x.
pub fn no_effect(doc: &mut Document, names: &Names, a: &CpuAnalysis) {
    for r in a.all(ModelKind::PyThreads).filter(|r| r.lock() == Some(Lock::Real)) {
        let Some(x) = r.stated_speedup().filter(|x| x.point < 1.2) else { continue };
        let args = [("x", f2(x.point).into()), ("model", names.spec(r.figures.cell).into())];
        let note = super::words::interval_note(names.t, &x);
        doc.doc(Block::Paragraph(led(names.t, "s4-py-gil-no-effect", &args).then(format!(" {note}"))));
    }
}

/// The emulated lock, the real one and none, side by side: one table of the same tasks, with the
/// cores each kept busy, and what that says.
pub fn table(doc: &mut Document, names: &Names, a: &CpuAnalysis) {
    let t = names.t;
    let mut locks = a.locks();
    locks.sort_by_key(|(_, lock)| *lock as u8);
    doc.heading(2, t.get("s5-locks"));
    let rows = locks
        .iter()
        .map(|(r, lock)| {
            let speedup = or_none(r.speedup, |j| ratio_cell(t, &j, |x| format!("{:.2}x", x.point)));
            vec![
                names.name(r.figures.cell).into(),
                lock_word(t, *lock).into(),
                secs(t, r.figures.wall).into(),
                speedup,
                f2(r.cores_used).into(),
            ]
        })
        .collect();
    let ids = ["col-model", "col-lock", "col-time", "col-speedup-own", "col-cores-used"];
    doc.doc(doc_table(headers(t, &ids), rows));
    let lines = locks.iter().map(|(r, _)| cores_line(t, &names.name(r.figures.cell), r, a.cores));
    doc.doc(Block::Bullets(lines.map(Item::from).collect()));
    doc.doc(Block::Paragraph(t.get("s5-lock-note").into()));
}

/// A speed-up below this, with more than one core busy, means the extra CPU bought no speed.
pub const NO_GAIN: f64 = 1.1;

/// What a row's cores used says: one thread at a time, in parallel, or busy without gaining.
fn cores_line(t: &Text, model: &str, r: &CpuRow, cores: usize) -> Inline {
    let gained = r.stated_speedup().is_none_or(|x| x.point >= NO_GAIN);
    let parallel = match (r.cores_used < ONE_AT_A_TIME, gained) {
        (true, _) => "one",
        (false, true) => "many",
        (false, false) => "contended",
    };
    let args = [
        ("model", Arg::from(model)),
        ("used", f2(r.cores_used).into()),
        ("n", r.n.into()),
        ("cores", cores.into()),
        ("parallel", parallel.into()),
    ];
    t.msg("s5-lock-cores", &args).into()
}

/// The terminal's line per CPython thread pool: the cores it kept busy and its lock.
pub fn terminal_lines(names: &Names, a: &CpuAnalysis) -> Vec<String> {
    a.locks()
        .into_iter()
        .filter(|(_, lock)| matches!(lock, Lock::Real | Lock::FreeThreaded))
        .map(|(r, lock)| {
            let args = [
                ("model", Arg::from(names.spec(r.figures.cell))),
                ("used", f2(r.cores_used).into()),
                ("lock", lock_word(names.t, lock).into()),
            ];
            names.t.msg("term-lock", &args)
        })
        .collect()
}

/// CPython's process pools: their start method, their workers' start-up and memory.
pub fn beyond(t: &Text, a: &CpuAnalysis) -> Vec<Inline> {
    a.all(ModelKind::PyProcesses)
        .filter_map(|r| {
            let pool = r.pool()?;
            let workers = pool.workers.len().max(1) as f64;
            let startup = pool.startup_mean().unwrap_or_default().as_secs_f64() * 1e3;
            let method = r.figures.run.facts.python.as_ref().and_then(|p| p.start_method.clone());
            let rss = or_none(pool.rss_peak_bytes_sum(), |b| fmt_mib(b as f64 / workers)).plain_text();
            let version = r.interpreter().map_or(String::new(), |i| i.version.clone());
            let args = [
                ("n", pool.workers.len().into()),
                ("version", version.into()),
                ("method", method.unwrap_or_else(|| "?".into()).into()),
                ("startup", format!("{startup:.1}").into()),
                ("rss", rss.into()),
            ];
            Some(led(t, "s5-beyond-py-processes", &args))
        })
        .collect()
}

//! Between the views and the text catalogues: the views' side of the catalogues: messages with
//! styled pieces (a message places `$strong` and the like; the view says they are strong, code or
//! emphasis, and gets [`Inline`] back), and the wording rules every language shares: which note a
//! ratio gets, how a model is named, what a diagnosis says. Numbers are formatted here, once, for
//! every language.

use std::time::Duration;

use super::doc::{Inline, Span};
use crate::analysis::figures::{Judged, Side};
use crate::analysis::stats::RatioStat;
use crate::analysis::sweep::Diagnosis;
use crate::record::{Cell, CellInterpreter, Concurrency, ModelKind, ModelSpec, PySettings};
use crate::text::{Arg, Text};

/// Marks around a styled argument while a message is formatted (private-use characters, removed
/// from any text passed in).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Text without the marks, safe to pass as an argument.
pub fn plain(s: &str) -> String {
    s.chars().filter(|&c| c != OPEN && c != CLOSE).collect()
}

fn styled(style: char, s: &str) -> String {
    format!("{OPEN}{style}{}{CLOSE}", plain(s))
}

/// An argument shown strong.
pub fn strong(s: &str) -> String {
    styled('S', s)
}

/// An argument shown as code (a model spec, a kind of error, a URL).
pub fn code(s: &str) -> String {
    styled('C', s)
}

/// An argument shown emphasised.
pub fn emph(s: &str) -> String {
    styled('E', s)
}

/// Formatted text with its marks turned into spans.
fn spans(text: &str) -> Inline {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        if at > 0 {
            out.push(Span::Plain(rest[..at].to_string()));
        }
        let marked = &rest[at + OPEN.len_utf8()..];
        let style = marked.chars().next().unwrap_or('P');
        let body = &marked[style.len_utf8().min(marked.len())..];
        let end = body.find(CLOSE).unwrap_or(body.len());
        let s = body[..end].to_string();
        out.push(match style {
            'S' => Span::Strong(s),
            'C' => Span::Code(s),
            'E' => Span::Emph(s),
            _ => Span::Plain(s),
        });
        rest = &body[(end + CLOSE.len_utf8()).min(body.len())..];
    }
    if !rest.is_empty() {
        out.push(Span::Plain(rest.to_string()));
    }
    Inline(out)
}

/// A message whose arguments may be styled ([`strong`], [`code`], [`emph`]).
pub fn rich(t: &Text, id: &str, args: &[(&str, Arg)]) -> Inline {
    spans(&t.msg(id, args))
}

/// A message that places its own `.strong` attribute as `$strong`, shown strong.
pub fn led(t: &Text, id: &str, args: &[(&str, Arg)]) -> Inline {
    let lead = strong(&t.attr(id, "strong", args));
    let mut all = args.to_vec();
    all.push(("strong", lead.into()));
    rich(t, id, &all)
}

/// Seconds as the source prints times: `2.11 s`, `2.11초`.
pub fn secs(t: &Text, d: Duration) -> String {
    t.msg("unit-secs", &[("s", format!("{:.2}", d.as_secs_f64()).into())])
}

/// A count of things: `200`, `200개`.
pub fn count(t: &Text, n: usize) -> String {
    t.msg("unit-count", &[("n", n.into())])
}

/// A ratio to one decimal as the source prints it (60.1), to two when it is close to 1 (1.02).
pub fn ratio_text(x: f64) -> String {
    if x < 1.5 { format!("{x:.2}") } else { format!("{x:.1}") }
}

/// How sure a ratio is: its interval and runs, or why there is none.
pub fn interval_note(t: &Text, r: &RatioStat) -> String {
    let n = ("n", Arg::from(r.n));
    match (r.ci95, r.significant()) {
        (Some((lo, hi)), significant) => {
            let id = if significant == Some(true) { "interval-significant" } else { "interval-not-significant" };
            t.msg(id, &[("lo", format!("{lo:.2}").into()), ("hi", format!("{hi:.2}").into()), n])
        }
        (None, _) if r.n <= 1 => t.get("interval-one-run"),
        (None, _) => t.msg("interval-too-few", &[n]),
    }
}

/// A verdict on a judged ratio: `above(x)` when it is at least 1, else `below(1/x)`, followed by
/// the interval note of the side shown and, when either side had failed tasks, how many; when the
/// ratio is withheld (a side failed too often), why instead.
pub fn verdict(t: &Text, j: &Judged, above: impl Fn(f64) -> Inline, below: impl Fn(f64) -> Inline) -> Inline {
    let Some(r) = j.ratio else { return withheld(t, j) };
    let (text, shown) = if r.point >= 1.0 { (above(r.point), r) } else { (below(1.0 / r.point), r.inverse()) };
    let line = text.then(format!(" {}", interval_note(t, &shown)));
    if j.with_failures() { line.then(format!(" {}", failures_note(t, j))) } else { line }
}

/// Why a ratio is not stated: which side failed too often, and what it needed.
pub fn withheld(t: &Text, j: &Judged) -> Inline {
    let side = j.withheld_by().copied().unwrap_or(j.sides[0]);
    let needed = format!("{:.0}%", j.min_success * 100.0);
    let args = [
        ("model", code(&side_spec(t, &side)).into()),
        ("ok", side.ok.into()),
        ("tasks", side.tasks.into()),
        ("needed", needed.into()),
    ];
    rich(t, "verdict-withheld", &args)
}

/// Both sides' failed tasks, for a ratio stated although some failed.
pub fn failures_note(t: &Text, j: &Judged) -> String {
    let [a, b] = j.sides;
    let args = [
        ("a", side_spec(t, &a).into()),
        ("fa", a.failed().into()),
        ("ta", a.tasks.into()),
        ("b", side_spec(t, &b).into()),
        ("fb", b.failed().into()),
        ("tb", b.tasks.into()),
    ];
    t.msg("verdict-failures", &args)
}

/// A judged ratio in a table cell: `shown(r)`, marked `⚠` when a side had failures, or the word
/// for "withheld".
pub fn ratio_cell(t: &Text, j: &Judged, shown: impl Fn(&RatioStat) -> String) -> String {
    match j.ratio {
        None => t.get("ratio-withheld"),
        Some(r) if j.with_failures() => format!("{} ⚠", shown(&r)),
        Some(r) => shown(&r),
    }
}

/// A verdict whose two sides are messages led by a strong part, the ratio as `$x` (`fmt`
/// writes it).
pub fn led_verdict(t: &Text, r: &Judged, above: &str, below: &str, fmt: fn(f64) -> String) -> Inline {
    verdict(t, r, |x| led(t, above, &[("x", fmt(x).into())]), |x| led(t, below, &[("x", fmt(x).into())]))
}

/// What the N of a kind is, as the catalogues select on it: `pool`, `limit` or `one`.
pub fn concurrency(kind: ModelKind) -> &'static str {
    match kind.info().concurrency {
        Concurrency::Pool => "pool",
        Concurrency::Limit => "limit",
        Concurrency::One => "one",
    }
}

/// The id of a kind's label message.
pub fn label_id(kind: ModelKind) -> String {
    format!("model-{}", kind.info().label)
}

/// A kind's label, or one of its attributes (`sweep`, `test`).
pub fn kind_text(t: &Text, kind: ModelKind, attr: Option<&str>) -> String {
    match attr {
        None => t.get(&label_id(kind)),
        Some(a) => t.attr(&label_id(kind), a, &[]),
    }
}

/// A model in words: its kind's label, with its N when it has one (`Multithread (50 workers)`).
pub fn model_name(t: &Text, m: &ModelSpec) -> String {
    let label = kind_text(t, m.kind, None);
    match (m.kind.info().concurrency, m.n) {
        (Concurrency::One, _) | (_, None) => label,
        (_, Some(n)) => t.msg(
            "model-with-n",
            &[("concurrency", concurrency(m.kind).into()), ("model", label.into()), ("n", n.into())],
        ),
    }
}

/// An interpreter in words: `3.13.5t, no GIL`.
pub fn interpreter(t: &Text, i: &CellInterpreter) -> String {
    let gil = if i.gil { "on" } else { "off" };
    t.msg("interpreter", &[("version", i.version.as_str().into()), ("gil", gil.into())])
}

/// `text`, followed by the interpreter it ran in when there is one: `py-threads:2 [3.13.5t, no GIL]`.
pub fn in_interpreter(t: &Text, text: String, i: Option<&CellInterpreter>) -> String {
    match i {
        Some(i) => t.msg("model-in-interpreter", &[("model", text.into()), ("interpreter", interpreter(t, i).into())]),
        None => text,
    }
}

/// A model as written, with the interpreter a py model ran in: `py-threads:2 [3.13.5t, no GIL]`.
pub fn spec(t: &Text, model: &ModelSpec, i: Option<&CellInterpreter>) -> String {
    in_interpreter(t, model.to_string(), i)
}

/// A cell's model as written, with its interpreter (see [`spec`]).
pub fn cell_spec(t: &Text, cell: &Cell) -> String {
    let spec = spec(t, &cell.model, cell.interpreter.as_ref());
    match cell.offered_per_s {
        Some(rate) => format!("{spec} @ {rate}/s"),
        None => spec,
    }
}

/// A side of a ratio as written (see [`spec`]).
pub fn side_spec(t: &Text, side: &Side) -> String {
    spec(t, &side.model, side.interpreter)
}

/// Whether an experiment's py models ran in several interpreters (their names then say which).
pub fn several(python: Option<&PySettings>) -> bool {
    python.is_some_and(|p| p.interpreters.len() > 1)
}

/// A cell's model in words ([`model_name`]), with its interpreter when `several` ran.
pub fn cell_name(t: &Text, cell: &Cell, several: bool) -> String {
    let i = cell.interpreter.as_ref().filter(|_| several);
    in_interpreter(t, model_name(t, &cell.model), i)
}

/// How a view names the cells of one experiment: in words ([`cell_name`], with the interpreter
/// when the experiment ran in several) or as written ([`cell_spec`]).
#[derive(Clone, Copy)]
pub struct Names<'t> {
    pub t: &'t Text,
    pub several: bool,
}

impl<'t> Names<'t> {
    pub fn new(t: &'t Text, python: Option<&PySettings>) -> Self {
        Names { t, several: several(python) }
    }

    pub fn name(&self, cell: &Cell) -> String {
        cell_name(self.t, cell, self.several)
    }

    pub fn spec(&self, cell: &Cell) -> String {
        cell_spec(self.t, cell)
    }
}

/// Where in a sweep: `50 workers`, `a limit of 50`.
pub fn sweep_at(t: &Text, kind: ModelKind, n: usize) -> String {
    t.msg("sweep-at", &[("concurrency", concurrency(kind).into()), ("n", n.into())])
}

/// What limits the sweep, with the evidence.
pub fn diagnosis(t: &Text, d: &Diagnosis, kind: ModelKind) -> Inline {
    let at = |n| ("at", Arg::from(sweep_at(t, kind, n)));
    let f = |x: f64, digits: usize| Arg::from(format!("{x:.digits$}"));
    match *d {
        Diagnosis::NearIdeal { worst_to_ideal } => led(t, "diag-near-ideal", &[("worst", f(worst_to_ideal, 2))]),
        Diagnosis::ServerCap { setting, cap, peak_inflight, queued, mean_wait_ms } => led(
            t,
            "diag-server-cap",
            &[
                at(setting),
                ("peak", peak_inflight.into()),
                ("cap", cap.into()),
                ("queued", queued.into()),
                ("wait", f(mean_wait_ms, 1)),
            ],
        ),
        Diagnosis::InterpreterLock { setting, cost_ms, cap_per_s, measured_per_s, wait_share } => led(
            t,
            "diag-interpreter-lock",
            &[
                at(setting),
                ("cost", f(cost_ms, 2)),
                ("cap", f(cap_per_s, 0)),
                ("measured", f(measured_per_s, 0)),
                ("wait", f(wait_share * 100.0, 0)),
            ],
        ),
        Diagnosis::PythonLock { from, setting, low, high, cores, cpu_s, ideal_s } => led(
            t,
            "diag-python-lock",
            &[
                ("from", sweep_at(t, kind, from).into()),
                at(setting),
                ("low", f(low, 2)),
                ("high", f(high, 2)),
                ("cores", cores.into()),
                ("cpu", f(cpu_s, 2)),
                ("ideal", f(ideal_s, 2)),
            ],
        ),
        Diagnosis::ClientCpu { setting, cores_used, cores } => {
            led(t, "diag-client-cpu", &[at(setting), ("used", f(cores_used, 2)), ("cores", cores.into())])
        }
        Diagnosis::RampUp { setting, ramp_up_ms, concurrency, median_latency_ms } => led(
            t,
            "diag-ramp-up",
            &[
                at(setting),
                ("ramp", f(ramp_up_ms, 1)),
                ("concurrency", concurrency.into()),
                ("latency", f(median_latency_ms, 1)),
            ],
        ),
        Diagnosis::RequestOverhead { setting, client_median_ms, server_mean_ms } => led(
            t,
            "diag-request-overhead",
            &[at(setting), ("client", f(client_median_ms, 1)), ("server", f(server_mean_ms, 1))],
        ),
        Diagnosis::ConnectionSetup { setting, connections_per_request, to_ideal } => led(
            t,
            "diag-connection-setup",
            &[at(setting), ("per", f(connections_per_request, 2)), ("ideal", f(to_ideal, 2))],
        ),
        Diagnosis::NotInFlight { setting, server_peak, offered } => {
            led(t, "diag-not-in-flight", &[at(setting), ("offered", offered.into()), ("peak", server_peak.into())])
        }
        Diagnosis::Beyond { setting, cores_used, cores } => {
            led(t, "diag-beyond", &[at(setting), ("used", f(cores_used, 2)), ("cores", cores.into())])
        }
        Diagnosis::Unexplained { setting, to_ideal } => {
            led(t, "diag-unexplained", &[at(setting), ("ideal", f(to_ideal, 2))])
        }
        Diagnosis::NoData => led(t, "diag-no-data", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    #[test]
    fn styled_arguments_become_spans() {
        let t = Text::new(Lang::En);
        let line = rich(&t, "fail-cell", &[("model", code("threads:50").into()), ("reason", "boom".into())]);
        assert_eq!(
            line.0,
            vec![
                Span::Plain("✗ ".into()),
                Span::Code("threads:50".into()),
                Span::Plain(" failed as a whole: boom".into()),
            ]
        );
        let lead = led(&t, "target-no-retries", &[]);
        assert_eq!(lead.0[0], Span::Strong("Retries:".into()));
        assert_eq!(spans(&format!("a{}b", plain("\u{E000}x\u{E001}"))).0, vec![Span::Plain("axb".into())]);
    }

    #[test]
    fn a_py_cell_is_named_with_its_interpreter_in_each_language() {
        let mut cell = Cell::pending("py-threads:2".parse().unwrap(), 4, 4);
        cell.interpreter = Some(CellInterpreter { path: "python3.13t".into(), version: "3.13.5t".into(), gil: false });
        let (en, ko) = (Text::new(Lang::En), Text::new(Lang::Ko));
        assert_eq!(cell_spec(&en, &cell), "py-threads:2 [3.13.5t, no GIL]");
        assert_eq!(cell_spec(&en, &cell), cell.label(), "the records' own label, in English");
        assert_eq!(cell_spec(&ko, &cell), "py-threads:2 [3.13.5t, GIL 없음]");
        assert_eq!(cell_name(&en, &cell, false), "Multithread (CPython ThreadPoolExecutor) (2 workers)");
        assert_eq!(
            cell_name(&en, &cell, true),
            "Multithread (CPython ThreadPoolExecutor) (2 workers) [3.13.5t, no GIL]"
        );
        let rust = Cell::pending("threads:2".parse().unwrap(), 4, 4);
        assert_eq!(
            (cell_spec(&ko, &rust), cell_name(&en, &rust, true)),
            ("threads:2".into(), "Multithread (2 workers)".into())
        );
    }

    #[test]
    fn every_kind_has_its_label_in_every_catalogue() {
        for lang in Lang::ALL {
            let t = Text::new(lang);
            for info in ModelKind::ALL {
                let id = label_id(info.kind);
                let label = t.get(&id);
                assert!(label != id && !label.is_empty(), "{lang:?}: no label for {:?} ({id})", info.kind);
                if info.concurrency != Concurrency::One {
                    for attr in ["sweep", "test"] {
                        let text = kind_text(&t, info.kind, Some(attr));
                        assert!(!text.contains(&id), "{lang:?}: no {id}.{attr}");
                    }
                }
            }
        }
    }
}

//! `compare`: a result against itself changes nothing; against a 2x slower copy it is a real change.

use concbench::compare::{Verdict, compare};
use concbench::render::{CompareFormat, Format, comparison, exporter};
use concbench::text::Lang;

use crate::fixtures;

#[test]
fn a_result_compared_with_itself_shows_no_significant_change() {
    let r = fixtures::io();
    let c = compare(&r, &r);
    assert_eq!(c.changes.len(), 3, "three cells have runs");
    for ch in &c.changes {
        assert_eq!(ch.change.point, 1.0, "{}", ch.model);
        let expected = if ch.model == "threads:50" { Verdict::TooFewRuns } else { Verdict::NoSignificantChange };
        assert_eq!(ch.verdict, expected, "{}", ch.model);
    }
    assert!(c.regressions(0.0).is_empty());
    assert!(
        c.unmatched.iter().any(|u| u.to_string().contains("async-mt")),
        "a cell without runs is listed: {:?}",
        c.unmatched
    );
}

#[test]
fn a_twice_faster_result_is_faster_with_an_interval_excluding_one() {
    let a = fixtures::io();
    let b = fixtures::slowed(&a, 0.5);
    let c = compare(&a, &b);
    for ch in c.changes.iter().filter(|ch| ch.model != "threads:50") {
        assert_eq!(ch.verdict, Verdict::Faster, "{}", ch.model);
        assert!((ch.change.point - 0.5).abs() < 0.01);
        let (_, hi) = ch.change.ci95.unwrap();
        assert!(hi < 1.0);
    }
    let back = compare(&b, &a);
    assert_eq!(back.regressions(50.0).len(), 2, "2x slower is a regression beyond 50 %");
    assert!(back.regressions(150.0).is_empty());
    assert!(comparison(&c, CompareFormat::Md, Lang::En).contains("| io | async |"));
}

#[test]
fn results_of_different_set_ups_are_shown_but_not_judged() {
    let a = fixtures::io();
    let mut b = fixtures::slowed(&a, 0.16);
    let concbench::record::Experiment::Io(io) = &mut b.experiments[0] else { unreachable!() };
    io.target.embedded.as_mut().unwrap().config.latency = "fixed:100ms".parse().unwrap();
    let c = compare(&a, &b);
    let differences: Vec<String> = c.differences.iter().map(ToString::to_string).collect();
    assert_eq!(differences, vec!["io: latency fixed:630ms → fixed:100ms".to_string()]);
    assert!(!c.changes.is_empty());
    assert!(c.changes.iter().all(|ch| ch.verdict == Verdict::SetupDiffers), "{:?}", c.changes);
    assert!(c.regressions(0.0).is_empty(), "a different set-up is no regression");
    assert!(
        comparison(&c, CompareFormat::Text, Lang::En).contains("set-up differs: io: latency fixed:630ms → fixed:100ms")
    );
    assert!(c.unmatched.iter().any(|u| u.to_string() == "io async-mt (failed in A)"), "{:?}", c.unmatched);
}

#[test]
fn the_binary_fails_on_a_regression_and_refuses_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, r: &concbench::record::Report| {
        let path = dir.path().join(name);
        std::fs::write(&path, exporter(Format::Json, Lang::En, false).render(r).unwrap()).unwrap();
        path
    };
    let a = write("a.json", &fixtures::io());
    let b = write("b.json", &fixtures::slowed(&fixtures::io(), 2.0));
    let run = |args: &[&std::path::Path], extra: &[&str]| {
        assert_cmd::Command::cargo_bin("concbench").unwrap().arg("compare").args(args).args(extra).output().unwrap()
    };
    let same = run(&[&a, &a], &["--fail-on-regression", "10"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&same.stdout).contains("no significant change"));
    let worse = run(&[&a, &b], &["--fail-on-regression", "10"]);
    assert_eq!(worse.status.code(), Some(1), "{}", String::from_utf8_lossy(&worse.stdout));
    assert!(String::from_utf8_lossy(&worse.stdout).contains("slower"));
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "not json").unwrap();
    let bad = run(&[&a, &junk], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not JSON"));
    let missing = run(&[&a, &dir.path().join("nope.json")], &[]);
    assert_eq!(missing.status.code(), Some(2));
}

/// Cells of one model in two interpreters are two cells: each is compared with the same model in
/// the same interpreter, and named with it.
#[test]
fn py_cells_are_matched_by_model_and_interpreter() {
    let a = fixtures::py_cpu();
    let mut b = a.clone();
    let concbench::record::Experiment::Cpu(cpu) = &mut b.experiments[0] else { unreachable!() };
    for c in cpu.cells.iter_mut().filter(|c| c.interpreter.as_ref().is_some_and(|i| !i.gil)) {
        c.runs.iter_mut().for_each(|r| r.measured.wall_ns *= 2);
        c.summary = concbench::analysis::figures::summarize_cell(c);
    }
    let c = compare(&a, &b);
    assert_eq!(c.changes.len(), 9, "{:?}", c.changes);
    for ch in &c.changes {
        let free = ch.interpreter.as_ref().is_some_and(|i| !i.gil);
        let expected = if free { Verdict::Slower } else { Verdict::NoSignificantChange };
        assert_eq!(ch.verdict, expected, "{}", ch.label());
    }
    let slower: Vec<String> = c.regressions(50.0).iter().map(|ch| ch.label()).collect();
    assert!(slower.contains(&"py-threads:2 [3.13.5t, no GIL]".to_string()), "{slower:?}");
    let text = comparison(&c, CompareFormat::Md, Lang::Ko);
    assert!(text.contains("| cpu | py-threads:2 [3.13.5t, GIL 없음] |"), "{text}");
    // A Rust sweep and a CPython one in one report are two experiments.
    let mut suite = fixtures::scale();
    suite.experiments.extend(fixtures::py_scale().experiments);
    let c = compare(&suite, &suite);
    assert_eq!(c.changes.len(), 10, "both sweeps' cells, each against its own: {:?}", c.changes);
    assert!(c.unmatched.is_empty(), "{:?}", c.unmatched);
}

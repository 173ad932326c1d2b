//! Section 3: sweeps against the embedded API, with and without a server cap.

use clap::Parser;
use concbench::analysis::sweep::{Diagnosis, analyse};
use concbench::cli::{Cli, Command};
use concbench::plan::ScalePlan;
use concbench::record::{CellStatus, Experiment, Report, ScaleExperiment};
use concbench::runner::{Silent, run_scale};

fn scale(args: &[&str]) -> Report {
    let mut argv = vec!["concbench", "scale", "--embedded", "in-process", "--quiet", "--runs", "1"];
    argv.extend_from_slice(args);
    let plan = match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Scale(a)) => ScalePlan::from_args(&a).unwrap(),
        _ => unreachable!(),
    };
    run_scale(&plan, &mut Silent, &concbench::interrupt::Stop::new()).unwrap()
}

fn sweep(report: &Report) -> &ScaleExperiment {
    match &report.experiments[0] {
        Experiment::Scale(s) => s,
        _ => panic!("not a scale experiment"),
    }
}

#[test]
fn a_server_cap_makes_a_plateau_and_is_named_as_the_cause() {
    // Cap 4; the barrier holds the first 4 requests of every point until all 4 are in, so the
    // server's peak in flight is exactly the cap at every point, by construction.
    let r = scale(&[
        "--workers",
        "4,8,16",
        "--requests",
        "32",
        "--latency",
        "50ms",
        "--server-max-inflight",
        "4",
        "--server-barrier",
        "4",
        "--no-baseline",
    ]);
    let exp = sweep(&r);
    assert_eq!(exp.points.len(), 3);
    let times: Vec<f64> = exp.points.iter().map(|c| c.runs[0].measured.wall().as_secs_f64()).collect();
    for c in &exp.points {
        assert_eq!(c.status, CellStatus::Ok);
        let server = c.runs[0].server.as_ref().unwrap();
        assert_eq!(server.peak_inflight, 4, "{}", c.model);
        assert_eq!(server.requests, 32);
    }
    // 32 requests through 4 slots take 8 waves of 50 ms, whatever the client does: points above
    // the cap are no faster than the cap (generous: not more than 20 % faster).
    for t in &times[1..] {
        assert!(*t >= times[0] * 0.8, "{times:?}");
        assert!(*t >= 0.4, "8 waves of 50 ms: {times:?}");
    }
    let analysis = analyse(exp, 2);
    match analysis.diagnosis {
        Diagnosis::ServerCap { cap, peak_inflight, queued, setting, .. } => {
            assert_eq!((cap, peak_inflight, setting), (4, 4, 16));
            assert!(queued > 0);
        }
        other => panic!("expected the server cap, got {other:?}"),
    }
    let md = String::from_utf8(
        concbench::render::exporter(concbench::render::Format::Md, concbench::text::Lang::En, false)
            .render(&r)
            .unwrap(),
    )
    .unwrap();
    assert!(md.contains("Bottleneck: the server's concurrency cap"), "{md}");
}

#[test]
fn without_a_cap_time_falls_as_workers_double() {
    let r = scale(&["--workers", "1,2,4,8", "--requests", "16", "--latency", "50ms"]);
    let exp = sweep(&r);
    let times: Vec<f64> = exp.points.iter().map(|c| c.runs[0].measured.wall().as_secs_f64()).collect();
    // 16, 8, 4, 2 waves of 50 ms: no point can beat its waves (an exact floor), none has more
    // requests in flight than workers, and 8 workers (0.1 s ideal) take well under half of one
    // worker's 0.8 s (generous: a loaded machine would have to slow it fourfold to fail).
    for (c, t) in exp.points.iter().zip(&times) {
        let n = c.model.n.unwrap();
        assert!(*t >= (16 / n) as f64 * 0.05, "{}: {times:?}", c.model);
        assert!(c.runs[0].server.as_ref().unwrap().peak_inflight <= n as u64, "{}", c.model);
    }
    assert!(times[3] < times[0] * 0.5, "{times:?}");
    let analysis = analyse(exp, 2);
    assert!(!matches!(analysis.diagnosis, Diagnosis::ServerCap { .. }));
    assert_eq!(analysis.usl.map(|u| u.lambda > 0.0), Ok(true), "4 levels are enough for a fit");
    assert!(exp.baseline.as_ref().is_some_and(|b| b.model.to_string() == "async"));
    assert!(analysis.heap_per_worker_bytes.is_some());
}

#[test]
fn the_async_limit_can_be_swept_too() {
    let r =
        scale(&["--model", "async", "--workers", "2,4,8", "--requests", "16", "--latency", "20ms", "--no-baseline"]);
    for c in &sweep(&r).points {
        let limit = c.model.n.unwrap() as u64;
        let server = c.runs[0].server.as_ref().unwrap();
        assert!(server.peak_inflight <= limit, "{}: {}", c.model, server.peak_inflight);
        assert_eq!(c.runs[0].ok, 16);
    }
    let analysis = analyse(sweep(&r), 2);
    assert!(matches!(analysis.usl, Err(3)), "three levels are too few for a fit");
}

//! Capacity sweeps (`scale --rates`) end to end against the embedded API: every model at every
//! rate, each model's capacity named and checked against Little's law, the charts and every
//! format. Bounds come from the construction: N workers against a latency L cannot serve more
//! than N / L requests a second.

use clap::Parser;
use concbench::analysis::capacity::{Failure, analyse};
use concbench::cli::{Cli, Command};
use concbench::plan::RatesPlan;
use concbench::record::{Experiment, RatesExperiment, Report};
use concbench::render::{Format, exporter, folder_exporter};
use concbench::runner::{Silent, run_rates};
use concbench::text::Lang;

fn sweep(args: &[&str]) -> Report {
    let argv = [&["concbench", "scale", "--quiet", "--runs", "1", "--embedded", "in-process"][..], args].concat();
    let plan = match Cli::try_parse_from(argv).expect("arguments parse").command {
        Some(Command::Scale(a)) => RatesPlan::from_args(&a).expect("plan is valid"),
        _ => unreachable!(),
    };
    run_rates(&plan, &mut Silent, &concbench::interrupt::Stop::new()).expect("run completes")
}

fn rates(r: &Report) -> &RatesExperiment {
    match &r.experiments[0] {
        Experiment::Rates(x) => x,
        _ => panic!("not a capacity sweep"),
    }
}

#[test]
fn a_capacity_sweep_names_where_a_pool_saturates_by_littles_law() {
    // threads:2 against 50 ms serves at most 40 requests a second: 80/s is past it by construction.
    let r = sweep(&["--models", "threads:2,async", "--rates", "10,20,80", "--requests", "30", "--latency", "50ms"]);
    let x = rates(&r);
    let cells: Vec<(String, Option<f64>)> = x.cells.iter().map(|c| (c.model.to_string(), c.offered_per_s)).collect();
    let want: Vec<(String, Option<f64>)> = ["threads:2", "async"]
        .iter()
        .flat_map(|m| [10.0, 20.0, 80.0].map(|rate| (m.to_string(), Some(rate))))
        .collect();
    assert_eq!(cells, want, "every model at every rate, lowest first");
    for c in &x.cells {
        let run = &c.runs[0];
        assert_eq!((run.ok, run.failed), (30, 0), "{} at {:?}: {:?}", c.model, c.offered_per_s, run.errors);
        assert_eq!(run.server.as_ref().unwrap().requests, 30);
    }
    let models = analyse(x);
    let threads = &models[0];
    let (at, capacity) = threads.saturates.expect("threads:2 fails at 80/s");
    assert_eq!(at, 80.0);
    assert!(capacity.is_some_and(|c| c <= 40.0 * 1.05), "{capacity:?}: two workers at 50 ms serve at most 40/s");
    let point = threads.points.iter().find(|p| p.rate_per_s == 80.0).unwrap();
    assert!(matches!(point.fails, Some(Failure::Throughput { .. })), "{:?}", point.fails);
    let little = threads.little_per_s.expect("a pool has a bound");
    assert!(little > 0.0 && little <= 40.0, "2 / a service time of at least 50 ms: {little}");
    assert_eq!(models[1].little_per_s, None, "async without a limit has no bound from Little's law");
}

#[test]
fn a_capacity_sweep_renders_its_charts_in_both_languages_and_validates() {
    let r = sweep(&["--models", "threads:1,async:4", "--rates", "20,100", "--duration", "300ms", "--latency", "20ms"]);
    assert_eq!(rates(&r).cells[1].tasks_per_run, 30, "the requests due within 300 ms at 100/s");
    for (lang, words) in [(Lang::En, "saturates at ~"), (Lang::Ko, "포화")] {
        let md = String::from_utf8(folder_exporter(Format::Md, lang).render(&r).unwrap()).unwrap();
        assert!(md.contains(words), "{lang:?}: {md}");
        for chart in ["rates-latency.svg", "rates-throughput.svg"] {
            assert!(md.contains(chart), "{lang:?}: {chart} in {md}");
        }
    }
    let charts = concbench::render::charts::all(&r, &concbench::text::Text::new(Lang::En)).unwrap();
    let ids: Vec<&str> = charts.iter().map(|c| c.id).collect();
    assert_eq!(ids, ["rates-latency", "rates-throughput"]);
    let json: serde_json::Value =
        serde_json::from_slice(&exporter(Format::Json, Lang::En, false).render(&r).unwrap()).unwrap();
    assert_eq!(crate::support::schema_errors(&json), Vec::<String>::new());
    assert_eq!(json["analysis"][0]["experiment"], "rates");
    assert_eq!(json["analysis"][0]["capacity"][0]["model"], "threads:1");
    let csv = String::from_utf8(exporter(Format::Csv, Lang::En, false).render(&r).unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4, "a row per run");
}

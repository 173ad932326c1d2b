//! The open model (`--rate`) end to end against the embedded API: the structure of a queue that
//! builds when the offered rate passes a pool's capacity, and does not when it stays below; every
//! `io` model run open; drops with `--max-queue`. Bounds come from the construction (a pool of 4
//! against a latency L serves 4 / L per second), never from how fast this machine is.

use std::time::Duration;

use concbench::record::{Cell, OpenRun, RunRecord};

use crate::support::{cell, run};

/// The latency of the embedded API in these tests.
const L: Duration = Duration::from_millis(50);

fn only_run(c: &Cell) -> (&RunRecord, &OpenRun) {
    let r = &c.runs[0];
    (r, r.open.as_ref().expect("an open run records its open figures"))
}

/// Mean corrected latency of the first and the last tenth of the run's requests.
fn first_and_last_tenth(open: &OpenRun) -> (Duration, Duration) {
    let us = |t: &concbench::record::Tenth| Duration::from_secs_f64(t.corrected_mean_us / 1e6);
    (us(&open.tenths[0]), us(&open.tenths[9]))
}

fn within(d: Duration, lo: Duration, hi: Duration) -> bool {
    lo <= d && d <= hi
}

#[test]
fn a_pool_offered_twice_its_capacity_queues_and_one_offered_half_does_not() {
    let (lo, hi) = (L, L + L / 2);
    let latency = format!("{}ms", L.as_millis());
    // threads:4 against L serves 4 / L = 80 requests/s: 8 / L is twice that, 2 / L half of it.
    for (rate, queued) in [(8.0, true), (2.0, false)] {
        let rate = format!("{}/s", rate / L.as_secs_f64());
        let r = run(&["--models", "threads:4", "--rate", &rate, "--requests", "80", "--latency", &latency]);
        let c = cell(&r, "threads:4");
        let (record, open) = only_run(c);
        assert_eq!((record.ok, record.failed, open.dropped), (80, 0, 0), "{rate}: {:?}", record.errors);
        assert_eq!((open.scheduled, open.released), (80, 80));
        let service = record.latency_ok.unwrap();
        let (min, p99) = (Duration::from_micros(service.min_us), Duration::from_micros(service.p99_us));
        assert!(within(min, lo, hi) && within(p99, lo, hi), "{rate}: service {min:?}..{p99:?}");
        let (first, last) = first_and_last_tenth(open);
        if queued {
            assert!(last >= first * 3, "{rate}: the wait builds: first tenth {first:?}, last {last:?}");
        } else {
            assert!(within(first, lo, hi) && within(last, lo, hi), "{rate}: no queue: {first:?}, {last:?}");
        }
        let server = record.server.as_ref().unwrap();
        assert_eq!(server.requests, open.released, "{rate}: the server saw every request the generator sent");
        assert!(server.peak_inflight <= 4);
    }
}

#[test]
fn every_io_model_runs_in_an_open_model() {
    let models = "sequential,threads:3,async,async:2,async-mt,processes:2,gil-threads:2,rayon:2";
    let r = run(&["--models", models, "--rate", "100/s", "--duration", "300ms", "--latency", "2ms"]);
    for model in models.split(',') {
        let c = cell(&r, model);
        assert_eq!(c.offered_per_s, Some(100.0), "{model}");
        let (record, open) = only_run(c);
        assert_eq!((record.tasks, record.ok, record.failed), (30, 30, 0), "{model}: {:?}", record.errors);
        assert_eq!(open.released, 30, "{model}");
        assert!(open.lateness.is_some() && open.corrected.is_some(), "{model}");
        let corrected = open.corrected.unwrap();
        assert!(corrected.min_us >= 2_000, "{model}: a request's latency is at least the server's");
        assert_eq!(record.server.as_ref().unwrap().requests, 30, "{model}");
        assert!(c.corrected_latency.is_some() && c.lateness.is_some(), "{model}: merged over the runs");
    }
}

#[test]
fn a_bounded_queue_drops_what_is_due_while_it_is_full_and_counts_it() {
    let r = run(&[
        "--models",
        "threads:1",
        "--rate",
        "400/s",
        "--requests",
        "60",
        "--latency",
        "50ms",
        "--max-queue",
        "2",
        "--min-success",
        "1%",
    ]);
    let (record, open) = only_run(cell(&r, "threads:1"));
    assert!(open.dropped > 0, "one worker at 20/s cannot hold 400/s with 2 waiting");
    assert_eq!(record.errors["dropped"].count, open.dropped);
    assert_eq!(record.ok + record.failed, 60);
    assert_eq!(open.released + open.dropped, 60);
    assert!(open.queue_peak <= 2);
    assert_eq!(record.server.as_ref().unwrap().requests, open.released, "a dropped request is never sent");
}

#[test]
fn an_open_run_renders_in_both_languages_and_validates_against_the_schema() {
    use concbench::render::{Format, exporter};
    use concbench::text::Lang;
    let r = run(&["--models", "threads:2,async", "--rate", "200/s", "--duration", "200ms", "--latency", "20ms"]);
    for (lang, words) in [(Lang::En, "Requests arriving at 200/s"), (Lang::Ko, "초당 200개로 도착하는 요청")]
    {
        let md = String::from_utf8(exporter(Format::Md, lang, false).render(&r).unwrap()).unwrap();
        assert!(md.contains(words) && md.contains("threads:2"), "{lang:?}: {md}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&exporter(Format::Json, Lang::En, false).render(&r).unwrap()).unwrap();
    assert_eq!(crate::support::schema_errors(&json), Vec::<String>::new());
    assert_eq!(json["experiments"][0]["settings"]["open"]["rate_per_s"], 200.0);
}

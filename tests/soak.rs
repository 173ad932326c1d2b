//! Load held: 10,000 concurrent async requests against the embedded API (as a child process),
//! at zero latency and at 100 ms. The client's counts equal the server's, and the server's live
//! heap returns near its level before the run. Its own test binary, so its own process: the
//! counting allocator and the open-files limit are not shared with other tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use concbench::interrupt::Stop;
use concbench::measure::alloc::CountingAlloc;
use concbench::measure::{Meter, Recorder};
use concbench::model::{Job, ModelEnv};
use concbench::record::{ClientConfig, LatencyProfile, ModelSpec, ServerConfig, StatsSnapshot};
use concbench::server::child::ChildServer;
use concbench::workload::{IoSpec, UrlTemplate, WorkloadSpec};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const REQUESTS: usize = 10_000;

fn stats(admin: &ureq::Agent, base: &str) -> StatsSnapshot {
    let body = admin.get(format!("{base}/stats")).call().unwrap().body_mut().read_to_string().unwrap();
    serde_json::from_str(&body).unwrap()
}

fn soak(latency: Duration) {
    let limit = concbench::env::raise_open_files(REQUESTS as u64 * 2 + 512).unwrap();
    assert!(limit >= REQUESTS as u64 + 256, "the open-files limit ({limit}) is too low for this test");
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(latency), ..Default::default() };
    let server = ChildServer::spawn(env!("CARGO_BIN_EXE_concbench").as_ref(), &cfg, 2).unwrap();
    let base = format!("http://{}", server.addr());
    let admin = ureq::Agent::new_with_defaults();
    let bearer = format!("Bearer {}", server.admin_token().secret());
    admin.post(format!("{base}/stats/reset")).header("authorization", &bearer).send_empty().unwrap();
    let spec = WorkloadSpec::Io(IoSpec::get(
        UrlTemplate::parse(&format!("{base}/api/items/{{i}}")).unwrap(),
        vec![],
        ClientConfig {
            keep_alive: true,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(30),
            interp_cost: Duration::ZERO,
            retries: 0,
            retry_backoff: Duration::from_millis(100),
            prewarm: false,
            ok_status: Default::default(),
        },
    ));
    let recorder = Arc::new(Recorder::new());
    let job = Job::new(spec.build(REQUESTS).unwrap(), None, 0..REQUESTS, recorder.clone(), Stop::new());
    let mut meter = Meter::new();
    let model: ModelSpec = "async".parse().unwrap();
    let facts = concbench::model::build(&model, &ModelEnv::default()).execute(&job, &mut meter).unwrap();
    drop(job);
    let measured = meter.finish().unwrap();
    let tally = Arc::try_unwrap(recorder).ok().unwrap().finish();
    let during = stats(&admin, &base);
    assert_eq!((tally.ok, tally.failed), (REQUESTS as u64, 0), "{:?}", tally.errors);
    assert_eq!(during.requests, REQUESTS as u64, "the server counted every request once");
    assert_eq!(during.responses, REQUESTS as u64);
    assert_eq!(facts.peak_tasks_in_flight, REQUESTS);
    // The server lets go of what the connections held once they close.
    let baseline = during.process.heap_at_reset_bytes.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let settled = loop {
        let now = stats(&admin, &base).process.heap_current_bytes.unwrap();
        if now <= baseline + (2 << 20) || Instant::now() > deadline {
            break now;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(settled <= baseline + (2 << 20), "server heap {settled} B after the run, {baseline} B before");
    eprintln!(
        "soak {latency:?}: {REQUESTS} requests in {:.3} s = {:.0} req/s; client peak RSS {:.1} MiB, peak heap {:.1} MiB; \
         server peak RSS {:.1} MiB, heap {} B before, {} B after; server peak in flight {}; open-files limit {limit}",
        measured.wall().as_secs_f64(),
        REQUESTS as f64 / measured.wall().as_secs_f64(),
        measured.rss_peak_bytes.unwrap_or(0) as f64 / 1048576.0,
        measured.heap.map_or(0, |h| h.peak_bytes) as f64 / 1048576.0,
        during.process.rss_peak_bytes.unwrap_or(0) as f64 / 1048576.0,
        baseline,
        settled,
        during.peak_inflight,
    );
}

#[test]
fn ten_thousand_concurrent_requests_at_zero_latency_and_at_100ms() {
    soak(Duration::ZERO);
    soak(Duration::from_millis(100));
}

//! The mock API on its own: routes, counters, the in-flight cap, and `concbench serve`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use concbench::server::{InProcess, LatencyProfile, ServerConfig, StatsSnapshot};

fn get(url: &str) -> (u16, String) {
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let mut resp = agent.get(url).call().expect("server answers");
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
}

fn stats(base: &str) -> StatsSnapshot {
    serde_json::from_str(&get(&format!("{base}/stats")).1).unwrap()
}

#[test]
fn items_answer_json_and_count_in_stats() {
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::from_millis(5)), ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let base = format!("http://{}", server.addr());
    let (status, body) = get(&format!("{base}/api/items/7"));
    assert_eq!(status, 200);
    let item: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(item["id"], 7);
    assert_eq!(get(&format!("{base}/api/items/not-a-number")).0, 400);
    assert_eq!(get(&format!("{base}/nowhere")).0, 404);
    let s = stats(&base);
    assert_eq!((s.requests, s.responses), (1, 1));
    assert!(s.latency_applied_us_min.unwrap() >= 5_000, "{s:?}");
    assert_eq!(s.latency_requested_us_total, 5_000);
    let agent = ureq::Agent::new_with_defaults();
    agent.post(format!("{base}/stats/reset")).send_empty().unwrap();
    assert_eq!(stats(&base).requests, 0);
}

#[test]
fn the_cap_queues_requests_beyond_it() {
    // 12 concurrent requests, a cap of 3 and a barrier of 3: exactly 3 are ever worked on at once.
    let cfg = ServerConfig {
        latency: LatencyProfile::Fixed(Duration::from_millis(50)),
        max_inflight: Some(3),
        barrier: Some(3),
        ..Default::default()
    };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 2).unwrap();
    let base = format!("http://{}", server.addr());
    std::thread::scope(|s| {
        for i in 0..12 {
            let base = &base;
            s.spawn(move || assert_eq!(get(&format!("{base}/api/items/{i}")).0, 200));
        }
    });
    let st = stats(&base);
    assert_eq!(st.peak_inflight, 3);
    assert_eq!((st.requests, st.responses), (12, 12));
    assert!(st.queued_requests >= 1 && st.peak_waiting >= 1, "{st:?}");
    assert_eq!(st.max_inflight_cap, Some(3));
}

#[test]
fn serve_announces_its_address_and_answers() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concbench"))
        .args(["serve", "--port", "0", "--latency", "1ms", "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().strip_prefix("listening on http://").unwrap().split_whitespace().next().unwrap();
    assert_eq!(get(&format!("http://{addr}/api/items/3")).0, 200);
    drop(child.stdin.take()); // the parent "goes away": the server exits by itself
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "serve did not exit when stdin closed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `bytes` on a fresh connection and returns what comes back within `wait` (empty when the
/// server closed the connection without answering).
fn raw(addr: std::net::SocketAddr, bytes: &[u8], wait: Duration) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    let _ = s.write_all(bytes);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn malformed_requests_get_4xx_or_a_closed_connection_and_the_server_stays_up() {
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::from_millis(1)), ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 2).unwrap();
    let addr = server.addr();
    let base = format!("http://{addr}");
    // Not HTTP at all.
    let garbage = raw(addr, b"GARBAGE\r\n\r\n", Duration::from_secs(5));
    assert!(garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    // Headers far beyond any sane size.
    let mut huge = b"GET /api/items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.extend(b"\r\n\r\n");
    let answer = raw(addr, &huge, Duration::from_secs(5));
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431") || answer.starts_with("HTTP/1.1 400"),
        "{}",
        &answer[..answer.len().min(80)]
    );
    // Bad paths and ids.
    assert_eq!(get(&format!("{base}/api/items/-1")).0, 400);
    assert_eq!(get(&format!("{base}/api/items/99999999999999999999999")).0, 400);
    assert_eq!(get(&format!("{base}/../../etc/passwd")).0, 404);
    // A slowloris-style client that never finishes its headers holds no one else up.
    let mut slow = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(&mut slow, b"GET /api/items/1 HTTP/1.1\r\nHost: x\r\n").unwrap();
    for i in 0..20 {
        assert_eq!(get(&format!("{base}/api/items/{i}")).0, 200);
    }
    let s = stats(&base);
    assert_eq!(s.responses, 20);
    assert!(s.faults.bad_requests >= 1, "{:?}", s.faults);
    drop(slow);
}

#[test]
fn slowloris_connections_are_cut_after_the_header_timeout() {
    use std::io::{Read, Write};
    let limit = Duration::from_secs(1);
    let cfg = ServerConfig { header_timeout: limit, ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let mut slow = std::net::TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET /api/items/1 HTTP/1.1\r\n").unwrap();
    slow.set_read_timeout(Some(limit * 10)).unwrap();
    let t0 = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let waited = t0.elapsed();
    assert!(waited >= limit && waited < limit * 5, "closed after {waited:?}");
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
}

//! The mock API on its own: routes, counters, the in-flight cap, and `concbench serve`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use concbench::record::{LatencyProfile, ServerConfig, StatsSnapshot};
use concbench::server::{AdminToken, InProcess};

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
    assert_eq!(reset(&base, server.admin_token()), 204);
    assert_eq!(stats(&base).requests, 0);
}

/// The timer applies at least the latency asked, to every answer, whatever the load; `/stats`
/// holds the histogram of how much later (no bound is asserted on that: it is the machine's).
#[test]
fn every_answer_waits_at_least_the_latency_asked_and_its_excess_is_counted() {
    let profile: LatencyProfile = "uniform:2ms..20ms".parse().unwrap();
    let cfg = ServerConfig { latency: profile, ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 2).unwrap();
    let base = format!("http://{}", server.addr());
    std::thread::scope(|s| {
        for i in 0..60 {
            let base = &base;
            s.spawn(move || assert_eq!(get(&format!("{base}/api/items/{i}")).0, 200));
        }
    });
    let st = stats(&base);
    assert_eq!(st.responses, 60);
    let least = (0..60).map(|id| concbench::server::Sample::sample(&profile, 42, id)).min().unwrap();
    assert!(st.latency_applied_us_min.unwrap() >= least.as_micros() as u64, "{st:?}");
    assert!(st.latency_applied_us_total >= st.latency_requested_us_total, "{st:?}");
    let excess = st.latency_excess.expect("a histogram once answers were sent");
    assert_eq!(excess.count(), 60);
    assert!(excess.quantile_us(0.0).is_some());
    assert_eq!(reset(&base, server.admin_token()), 204);
    assert!(stats(&base).latency_excess.is_none(), "a reset empties it");
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
    // Taken before connecting: the server's timer starts at accept, which is after this.
    let t0 = std::time::Instant::now();
    let mut slow = std::net::TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET /api/items/1 HTTP/1.1\r\n").unwrap();
    slow.set_read_timeout(Some(limit * 10)).unwrap();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let waited = t0.elapsed();
    assert!(waited >= limit && waited < limit * 5, "closed after {waited:?}");
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
}

fn delete(url: &str) -> u16 {
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    agent.delete(url).call().expect("server answers").status().as_u16()
}

fn post(url: &str) -> u16 {
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    agent.post(url).send_empty().expect("server answers").status().as_u16()
}

/// `POST /stats/reset` with the admin secret; its status.
fn reset(base: &str, token: &AdminToken) -> u16 {
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let request =
        agent.post(format!("{base}/stats/reset")).header("authorization", format!("Bearer {}", token.secret()));
    request.send_empty().expect("server answers").status().as_u16()
}

#[test]
fn every_4xx_answer_counts_as_a_bad_request_once() {
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::ZERO), ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let addr = server.addr();
    let base = format!("http://{addr}");
    assert_eq!(get(&format!("{base}/api/items/abc")).0, 400, "the id does not parse");
    assert_eq!(get(&format!("{base}/api/items/-1")).0, 400);
    assert_eq!(get(&format!("{base}/api/items/1?error_rate=x")).0, 400, "a bad query override");
    assert_eq!(delete(&format!("{base}/api/items/1")), 405, "items take GET, POST, PUT and PATCH");
    assert_eq!(get(&format!("{base}/nowhere")).0, 404);
    assert_eq!(get(&format!("{base}/stats/reset")).0, 405);
    // Neither good requests nor admin ones count.
    assert_eq!(get(&format!("{base}/api/items/2?error_rate=0")).0, 200);
    assert_eq!(get(&format!("{base}/health")).0, 200);
    let s = stats(&base);
    assert_eq!(s.faults.bad_requests, 6, "{:?}", s.faults);
    assert_eq!((s.requests, s.responses), (1, 1), "only the good request is a request");
    // What hyper itself refuses (a 400 before any route) counts too; it is counted when the
    // connection ends, just after the client saw it close, so wait for it.
    let garbage = raw(addr, b"GARBAGE\r\n\r\n", Duration::from_secs(5));
    assert!(garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while stats(&base).faults.bad_requests < 7 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(stats(&base).faults.bad_requests, 7);
    assert_eq!(reset(&base, server.admin_token()), 204);
    assert_eq!(stats(&base).faults.bad_requests, 0);
}

#[test]
fn rate_limited_answers_are_not_bad_requests() {
    let cfg = ServerConfig {
        latency: LatencyProfile::Fixed(Duration::ZERO),
        faults: concbench::record::Faults { rate_limit: Some("1/m".parse().unwrap()), ..Default::default() },
        ..Default::default()
    };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let base = format!("http://{}", server.addr());
    // A burst of one, then one token a minute: the second and third are refused.
    let statuses: Vec<u16> = (0..3).map(|i| get(&format!("{base}/api/items/{i}")).0).collect();
    assert_eq!(statuses, [200, 429, 429]);
    let s = stats(&base);
    assert_eq!((s.faults.rate_limited, s.faults.bad_requests), (2, 0), "{:?}", s.faults);
}

#[test]
fn only_connections_that_carry_a_client_request_are_counted() {
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::ZERO), ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let base = format!("http://{}", server.addr());
    // Every call of `get` and `post` opens a connection of its own, as the runner's admin agent
    // does after a long run: none of these count.
    assert_eq!(get(&format!("{base}/health")).0, 200);
    assert_eq!(reset(&base, server.admin_token()), 204);
    assert_eq!(stats(&base).connections_accepted, 0);
    for i in 0..4 {
        assert_eq!(get(&format!("{base}/api/items/{i}")).0, 200);
    }
    assert_eq!(stats(&base).connections_accepted, 4);
    assert_eq!(stats(&base).connections_accepted, 4, "reading the counters opened no counted connection");
    // A kept-alive connection counts once, at its first request that is not an admin one.
    // (A body must be read to the end for the agent to reuse its connection.)
    let agent = ureq::Agent::new_with_defaults();
    let call = |path: &str| agent.get(format!("{base}{path}")).call().unwrap().body_mut().read_to_string().unwrap();
    call("/stats");
    for i in 0..3 {
        call(&format!("/api/items/{i}"));
    }
    assert_eq!(stats(&base).connections_accepted, 5);
    // A reset zeroes the count; connections already counted are not counted again.
    let bearer = format!("Bearer {}", server.admin_token().secret());
    agent.post(format!("{base}/stats/reset")).header("authorization", &bearer).send_empty().unwrap();
    call("/api/items/9");
    assert_eq!(get(&format!("{base}/api/items/10")).0, 200);
    let s = stats(&base);
    assert_eq!((s.connections_accepted, s.requests), (1, 2));
}

#[test]
fn server_cpu_is_counted_from_the_last_reset() {
    use concbench::server::child::ChildServer;
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::ZERO), ..Default::default() };
    let server = ChildServer::spawn(std::path::Path::new(env!("CARGO_BIN_EXE_concbench")), &cfg, 1).unwrap();
    let base = format!("http://{}", server.addr());
    let agent = ureq::Agent::new_with_defaults();
    for i in 0..2000 {
        agent.get(format!("{base}/api/items/{i}")).call().unwrap().body_mut().read_to_string().unwrap();
    }
    let cpu = |s: &StatsSnapshot| s.process.cpu_user_us + s.process.cpu_sys_us;
    let before = stats(&base);
    assert_eq!(before.requests, 2000);
    assert_eq!(reset(&base, server.admin_token()), 204);
    let after = stats(&base);
    // Counted since the process started, the figure could only have grown.
    assert!(cpu(&after) < cpu(&before), "after the reset {} us, before it {} us", cpu(&after), cpu(&before));
    assert_eq!(after.process.pid, server.pid());
    let (rss, peak) = (after.process.rss_bytes.unwrap(), after.process.rss_peak_bytes.unwrap());
    assert!(peak >= rss, "{rss} {peak}");
}

/// `POST /stats/reset`, the one route that changes state, needs the secret: without it (a web
/// page's cross-origin text/plain POST, another local process) it is refused with 401, counted,
/// and changes nothing; the refusals are not reset by a reset.
#[test]
fn resetting_the_counters_needs_the_admin_secret() {
    let cfg = ServerConfig { latency: LatencyProfile::Fixed(Duration::ZERO), ..Default::default() };
    let server = InProcess::start(cfg, ([127, 0, 0, 1], 0).into(), 1).unwrap();
    let base = format!("http://{}", server.addr());
    assert_eq!(get(&format!("{base}/api/items/1")).0, 200);
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let url = format!("{base}/stats/reset");
    let cross_origin = agent.post(&url).header("content-type", "text/plain").header("origin", "http://evil.example");
    assert_eq!(cross_origin.send("x").unwrap().status(), 401);
    assert_eq!(agent.post(&url).header("authorization", "Bearer wrong").send_empty().unwrap().status(), 401);
    assert_eq!(post(&url), 401);
    let s = stats(&base);
    assert_eq!((s.requests, s.admin_refused), (1, 3), "nothing was reset, every refusal counted");
    assert_eq!(reset(&base, server.admin_token()), 204);
    let s = stats(&base);
    assert_eq!((s.requests, s.admin_refused), (0, 3));
}

/// A plain `serve` prints its secret on stderr, or takes it from `--admin-token-file`; on an
/// address other than loopback it warns that it answers anyone.
#[test]
fn serve_prints_its_secret_or_reads_it_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "s3cret-token\n").unwrap();
    for (extra, expect_printed) in [(vec![], true), (vec!["--admin-token-file", file.to_str().unwrap()], false)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concbench"))
            .args(["serve", "--port", "0", "--latency", "0", "--exit-on-stdin-eof"])
            .args(&extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base =
            format!("http://{}", line.trim().strip_prefix("listening on http://").unwrap().split(' ').next().unwrap());
        let mut err = String::new();
        let token = if expect_printed {
            BufReader::new(child.stderr.take().unwrap()).read_line(&mut err).unwrap();
            err.strip_prefix("admin token: ").unwrap().split(' ').next().unwrap().to_string()
        } else {
            "s3cret-token".to_string()
        };
        assert_eq!(reset(&base, &AdminToken::new(&token).unwrap()), 204, "{err}");
        assert_eq!(post(&format!("{base}/stats/reset")), 401);
        drop(child.stdin.take());
        child.wait().unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_concbench"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--exit-on-stdin-eof"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: listening on 0.0.0.0") && stderr.contains("answers anyone"), "{stderr}");
}

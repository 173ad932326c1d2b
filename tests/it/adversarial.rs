//! Both HTTP clients against an adversarial server: one loopback server (std sockets, plain or
//! TLS, one thread per connection, every socket with timeouts, every answer bounded in time and
//! bytes) and one table of misbehaviours. Each case is run by `sequential`, `threads:2`,
//! `async:2` and `processes:2`, and each must get the outcome and class the case names, while the
//! server sees exactly the tries the resend policy allows: every task once, and a second time
//! only after a reused connection was closed under it unanswered.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use concbench::record::{Report, RunRecord};

use crate::support::cell;

/// The models every case runs.
const MODELS: [&str; 4] = ["sequential", "threads:2", "async:2", "processes:2"];

/// How long the server waits on a silent client before giving up on its connection.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);

/// The body of a plain answer.
const BODY: [u8; 100] = [b'x'; 100];

/// A connection's bytes: plain TCP or TLS over it.
enum Wire {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Wire::Plain(s) => s.read(buf),
            Wire::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Wire::Plain(s) => s.write(buf),
            Wire::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Wire::Plain(s) => s.flush(),
            Wire::Tls(s) => s.flush(),
        }
    }
}

/// One connection as a case's handler sees it.
pub struct Peer {
    wire: Wire,
    /// Bytes read past the last request head.
    pending: Vec<u8>,
    /// Requests of tasks answered on this connection so far.
    answered: usize,
}

/// A request as the server read it: its task index, and its attempt header (none: the preflight).
struct Request {
    task: u64,
    attempt: Option<u32>,
}

impl Peer {
    /// The next request head on the connection, or `None` when the client closed it (or went
    /// silent, or sent something else).
    fn next_request(&mut self) -> Option<Request> {
        let mut chunk = [0u8; 4096];
        let end = loop {
            if let Some(at) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if self.pending.len() > 64 << 10 {
                return None;
            }
            let n = self.wire.read(&mut chunk).ok().filter(|&n| n > 0)?;
            self.pending.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&self.pending[..end]).into_owned();
        self.pending.drain(..end);
        let path = head.split(' ').nth(1)?;
        let task = path.rsplit('/').next().and_then(|i| i.parse().ok()).unwrap_or(0);
        let attempt = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("x-concbench-attempt").then(|| value.trim().parse().ok())?
        });
        Some(Request { task, attempt })
    }

    /// Sends `bytes` at once; false when the client is gone.
    fn send(&mut self, bytes: &[u8]) -> bool {
        self.wire.write_all(bytes).and_then(|_| self.wire.flush()).is_ok()
    }
}

/// What a handler did with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Answered; read the next request on this connection.
    Next,
    /// Answered (perhaps in part); close the connection (without TLS close_notify).
    Close,
    /// Closed the connection without answering.
    Unanswered,
}

type Handler = fn(&mut Peer) -> Then;

/// A try the server saw: which task, which attempt, on which connection, its rank there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Try {
    task: u64,
    attempt: u32,
    conn: usize,
    nth: usize,
    answered: bool,
}

/// A barrier the server's answers wait at, in rounds of `size` requests, so that clients with
/// `size` requests in flight get their answers together (and their workers stay in step).
struct Rounds {
    arrived: Mutex<usize>,
    all_in: std::sync::Condvar,
    size: usize,
}

impl Rounds {
    fn wait(&self) {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        let round_ends = arrived.div_ceil(self.size) * self.size;
        self.all_in.notify_all();
        let _ = self.all_in.wait_timeout_while(arrived, SOCKET_TIMEOUT, |a| *a < round_ends).unwrap();
    }
}

/// The adversarial server: answers every preflight (a request without an attempt header) with a
/// plain 200, and every task's request with its handler.
struct Adversary {
    addr: SocketAddr,
    tries: Arc<Mutex<Vec<Try>>>,
    stop: Arc<AtomicBool>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl Adversary {
    /// Serves `handler` (over TLS with `tls`), each answer held until `rounds` requests are in.
    fn start(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>, rounds: usize) -> Self {
        let rounds =
            (rounds > 1).then(|| Arc::new(Rounds { arrived: Mutex::new(0), all_in: Default::default(), size: rounds }));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (tries, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let (t, s) = (tries.clone(), stop.clone());
        let accept = std::thread::spawn(move || {
            let conns = AtomicUsize::new(0);
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((tcp, _)) => {
                        let (id, tries, tls) = (conns.fetch_add(1, Ordering::Relaxed), t.clone(), tls.clone());
                        let rounds = rounds.clone();
                        std::thread::spawn(move || serve(tcp, id, handler, tls, rounds, &tries));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Adversary { addr, tries, stop, accept: Some(accept) }
    }

    fn tries(&self) -> Vec<Try> {
        self.tries.lock().unwrap().clone()
    }
}

impl Drop for Adversary {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Serves connection `id` until the client closes it or the handler ends it.
fn serve(
    tcp: TcpStream,
    id: usize,
    handler: Handler,
    tls: Option<Arc<rustls::ServerConfig>>,
    rounds: Option<Arc<Rounds>>,
    tries: &Mutex<Vec<Try>>,
) {
    let _ = tcp.set_nonblocking(false);
    let _ = tcp.set_read_timeout(Some(SOCKET_TIMEOUT));
    let _ = tcp.set_write_timeout(Some(SOCKET_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let wire = match tls {
        None => Wire::Plain(tcp),
        Some(config) => {
            Wire::Tls(Box::new(rustls::StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), tcp)))
        }
    };
    let mut peer = Peer { wire, pending: Vec::new(), answered: 0 };
    let mut nth = 0;
    while let Some(request) = peer.next_request() {
        let Some(attempt) = request.attempt else {
            peer.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            continue;
        };
        nth += 1;
        // Counted before it is answered: once the client has its answer, the run may end.
        let at = {
            let mut tries = tries.lock().unwrap();
            tries.push(Try { task: request.task, attempt, conn: id, nth, answered: true });
            tries.len() - 1
        };
        if let Some(rounds) = &rounds {
            rounds.wait();
        }
        let then = handler(&mut peer);
        if then == Then::Unanswered {
            tries.lock().unwrap()[at].answered = false;
        } else {
            peer.answered += 1;
        }
        if then != Then::Next {
            return;
        }
    }
}

/// A 200 with `extra` header lines and the 100-byte body.
fn ok_with(peer: &mut Peer, extra: &str) -> Then {
    let head = format!("HTTP/1.1 200 OK\r\n{extra}Content-Length: {}\r\n\r\n", BODY.len());
    peer.send(&[head.as_bytes(), &BODY].concat());
    Then::Next
}

fn ok(peer: &mut Peer) -> Then {
    ok_with(peer, "")
}

/// Sends `head` then `body` in one write, then does `then`.
fn raw(peer: &mut Peer, head: &str, body: &[u8], then: Then) -> Then {
    peer.send(&[head.as_bytes(), body].concat());
    then
}

fn head_20k(peer: &mut Peer) -> Then {
    ok_with(peer, &format!("x-filler: {}\r\n", "f".repeat(20 << 10)))
}

fn head_1m(peer: &mut Peer) -> Then {
    ok_with(peer, &format!("x-filler: {}\r\n", "f".repeat(1 << 20)));
    Then::Close
}

fn headers_100(peer: &mut Peer) -> Then {
    ok_with(peer, &(0..100).map(|i| format!("x-header-{i}: {i}\r\n")).collect::<String>())
}

/// Chunks of 1 KiB every millisecond, for ten seconds at most.
fn endless_body(peer: &mut Peer) -> Then {
    let chunk = [b"400\r\n", &[b'x'; 1024][..], b"\r\n"].concat();
    let t0 = Instant::now();
    if peer.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") {
        while t0.elapsed() < Duration::from_secs(10) && peer.send(&chunk) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    Then::Close
}

/// A 10-byte body, one byte every 150 ms: each read gets something well within any timeout,
/// the whole body does not.
fn trickling_body(peer: &mut Peer) -> Then {
    if peer.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n") {
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(150));
            if !peer.send(b"x") {
                break;
            }
        }
    }
    Then::Close
}

fn invalid_chunk(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"zz\r\nxx\r\n0\r\n\r\n", Then::Next)
}

fn extended_chunks(peer: &mut Peer) -> Then {
    let body = [b"40;name=value;q=\"a b\"\r\n", &BODY[..64], b"\r\n24 ; tail\r\n", &BODY[64..], b"\r\n0;last\r\n\r\n"];
    raw(peer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &body.concat(), Then::Next)
}

fn trailers(peer: &mut Peer) -> Then {
    let body = [b"64\r\n", &BODY[..], b"\r\n0\r\nX-Checksum: 42\r\nX-More: yes\r\n\r\n"].concat();
    raw(peer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum, X-More\r\n\r\n", &body, Then::Next)
}

fn no_length_then_close(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 200 OK\r\n\r\n", &BODY, Then::Close)
}

fn close_mid_body(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", &BODY[..50], Then::Close)
}

fn two_in_one_write(peer: &mut Peer) -> Then {
    let one = [b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", &BODY[..]].concat();
    peer.send(&[&one[..], &one].concat());
    Then::Next
}

/// The answer, then 5 ms later a second one nobody asked for (with an 8-byte longer body, so a
/// client taking it for the next request's answer counts 108 bytes).
fn late_second_answer(peer: &mut Peer) -> Then {
    ok(peer);
    std::thread::sleep(Duration::from_millis(5));
    raw(peer, "HTTP/1.1 200 OK\r\nContent-Length: 108\r\n\r\n", &[b'y'; 108], Then::Next)
}

/// `Connection: close`, but the server keeps the connection open: only the client's reading of
/// the header keeps it from sending the next request there.
fn connection_close(peer: &mut Peer) -> Then {
    ok_with(peer, "Connection: close\r\n")
}

/// A keep-alive answer, then the connection closed at once: the client finds it closed when it
/// reuses it (or just before).
fn silent_idle_close(peer: &mut Peer) -> Then {
    ok(peer);
    Then::Close
}

/// The first request of a connection is answered; the next is read, then the connection closed
/// unanswered (a server closing an idle connection just as the client reuses it, made certain).
fn close_on_next_request(peer: &mut Peer) -> Then {
    if peer.answered == 0 { ok(peer) } else { Then::Unanswered }
}

fn continue_100(peer: &mut Peer) -> Then {
    peer.send(b"HTTP/1.1 100 Continue\r\n\r\n");
    ok(peer)
}

fn switching_101(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", b"", Then::Next)
}

fn found_302(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", b"", Then::Next)
}

fn no_content_with_a_body(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 204 No Content\r\n\r\n", b"stray bytes", Then::Next)
}

fn duplicate_content_length(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Length: 100\r\n\r\n", &BODY, Then::Next)
}

fn conflicting_content_length(peer: &mut Peer) -> Then {
    raw(peer, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Length: 108\r\n\r\n", &BODY, Then::Next)
}

fn chunked_with_content_length(peer: &mut Peer) -> Then {
    let body = [b"64\r\n", &BODY[..], b"\r\n0\r\n\r\n"].concat();
    raw(peer, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n", &body, Then::Next)
}

fn garbage(peer: &mut Peer) -> Then {
    raw(peer, "SSH-2.0-OpenSSH_9.6 not an HTTP answer\r\n\r\n", b"", Then::Next)
}

/// What every model must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Every request succeeds with this many body bytes.
    Ok(u64),
    /// Every request fails with this kind.
    Fail(&'static str),
}

/// Which connections the server may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tries {
    /// Every task once; connections may be reused.
    Once,
    /// Every task once, each on a connection of its own (the answer forbids reuse).
    OncePerConnection,
    /// Every task answered once; tried a second time only after a reused connection was closed
    /// under it unanswered.
    ResentAfterStaleReuse,
}

struct Case {
    name: &'static str,
    handler: Handler,
    /// Extra arguments of `concbench io`.
    args: &'static [&'static str],
    requests: usize,
    expect: Expect,
    tries: Tries,
    /// The server answers in rounds of the model's concurrency.
    in_step: bool,
}

const fn case(name: &'static str, handler: Handler, expect: Expect, tries: Tries) -> Case {
    Case { name, handler, args: &[], requests: 4, expect, tries, in_step: false }
}

/// A failure other than a timeout must come at once, not after a timer (the cases' timeout is 5 s).
const AT_ONCE: Duration = Duration::from_secs(2);

fn cases() -> Vec<Case> {
    use Expect::{Fail, Ok};
    use Tries::{Once, OncePerConnection, ResentAfterStaleReuse};
    let timeout = |c: Case| Case { args: &["--timeout", "700ms"], requests: 2, ..c };
    vec![
        case("head of 20 KiB", head_20k, Ok(100), Once),
        case("head of 1 MiB", head_1m, Fail("protocol"), OncePerConnection),
        case("100 headers", headers_100, Ok(100), Once),
        timeout(case("endless body", endless_body, Fail("timeout"), OncePerConnection)),
        timeout(case("trickling body", trickling_body, Fail("timeout"), OncePerConnection)),
        case("invalid chunk", invalid_chunk, Fail("body"), OncePerConnection),
        case("extended chunks", extended_chunks, Ok(100), Once),
        case("trailers", trailers, Ok(100), Once),
        case("no length, then close", no_length_then_close, Ok(100), OncePerConnection),
        case("close mid-body", close_mid_body, Fail("reset"), OncePerConnection),
        case("two answers in one write", two_in_one_write, Ok(100), OncePerConnection),
        // Requests spaced by the CPU they cost (100 ms before, 100 ms after), and answered in
        // step (so no worker takes a connection another just gave back), so the late answer is
        // there before the connection could be reused: after that, no client could tell it from
        // the real one.
        Case {
            args: &["--interp-cost", "200ms"],
            in_step: true,
            ..case("late second answer", late_second_answer, Ok(100), OncePerConnection)
        },
        case("Connection: close", connection_close, Ok(100), OncePerConnection),
        case("silent close when idle", silent_idle_close, Ok(100), OncePerConnection),
        Case {
            requests: 6,
            ..case("close on the next request", close_on_next_request, Ok(100), ResentAfterStaleReuse)
        },
        case("100 Continue", continue_100, Ok(100), Once),
        case("101 Switching Protocols", switching_101, Fail("http_101"), OncePerConnection),
        case("302 Found", found_302, Fail("http_302"), Once),
        case("204 with a body", no_content_with_a_body, Ok(0), OncePerConnection),
        case("duplicate Content-Length", duplicate_content_length, Fail("protocol"), OncePerConnection),
        case("conflicting Content-Length", conflicting_content_length, Fail("protocol"), OncePerConnection),
        case("chunked with Content-Length", chunked_with_content_length, Ok(100), OncePerConnection),
        case("garbage", garbage, Fail("protocol"), OncePerConnection),
    ]
}

/// Whether the tries the server saw are the ones `policy` allows for `requests` tasks.
fn tries_allowed(tries: &[Try], requests: usize, policy: Tries) -> Result<(), String> {
    let mut per_task = vec![Vec::new(); requests];
    for t in tries {
        per_task.get_mut(t.task as usize).ok_or(format!("task {} out of range", t.task))?.push(*t);
    }
    for (task, seen) in per_task.iter().enumerate() {
        let resent_after_stale =
            matches!(seen[..], [first, second] if !first.answered && first.nth > 1 && second.answered);
        let fine = match policy {
            Tries::Once => seen.len() == 1,
            Tries::OncePerConnection => seen.len() == 1 && seen[0].nth == 1,
            Tries::ResentAfterStaleReuse => (seen.len() == 1 && seen[0].answered) || resent_after_stale,
        };
        if !fine || seen.iter().any(|t| t.attempt != 0) {
            return Err(format!("task {task} tried {seen:?}"));
        }
    }
    Ok(())
}

/// What one model's run left: the outcome ("ok", or the failures' kind), and how many tries the
/// server saw.
fn outcome(run: &RunRecord) -> String {
    let mut kinds: Vec<String> = run.errors.iter().map(|(k, t)| format!("{k}×{}", t.count)).collect();
    if run.ok > 0 {
        kinds.insert(0, format!("ok×{} ({} B)", run.ok, run.value_sum));
    }
    kinds.join(" ")
}

/// Checks `run` against the case; the line for the table either way.
fn judge(case: &Case, run: &RunRecord, tries: &[Try]) -> Result<String, String> {
    let n = case.requests as u64;
    let line = format!("{}; server saw {} tries", outcome(run), tries.len());
    let expected = match case.expect {
        Expect::Ok(bytes) => run.ok == n && run.failed == 0 && run.value_sum == n * bytes,
        Expect::Fail(kind) => run.ok == 0 && run.errors.get(kind).is_some_and(|t| t.count == n),
    };
    if !expected {
        return Err(format!("{line}: expected {:?} for each of {n}", case.expect));
    }
    if case.expect != Expect::Fail("timeout")
        && run.latency_failed.as_ref().is_some_and(|l| l.max_us > AT_ONCE.as_micros() as u64)
    {
        return Err(format!("{line}: a failure took {:?} µs", run.latency_failed.map(|l| l.max_us)));
    }
    if run.retries != 0 {
        return Err(format!("{line}: {} retries", run.retries));
    }
    tries_allowed(tries, case.requests, case.tries).map_err(|e| format!("{line}: {e}"))?;
    Ok(line)
}

/// `concbench io` for `model` against `url` (in-process; `processes` with this build's binary).
fn run_model(url: &str, model: &str, case: &Case) -> Report {
    let n = case.requests.to_string();
    let mut args = vec!["--url", url, "--requests", &n, "--sync-sample", &n, "--models", model];
    args.extend_from_slice(case.args);
    if !case.args.contains(&"--timeout") {
        args.extend(["--timeout", "5s"]);
    }
    let mut plan = crate::support::plan(&args);
    plan.env.worker_exe = Some(env!("CARGO_BIN_EXE_concbench").into());
    concbench::runner::run_io(&plan, &mut concbench::runner::Silent, &concbench::interrupt::Stop::new())
        .expect("run completes")
}

/// Runs every case of `names` with every model; prints the table and fails listing every
/// mismatch.
fn check(names: &[&str]) {
    let mut table = Vec::new();
    let mut wrong = Vec::new();
    for case in cases().iter().filter(|c| names.contains(&c.name)) {
        for model in MODELS {
            let in_step = if case.in_step { model.split(':').nth(1).map_or(1, |n| n.parse().unwrap()) } else { 1 };
            let server = Adversary::start(case.handler, None, in_step);
            let url = format!("http://{}/x/{{i}}", server.addr);
            let report = run_model(&url, model, case);
            let run = &cell(&report, model).runs[0];
            match judge(case, run, &server.tries()) {
                Ok(line) => table.push(format!("| {} | {model} | {line} |", case.name)),
                Err(e) => wrong.push(format!("{} / {model}: {e}", case.name)),
            }
        }
    }
    eprintln!("{}", table.join("\n"));
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn heads_of_every_size_and_shape() {
    check(&["head of 20 KiB", "head of 1 MiB", "100 headers", "garbage", "100 Continue"]);
}

#[test]
fn bodies_framed_every_way() {
    check(&["invalid chunk", "extended chunks", "trailers", "no length, then close", "close mid-body"]);
}

#[test]
fn lengths_that_disagree() {
    check(&[
        "duplicate Content-Length",
        "conflicting Content-Length",
        "chunked with Content-Length",
        "204 with a body",
    ]);
}

#[test]
fn bodies_past_the_timeout() {
    check(&["endless body", "trickling body"]);
}

#[test]
fn connections_never_reused_with_unread_bytes_or_resent_beyond_the_policy() {
    check(&[
        "two answers in one write",
        "late second answer",
        "Connection: close",
        "silent close when idle",
        "close on the next request",
    ]);
}

#[test]
fn statuses_other_than_2xx() {
    check(&["101 Switching Protocols", "302 Found"]);
}

#[test]
fn every_case_is_in_a_test() {
    let tested = [
        "head of 20 KiB",
        "head of 1 MiB",
        "100 headers",
        "garbage",
        "100 Continue",
        "invalid chunk",
        "extended chunks",
        "trailers",
        "no length, then close",
        "close mid-body",
        "duplicate Content-Length",
        "conflicting Content-Length",
        "chunked with Content-Length",
        "204 with a body",
        "endless body",
        "trickling body",
        "two answers in one write",
        "late second answer",
        "Connection: close",
        "silent close when idle",
        "close on the next request",
        "101 Switching Protocols",
        "302 Found",
    ];
    for c in cases() {
        assert!(tested.contains(&c.name), "{} is in no test", c.name);
    }
}

/// A CA and a certificate it signed for 127.0.0.1: the server's config, and the CA in PEM.
fn tls_server_config() -> (Arc<rustls::ServerConfig>, String) {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "concbench test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca, rcgen::KeyPair::generate().unwrap()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap();
    (Arc::new(config), ca.pem())
}

#[test]
fn tls_closes_without_close_notify() {
    // The server trusts nothing but the test's CA, handed to the binary (and its worker
    // processes) through CONCBENCH_EXTRA_CA_FILE; it closes every connection after one answer
    // with no close_notify. After a whole length-delimited body that is a success; a body that
    // only the close delimits could have been cut short, so it is a reset.
    let (config, ca) = tls_server_config();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let cases = [
        case("TLS close without close_notify", silent_idle_close, Expect::Ok(100), Tries::OncePerConnection),
        case(
            "TLS, no length, close without close_notify",
            no_length_then_close,
            Expect::Fail("reset"),
            Tries::OncePerConnection,
        ),
    ];
    let mut table = Vec::new();
    for (case, model) in cases.iter().flat_map(|c| MODELS.map(|m| (c, m))) {
        let server = Adversary::start(case.handler, Some(config.clone()), 1);
        let url = format!("https://127.0.0.1:{}/x/{{i}}", server.addr.port());
        let out = assert_cmd::Command::cargo_bin("concbench")
            .unwrap()
            .env(concbench::workload::http::EXTRA_CA_ENV, &ca_file)
            .args(["io", "--url", &url, "--models", model, "--requests", "4", "--sync-sample", "4", "--runs", "1"])
            .args(["--timeout", "5s", "--format", "json", "--quiet"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let exit = if case.expect == Expect::Ok(100) { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(exit), "{} / {model}: {stderr}", case.name);
        let report: Report = serde_json::from_slice(&out.stdout).unwrap();
        let line = judge(case, &cell(&report, model).runs[0], &server.tries())
            .unwrap_or_else(|e| panic!("{} / {model}: {e}", case.name));
        table.push(format!("| {} | {model} | {line} |", case.name));
    }
    eprintln!("{}", table.join("\n"));
}

#[test]
fn an_untrusted_certificate_fails_the_preflight() {
    let (config, _) = tls_server_config();
    let server = Adversary::start(ok, Some(config), 1);
    let url = format!("https://127.0.0.1:{}/x/{{i}}", server.addr.port());
    let out = assert_cmd::Command::cargo_bin("concbench").unwrap().args(["io", "--url", &url]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("TLS") && stderr.contains("other"), "{stderr}");
}

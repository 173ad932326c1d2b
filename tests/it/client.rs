//! The async client against servers that frame their answers every way HTTP/1.1 allows: chunked,
//! by length, by closing; large heads and bodies; idle connections the server closed.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use axum::body::Body;
use axum::routing::get;

use crate::support::{TestServer, cell, run};

fn body_of(i: u64) -> Vec<u8> {
    (0..i * 1000 + 1).map(|b| (b % 251) as u8).collect()
}

#[test]
fn chunked_and_sized_bodies_are_read_whole() {
    let server = TestServer::start(
        axum::Router::new()
            .route(
                "/chunked/{i}",
                get(|axum::extract::Path(i): axum::extract::Path<u64>| async move {
                    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
                        body_of(i).chunks(777).map(|c| Ok(c.to_vec())).collect();
                    Body::from_stream(futures_util::stream::iter(pieces))
                }),
            )
            .route("/sized/{i}", get(|axum::extract::Path(i): axum::extract::Path<u64>| async move { body_of(i) }))
            .route("/bighead/{i}", get(|| async { ([("x-filler", "f".repeat(10_000))], "ok") })),
    );
    let expected: u64 = (0..20).map(|i| body_of(i).len() as u64).sum();
    for path in ["/chunked/{i}", "/sized/{i}"] {
        for model in ["async", "async:3", "threads:3"] {
            let r = run(&["--url", &server.url(path), "--requests", "20", "--models", model]);
            let record = &cell(&r, model).runs[0];
            assert_eq!((record.ok, record.failed), (20, 0), "{path} {model}: {:?}", record.errors);
            assert_eq!(record.value_sum, expected, "{path} {model}: every body byte counted once");
        }
    }
    let r = run(&["--url", &server.url("/bighead/{i}"), "--requests", "5", "--models", "async"]);
    assert_eq!(cell(&r, "async").runs[0].ok, 5, "a 10 KB head grows the read buffer");
}

#[test]
fn keep_alive_reuses_one_connection_per_request_in_flight() {
    let r = run(&["--models", "async:1", "--requests", "30", "--latency", "1ms"]);
    let record = &cell(&r, "async:1").runs[0];
    assert_eq!(record.ok, 30);
    assert_eq!(record.server.as_ref().unwrap().connections_accepted, 1);
    let r = run(&["--models", "async:1", "--requests", "30", "--latency", "1ms", "--keep-alive", "off"]);
    assert_eq!(cell(&r, "async:1").runs[0].server.as_ref().unwrap().connections_accepted, 30);
}

/// A server that answers one request per connection and counts its connections. It then closes
/// the connection at once (`Closing::Idle`: the client finds it closed when it reuses it), or only
/// after the next request arrived on it (`Closing::OnNextRequest`: the race of a server closing an
/// idle connection just as the client sends on it, made certain).
fn closing_server(closing: Closing) -> (std::net::SocketAddr, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut read_head = || {
                let mut line = String::new();
                let mut any = false;
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    any = true;
                    line.clear();
                }
                any
            };
            if !read_head() {
                continue;
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            if closing == Closing::OnNextRequest {
                read_head();
            }
        }
    });
    (addr, count)
}

#[derive(Clone, Copy, PartialEq)]
enum Closing {
    Idle,
    OnNextRequest,
}

#[test]
fn an_idle_connection_the_server_closed_is_replaced_not_failed() {
    for closing in [Closing::Idle, Closing::OnNextRequest] {
        let (addr, connections) = closing_server(closing);
        let url = format!("http://{addr}/x/{{i}}");
        let r = run(&["--url", &url, "--requests", "10", "--models", "async:1,threads:1"]);
        for model in ["async:1", "threads:1"] {
            let record = &cell(&r, model).runs[0];
            assert_eq!((record.ok, record.failed), (10, 0), "{model}: {:?}", record.errors);
            assert_eq!(record.retries, 0, "{model}: no retry was counted");
        }
        // The preflight, then one connection per request for each model.
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 21);
    }
}

/// A server on a free loopback port (`ip`) that runs `answer(path, head lines, stream)` for every
/// request, one thread per connection, until `answer` returns false or the client closes.
fn serve_on(
    ip: &str,
    answer: impl Fn(&str, &[String], &mut std::net::TcpStream) -> bool + Send + Sync + 'static,
) -> std::io::Result<std::net::SocketAddr> {
    let listener = TcpListener::bind((ip, 0))?;
    let addr = listener.local_addr()?;
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut lines = Vec::new();
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                        lines.push(line.trim_end().to_string());
                        line.clear();
                    }
                    let Some(path) = lines.first().and_then(|l| l.split(' ').nth(1)).map(str::to_string) else {
                        return;
                    };
                    if !answer(&path, &lines[1..], &mut stream) {
                        return;
                    }
                }
            });
        }
    });
    Ok(addr)
}

fn serve(
    answer: impl Fn(&str, &[String], &mut std::net::TcpStream) -> bool + Send + Sync + 'static,
) -> std::net::SocketAddr {
    serve_on("127.0.0.1", answer).unwrap()
}

/// The task index at the end of a request path `/x/{i}`.
fn index(path: &str) -> u64 {
    path.rsplit('/').next().and_then(|i| i.parse().ok()).unwrap_or(0)
}

#[test]
fn interim_1xx_answers_are_skipped_for_the_final_one() {
    // Every answer is a 103 Early Hints (sometimes two, or a 100, sent apart), then a 200 whose
    // body is i + 1 bytes: a client taking the 103 for the answer would count the wrong bodies
    // (and read each answer as the next request's).
    let addr = serve(|path, _, stream| {
        let i = index(path);
        let interim: &[&[u8]] = match i % 3 {
            0 => &[b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"],
            1 => &[b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", b"HTTP/1.1 103 Early Hints\r\n\r\n"],
            _ => &[b"HTTP/1.1 100 Continue\r\n\r\n"],
        };
        for head in interim {
            let _ = stream.write_all(head).and_then(|_| stream.flush());
        }
        let body = vec![b'x'; i as usize + 1];
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        stream.write_all(&[head.as_bytes(), &body].concat()).is_ok()
    });
    let url = format!("http://{addr}/x/{{i}}");
    let r = run(&["--url", &url, "--requests", "30", "--models", "async:1,async:4,threads:1,threads:4"]);
    let expected: u64 = (1..=30).sum();
    for model in ["async:1", "async:4", "threads:1", "threads:4"] {
        let record = &cell(&r, model).runs[0];
        assert_eq!((record.ok, record.failed), (30, 0), "{model}: {:?}", record.errors);
        assert_eq!(record.value_sum, expected, "{model}: the final answers' bodies, each once");
    }
}

/// The Host and User-Agent lines of every request a server got.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(Vec<String>, Vec<String>)>>>;

fn recording_server(ip: &str) -> std::io::Result<(std::net::SocketAddr, Seen)> {
    let seen = Seen::default();
    let s = seen.clone();
    let addr = serve_on(ip, move |_, lines, stream| {
        let values = |name: &str| -> Vec<String> {
            lines
                .iter()
                .filter_map(|l| l.split_once(':'))
                .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
                .collect()
        };
        s.lock().unwrap().push((values("host"), values("user-agent")));
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").is_ok()
    })?;
    Ok((addr, seen))
}

#[test]
fn a_given_host_or_user_agent_replaces_the_default_one() {
    for model in ["async:1", "threads:1"] {
        let (addr, seen) = recording_server("127.0.0.1").unwrap();
        let url = format!("http://{addr}/x/{{i}}");
        let args = ["--url", &url, "--requests", "5", "--models", model, "-H", "Host: example.test"];
        let r = run(&[&args[..], &["-H", "user-agent: mine/1"]].concat());
        assert_eq!(cell(&r, model).runs[0].ok, 5, "{model}");
        let seen = seen.lock().unwrap();
        // The preflight is one of them, sent by the blocking client.
        assert!(seen.len() >= 5, "{model}: {seen:?}");
        for (host, agent) in seen.iter() {
            assert_eq!((host, agent), (&vec!["example.test".to_string()], &vec!["mine/1".to_string()]), "{model}");
        }
    }
}

#[test]
fn an_ipv6_host_header_keeps_its_brackets() {
    let Ok((addr, seen)) = recording_server("::1") else {
        eprintln!("no IPv6 loopback here: nothing to test");
        return;
    };
    let url = format!("http://{addr}/x/{{i}}");
    assert!(url.starts_with("http://[::1]:"), "{url}");
    let r = run(&["--url", &url, "--requests", "3", "--models", "async:1,threads:1"]);
    for model in ["async:1", "threads:1"] {
        assert_eq!(cell(&r, model).runs[0].ok, 3, "{model}");
    }
    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 6);
    for (host, _) in seen.iter() {
        assert_eq!(host, &vec![format!("[::1]:{}", addr.port())]);
    }
}

#[test]
fn a_request_resent_on_a_new_connection_keeps_within_one_timeout() {
    // Task 1 goes out on the idle connection task 0 left; the server stalls 1.2 s on it, then
    // closes it unanswered, and leaves the resend on a new connection unanswered. With a 1.5 s
    // timeout the request must fail at 1.5 s: a resend with a fresh timeout would take 2.7 s.
    for model in ["threads:1", "async:1"] {
        let tries = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let t = tries.clone();
        let addr = serve(move |path, _, stream| {
            if index(path) != 1 {
                return stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").is_ok();
            }
            if t.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                std::thread::sleep(std::time::Duration::from_millis(1200));
                return false;
            }
            // Unanswered: wait until the client gives up and closes.
            let _ = std::io::Read::read(stream, &mut [0; 1]);
            false
        });
        let url = format!("http://{addr}/x/{{i}}");
        let r = run(&["--url", &url, "--requests", "2", "--models", model, "--timeout", "1500ms"]);
        let record = &cell(&r, model).runs[0];
        assert_eq!((record.ok, record.failed), (1, 1), "{model}: {:?}", record.errors);
        assert!(record.errors.contains_key("timeout"), "{model}: {:?}", record.errors);
        assert_eq!(tries.load(std::sync::atomic::Ordering::SeqCst), 2, "{model}: sent, then resent once");
        let took = record.latency_failed.as_ref().unwrap().max_us;
        assert!((1_200_000..2_100_000).contains(&took), "{model}: the whole request took {took} µs");
    }
}

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

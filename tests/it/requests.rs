//! Requests shaped like the user's: `--method`, `--body`, `--body-file`, `--urls-file`, against
//! the embedded API (which answers a body with its size) and servers that record what arrived.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use axum::extract::Path;
use axum::http::Method;
use axum::routing::any;

use concbench::render::{Format, exporter};
use concbench::text::Lang;

use crate::support::{TestServer, cell, run};

/// What the embedded API answers a request with a body: `{"id":i,"received_bytes":n}`.
fn received(i: usize, n: usize) -> u64 {
    format!("{{\"id\":{i},\"received_bytes\":{n}}}").len() as u64
}

#[test]
fn a_body_is_sent_with_its_length_and_the_embedded_api_answers_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.bin");
    std::fs::write(&file, vec![7u8; 40_000]).unwrap();
    for (args, bytes) in [
        (vec!["--method", "PUT", "--body", "hello"], 5),
        (vec!["--body", "hello world"], 11),
        (vec!["--body-file", file.to_str().unwrap()], 40_000),
    ] {
        let models = "async,async:2,threads:3,sequential,processes:2";
        let mut argv = vec!["--requests", "12", "--sync-sample", "12", "--latency", "1ms", "--models", models];
        argv.extend(args.iter().copied());
        let r = run(&argv);
        for model in models.split(',') {
            let record = &cell(&r, model).runs[0];
            assert_eq!((record.ok, record.failed), (12, 0), "{args:?} {model}: {:?}", record.errors);
            assert_eq!(record.value_sum, (0..12).map(|i| received(i, bytes)).sum::<u64>(), "{args:?} {model}");
            assert_eq!(record.server.as_ref().unwrap().requests, 12, "{args:?} {model}");
        }
        let request = &crate::support::io(&r).settings.client.request;
        assert_eq!(request.body_bytes, Some(bytes as u64));
        let json: serde_json::Value =
            serde_json::from_slice(&exporter(Format::Json, Lang::En, false).render(&r).unwrap()).unwrap();
        assert_eq!(crate::support::schema_errors(&json), Vec::<String>::new());
        for (lang, words) in
            [(Lang::En, format!("with a body of {bytes} bytes")), (Lang::Ko, format!("본문 {bytes}바이트"))]
        {
            let md = String::from_utf8(exporter(Format::Md, lang, false).render(&r).unwrap()).unwrap();
            assert!(md.contains(&words), "{lang:?}: the report states the body's size: {md}");
        }
    }
}

type Seen = Arc<Mutex<Vec<(String, String, usize)>>>;

/// A server that answers every method on `/a/{i}` and `/b/{i}` and records (method, path and
/// query, body bytes) of each request.
fn recording_server() -> (TestServer, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let handler = move |method: Method, uri: axum::http::Uri, Path(_i): Path<u64>, body: axum::body::Bytes| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push((method.to_string(), uri.to_string(), body.len()));
            "ok"
        }
    };
    let app = axum::Router::new().route("/a/{i}", any(handler.clone())).route("/b/{i}", any(handler));
    (TestServer::start(app), seen)
}

#[test]
fn a_urls_file_is_cycled_and_its_paths_go_to_the_target() {
    let (server, seen) = recording_server();
    let dir = tempfile::tempdir().unwrap();
    let urls = dir.path().join("urls.txt");
    std::fs::write(&urls, format!("# two URLs\n{}\n\n/b/{{i}}?x=1\n", server.url("/a/{i}"))).unwrap();
    let r = run(&["--urls-file", urls.to_str().unwrap(), "--requests", "6", "--models", "async:1", "--method", "PUT"]);
    let r = &cell(&r, "async:1").runs[0];
    assert_eq!((r.ok, r.failed), (6, 0), "{:?}", r.errors);
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    let mut want: Vec<(String, String, usize)> = (0..6)
        .map(|i| ("PUT".to_string(), if i % 2 == 0 { format!("/a/{i}") } else { format!("/b/{i}?x=1") }, 0))
        .collect();
    want.sort();
    assert_eq!(got, want, "no preflight GET is sent to a PUT target: it is only connected to");
}

/// A server that reads every request whole (head and body), counts it, answers the first one on
/// a connection and closes the connection when the second arrives, unanswered: the race of a
/// server closing an idle connection just as the client reuses it, made certain.
fn closing_on_reuse() -> (std::net::SocketAddr, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicU64::new(0));
    let count = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            for answered in [true, false] {
                let mut length = 0;
                let mut line = String::new();
                let mut any = false;
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    any = true;
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                if !any {
                    break;
                }
                let _ = reader.by_ref().take(length).read_to_end(&mut Vec::new());
                count.fetch_add(1, SeqCst);
                if answered {
                    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
            }
        }
    });
    (addr, requests)
}

#[test]
fn a_request_with_a_body_is_never_sent_twice_and_one_without_is() {
    for model in ["async:1", "threads:1"] {
        let (addr, requests) = closing_on_reuse();
        let url = format!("http://{addr}/x/{{i}}");
        let r = run(&["--url", &url, "--requests", "10", "--models", model, "--body", "x"]);
        let record = &cell(&r, model).runs[0];
        assert_eq!(requests.load(SeqCst), 10, "{model}: each request arrived once");
        assert!(record.failed > 0 && record.errors.contains_key("reset"), "{model}: {:?}", record.errors);
        assert_eq!(record.ok + record.failed, 10);
        let (addr, requests) = closing_on_reuse();
        let url = format!("http://{addr}/x/{{i}}");
        let r = run(&["--url", &url, "--requests", "10", "--models", model]);
        let record = &cell(&r, model).runs[0];
        assert_eq!((record.ok, record.failed), (10, 0), "{model}: a GET is sent again on a fresh connection");
        assert!(requests.load(SeqCst) > 11, "{model}: the preflight, the GETs and their resends");
    }
}

//! The listener's limits: headers that never finish, idle keep-alive connections, a body that
//! trickles, and more connections than the cap. Each test waits for the server to act, never
//! asserts how fast.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use common::TestServer;
use tokenvault_core::service::VaultConfig;
use tokenvault_server::{ConnectionLimits, ServerSettings};

fn server(limits: ConnectionLimits) -> TestServer {
    TestServer::start_with(
        ServerSettings {
            connections: limits,
            ..ServerSettings::default()
        },
        VaultConfig::default(),
    )
}

fn connect(s: &TestServer) -> TcpStream {
    let addr = s.base.trim_start_matches("http://");
    let c = TcpStream::connect(addr).unwrap();
    // Generous: the server must close well before this, whatever the machine's load.
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    c
}

/// Reads until the server closes the connection; returns what it sent.
fn until_closed(c: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn health(s: &TestServer) -> u16 {
    tokenvault_client::Client::new(&s.base)
        .raw("GET", "/health", None, &[])
        .unwrap()
        .status
}

#[test]
fn unfinished_headers_and_idle_connections_are_closed() {
    let s = server(ConnectionLimits {
        header_timeout: Duration::from_secs(1),
        ..ConnectionLimits::default()
    });
    let mut slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut c = connect(&s);
            c.write_all(b"GET /api/v1/tokens/health HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c
        })
        .collect();
    for c in &mut slow {
        until_closed(c);
    }
    // A keep-alive connection is closed once idle as long after its response.
    let mut c = connect(&s);
    c.write_all(b"GET /api/v1/tokens/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let answered = until_closed(&mut c);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert_eq!(health(&s), 200);
}

#[test]
fn connections_beyond_the_cap_are_closed_and_health_answers_after() {
    let s = server(ConnectionLimits {
        max_connections: 4,
        header_timeout: Duration::from_secs(30),
        ..ConnectionLimits::default()
    });
    let held: Vec<TcpStream> = (0..4).map(|_| connect(&s)).collect();
    // Give the accept loop time to take the four before the fifth arrives.
    std::thread::sleep(Duration::from_millis(300));
    let mut fifth = connect(&s);
    let _ = fifth.write_all(b"GET /api/v1/tokens/health HTTP/1.1\r\nHost: x\r\n\r\n");
    let got = until_closed(&mut fifth);
    assert!(got.is_empty(), "the fifth connection was served: {got}");
    drop(held);
    let mut status = 0;
    for _ in 0..50 {
        status = tokenvault_client::Client::new(&s.base)
            .raw("GET", "/health", None, &[])
            .map(|r| r.status)
            .unwrap_or(0);
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(status, 200, "slots are given back when connections close");
}

#[test]
fn a_body_that_trickles_gets_408() {
    let s = server(ConnectionLimits {
        body_timeout: Duration::from_secs(1),
        ..ConnectionLimits::default()
    });
    let mut c = connect(&s);
    c.write_all(
        format!(
            "POST /api/v1/tokens/tokenize HTTP/1.1\r\nHost: x\r\nX-API-Key: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"items\"",
            s.api_key
        )
        .as_bytes(),
    )
    .unwrap();
    let mut buf = [0u8; 2048];
    let n = c.read(&mut buf).unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    assert!(answer.contains("\"retryable\":true"), "{answer}");
}

/// A client that streams model output but never reads the answer: the server stops reading
/// its input once a couple of answer lines wait (memory stays bounded), and closes the
/// connection when nothing of the answer is read for the write timeout. Without that, the
/// client's writes simply block forever (our own write timeout would fire instead).
#[test]
fn a_stream_whose_answer_is_never_read_is_closed() {
    use serde_json::json;
    let s = server(ConnectionLimits {
        write_timeout: Duration::from_secs(1),
        ..ConnectionLimits::default()
    });
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut c = connect(&s);
    c.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        c,
        "POST /api/client/v1/pii/detokenize/stream HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.api_key
    )
    .unwrap();
    let big = "v".repeat(64 * 1024);
    let first = json!({"vault": {"[A_1]": {"value": big, "category": "c"}}});
    let chunk = format!("{}\n", json!({"chunk": "[A_1] [A_1] [A_1] [A_1]"}));
    let mut data = format!("{first}\n");
    let mut sent = 0usize;
    let error = loop {
        let frame = format!("{:x}\r\n{data}\r\n", data.len());
        match c.write_all(frame.as_bytes()) {
            Ok(()) => sent += frame.len(),
            Err(e) => break e,
        }
        data.clone_from(&chunk);
        // Each line asks for 256 KiB of answer; 1 GiB asked without an error would mean the
        // server buffers answers without bound.
        assert!(
            sent < 16 << 20,
            "the server kept reading without being read"
        );
    };
    assert!(
        !matches!(
            error.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        "the server left the connection open: {error}"
    );
}

#[test]
fn one_address_cannot_take_every_slot() {
    let s = server(ConnectionLimits {
        max_connections_per_ip: 3,
        header_timeout: Duration::from_secs(30),
        ..ConnectionLimits::default()
    });
    let held: Vec<TcpStream> = (0..3).map(|_| connect(&s)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut fourth = connect(&s);
    let _ = fourth.write_all(b"GET /api/v1/tokens/health HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        until_closed(&mut fourth).is_empty(),
        "a fourth connection from one address was served"
    );
    // Another address is served meanwhile.
    let addr: std::net::SocketAddr = s.base.trim_start_matches("http://").parse().unwrap();
    let answer = s.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let mut c = socket.connect(addr).await.unwrap();
        c.write_all(b"GET /api/v1/tokens/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = Vec::new();
        c.read_to_end(&mut out).await.unwrap();
        String::from_utf8_lossy(&out).into_owned()
    });
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(held);
}

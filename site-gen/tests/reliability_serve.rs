//! `site-gen serve` against clients that misbehave: connections that
//! trickle bytes, queries that try to add response headers, live-reload
//! pages that go away.
//!
//! The bounds below are hang detectors, not speed checks: each is many
//! times what the server needs (about 2 s for the trickling clients, 10 s
//! for the slow heads, which is the time a request head is allowed).

mod common;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{raw_exchange, wait_for, within, LivePage, Server, Site};
use site_gen::serve::{live::MAX_LISTENERS, WORKERS};

const HOME: &str = "+++\ntitle = \"Accueil\"\n+++\n\nBienvenue à l’Amie.\n";
const FAQ: &str = "+++\ntitle = \"FAQ\"\n+++\n\nPremière version.\n";

/// Stops the trickling clients when the test ends, even when it fails.
struct Stop(Arc<AtomicBool>);

impl Drop for Stop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A client that sends `first`, then one byte every 50 ms, and keeps
/// sending after the server's end of stream (an attacker does not stop
/// there) until the server resets the connection, `stop` is set or two
/// minutes have passed. Counts itself in `answered` once it has read a
/// response head; returns what it received.
fn trickler(
    port: u16,
    first: Vec<u8>,
    answered: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut received = Vec::new();
        if stream.write_all(&first).is_err() {
            return received;
        }
        let (mut reading, mut counted) = (true, false);
        let end = Instant::now() + Duration::from_secs(120);
        while !stop.load(Ordering::Relaxed) && Instant::now() < end {
            if reading {
                let mut buf = [0u8; 4096];
                match stream.read(&mut buf) {
                    Ok(0) => reading = false,
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => return received,
                }
                if !counted && find(&received, b"\r\n\r\n").is_some() {
                    counted = true;
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            } else {
                std::thread::sleep(Duration::from_millis(50));
            }
            if stream.write_all(b"a").is_err() {
                return received;
            }
        }
        received
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The home page, asked for as a browser would, within `secs` seconds.
fn home_page(port: u16, secs: u64, what: &str) -> String {
    let raw = within(secs, what, move || {
        raw_exchange(
            port,
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
        )
    });
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn clients_trickling_after_their_request_do_not_starve_a_page() {
    let site = Site::new(&[("content/_index.md", HOME)]);
    let server = Server::start(&site, &[]);
    let port = server.port;
    let stop = Stop(Arc::new(AtomicBool::new(false)));
    let answered = Arc::new(AtomicUsize::new(0));
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    // Twice the pool: the first ones hold every worker, the others wait
    // in the queue ahead of the page.
    let tricklers: Vec<_> = (0..2 * WORKERS)
        .map(|_| {
            trickler(
                port,
                request.clone().into_bytes(),
                Arc::clone(&answered),
                Arc::clone(&stop.0),
            )
        })
        .collect();
    // Every worker has answered a trickling client, now draining it.
    let busy = wait_for(30, || {
        (answered.load(Ordering::Relaxed) >= WORKERS).then_some(())
    });
    assert!(busy.is_some(), "hung: the trickling clients got no answer");

    let page = home_page(port, 60, "a page asked for while clients trickle");
    assert!(page.starts_with("HTTP/1.1 200 "), "{page}");
    assert!(page.contains("Bienvenue"), "{page}");
    drop(stop);
    for t in tricklers {
        t.join().unwrap();
    }
}

#[test]
fn clients_trickling_their_request_do_not_starve_a_page() {
    let site = Site::new(&[("content/_index.md", HOME)]);
    let server = Server::start(&site, &[]);
    let port = server.port;
    let stop = Stop(Arc::new(AtomicBool::new(false)));
    let answered = Arc::new(AtomicUsize::new(0));
    // A header that never ends: one byte of it every 50 ms.
    let head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Lent: ");
    let tricklers: Vec<_> = (0..WORKERS)
        .map(|_| {
            trickler(
                port,
                head.clone().into_bytes(),
                Arc::clone(&answered),
                Arc::clone(&stop.0),
            )
        })
        .collect();
    // Let the server take them before the page (there is nothing to see
    // until their time is up).
    std::thread::sleep(Duration::from_millis(300));

    let page = home_page(port, 60, "a page asked for while requests trickle");
    assert!(page.starts_with("HTTP/1.1 200 "), "{page}");
    assert!(page.contains("Bienvenue"), "{page}");
    let told = wait_for(60, || {
        (answered.load(Ordering::Relaxed) >= WORKERS).then_some(())
    });
    assert!(told.is_some(), "hung: the slow requests got no answer");
    drop(stop);
    for t in tricklers {
        let received = String::from_utf8_lossy(&t.join().unwrap()).into_owned();
        assert!(received.starts_with("HTTP/1.1 408 "), "{received}");
    }
}

/// The status and header lines of a raw response.
fn head_lines(raw: &[u8]) -> Vec<Vec<u8>> {
    let end = find(raw, b"\r\n\r\n").expect("a complete response head");
    raw[..end]
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        .collect()
}

#[test]
fn redirect_queries_cannot_add_headers() {
    let site = Site::new(&[("content/_index.md", HOME), ("content/faq.md", FAQ)]);
    let server = Server::start(&site, &[]);
    let port = server.port;
    let exchange = |target: &str| {
        let raw = raw_exchange(
            port,
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
        );
        let lines = head_lines(&raw);
        for line in &lines {
            // Nothing but printable ASCII in a header line: no CR that a
            // client could take for the end of a line, no escape sequence.
            assert!(
                line.iter().all(|b| (0x20..0x7f).contains(b)),
                "{target:?} → {:?}",
                String::from_utf8_lossy(line)
            );
            assert!(
                !line.to_ascii_lowercase().starts_with(b"x-injecte"),
                "{target:?} added a header"
            );
        }
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
    };
    for (target, location) in [
        // Escapes stay as sent: they are text in the URL, not line breaks.
        (
            "/faq?a%0d%0aX-Injecte:%20oui",
            "/faq/?a%0d%0aX-Injecte:%20oui",
        ),
        ("/faq?a%0D%0AX-Injecte:oui", "/faq/?a%0D%0AX-Injecte:oui"),
        // Raw bytes are encoded.
        ("/faq?a\rX-Injecte:oui", "/faq/?a%0DX-Injecte:oui"),
        ("/faq?a\r\rX-Injecte:oui\r", "/faq/?a%0D%0DX-Injecte:oui%0D"),
        (
            "/faq?q=caf\u{e9}\u{1b}[2J\u{7f}",
            "/faq/?q=caf%C3%A9%1B[2J%7F",
        ),
    ] {
        let lines = exchange(target);
        assert!(
            lines[0].starts_with("HTTP/1.1 302 "),
            "{target:?}: {lines:?}"
        );
        assert!(
            lines.contains(&format!("Location: {location}")),
            "{target:?}: {lines:?}"
        );
    }
    // A raw CR LF ends the request line before its version: refused.
    let lines = exchange("/faq?a\r\nX-Injecte: oui");
    assert!(lines[0].starts_with("HTTP/1.1 400 "), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.starts_with("Location")),
        "{lines:?}"
    );
}

/// Opens the live-reload socket as a page does; its first message when
/// accepted.
fn open_live(port: u16) -> (LivePage, Option<String>) {
    let mut page = LivePage::open(port);
    let hello = page.accepted().then(|| page.next_message()).flatten();
    (page, hello)
}

#[test]
fn closed_live_reload_pages_free_their_slots() {
    let site = Site::new(&[("content/_index.md", HOME)]);
    let server = Server::start(&site, &[]);
    let port = server.port;
    let pages: Vec<LivePage> = (0..MAX_LISTENERS)
        .map(|_| {
            let (page, hello) = open_live(port);
            assert!(
                hello.is_some_and(|h| h.starts_with("hello ")),
                "{}",
                page.head
            );
            page
        })
        .collect();

    // Full: refused with when to try again (the script waits that long).
    let (full, hello) = open_live(port);
    assert!(full.head.starts_with("HTTP/1.1 503 "), "{}", full.head);
    assert!(
        full.head.contains("\r\nRetry-After: 5\r\n"),
        "{}",
        full.head
    );
    assert!(hello.is_none(), "not taken as a listener");

    // The pages close (tabs closed, or reloaded): their slots are free for
    // the next page at once.
    drop(pages);
    let accepted = wait_for(10, || {
        let (page, hello) = open_live(port);
        hello.map(|_| page)
    });
    assert!(
        accepted.is_some(),
        "closed pages keep their slots: {}",
        server.stderr()
    );
}

//! Live reload: the script added to served pages, the Server-Sent Events
//! stream it listens to, and the error overlay shown while a build fails.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;

use super::http::Response;
use crate::templates::escape;

/// Where the server's own files live; no site file can be there (the
/// generator never writes names starting with `__`... and these are looked
/// up first anyway).
pub const PREFIX: &str = "__site-gen/";
pub const SCRIPT_PATH: &str = "/__site-gen/reload.js";
pub const EVENTS_PATH: &str = "/__site-gen/events";
pub const STYLE_PATH: &str = "/__site-gen/erreurs.css";
pub const ERRORS_PATH: &str = "/__site-gen/errors";

/// Most pages listening at once (each holds one socket, no thread).
pub const MAX_LISTENERS: usize = 64;
/// When the slots are full, how long a page waits before asking again
/// (milliseconds).
pub const FULL_RETRY_MS: u32 = 5000;

/// The reload script: an external file, so that a Content-Security-Policy
/// forbidding inline scripts does not stop it. The page knows the build it
/// was served from (`data-build`): when the stream says another build is
/// current (it changed between the page load and the connection, or the
/// server restarted), the page reloads at once.
pub const RELOAD_JS: &str = r#"// site-gen serve : recharge la page quand le site est reconstruit.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me && me.getAttribute("data-build");
  if (!window.EventSource) return;
  var events = new EventSource("/__site-gen/events");
  events.addEventListener("hello", function (e) {
    if (build && e.data !== build) location.reload();
  });
  events.addEventListener("reload", function () {
    location.reload();
  });
})();
"#;

/// Style of the error overlay (an external file, for the same reason).
pub const OVERLAY_CSS: &str = r#"#site-gen-erreurs {
  position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  margin: 0; padding: 2rem; box-sizing: border-box;
  background: rgba(20, 20, 20, 0.94); color: #fff;
  font: 15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
#site-gen-erreurs h1 { margin: 0 0 1rem; font-size: 1.3rem; color: #ff8a80; }
#site-gen-erreurs ul { margin: 0; padding: 0; list-style: none; }
#site-gen-erreurs li { margin: 0 0 0.6rem; white-space: pre-wrap; word-break: break-word; }
#site-gen-erreurs p { color: #ccc; }
"#;

/// The tag added before `</body>` of every served page.
pub fn script_tag(build: &str) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\"></script>",
        escape(build)
    )
}

/// The overlay listing the problems of the last build.
pub fn overlay(problems: &[String]) -> String {
    let mut html = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><div id=\"site-gen-erreurs\" role=\"alert\"><h1>La dernière construction a échoué ({} {})</h1><ul>",
        problems.len(),
        if problems.len() > 1 { "erreurs" } else { "erreur" }
    );
    for p in problems {
        html.push_str("<li>");
        html.push_str(&escape(p));
        html.push_str("</li>");
    }
    html.push_str("</ul><p>Corrigez le fichier et enregistrez : la page se rechargera toute seule. Le site affiché dessous est la dernière version réussie.</p></div>");
    html
}

/// A whole page for when no build has succeeded yet.
pub fn error_page(problems: &[String], build: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur de construction — site-gen</title></head><body>{}{}</body></html>\n",
        overlay(problems),
        script_tag(build)
    )
}

/// `html` with the overlay (if any) after `<body…>` and the script before
/// `</body>` (or at the ends when the tags are missing).
pub fn inject(html: &[u8], build: &str, problems: Option<&[String]>) -> Vec<u8> {
    let script = script_tag(build);
    let overlay = problems.map(overlay).unwrap_or_default();
    let mut out = Vec::with_capacity(html.len() + script.len() + overlay.len());
    let lower = html.to_ascii_lowercase();
    let body_open = find(&lower, b"<body").and_then(|i| {
        lower[i..]
            .iter()
            .position(|&b| b == b'>')
            .map(|j| i + j + 1)
    });
    let body_close = rfind(&lower, b"</body");
    let (first_cut, second_cut) = (body_open.unwrap_or(0), body_close.unwrap_or(html.len()));
    let second_cut = second_cut.max(first_cut);
    out.extend_from_slice(&html[..first_cut]);
    out.extend_from_slice(overlay.as_bytes());
    out.extend_from_slice(&html[first_cut..second_cut]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[second_cut..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The answer to a page asking for the event stream when every slot is
/// taken: a stream that only sets the reconnection delay, then ends.
/// `EventSource` gives up for good on an error status (a 503 left the page
/// without live reload until it was reloaded by hand), but reconnects after
/// `retry` when a stream ends, by which time a slot may be free.
pub fn full() -> Response {
    let body = format!(
        ": trop de pages ouvertes, nouvel essai dans {} s\nretry: {FULL_RETRY_MS}\n\n",
        FULL_RETRY_MS / 1000
    );
    Response::new(200, "text/event-stream; charset=utf-8", body)
}

/// The pages listening for reloads.
#[derive(Default)]
pub struct Listeners {
    /// Nonblocking: no write to a page can hold the lock (and with it the
    /// workers adding pages and the rebuilds). A write that would block
    /// drops the page: its socket buffer holds thousands of events, so it
    /// has not read any for a very long time.
    streams: Mutex<Vec<TcpStream>>,
}

/// Whether the page behind a listening `stream` (nonblocking) is still
/// there. A page that closed its stream has sent its end of stream, seen
/// here at once without writing (a write to a closed connection succeeds
/// once, so pings alone took two rounds, about 30 s, to free a slot).
/// `EventSource` never sends anything after its request: whatever comes is
/// read and dropped, and a client that half-closes counts as gone.
fn is_open(mut stream: &TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    // Bounded: a client flooding its stream cannot keep the lock.
    for _ in 0..16 {
        match stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

impl Listeners {
    /// Takes over a connection that asked for the event stream: sends the
    /// headers and the current build, then keeps it. When the slots are
    /// full, pages that went away free theirs first; gives the connection
    /// back when too many pages still listen (answer with [`full`]).
    pub fn add(&self, mut stream: TcpStream, build: &str) -> Result<(), TcpStream> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if streams.len() >= MAX_LISTENERS {
            streams.retain(is_open);
        }
        if streams.len() >= MAX_LISTENERS {
            return Err(stream);
        }
        if stream.set_nonblocking(true).is_err() {
            return Ok(());
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\nevent: hello\ndata: {build}\n\n"
        );
        if stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.flush())
            .is_ok()
        {
            streams.push(stream);
        }
        Ok(())
    }

    /// Sends `event` to every page, forgetting those that went away.
    pub fn send(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        self.write_all(message.as_bytes());
    }

    /// A comment line, so idle streams stay open and pages that went away
    /// are forgotten.
    pub fn ping(&self) {
        self.write_all(b": ping\n\n");
    }

    fn write_all(&self, bytes: &[u8]) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain_mut(|s| is_open(s) && s.write_all(bytes).and_then(|()| s.flush()).is_ok());
    }

    pub fn len(&self) -> usize {
        self.streams.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_body_end_and_overlay_after_body_start() {
        let html = b"<html><body class=\"x\"><p>a</p></body></html>";
        let out = String::from_utf8(inject(html, "7", None)).unwrap();
        assert_eq!(
            out,
            "<html><body class=\"x\"><p>a</p><script src=\"/__site-gen/reload.js\" data-build=\"7\"></script></body></html>"
        );
        let problems = vec!["content/a.md:2:1: <faux>".to_string()];
        let out = String::from_utf8(inject(html, "7", Some(&problems))).unwrap();
        assert!(out.starts_with("<html><body class=\"x\"><link rel=\"stylesheet\" href=\"/__site-gen/erreurs.css\"><div id=\"site-gen-erreurs\""));
        assert!(out.contains("content/a.md:2:1: &lt;faux&gt;"));
    }

    /// Both ends of a loopback connection: (page, server).
    fn pair(listener: &std::net::TcpListener) -> (TcpStream, TcpStream) {
        let page = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (page, server)
    }

    #[test]
    fn closed_pages_free_their_slots() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listeners = Listeners::default();
        let mut pages = Vec::new();
        for _ in 0..MAX_LISTENERS {
            let (page, server) = pair(&listener);
            assert!(listeners.add(server, "b-1").is_ok());
            pages.push(page);
        }
        let (_late, server) = pair(&listener);
        assert!(listeners.add(server, "b-1").is_err(), "full");

        // One page still listens, the others close.
        let kept = pages.pop().unwrap();
        drop(pages);
        // Their end of stream crosses the loopback interface at once; the
        // bound only keeps a broken check from hanging the test.
        let mut new_page = None;
        for _ in 0..500 {
            let (page, server) = pair(&listener);
            if listeners.add(server, "b-1").is_ok() {
                new_page = Some(page);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(
            new_page.is_some(),
            "a new page is accepted once others closed"
        );
        listeners.ping();
        assert_eq!(listeners.len(), 2, "only the pages still open are kept");

        // The page kept got every message, in order.
        listeners.send("reload", "b-2");
        drop(listeners);
        let mut text = String::new();
        let mut kept = kept;
        kept.read_to_string(&mut text).unwrap();
        assert!(
            text.ends_with(
                "retry: 1000\n\nevent: hello\ndata: b-1\n\n: ping\n\nevent: reload\ndata: b-2\n\n"
            ),
            "{text:?}"
        );
    }

    #[test]
    fn a_full_answer_makes_the_page_retry() {
        let r = full();
        assert_eq!(r.status, 200, "EventSource gives up for good on an error");
        assert_eq!(
            r.headers,
            vec![("Content-Type", "text/event-stream; charset=utf-8".into())]
        );
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("\nretry: 5000\n\n"), "{body:?}");
        assert!(
            !body.contains("event:"),
            "no hello: the page does not reload"
        );
    }

    #[test]
    fn pages_without_body_still_get_the_script() {
        let out = String::from_utf8(inject(b"<p>a</p>", "1", None)).unwrap();
        assert!(out.starts_with("<p>a</p><script"));
    }
}

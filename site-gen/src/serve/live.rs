//! Live reload: the script added to served pages, the WebSocket each
//! page keeps open to hear of rebuilds (no HTTP connection held: see
//! [`super::websocket`]), and the error overlay shown while a build fails.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;

use super::http::Response;
use super::websocket::{self, Incoming, PageFrames};
use crate::diagnostics::{Diagnostic, Excerpt, Sources};
use crate::templates::escape;

/// Where the server's own files live; no site file can be there (the
/// generator never writes names starting with `__`... and these are looked
/// up first anyway).
pub const PREFIX: &str = "__site-gen/";
pub const SCRIPT_PATH: &str = "/__site-gen/reload.js";
/// The WebSocket of live reload.
pub const SOCKET_PATH: &str = "/__site-gen/live";
pub const STYLE_PATH: &str = "/__site-gen/erreurs.css";
pub const ERRORS_PATH: &str = "/__site-gen/errors";

/// Most pages listening at once (each holds one socket, no thread).
pub const MAX_LISTENERS: usize = 64;
/// When the slots are full, how long a page waits before asking again
/// (seconds; the script's longest wait between two attempts).
pub const FULL_RETRY_S: u32 = 5;

/// The reload script: an external file, so that a Content-Security-Policy
/// forbidding inline scripts does not stop it; it connects back to the
/// very host and port that served the page, which `connect-src 'self'`
/// allows. The page knows the build it was served from (`data-build`):
/// every message names the current build, and the page reloads when it
/// differs (it changed between the page load and the connection, or the
/// server restarted). A connection that ends (server stopped, slots full)
/// is tried again after 0.5 s, then at most every 5 s.
pub const RELOAD_JS: &str = r#"// site-gen serve : recharge la page quand le site est reconstruit.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me && me.getAttribute("data-build");
  if (!window.WebSocket) return;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") +
    location.host + "/__site-gen/live";
  var wait = 500;
  var leaving = false;
  function connect() {
    var socket = new WebSocket(url);
    socket.onmessage = function (e) {
      // « hello <build> » à la connexion, « reload <build> » ensuite.
      var words = String(e.data).split(" ");
      wait = 500;
      if (words[1] !== build && (build || words[0] === "reload")) {
        leaving = true;
        location.reload();
      }
    };
    socket.onclose = function () {
      if (leaving) return;
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 5000);
    };
  }
  addEventListener("pagehide", function () { leaving = true; });
  addEventListener("pageshow", function (e) {
    if (e.persisted) { leaving = false; connect(); }
  });
  connect();
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
#site-gen-erreurs pre { margin: 0.3rem 0 0; overflow-x: auto; font: inherit; color: #eee; tab-size: 4; }
#site-gen-erreurs .site-gen-ligne { color: #82b1ff; }
#site-gen-erreurs .site-gen-caret { color: #ff8a80; font-weight: bold; }
"#;

/// The tag added before `</body>` of every served page.
pub fn script_tag(build: &str) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\"></script>",
        escape(build)
    )
}

/// A problem as the overlay shows it: `file:line:col: message`, then the
/// source line and a caret, as the terminal shows them (the same
/// [`Excerpt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub text: String,
    pub excerpt: Option<Excerpt>,
}

impl Problem {
    /// `d`, with the line of the site's sources it points at.
    pub fn new(d: &Diagnostic, sources: &mut Sources) -> Problem {
        Problem {
            text: d.to_string(),
            excerpt: sources.excerpt(d),
        }
    }
}

/// A problem without a source line.
impl From<&str> for Problem {
    fn from(text: &str) -> Problem {
        Problem {
            text: text.to_string(),
            excerpt: None,
        }
    }
}

/// The source line under a problem, escaped: `   12 | text` and the caret.
fn excerpt_html(e: &Excerpt) -> String {
    let mut html = format!(
        "<pre><span class=\"site-gen-ligne\">{:>5} |</span> {}",
        e.line,
        escape(&e.text)
    );
    if let Some(pad) = &e.caret {
        html.push_str(&format!(
            "\n<span class=\"site-gen-ligne\">      |</span> {}<span class=\"site-gen-caret\">^</span>",
            escape(pad)
        ));
    }
    html.push_str("</pre>");
    html
}

/// The overlay listing the problems of the last build.
pub fn overlay(problems: &[Problem]) -> String {
    let mut html = format!(
        "<link rel=\"stylesheet\" href=\"{STYLE_PATH}\"><div id=\"site-gen-erreurs\" role=\"alert\"><h1>La dernière construction a échoué ({} {})</h1><ul>",
        problems.len(),
        if problems.len() > 1 { "erreurs" } else { "erreur" }
    );
    for p in problems {
        html.push_str("<li>");
        html.push_str(&escape(&p.text));
        if let Some(e) = &p.excerpt {
            html.push_str(&excerpt_html(e));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul><p>Corrigez le fichier et enregistrez : la page se rechargera toute seule. Le site affiché dessous est la dernière version réussie.</p></div>");
    html
}

/// A whole page for when no build has succeeded yet.
pub fn error_page(problems: &[Problem], build: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur de construction — site-gen</title></head><body>{}{}</body></html>\n",
        overlay(problems),
        script_tag(build)
    )
}

/// `html` with the overlay (if any) after `<body…>` and the script before
/// `</body>` (or at the ends when the tags are missing).
pub fn inject(html: &[u8], build: &str, problems: Option<&[Problem]>) -> Vec<u8> {
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

/// The text of the message telling pages which build is current.
fn message(kind: &str, build: &str) -> Vec<u8> {
    websocket::text(&format!("{kind} {build}"))
}

/// A page listening: its socket (nonblocking) and what it sent so far.
struct Listener {
    stream: TcpStream,
    frames: PageFrames,
}

impl Listener {
    /// Reads what the page sent and answers what the protocol requires;
    /// whether the page is still there. A page that closed (a reload, a
    /// tab closed) sent a close frame or its end of stream: seen here at
    /// once, without writing. Whatever else it sends is read and dropped;
    /// a violation of the protocol closes the connection.
    fn poll(&mut self) -> bool {
        let mut buf = [0u8; 1024];
        // Bounded: a page flooding its socket cannot keep the lock.
        for _ in 0..16 {
            match self.stream.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.frames.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
            if !self.answer_frames() {
                return false;
            }
        }
        true
    }

    fn answer_frames(&mut self) -> bool {
        while let Some(frame) = self.frames.next_frame() {
            match frame {
                Incoming::Ignored => {}
                Incoming::Ping(payload) => {
                    if !self.write(&websocket::pong(&payload)) {
                        return false;
                    }
                }
                // The server closes the TCP connection first (RFC 6455,
                // section 7.1.1): the frame, then the socket dropped.
                Incoming::Close => {
                    self.write(&websocket::close(websocket::NORMAL));
                    return false;
                }
                Incoming::Violation(code) => {
                    self.write(&websocket::close(code));
                    return false;
                }
            }
        }
        true
    }

    /// Nonblocking: a write that would block drops the page (its socket
    /// buffer holds thousands of messages: it has not read any for a very
    /// long time).
    fn write(&mut self, bytes: &[u8]) -> bool {
        self.stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
            .is_ok()
    }
}

/// The pages listening for reloads.
#[derive(Default)]
pub struct Listeners {
    /// Nonblocking sockets: no write to a page can hold the lock (and
    /// with it the workers adding pages and the rebuilds).
    pages: Mutex<Vec<Listener>>,
}

impl Listeners {
    /// Takes over a connection whose handshake was accepted: sends `head`
    /// (the `101`) and the current build, then keeps it. When the slots
    /// are full, pages that went away free theirs first; gives the
    /// connection back when too many pages still listen (answer with
    /// [`full`]). The current build is asked for under the lock that
    /// [`Listeners::reload`] takes: a build swapped in meanwhile is either
    /// in the hello or in a reload that reaches this page.
    pub fn add(
        &self,
        stream: TcpStream,
        head: &str,
        current: impl FnOnce() -> String,
    ) -> Result<(), TcpStream> {
        let mut pages = self.lock();
        if pages.len() >= MAX_LISTENERS {
            pages.retain_mut(Listener::poll);
        }
        if pages.len() >= MAX_LISTENERS {
            return Err(stream);
        }
        if stream.set_nonblocking(true).is_err() {
            return Ok(());
        }
        let mut page = Listener {
            stream,
            frames: PageFrames::default(),
        };
        let mut hello = head.as_bytes().to_vec();
        hello.extend(message("hello", &current()));
        if page.write(&hello) {
            pages.push(page);
        }
        Ok(())
    }

    /// Tells every page that `build` is current, forgetting those that
    /// went away.
    pub fn reload(&self, build: &str) {
        self.write_all(&message("reload", build));
    }

    /// Answers what pages sent (closes above all), so that pages that went
    /// away are forgotten at once.
    pub fn poll(&self) {
        self.lock().retain_mut(Listener::poll);
    }

    /// A ping to every page: idle connections stay open, and pages that
    /// went away without a word are forgotten.
    pub fn ping(&self) {
        self.write_all(&websocket::ping());
    }

    fn write_all(&self, bytes: &[u8]) {
        self.lock()
            .retain_mut(|page| page.poll() && page.write(bytes));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Listener>> {
        self.pages.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The answer to a page asking for the socket when every slot is taken:
/// its script tries again a few seconds later.
pub fn full() -> Response {
    Response::text(
        503,
        &format!("trop de pages ouvertes, nouvel essai dans {FULL_RETRY_S} s"),
    )
    .header("Retry-After", FULL_RETRY_S.to_string())
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
        let problems = vec![Problem::from("content/a.md:2:1: <faux>")];
        let out = String::from_utf8(inject(html, "7", Some(&problems))).unwrap();
        assert!(out.starts_with("<html><body class=\"x\"><link rel=\"stylesheet\" href=\"/__site-gen/erreurs.css\"><div id=\"site-gen-erreurs\""));
        assert!(out.contains("content/a.md:2:1: &lt;faux&gt;"));
    }

    #[test]
    fn the_overlay_shows_the_source_line_and_a_caret_escaped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/a.md"),
            "+++\ntitle = <b>\"A & B\"</b>\n+++\n",
        )
        .unwrap();
        let d = Diagnostic::new("content/a.md", "texte sans guillemets « <b> »").at(2, 9);
        let problem = Problem::new(&d, &mut Sources::new(dir.path()));
        let html = overlay(&[problem]);
        let item = concat!(
            "<li>content/a.md:2:9: texte sans guillemets « &lt;b&gt; »",
            "<pre><span class=\"site-gen-ligne\">    2 |</span> title = &lt;b&gt;&quot;A &amp; B&quot;&lt;/b&gt;\n",
            "<span class=\"site-gen-ligne\">      |</span>         <span class=\"site-gen-caret\">^</span></pre></li>",
        );
        assert!(html.contains(item), "{html}");
        // A problem whose file cannot be read has its message only.
        let gone = Diagnostic::new("content/b.md", "m").at(1, 1);
        let html = overlay(&[Problem::new(&gone, &mut Sources::new(dir.path()))]);
        assert!(html.contains("<li>content/b.md:1:1: m</li>"), "{html}");
    }

    /// Both ends of a loopback connection: (page, server).
    fn pair(listener: &std::net::TcpListener) -> (TcpStream, TcpStream) {
        let page = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (page, server)
    }

    const HEAD: &str = "HTTP/1.1 101 Switching Protocols\r\n\r\n";

    /// A close frame as a page sends it (masked, code 1001: going away).
    const PAGE_CLOSE: &[u8] = &[0x88, 0x82, 1, 2, 3, 4, 0x03 ^ 1, 0xe9 ^ 2];

    /// Reads what the server sent until it closed the connection.
    fn read_to_end(mut page: TcpStream) -> Vec<u8> {
        page.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut bytes = Vec::new();
        page.read_to_end(&mut bytes).unwrap();
        bytes
    }

    /// Adds pages until one is accepted (pages that closed are seen as
    /// their end of stream crosses the loopback interface: at once; the
    /// bound only keeps a broken check from hanging the test).
    fn add_when_free(listeners: &Listeners, listener: &std::net::TcpListener) -> TcpStream {
        for _ in 0..500 {
            let (page, server) = pair(listener);
            if listeners.add(server, HEAD, || "b-1".into()).is_ok() {
                return page;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("no slot was freed");
    }

    #[test]
    fn closed_pages_free_their_slots() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listeners = Listeners::default();
        let mut pages = Vec::new();
        for _ in 0..MAX_LISTENERS {
            let (page, server) = pair(&listener);
            assert!(listeners.add(server, HEAD, || "b-1".into()).is_ok());
            pages.push(page);
        }
        let (_late, server) = pair(&listener);
        assert!(
            listeners.add(server, HEAD, || "b-1".into()).is_err(),
            "full"
        );

        // One page still listens, one says goodbye as browsers do (a close
        // frame), the others just close their socket.
        let kept = pages.pop().unwrap();
        let mut polite = pages.pop().unwrap();
        polite.write_all(PAGE_CLOSE).unwrap();
        drop(pages);
        let new_page = add_when_free(&listeners, &listener);
        listeners.ping();
        assert_eq!(listeners.len(), 2, "only the pages still open are kept");

        // The polite page got the server's close frame, then the end.
        let mut expected = HEAD.as_bytes().to_vec();
        expected.extend(websocket::text("hello b-1"));
        expected.extend(websocket::close(websocket::NORMAL));
        assert_eq!(read_to_end(polite), expected);

        // The pages kept got every message, in order.
        listeners.reload("b-2");
        drop(listeners);
        let mut expected = HEAD.as_bytes().to_vec();
        expected.extend(websocket::text("hello b-1"));
        expected.extend(websocket::ping());
        expected.extend(websocket::text("reload b-2"));
        assert_eq!(read_to_end(kept), expected);
        assert_eq!(read_to_end(new_page), expected);
    }

    #[test]
    fn pages_are_answered_and_violations_end_the_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listeners = Listeners::default();
        let (mut pinging, server) = pair(&listener);
        listeners.add(server, HEAD, || "b-1".into()).unwrap();
        let (mut rude, server) = pair(&listener);
        listeners.add(server, HEAD, || "b-1".into()).unwrap();
        // A masked ping "ok", then an unmasked text frame.
        pinging
            .write_all(&[0x89, 0x82, 9, 9, 9, 9, b'o' ^ 9, b'k' ^ 9])
            .unwrap();
        rude.write_all(b"\x81\x02hi").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        listeners.poll();
        assert_eq!(
            listeners.len(),
            1,
            "the page that broke the protocol is gone"
        );
        let mut expected = HEAD.as_bytes().to_vec();
        expected.extend(websocket::text("hello b-1"));
        expected.extend(websocket::close(websocket::PROTOCOL_ERROR));
        assert_eq!(read_to_end(rude), expected);
        drop(listeners);
        let mut expected = HEAD.as_bytes().to_vec();
        expected.extend(websocket::text("hello b-1"));
        expected.extend(websocket::pong(b"ok"));
        assert_eq!(read_to_end(pinging), expected);
    }

    #[test]
    fn a_full_answer_makes_the_page_retry() {
        let r = full();
        assert_eq!(r.status, 503);
        assert!(r.headers.contains(&("Retry-After", "5".into())));
        assert!(
            RELOAD_JS.contains(&format!("Math.min(wait * 2, {}000)", FULL_RETRY_S)),
            "the script waits as long as the answer says"
        );
    }

    #[test]
    fn pages_without_body_still_get_the_script() {
        let out = String::from_utf8(inject(b"<p>a</p>", "1", None)).unwrap();
        assert!(out.starts_with("<p>a</p><script"));
    }
}

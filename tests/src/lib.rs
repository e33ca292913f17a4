//! Helpers for the end-to-end tests: build the real site (the repository's
//! `content/`), serve it on 127.0.0.1, and drive Debian's headless Chromium
//! through chromedriver.
//!
//! - [`site`]: builds with the `site_gen` library into temporary folders;
//! - [`cli`]: the `site-gen` command, built by cargo and run as a process;
//! - [`server`]: the static file server of the browser tests, on
//!   `site-gen serve`'s HTTP code and MIME table (stopped on drop);
//! - [`webdriver`]: a minimal W3C WebDriver client (`ureq` + `serde_json`);
//! - [`html`]: pages parsed as a browser parses them, queried with CSS
//!   selectors.
//!
//! Chromium and chromedriver are required: without them the browser tests
//! fail with a message saying what to install, they never skip.

pub mod cli;
pub mod html;
pub mod server;
pub mod site;
pub mod webdriver;

pub use server::StaticServer;
pub use site::{repo_root, ServedSite};
pub use webdriver::{
    keys, wait_until, Browser, ChromeDriver, Element, LogEntry, Session, SessionOptions, MAX_WAIT,
};

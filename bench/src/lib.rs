//! Benchmarks of site-gen.
//!
//! - [`corpus`]: synthetic sites (N pages of French Markdown in 10 sections),
//!   deterministic, written in two variants of the same text: one for
//!   site-gen (`@/` links, `site.toml`), one for Hugo (`ref` shortcodes,
//!   `hugo.toml` and a minimal layout);
//! - [`shared_corpus`]: the corpus, written by the team's shared
//!   `gen_corpus.py` (the default of `compare`);
//! - [`measure`]: child processes timed with their peak memory (`wait4`),
//!   medians, gzipped sizes, requests to `site-gen serve` (through `ureq`).
//!
//! The binaries `corpus` (writes a corpus) and `compare` (site-gen against
//! Hugo, widget and page weights, incremental rebuilds) use them; the
//! micro-benchmarks are in `benches/`. See `bench/README.md`.

pub mod corpus;
pub mod measure;
pub mod shared_corpus;

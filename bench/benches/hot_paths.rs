//! Micro-benchmarks of site-gen's hot paths, through its public API, on
//! the synthetic corpus's text: `cargo bench -p bench` (one group:
//! `cargo bench -p bench -- markdown`).

use std::collections::HashMap;
use std::hint::black_box;

use bench::corpus::{self, CorpusOptions, Flavor};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use site_gen::markdown::{MarkdownOptions, RenderEnv, ShortcodeCall, ShortcodeOutput};
use site_gen::urls::Urls;
use site_gen::BuildOptions;

/// Resolves every `@/` link to a fixed URL, has no shortcodes: the cost
/// measured is the Markdown renderer's own.
struct NoopEnv;

impl RenderEnv for NoopEnv {
    fn page_url(&self, _source_path: &str) -> Option<String> {
        Some("https://banc.example/section-0/page-0/".to_string())
    }

    fn shortcode(
        &self,
        call: &ShortcodeCall<'_>,
    ) -> Result<ShortcodeOutput, site_gen::markdown::ShortcodeError> {
        Err(format!("no shortcode {} here", call.name).into())
    }
}

fn typical_page() -> String {
    corpus::page_markdown(&CorpusOptions::new(1000), 17, Flavor::SiteGen)
}

fn front_matter(c: &mut Criterion) {
    let text = typical_page();
    let mut g = c.benchmark_group("front_matter");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("split", |b| {
        b.iter(|| site_gen::content::front_matter::split(black_box(&text)).unwrap())
    });
    g.finish();
}

fn markdown(c: &mut Criterion) {
    let text = typical_page();
    let split = site_gen::content::front_matter::split(&text).unwrap();
    let opts = MarkdownOptions {
        french_typography: true,
        raw_html: true,
    };
    let mut g = c.benchmark_group("markdown");
    g.throughput(Throughput::Bytes(split.body.len() as u64));
    g.bench_function("render", |b| {
        b.iter(|| {
            site_gen::markdown::render(black_box(split.body), split.body_line, &opts, &NoopEnv)
                .unwrap()
        })
    });
    let plain = MarkdownOptions {
        french_typography: false,
        ..opts
    };
    g.bench_function("render_without_french_typography", |b| {
        b.iter(|| {
            site_gen::markdown::render(black_box(split.body), split.body_line, &plain, &NoopEnv)
                .unwrap()
        })
    });
    g.finish();
}

fn slug(c: &mut Criterion) {
    let mut g = c.benchmark_group("slug");
    for title in [
        "Combien ça coûte une Amie ?",
        "Ce qu’il faut retenir de l’intervention",
    ] {
        g.bench_function(format!("slugify/{title}"), |b| {
            b.iter(|| site_gen::slug::slugify(black_box(title)))
        });
    }
    g.finish();
}

fn urls(c: &mut Criterion) {
    let opts = CorpusOptions::new(10_000);
    let by_source: HashMap<String, String> = (0..opts.pages)
        .map(|i| {
            (
                corpus::page_source(&opts, i),
                corpus::page_url_path(&opts, i),
            )
        })
        .collect();
    let urls = Urls::new(corpus::BASE_URL, by_source, HashMap::new());
    let mut g = c.benchmark_group("urls");
    g.bench_function("resolve/source_path_with_anchor", |b| {
        b.iter(|| urls.resolve(black_box("@/section-3/page-4243.md#en-resume")))
    });
    g.bench_function("resolve/site_path", |b| {
        b.iter(|| urls.resolve(black_box("/contact/")))
    });
    g.finish();
}

/// The whole build in memory (load, Markdown, templates, feed, sitemap)
/// of a 100-page corpus: the template rendering benchmark.
fn build(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let opts = CorpusOptions::new(100);
    corpus::generate(dir.path(), &opts, Flavor::SiteGen).unwrap();
    let build_opts = BuildOptions {
        widget: false,
        ..BuildOptions::new(dir.path())
    };
    let mut g = c.benchmark_group("build");
    g.sample_size(20);
    g.throughput(Throughput::Elements(opts.pages as u64));
    g.bench_function("100_pages", |b| {
        b.iter(|| site_gen::build(black_box(&build_opts)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, front_matter, markdown, slug, urls, build);
criterion_main!(benches);

//! Writes a synthetic corpus: `corpus --pages 1000 --out DIR` gives
//! `DIR/site-gen` (build it with `site-gen --root DIR/site-gen build`) and
//! `DIR/hugo` (`hugo --source DIR/hugo`).

use std::path::PathBuf;

use bench::corpus::{self, CorpusOptions, Flavor};
use clap::{Parser, ValueEnum};

#[derive(Parser)]
#[command(about = "Writes a synthetic site (site-gen and Hugo variants of the same text)")]
struct Args {
    /// Number of pages (sections and home page not counted).
    #[arg(long, default_value_t = 1000)]
    pages: usize,
    /// Number of sections the pages are spread over.
    #[arg(long, default_value_t = 10)]
    sections: usize,
    /// Seed of the text (the same seed gives the same bytes).
    #[arg(long, default_value_t = CorpusOptions::new(0).seed)]
    seed: u64,
    /// Which variant(s) to write.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    flavor: Which,
    /// Folder to write into (variants in its `site-gen/` and `hugo/`).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Which {
    Both,
    SiteGen,
    Hugo,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.sections > 0, "--sections must be at least 1");
    let opts = CorpusOptions {
        pages: args.pages,
        sections: args.sections,
        seed: args.seed,
    };
    let flavors: &[Flavor] = match args.flavor {
        Which::Both => &[Flavor::SiteGen, Flavor::Hugo],
        Which::SiteGen => &[Flavor::SiteGen],
        Which::Hugo => &[Flavor::Hugo],
    };
    for &flavor in flavors {
        let root = args.out.join(flavor.dir_name());
        let info = corpus::generate(&root, &opts, flavor)?;
        println!(
            "{}: {} pages in {} sections, {:.1} MiB of Markdown (mean {} B a page)",
            info.root.display(),
            info.pages,
            info.sections,
            info.page_bytes as f64 / (1024.0 * 1024.0),
            info.page_bytes / info.pages.max(1)
        );
    }
    Ok(())
}

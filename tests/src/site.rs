//! Building the shipped site with the `site_gen` library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use site_gen::BuildOptions;

use crate::server::StaticServer;

/// The repository root: the site's folder (`content/`, `site.toml`).
pub fn repo_root() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().unwrap_or(tests).to_path_buf()
}

/// Build options for the shipped site.
pub fn shipped_options(widget: bool, base_url: Option<String>) -> BuildOptions {
    BuildOptions {
        root: repo_root(),
        include_drafts: false,
        base_url,
        widget,
        image_cache: None,
    }
}

/// Builds the site at `root` in memory; diagnostics become the error.
pub fn build(opts: &BuildOptions) -> anyhow::Result<site_gen::BuiltSite> {
    site_gen::build(opts)
        .map_err(|d| anyhow::anyhow!("the build of {} failed:\n{d}", opts.root.display()))
}

/// The pricing model of the site at `root`, read natively from its data
/// file (the one `site.toml` names), with the association's name and
/// address as the generator gives them to the widget: the oracle of every
/// figure.
pub fn pricing_model(root: &Path) -> anyhow::Result<calculator::Model> {
    let config = site_gen::config::Config::load(root).map_err(|d| anyhow::anyhow!("{d}"))?;
    let field = |key: &str| config.organisation.get(key).flatten().map(str::to_string);
    let contact = calculator::Contact {
        name: field("name"),
        email: field("email"),
    };
    calculator::data::load(root.join(&config.pricing_data))
        .map(|m| m.with_contact(contact))
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The shipped site, built and served on 127.0.0.1. Dropping it stops the
/// server, then removes the folder.
pub struct ServedSite {
    pub server: StaticServer,
    /// The built site's folder.
    pub out: PathBuf,
    /// What the build produced, by path relative to `out`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The widget was compiled by this build (not from the cache).
    pub widget_compiled: bool,
    pub build_time: Duration,
    _dir: tempfile::TempDir,
}

impl ServedSite {
    /// Binds the server first (to know its URL), builds the shipped site
    /// with `base_url` = the server's URL, writes it with
    /// `site_gen::output::write_site`, then serves it.
    pub fn start(widget: bool) -> anyhow::Result<ServedSite> {
        let dir = tempfile::Builder::new().prefix("e2e-site-").tempdir()?;
        let out = dir.path().join("public");
        let server = StaticServer::start(&out)?;
        let start = Instant::now();
        let opts = shipped_options(widget, Some(server.url()));
        let site = build(&opts)?;
        let build_time = start.elapsed();
        site_gen::output::write_site(&opts.root, &out, &site.files)
            .with_context(|| format!("writing the site into {}", out.display()))?;
        Ok(ServedSite {
            server,
            out,
            files: site.files,
            widget_compiled: site.widget_compiled,
            build_time,
            _dir: dir,
        })
    }

    /// `http://127.0.0.1:PORT` + `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// A built file as text.
    pub fn text(&self, path: &str) -> anyhow::Result<String> {
        let bytes = self
            .files
            .get(path)
            .with_context(|| format!("{path} was not built"))?;
        Ok(String::from_utf8(bytes.clone())?)
    }
}

/// Copies the site's sources (`site.toml`, `content/`, `themes/`,
/// `templates/`, `static/`, whichever exist) into `dest`.
pub fn copy_site_sources(dest: &Path) -> anyhow::Result<()> {
    let root = repo_root();
    std::fs::create_dir_all(dest)?;
    for name in ["site.toml", "content", "themes", "templates", "static"] {
        let from = root.join(name);
        if from.is_file() {
            std::fs::copy(&from, dest.join(name))?;
        } else if from.is_dir() {
            copy_dir(&from, &dest.join(name))?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let ty = entry.file_type()?;
        if ty.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Every file under `dir`, by path relative to it (`/`-separated), with its
/// bytes: to compare folders.
pub fn read_tree(dir: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path
                    .strip_prefix(base)?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path)?);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

//! The server's builds: the session rebuilt after each batch of changes,
//! the result swapped in for the workers, open pages told to reload.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Instant;

use super::{
    live, watch, BuildEnd, Changes, Event, Outcome, Reporter, ServeOptions, Shared, Snapshot,
};
use crate::diagnostics::{Diagnostics, Sources};
use crate::site::{BuildOptions, RebuildReport, Session};

/// Rebuilds the site and swaps it in.
pub(super) struct Builder {
    root: PathBuf,
    report: Reporter,
    /// What the last build computed: a change rebuilds only what it affects.
    site: Session,
    shared: Arc<Shared>,
    /// Names the builds of this run (`<session>-<count>`).
    session: String,
    count: u64,
}

impl Builder {
    /// A session building the site of `opts` with `base_url` in its links.
    pub(super) fn new(
        opts: &ServeOptions,
        base_url: String,
        shared: Arc<Shared>,
        session: String,
    ) -> Builder {
        let mut site = Session::new(BuildOptions {
            root: opts.root.clone(),
            include_drafts: opts.include_drafts,
            base_url: Some(base_url),
            widget: opts.widget,
            image_cache: None,
        });
        let report = Arc::clone(&opts.report);
        site.set_progress(Arc::new(move |step| report(Event::Progress(step))));
        Builder {
            root: opts.root.clone(),
            report: Arc::clone(&opts.report),
            site,
            shared,
            session,
            count: 0,
        }
    }

    fn next_build(&mut self) -> String {
        self.count += 1;
        format!("{}-{}", self.session, self.count)
    }

    /// Rebuilds after each batch of changes, until the watcher is gone.
    pub(super) fn watch_loop(
        mut self,
        mut watcher: watch::SourceWatcher,
        events: Receiver<notify::Result<notify::Event>>,
    ) {
        let root = self.root.clone();
        let report = Arc::clone(&self.report);
        while let Some(changed) = watch::next_change(&events, watcher.set(), &root, &report) {
            self.rebuild(&changed);
            if let Err(e) = watcher.refresh_after(&changed) {
                report(Event::WatchIncomplete(&e));
            }
        }
    }

    /// One build; `changed` lists the files that triggered it (none for
    /// the first build).
    pub(super) fn rebuild(&mut self, changed: &BTreeSet<PathBuf>) {
        let start = Instant::now();
        let paths: Vec<PathBuf> = changed.iter().cloned().collect();
        let result = self.site.rebuild(&paths);
        let elapsed = start.elapsed();
        let outcome = match &result {
            Ok(report) => match self.built(report) {
                Some(outcome) => outcome,
                None => return,
            },
            Err(problems) => self.failed(problems),
        };
        let changed = Changes {
            root: &self.root,
            paths: changed,
        };
        (self.report)(Event::Build(BuildEnd {
            changed,
            elapsed,
            outcome,
        }));
    }

    /// Serves the site just built, unless its files are those already
    /// served, and reloads the pages.
    fn built<'a>(&mut self, report: &'a RebuildReport) -> Option<Outcome<'a>> {
        let files = self.site.files()?;
        let old = self.shared.current();
        let unchanged = old.problems.is_none() && old.files.is_some() && report.changed.is_empty();
        let n = files.len();
        if !unchanged {
            let build = self.next_build();
            self.shared.replace(Snapshot {
                files: Some(files),
                problems: None,
                build: build.clone(),
            });
            self.shared.listeners.reload(&build);
        }
        let (pages, sections) = self.site.counts();
        Some(Outcome::Built {
            report,
            unchanged,
            pages,
            sections,
            files: n,
        })
    }

    /// Keeps serving the last site that built, under the overlay of
    /// `problems`; pages reload unless they show these problems already.
    fn failed<'a>(&mut self, problems: &'a Diagnostics) -> Outcome<'a> {
        let old = self.shared.current();
        let mut sources = Sources::new(&self.root);
        let texts: Vec<live::Problem> = problems
            .iter()
            .map(|d| live::Problem::new(d, &mut sources))
            .collect();
        let build = if old.problems.as_deref() == Some(&texts) {
            old.build.clone()
        } else {
            self.next_build()
        };
        self.shared.replace(Snapshot {
            files: old.files.clone(),
            problems: Some(Arc::new(texts)),
            build: build.clone(),
        });
        if build != old.build {
            self.shared.listeners.reload(&build);
        }
        Outcome::Failed {
            problems,
            previous: old.files.is_some(),
        }
    }
}

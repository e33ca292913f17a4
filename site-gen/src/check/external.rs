//! Links to other sites, requested (`site-gen check --external`).

/// Why a link to another site is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum Broken {
    #[cfg(feature = "external-links")]
    #[error("HTTP {0}")]
    Status(u16),
    #[cfg(feature = "external-links")]
    #[error("injoignable : {0}")]
    Unreachable(String),
    #[cfg(not(feature = "external-links"))]
    #[error(
        "site-gen a été compilé sans la vérification des liens externes (fonctionnalité external-links)"
    )]
    NotCompiledIn,
}

/// Requests each URL (at most 4 at a time, 10 s each); `Err` when it is
/// broken.
#[cfg(feature = "external-links")]
pub(super) fn fetch_all(urls: &[String]) -> Vec<Result<(), Broken>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let agent = agent();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<(), Broken>>>> = Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|s| {
        for _ in 0..4.min(urls.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { return };
                let result = fetch(&agent, url);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or(Ok(())))
        .collect()
}

#[cfg(feature = "external-links")]
fn agent() -> ureq::Agent {
    use std::time::Duration;

    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "site-gen/",
            env!("CARGO_PKG_VERSION"),
            " (verification des liens)"
        ))
        .build()
        .into()
}

/// HEAD first; some servers refuse it, then GET.
#[cfg(feature = "external-links")]
fn fetch(agent: &ureq::Agent, url: &str) -> Result<(), Broken> {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        r.map(|resp| resp.status().as_u16())
    };
    match status(agent.head(url).call()) {
        Ok(code) if code < 400 => Ok(()),
        _ => match status(agent.get(url).call()) {
            Ok(code) if code < 400 => Ok(()),
            Ok(code) => Err(Broken::Status(code)),
            Err(e) => Err(Broken::Unreachable(e.to_string())),
        },
    }
}

#[cfg(not(feature = "external-links"))]
pub(super) fn fetch_all(urls: &[String]) -> Vec<Result<(), Broken>> {
    urls.iter().map(|_| Err(Broken::NotCompiledIn)).collect()
}

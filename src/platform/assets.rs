//! The files browsers load: the WASM, its JS glue and the CSS.
//!
//! The build puts a hash of each file's content in its name (cargo-leptos
//! `hash-files`), so a name always means the same bytes and browsers and
//! proxies may keep the file for a year. The release build also writes
//! compressed copies beside each file (`--precompress`: `.br`, `.gz`), which
//! are sent as they are to browsers that accept them. Pages, by contrast, are
//! never kept by shared caches: they are personal and change with every write.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// A year: hashed names never change meaning.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Kept, but checked again before each use.
const REVALIDATE: &str = "no-cache";
/// Pages: only the visitor's own browser keeps them, and checks before reuse.
const PAGE: &str = "private, no-cache";
/// API answers and server-function results: personal, never stored.
const PERSONAL: &str = "private, no-store";

/// The hashes cargo-leptos put in the asset names, from its hash file
/// (`js: …`, `wasm: …`, `css: …`, one per line).
#[derive(Clone, Debug, PartialEq)]
pub struct Hashes {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Hashes {
    pub fn parse(text: &str) -> Option<Hashes> {
        let find = |key: &str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        };
        Some(Hashes {
            js: find("js")?,
            wasm: find("wasm")?,
            css: find("css")?,
        })
    }
}

/// Where the built assets are and what they are called.
#[derive(Clone, Debug)]
pub struct Assets {
    pub site_root: PathBuf,
    pub output_name: String,
    /// Present when the names carry hashes.
    pub hashes: Option<Hashes>,
    /// The hash file they came from (Leptos reads it to name the scripts).
    pub hash_file: Option<PathBuf>,
}

impl Assets {
    /// Reads the hash file `configured` names: a path, or a name looked for
    /// beside the server binary (and one directory up, where test binaries'
    /// server build sits).
    pub fn find(site_root: &str, output_name: &str, configured: &str) -> Assets {
        let hash_file = locate(Path::new(configured));
        let hashes = hash_file
            .as_deref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| Hashes::parse(&text));
        let mut assets = Assets {
            site_root: PathBuf::from(site_root),
            output_name: output_name.to_string(),
            hash_file: hashes.is_some().then_some(hash_file).flatten(),
            hashes,
        };
        // A hash file left by an earlier build names files the current site
        // does not have (`cargo leptos watch` writes plain names): ignore it.
        if let Some(missing) = assets
            .names()
            .into_iter()
            .find(|name| !assets.site_root.join(name).is_file())
            && assets.hashes.is_some()
        {
            tracing::info!(
                "{} is not in the site, so the hash file is out of date; using plain asset names",
                missing.display()
            );
            assets.hashes = None;
            assets.hash_file = None;
        }
        let stylesheet = assets.site_root.join(assets.stylesheet().trim_start_matches('/'));
        if !stylesheet.is_file() {
            tracing::warn!(
                "the site has no {} (build it with cargo leptos build, or set LEPTOS_SITE_ROOT); pages will be unstyled",
                stylesheet.display()
            );
        }
        assets
    }

    /// The built files the pages load, relative to the site root.
    fn names(&self) -> [PathBuf; 3] {
        let name = |ext: &str, hash: Option<&str>| match hash {
            Some(hash) => PathBuf::from(format!("pkg/{}.{hash}.{ext}", self.output_name)),
            None => PathBuf::from(format!("pkg/{}.{ext}", self.output_name)),
        };
        let h = self.hashes.as_ref();
        [
            name("js", h.map(|h| h.js.as_str())),
            name("wasm", h.map(|h| h.wasm.as_str())),
            name("css", h.map(|h| h.css.as_str())),
        ]
    }

    /// The stylesheet's address.
    pub fn stylesheet(&self) -> String {
        match &self.hashes {
            Some(h) => format!("/pkg/{}.{}.css", self.output_name, h.css),
            None => format!("/pkg/{}.css", self.output_name),
        }
    }

    /// Tells Leptos's hydration scripts which names to use.
    pub fn configure(&self, options: &mut LeptosOptions) {
        options.site_root = self.site_root.to_string_lossy().into_owned().into();
        options.hash_files = self.hashes.is_some();
        if let Some(path) = &self.hash_file {
            // Leptos joins this to the binary's directory; an absolute path wins.
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            options.hash_file = absolute.to_string_lossy().into_owned().into();
        }
    }

    /// `/pkg`: the built files, precompressed where the build compressed them,
    /// kept for a year when their names carry hashes.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let hashed = self.hashes.is_some();
        let files = ServeDir::new(self.site_root.join("pkg"))
            .precompressed_br()
            .precompressed_gzip();
        Router::new().nest_service("/pkg", files).layer(middleware::from_fn(
            move |req: Request, next: Next| async move {
                let mut res = next.run(req).await;
                if res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED {
                    let policy = if hashed { IMMUTABLE } else { REVALIDATE };
                    res.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                }
                res
            },
        ))
    }
}

fn locate(configured: &Path) -> Option<PathBuf> {
    if configured.is_absolute() {
        return configured.is_file().then(|| configured.to_path_buf());
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [Some(dir.join(configured)), dir.parent().map(|up| up.join(configured))]
        .into_iter()
        .flatten()
        .find(|path| path.is_file())
}

/// Says who may keep each answer that has not said so itself: pages only the
/// visitor's browser (and only after checking), API and server-function
/// answers nobody, other public files anyone after checking.
pub async fn cache_policy(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if res.headers().contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if api {
        PERSONAL
    } else if html || !res.status().is_success() {
        PAGE
    } else {
        REVALIDATE
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    res
}

#[cfg(test)]
mod tests {
    use super::Hashes;

    #[test]
    fn reads_the_hash_file_cargo_leptos_writes() {
        let text = "js: kLr1v2Qq8xG3AYHkNbKZ0w\nwasm: pZ0-9_aBcD\ncss: x1\n";
        assert_eq!(
            Hashes::parse(text),
            Some(Hashes {
                js: "kLr1v2Qq8xG3AYHkNbKZ0w".into(),
                wasm: "pZ0-9_aBcD".into(),
                css: "x1".into()
            })
        );
        assert_eq!(Hashes::parse("js: a\nwasm: b\n"), None, "no css");
        assert_eq!(Hashes::parse("js: a/../b\nwasm: b\ncss: c\n"), None, "not a name");
    }
}

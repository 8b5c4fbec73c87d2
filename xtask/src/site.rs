//! `cargo xtask finish-build`: Trunk's post-build hook (see Trunk.toml).
//!
//! Turns what Trunk staged into an app any static host can serve, offline and under a strict
//! Content Security Policy:
//!
//! 1. ECharts (copied by Trunk under its own name) gets a content-hashed name, so two
//!    versions of the app can never share it through a cache.
//! 2. The build's version is the hash of everything staged.
//! 3. `index.html` gets the policy as a meta tag (with the hash of every inline script, i.e.
//!    Trunk's loader) and a JSON data block telling the app its version and where ECharts is.
//! 4. `sw.js` is written from `public/sw.js` with the version and the list of files to keep.
//! 5. `_headers` holds the same policy (plus what a meta tag cannot carry) for hosts that
//!    read one (Netlify, Cloudflare Pages); the end-to-end tests' server applies it too.

use crate::proc::root;
use crate::Result;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// The name Trunk copies ECharts under (index.html, `copy-file`).
const ECHARTS_COPIED: &str = "echarts.min.js";
/// The entry of Linkwork's own ECharts bundle: only the parts its charts use.
const ECHARTS_ENTRY: &str = "public/echarts.mjs";
/// Where [`bundle_echarts`] writes the bundle (index.html copies it from there).
const ECHARTS_BUNDLE: &str = "target/echarts/echarts.min.js";
/// The service worker's template; `sw.js` in the build.
const WORKER_TEMPLATE: &str = "public/sw.js";
/// The build's service worker.
const WORKER: &str = "sw.js";
/// The headers file for static hosts that read one.
const HEADERS: &str = "_headers";
/// The page.
const PAGE: &str = "index.html";
/// Placeholders in [`WORKER_TEMPLATE`].
const VERSION_MARK: &str = "__LINKWORK_VERSION__";
const FILES_MARK: &str = "__LINKWORK_FILES__";

/// What the page may load, as a meta tag; `{scripts}` is replaced by the inline scripts'
/// hashes. `frame-ancestors` is left to the headers file: browsers ignore it in a meta tag
/// and say so on the console.
const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; \
    worker-src 'self'; base-uri 'none'; form-action 'none'";

/// Security headers for every file, besides the policy.
const OTHER_HEADERS: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
];

/// `cargo xtask bundle-echarts`, Trunk's pre-build hook: bundles [`ECHARTS_ENTRY`] with
/// esbuild (npm) into [`ECHARTS_BUNDLE`], a minified classic script that sets
/// `window.echarts`. The file is only rewritten when its contents change, so `trunk serve`
/// does not see a change every time.
pub fn bundle_echarts() -> Result {
    let root = root();
    let esbuild = root.join("node_modules/.bin/esbuild");
    if !esbuild.exists() {
        return Err("esbuild is not installed: run `cargo xtask dist` (it runs npm ci)".into());
    }
    let out = root.join(ECHARTS_BUNDLE);
    let fresh = out.with_extension("new.js");
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    }
    crate::proc::run(
        crate::proc::cmd(
            &esbuild.to_string_lossy(),
            &[
                ECHARTS_ENTRY,
                "--bundle",
                "--minify",
                "--format=iife",
                "--target=es2020",
                "--legal-comments=none",
                "--log-level=warning",
                // ECharts keeps its development checks behind this.
                "--define:process.env.NODE_ENV=\"production\"",
            ],
        )
        .arg(format!("--outfile={}", fresh.display()))
        .current_dir(&root),
    )?;
    let new = fs::read(&fresh).map_err(|err| format!("cannot read {}: {err}", fresh.display()))?;
    if fs::read(&out).ok().as_deref() != Some(new.as_slice()) {
        fs::rename(&fresh, &out).map_err(|err| format!("cannot write {}: {err}", out.display()))?;
    } else {
        let _ = fs::remove_file(&fresh);
    }
    Ok(())
}

/// Runs the post-build step on Trunk's staging directory (`TRUNK_STAGING_DIR`), or on the
/// directory given (e.g. `cargo xtask finish-build dist` on a build made without the hook).
pub fn finish_build(dir: Option<&str>) -> Result {
    let dir = match dir {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("TRUNK_STAGING_DIR")
            .map(PathBuf::from)
            .ok_or("finish-build runs as Trunk's post-build hook (TRUNK_STAGING_DIR is not set); give the directory instead")?,
    };
    let page_path = dir.join(PAGE);
    let page = read_text(&page_path)?;
    if page.contains("id=\"linkwork-build\"") {
        return Err(format!("{} has been finished already", page_path.display()));
    }
    let echarts = hash_echarts(&dir)?;
    let files = files_to_keep(&dir)?;
    let version = version_of(&dir, &files, &page)?;
    let policy = policy_for(&page);

    let info = format!(
        "<script type=\"application/json\" id=\"linkwork-build\">{{\"version\":\"{version}\",\"echarts\":\"{}\"}}</script>\n",
        echarts.as_deref().map(|name| format!("./{name}")).unwrap_or_default()
    );
    // `trunk serve` injects its live-reload script when serving, after this step, so a debug
    // build cannot know its hash: the policy is enforced in release builds (which every
    // end-to-end test uses) and left out of `cargo xtask serve`'s.
    let release = std::env::var("TRUNK_PROFILE").map_or(true, |profile| profile == "release");
    let page = if release {
        let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
        insert_after_charset(&page, &meta)?
    } else {
        page
    };
    let page = page.replacen("</head>", &format!("{info}</head>"), 1);
    write(&page_path, &page)?;

    let template = read_text(&root().join(WORKER_TEMPLATE))?;
    let worker = fill_worker(&template, &version, &files)?;
    write(&dir.join(WORKER), &worker)?;
    write(&dir.join(HEADERS), &headers_file(&policy))?;
    println!(
        "finish-build: version {version}, {} files kept for offline use, policy with {} inline script hash(es)",
        files.len(),
        policy.matches("'sha256-").count()
    );
    Ok(())
}

/// Renames ECharts to a content-hashed name; the new name, if ECharts is in the build.
fn hash_echarts(dir: &Path) -> Result<Option<String>> {
    let from = dir.join(ECHARTS_COPIED);
    if !from.exists() {
        return Ok(None);
    }
    let bytes = fs::read(&from).map_err(|err| format!("cannot read {}: {err}", from.display()))?;
    let name = format!(
        "echarts-{}.js",
        &format!("{:x}", Sha256::digest(&bytes))[..16]
    );
    fs::rename(&from, dir.join(&name))
        .map_err(|err| format!("cannot rename {}: {err}", from.display()))?;
    Ok(Some(name))
}

/// Every file of the build the service worker keeps, as sorted `./path`s: everything but
/// the worker itself and the headers file.
fn files_to_keep(dir: &Path) -> Result<Vec<String>> {
    let mut paths = Vec::new();
    crate::proc::collect_files(dir, &mut paths)?;
    let mut files: Vec<String> = paths
        .iter()
        .filter_map(|path| path.strip_prefix(dir).ok())
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .filter(|name| name != WORKER && name != HEADERS)
        .map(|name| format!("./{name}"))
        .collect();
    files.sort();
    Ok(files)
}

/// The build's version: a hash of every kept file's name and contents (the page as Trunk
/// wrote it).
fn version_of(dir: &Path, files: &[String], page: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    for file in files {
        let name = file.trim_start_matches("./");
        hasher.update(name.as_bytes());
        hasher.update([0]);
        if name == PAGE {
            hasher.update(page.as_bytes());
        } else {
            let path = dir.join(name);
            let bytes =
                fs::read(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            hasher.update(Sha256::digest(&bytes));
        }
    }
    Ok(format!("{:x}", hasher.finalize())[..16].to_owned())
}

/// The policy, allowing exactly the page's inline scripts by their hashes.
fn policy_for(page: &str) -> String {
    let hashes: Vec<String> = inline_scripts(page)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    POLICY.replace("{scripts}", &hashes.join(" "))
}

/// The text of every inline script that runs (no `src`, not a JSON data block).
fn inline_scripts(page: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") && !tag.contains("application/json") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

/// The page with `tag` right after its `<meta charset>`, before anything that loads.
fn insert_after_charset(page: &str, tag: &str) -> Result<String> {
    let start = page
        .find("<meta charset")
        .ok_or("index.html has no <meta charset>; the policy must come right after it")?;
    let end = start + page[start..].find('>').ok_or("unclosed <meta charset>")? + 1;
    Ok(format!("{}\n    {tag}{}", &page[..end], &page[end..]))
}

/// The worker from its template, with the version and the files to keep.
fn fill_worker(template: &str, version: &str, files: &[String]) -> Result<String> {
    if !template.contains(VERSION_MARK) || !template.contains(FILES_MARK) {
        return Err(format!(
            "{WORKER_TEMPLATE} must contain {VERSION_MARK} and {FILES_MARK}"
        ));
    }
    let list = files
        .iter()
        .map(|f| format!("'{f}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(template
        .replace(VERSION_MARK, version)
        .replace(FILES_MARK, &format!("[{list}]")))
}

/// `_headers` (Netlify and Cloudflare Pages): the policy with `frame-ancestors`, the other
/// security headers, and no caching of the two files that name the others.
fn headers_file(policy: &str) -> String {
    let mut out = String::from(
        "# Written by `cargo xtask finish-build`. Paths are from the site's root: when Linkwork\n\
         # is served from a sub-path, put that path in front of each (e.g. /linkwork/*).\n/*\n",
    );
    out.push_str(&format!(
        "  Content-Security-Policy: {policy}; frame-ancestors 'none'\n"
    ));
    for (name, value) in OTHER_HEADERS {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    for file in ["/", "/index.html", "/sw.js"] {
        out.push_str(&format!("{file}\n  Cache-Control: no-cache\n"));
    }
    out
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE_TEXT: &str = "<html><head>\n<meta charset=\"utf-8\" />\n<title>t</title>\n\
        <script type=\"module\">import init from './a.js';\nawait init();\n</script>\n\
        <script src=\"./b.js\"></script>\n</head><body></body></html>";

    #[test]
    fn only_inline_scripts_that_run_are_hashed() {
        assert_eq!(
            inline_scripts(PAGE_TEXT),
            vec!["import init from './a.js';\nawait init();\n"]
        );
        let policy = policy_for(PAGE_TEXT);
        // The hash of exactly the script's text, newlines included.
        let digest = Sha256::digest(b"import init from './a.js';\nawait init();\n");
        let expected = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(!policy.contains("unsafe-inline") && !policy.contains(" 'unsafe-eval'"));
        assert!(
            policy.contains("'wasm-unsafe-eval'"),
            "WebAssembly may compile"
        );
        assert!(!policy.contains("frame-ancestors"), "ignored in a meta tag");
        assert!(headers_file(&policy).contains("frame-ancestors 'none'"));
    }

    #[test]
    fn the_policy_comes_before_anything_that_loads() {
        let page = insert_after_charset(PAGE_TEXT, "<meta policy>").expect("charset");
        let policy_at = page.find("<meta policy>").expect("inserted");
        assert!(policy_at < page.find("<title>").expect("title"));
        assert!(policy_at > page.find("<meta charset").expect("charset"));
        assert!(insert_after_charset("<html></html>", "x").is_err());
    }

    #[test]
    fn the_worker_gets_the_version_and_files() {
        let files = vec!["./a.js".to_owned(), "./index.html".to_owned()];
        let worker = fill_worker(
            "const VERSION = '__LINKWORK_VERSION__';\nconst FILES = __LINKWORK_FILES__;",
            "abc",
            &files,
        )
        .expect("filled");
        assert_eq!(
            worker,
            "const VERSION = 'abc';\nconst FILES = ['./a.js', './index.html'];"
        );
        assert!(fill_worker("no marks", "abc", &files).is_err());
    }
}

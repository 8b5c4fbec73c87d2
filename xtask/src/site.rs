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
//!    read one (Netlify, Cloudflare Pages), and how long each file may be cached: a year for
//!    content-hashed names, never without asking for the rest. The end-to-end tests' server
//!    applies it too.
//! 6. Release builds get a brotli (`.br`) and a gzip (`.gz`) copy of every text and
//!    WebAssembly file, for hosts that serve precompressed files (README, "Hosting").
//!
//! One deployment setting is read from the environment at build time: `LINKWORK_SYNC_ORIGIN`,
//! the origin of a sync server (CouchDB) on another origin than the app, e.g.
//! `https://couch.example.org`. It is added to the policy's `connect-src`, and nothing else
//! is. Unset (or empty), the app may only connect to its own origin, which is all a sync
//! server behind the same origin (e.g. a reverse proxy at `/sync/`) needs. Both hooks check
//! it, so a wrong value stops the build before the app is compiled.

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
/// The deployment setting: the origin of a sync server on another origin than the app.
const SYNC_ORIGIN_VAR: &str = "LINKWORK_SYNC_ORIGIN";
/// The kinds of file given `.br` and `.gz` copies (images are compressed already).
const COMPRESSIBLE: [&str; 7] = ["html", "js", "mjs", "css", "wasm", "svg", "webmanifest"];
/// How long a browser may keep a file whose name carries its content's hash.
const HASHED_CACHE: &str = "public, max-age=31536000, immutable";
/// The only hosts a sync server may be reached on over plain http.
const LOCAL_HOSTS: [&str; 2] = ["localhost", "127.0.0.1"];

/// What the page may load, as a meta tag; `{scripts}` is replaced by the inline scripts'
/// hashes, `{styles}` by the inline stylesheets' hashes after a space each (the page's own
/// `<style>`; `style` attributes stay refused), and `{sync}` by the sync server's origin
/// after a space (nothing when there is no [`SYNC_ORIGIN_VAR`]). `frame-ancestors` is left to the headers file: browsers ignore it
/// in a meta tag and say so on the console.
const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
    style-src 'self'{styles}; img-src 'self' data:; connect-src 'self'{sync}; manifest-src 'self'; \
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
/// does not see a change every time. It also checks [`SYNC_ORIGIN_VAR`], so a wrong value
/// stops the build before the app is compiled rather than after.
pub fn bundle_echarts() -> Result {
    sync_origin_from_env()?;
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
    let sync_origin = sync_origin_from_env()?;
    let echarts = hash_echarts(&dir)?;
    // Release builds are minified and compressed, and carry the policy. `trunk serve` injects
    // its live-reload script when serving, after this step, so a debug build cannot know its
    // hash: the policy is enforced in release builds (which every end-to-end test uses) and
    // left out of `cargo xtask serve`'s.
    let release = std::env::var("TRUNK_PROFILE").map_or(true, |profile| profile == "release");
    let page = if release {
        minify_glue(&dir, &page, echarts.as_deref())?
    } else {
        page
    };
    let page = without_wasm_integrity(&dir, &page)?;
    let files = files_to_keep(&dir)?;
    let policy = policy_for(&page, sync_origin.as_deref());
    let version = version_of(&dir, &files, &page, &policy)?;

    let info = format!(
        "<script type=\"application/json\" id=\"linkwork-build\">{{\"version\":\"{version}\",\"echarts\":\"{}\"}}</script>\n",
        echarts.as_deref().map(|name| format!("./{name}")).unwrap_or_default()
    );
    let page = if release {
        let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
        insert_after_charset(&page, &meta)?
    } else {
        page
    };
    let page = page.replacen("</head>", &format!("{info}</head>"), 1);
    write(&page_path, &page)?;

    let template = read_text(&root().join(WORKER_TEMPLATE))?;
    let worker = fill_worker(&template, &version, &with_integrity(&dir, &files)?)?;
    write(&dir.join(WORKER), &worker)?;
    write(&dir.join(HEADERS), &headers_file(&policy, &files))?;
    if release {
        compress_copies(&dir)?;
    }
    println!(
        "finish-build: version {version}, {} files kept for offline use, policy with {} inline script and {} inline style hash(es), {}",
        files.len(),
        inline_scripts(&page).len(),
        inline_styles(&page).len(),
        match &sync_origin {
            Some(origin) => format!("may connect to its own origin and {origin} ({SYNC_ORIGIN_VAR})"),
            None => format!("may connect to its own origin only ({SYNC_ORIGIN_VAR} is not set)"),
        }
    );
    Ok(())
}

/// Minifies Trunk's JavaScript glue (the `.js` files but ECharts, which esbuild minified
/// already) with esbuild, since Trunk's own minifier cannot read wasm-bindgen's output, and
/// gives the page the new integrity hash of each. Returns the page.
fn minify_glue(dir: &Path, page: &str, echarts: Option<&str>) -> Result<String> {
    let esbuild = root().join("node_modules/.bin/esbuild");
    let mut page = page.to_owned();
    let entries =
        fs::read_dir(dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.ends_with(".js") || Some(name.as_str()) == echarts {
            continue;
        }
        let minified = path.with_extension("min.js");
        crate::proc::run(
            crate::proc::cmd(
                &esbuild.to_string_lossy(),
                &[
                    &path.to_string_lossy(),
                    "--minify",
                    "--format=esm",
                    "--legal-comments=none",
                    "--log-level=warning",
                ],
            )
            .arg(format!("--outfile={}", minified.display())),
        )?;
        let bytes = fs::read(&minified)
            .map_err(|err| format!("cannot read {}: {err}", minified.display()))?;
        fs::rename(&minified, &path)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        page = with_new_integrity(&page, &name, &bytes)?;
    }
    Ok(page)
}

/// Where the value of the `integrity` attribute of `tag` (from its `<` to its `>`) is, the
/// attribute itself starting one byte before `integrity=` (the space before it). A quoted
/// value ends at its closing quote (included), an unquoted one at a space or the tag's end:
/// base64 has `/` and `+` in it, which are part of an unquoted value.
fn integrity_value(tag: &str) -> Result<Option<std::ops::Range<usize>>> {
    let Some(attr) = tag.find(" integrity=") else {
        return Ok(None);
    };
    let start = attr + " integrity=".len();
    let end = match tag.as_bytes().get(start) {
        Some(&quote) if quote == b'"' || quote == b'\'' => {
            start
                + 1
                + tag[start + 1..]
                    .find(quote as char)
                    .ok_or("an unclosed quote")?
                + 1
        }
        _ => {
            start
                + tag[start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(tag.len() - start)
        }
    };
    Ok(Some(start..end))
}

/// Calls `change` with the page, each tag that loads `./name` (its `<` to its `>`) and the
/// span of that tag's integrity value, if any; `change` edits the page and says where to
/// look on from.
fn each_tag_loading(
    page: &str,
    name: &str,
    mut change: impl FnMut(&mut String, usize, std::ops::Range<usize>) -> usize,
) -> Result<String> {
    let mut out = page.to_owned();
    let mut from = 0;
    while let Some(found) = out[from..].find(&format!("./{name}")) {
        let at = from + found;
        let start = out[..at].rfind('<').ok_or("a link outside a tag")?;
        let end = at + out[at..].find('>').ok_or("an unclosed tag")?;
        from = end;
        if let Some(value) = integrity_value(&out[start..end])? {
            from = change(&mut out, start, start + value.start..start + value.end);
        }
    }
    Ok(out)
}

/// The page with the `integrity` of the tag that loads `./name` set to `bytes`' SHA-384 (as
/// Trunk writes it), when that tag has one.
fn with_new_integrity(page: &str, name: &str, bytes: &[u8]) -> Result<String> {
    let hash = format!(
        "\"sha384-{}\"",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    );
    each_tag_loading(page, name, |out, _, value| {
        out.replace_range(value.clone(), &hash);
        value.start + hash.len()
    })
}

/// The page without an `integrity` on the preload of the app's WebAssembly. Trunk's loader
/// fetches the file again without one, so the attribute guards nothing (a file that failed
/// it would be fetched and run anyway), but Chromium holds back a preload that has one until
/// the whole file has arrived and been hashed, so the browser cannot compile the app while
/// it downloads. The service worker still checks every file against the build's list.
///
/// It also gives the loader the file's real size, which the progress bar counts towards:
/// Trunk writes the size from before `wasm-opt` shrank the file (4.47 MB for 3.15 MB), so
/// the bar stopped at 70% and jumped to the end.
fn without_wasm_integrity(dir: &Path, page: &str) -> Result<String> {
    let mut page = page.to_owned();
    let entries =
        fs::read_dir(dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".wasm") {
            let size = entry
                .metadata()
                .map_err(|err| format!("cannot read {name}: {err}"))?
                .len();
            page = with_loader_size(&without_integrity(&page, &name)?, &name, size);
        }
    }
    Ok(page)
}

/// The page with the size Trunk's loader is given for `./name` (the number after its
/// address in the loader's call) set to `size`; the page as it was if there is none.
fn with_loader_size(page: &str, name: &str, size: u64) -> String {
    let call = format!("'./{name}', ");
    let Some(at) = page.find(&call) else {
        return page.to_owned();
    };
    let start = at + call.len();
    let digits = page[start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(page.len() - start);
    if digits == 0 {
        return page.to_owned();
    }
    format!("{}{size}{}", &page[..start], &page[start + digits..])
}

/// The page with no `integrity` attribute on any tag that loads `./name`.
fn without_integrity(page: &str, name: &str) -> Result<String> {
    each_tag_loading(page, name, |out, _, value| {
        // The attribute starts at the space before `integrity=`.
        let attr = value.start - " integrity=".len();
        out.replace_range(attr..value.end, "");
        attr
    })
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

/// Whether a file's name carries the hash of its contents, so that a browser may keep it as
/// long as it likes (another version has another name): one of the parts of its name
/// between `-`, `_` and `.` is 12 to 16 lower-case hex digits, as Trunk and [`hash_echarts`]
/// write them (`main-3e1cbfb13f0b36f.css`, `edef19e09e744e70-boot.mjs`,
/// `linkwork-25db932ed345cb86_bg.wasm`).
fn is_content_hashed(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.split(['-', '_', '.']).any(|part| {
        (12..=16).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Each of `files` with its subresource-integrity hash (`sha256-…`), read from `dir`.
fn with_integrity(dir: &Path, files: &[String]) -> Result<Vec<(String, String)>> {
    files
        .iter()
        .map(|file| {
            let path = dir.join(file.trim_start_matches("./"));
            let bytes =
                fs::read(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            Ok((file.clone(), integrity(&bytes)))
        })
        .collect()
}

/// The subresource-integrity hash of `bytes`, as `fetch`'s `integrity` option takes it.
fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
    )
}

/// Writes `name.br` and `name.gz` beside every text and WebAssembly file of `dir`, for
/// static hosts that send a precompressed copy when the browser accepts it (Caddy's
/// `precompressed`, nginx's `gzip_static`/`brotli_static`). A copy that would not be
/// smaller is not written.
fn compress_copies(dir: &Path) -> Result {
    let mut paths = Vec::new();
    crate::proc::collect_files(dir, &mut paths)?;
    for path in paths {
        let compressible = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| COMPRESSIBLE.contains(&ext));
        if !compressible {
            continue;
        }
        let bytes =
            fs::read(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        for (ext, copy) in [
            ("br", crate::sizes::brotlied(&bytes)?),
            ("gz", crate::sizes::gzipped(&bytes)?),
        ] {
            if copy.len() < bytes.len() {
                let mut name = path.clone().into_os_string();
                name.push(format!(".{ext}"));
                fs::write(&name, copy)
                    .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
            }
        }
    }
    Ok(())
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
/// wrote it), and of the policy, so that the same code built for another sync server is
/// another version (its page holds another policy).
fn version_of(dir: &Path, files: &[String], page: &str, policy: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(policy.as_bytes());
    hasher.update([0]);
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

/// The policy, allowing exactly the page's inline scripts by their hashes, and connections
/// to the app's own origin and `sync_origin` (already checked by [`sync_origin`]) if any.
fn policy_for(page: &str, sync_origin: Option<&str>) -> String {
    let hashes: Vec<String> = inline_scripts(page)
        .into_iter()
        .map(|script| format!("'{}'", integrity(script.as_bytes())))
        .collect();
    let styles: String = inline_styles(page)
        .into_iter()
        .map(|style| format!(" '{}'", integrity(style.as_bytes())))
        .collect();
    let sync = sync_origin
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    POLICY
        .replace("{scripts}", &hashes.join(" "))
        .replace("{styles}", &styles)
        .replace("{sync}", &sync)
}

/// [`SYNC_ORIGIN_VAR`] from the environment, checked by [`sync_origin`]: `None` when it is
/// not set or empty.
fn sync_origin_from_env() -> Result<Option<String>> {
    match std::env::var(SYNC_ORIGIN_VAR) {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(value)) => Err(sync_origin_error(
            &value.to_string_lossy(),
            "it is not valid text",
        )),
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => sync_origin(&value).map(Some),
    }
}

/// `value` checked as a sync server's origin and nothing more, as the policy will hold it:
/// `https://` (or `http://` for [`LOCAL_HOSTS`] only), a host name or IPv4 address, and an
/// optional port; in lower case, without the one trailing `/` that is allowed. Anything else
/// (a path, a query, a user name, a wildcard, quotes, spaces, semicolons, an IPv6 address,
/// which a policy cannot name) is refused with a message saying what to set.
fn sync_origin(value: &str) -> Result<String> {
    let fail = |reason: &str| Err(sync_origin_error(value, reason));
    let lower = value.to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        ("https", rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        ("http", rest)
    } else {
        return fail("it must start with https:// (or http:// for localhost or 127.0.0.1)");
    };
    if rest.contains('@') {
        return fail("it has a user name; those go in Settings → Sync, never in the build");
    }
    // One trailing slash is how origins are often written; it is not a path.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(at) = rest.find(['/', '?', '#']) {
        let origin = format!("{scheme}://{}", &rest[..at]);
        return fail(&format!(
            "it has a path, query or fragment; the origin is only {origin} (the server \
             address with its path goes in Settings → Sync)"
        ));
    }
    if rest.starts_with('[') {
        return fail(
            "an IPv6 address cannot be named in a content security policy; use a host name",
        );
    }
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    if host.is_empty() {
        return fail("it has no host");
    }
    if host.contains('*') {
        return fail("wildcards are not allowed: name exactly one server");
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return fail(
            "the host may only hold letters, digits, '-' and '.' between names \
             (no spaces, quotes, semicolons or commas)",
        );
    }
    if let Some(port) = port {
        let number =
            (!port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()))
                .then(|| port.parse::<u32>().ok())
                .flatten()
                .filter(|number| (1..=65_535).contains(number));
        if number.is_none() {
            return fail("the port must be a number from 1 to 65535");
        }
    }
    if scheme == "http" && !LOCAL_HOSTS.contains(&host) {
        return fail("plain http is only for localhost or 127.0.0.1 (use https)");
    }
    Ok(format!("{scheme}://{rest}"))
}

/// What is wrong with [`SYNC_ORIGIN_VAR`], and what to set instead. A password in the
/// value is not repeated into the build's log.
fn sync_origin_error(value: &str, reason: &str) -> String {
    let shown = match value.rfind('@') {
        Some(at) => format!("…@{}", &value[at + 1..]),
        None => value.to_owned(),
    };
    format!(
        "{SYNC_ORIGIN_VAR}={shown:?} is not a sync server's origin: {reason}.\n\
         Set it to the origin of the CouchDB server and nothing more, e.g. \
         {SYNC_ORIGIN_VAR}=https://couch.example.org or https://couch.example.org:6984 \
         (http:// only for localhost or 127.0.0.1), or leave it unset when the server is on \
         the app's own origin (e.g. behind /sync/). See \"Sync between PCs\" in README.md."
    )
}

/// The text of every inline stylesheet (`<style>` element) of the page.
fn inline_styles(page: &str) -> Vec<&str> {
    elements(page, "style")
        .into_iter()
        .map(|(_, body)| body)
        .collect()
}

/// The text of every inline script that runs (no `src`, not a JSON data block).
fn inline_scripts(page: &str) -> Vec<&str> {
    elements(page, "script")
        .into_iter()
        .filter(|(tag, _)| !tag.contains(" src=") && !tag.contains("application/json"))
        .map(|(_, body)| body)
        .collect()
}

/// Each `<name …>…</name>` element of the page: its start tag and its text.
fn elements<'a>(page: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        // `<styles…>` or `<scripts…>` are other elements.
        if !tag[open.len()..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/')
            && tag.len() != open.len()
        {
            rest = body;
            continue;
        }
        let Some(end) = body.find(&close) else {
            break;
        };
        found.push((tag, &body[..end]));
        rest = &body[end..];
    }
    found
}

/// The page with `tag` right after its `<meta charset>`, before anything that loads.
fn insert_after_charset(page: &str, tag: &str) -> Result<String> {
    let start = page
        .find("<meta charset")
        .ok_or("index.html has no <meta charset>; the policy must come right after it")?;
    let end = start + page[start..].find('>').ok_or("unclosed <meta charset>")? + 1;
    Ok(format!("{}\n    {tag}{}", &page[..end], &page[end..]))
}

/// The worker from its template, with the version and the files to keep, each with its
/// integrity hash.
fn fill_worker(template: &str, version: &str, files: &[(String, String)]) -> Result<String> {
    if !template.contains(VERSION_MARK) || !template.contains(FILES_MARK) {
        return Err(format!(
            "{WORKER_TEMPLATE} must contain {VERSION_MARK} and {FILES_MARK}"
        ));
    }
    let list = files
        .iter()
        .map(|(file, hash)| format!("['{file}', '{hash}']"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(template
        .replace(VERSION_MARK, version)
        .replace(FILES_MARK, &format!("[{list}]")))
}

/// `_headers` (Netlify and Cloudflare Pages): the policy with `frame-ancestors`, the other
/// security headers, and each file's cache lifetime: a year for `files` whose names carry
/// their content's hash, and "ask the server first" for the rest (the page and the worker
/// above all, which name the others).
fn headers_file(policy: &str, files: &[String]) -> String {
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
    let mut paths = vec!["/".to_owned(), format!("/{WORKER}")];
    paths.extend(
        files
            .iter()
            .map(|file| format!("/{}", file.trim_start_matches("./"))),
    );
    for path in paths {
        let lifetime = if is_content_hashed(&path) {
            HASHED_CACHE
        } else {
            "no-cache"
        };
        out.push_str(&format!("{path}\n  Cache-Control: {lifetime}\n"));
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
        let policy = policy_for(PAGE_TEXT, None);
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
        assert!(headers_file(&policy, &[]).contains("frame-ancestors 'none'"));
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
        let files = vec![
            ("./a.js".to_owned(), "sha256-AAA=".to_owned()),
            ("./index.html".to_owned(), "sha256-BBB=".to_owned()),
        ];
        let worker = fill_worker(
            "const VERSION = '__LINKWORK_VERSION__';\nconst FILES = __LINKWORK_FILES__;",
            "abc",
            &files,
        )
        .expect("filled");
        assert_eq!(
            worker,
            "const VERSION = 'abc';\nconst FILES = [['./a.js', 'sha256-AAA='], ['./index.html', 'sha256-BBB=']];"
        );
        assert!(fill_worker("no marks", "abc", &files).is_err());
    }

    #[test]
    fn a_minified_file_gets_its_new_integrity_in_the_page() {
        let page = "<link crossorigin href=./app-0123456789abcdef.js integrity=sha384-OLD rel=modulepreload>\
            <script type=module>import init from './app-0123456789abcdef.js';</script>\
            <link href=\"./other.js\" integrity=\"sha384-KEEP\">";
        let out = with_new_integrity(page, "app-0123456789abcdef.js", b"abc").expect("page");
        // printf 'abc' | openssl dgst -sha384 -binary | base64
        let new = "integrity=\"sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn\" rel=modulepreload>";
        assert!(out.contains(new), "{out}");
        assert!(!out.contains("OLD") && out.contains("sha384-KEEP"), "{out}");
        assert!(out.contains(
            "<script type=module>import init from './app-0123456789abcdef.js';</script>"
        ));
    }

    #[test]
    fn an_unquoted_integrity_is_replaced_whole() {
        // minify-html leaves a value unquoted when it can, `/` and `+` included.
        let page = "<link crossorigin href=./app-0123456789abcdef.js integrity=sha384-AB/CD+EF rel=modulepreload>";
        let out = with_new_integrity(page, "app-0123456789abcdef.js", b"abc").expect("page");
        assert_eq!(
            out,
            "<link crossorigin href=./app-0123456789abcdef.js integrity=\"sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn\" rel=modulepreload>"
        );
        // Last in the tag, too.
        let page = "<link href=./a.js integrity=sha384-AB/CD>";
        let out = with_new_integrity(page, "a.js", b"abc").expect("page");
        assert!(out.ends_with("WkP/W+2AhgcroefMI1i67KE0yCWn\">"), "{out}");
    }

    #[test]
    fn the_wasm_preload_loses_its_integrity_and_nothing_else() {
        let page = "<link crossorigin href=./app.js integrity=sha384-JS/1 rel=modulepreload>\
            <link as=fetch crossorigin href=./app_bg.wasm integrity=sha384-W/A+SM rel=preload type=application/wasm>\
            <script type=module>const wasm = await init('./app_bg.wasm');</script>";
        let out = without_integrity(page, "app_bg.wasm").expect("page");
        assert_eq!(
            out,
            "<link crossorigin href=./app.js integrity=sha384-JS/1 rel=modulepreload>\
            <link as=fetch crossorigin href=./app_bg.wasm rel=preload type=application/wasm>\
            <script type=module>const wasm = await init('./app_bg.wasm');</script>"
        );
        // Quoted (a debug build's page), and a page without one is left as it was.
        let quoted = "<link href=\"./app_bg.wasm\" integrity=\"sha384-X\" rel=\"preload\">";
        assert_eq!(
            without_integrity(quoted, "app_bg.wasm").expect("page"),
            "<link href=\"./app_bg.wasm\" rel=\"preload\">"
        );
        assert_eq!(without_integrity(&out, "app_bg.wasm").expect("page"), out);
    }

    #[test]
    fn the_loader_counts_towards_the_real_size_of_the_wasm() {
        let page = "const wasm = await __trunkInitializer(init, './app_bg.wasm', 4474671, initializer(), true);";
        assert_eq!(
            with_loader_size(page, "app_bg.wasm", 3150224),
            "const wasm = await __trunkInitializer(init, './app_bg.wasm', 3150224, initializer(), true);"
        );
        // Another file's call, or no size, is left alone.
        assert_eq!(with_loader_size(page, "other_bg.wasm", 1), page);
        let no_size = "init('./app_bg.wasm', x)";
        assert_eq!(with_loader_size(no_size, "app_bg.wasm", 1), no_size);
    }

    #[test]
    fn the_inline_stylesheet_is_allowed_by_its_hash_alone() {
        let page = "<html><head><meta charset=utf-8><style>body{margin:0}</style>\
            <script type=module>go()</script></head><body><p>x</p></body></html>";
        assert_eq!(inline_styles(page), vec!["body{margin:0}"]);
        assert_eq!(inline_scripts(page), vec!["go()"]);
        let policy = policy_for(page, None);
        let style_src = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("style-src"))
            .expect("style-src");
        assert_eq!(
            style_src,
            format!("style-src 'self' '{}'", integrity(b"body{margin:0}"))
        );
        // No inline stylesheet, no hash: style-src 'self' alone.
        assert!(policy_for(PAGE_TEXT, None).contains("style-src 'self';"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("unsafe-hashes"));
    }

    #[test]
    fn integrity_is_the_sha256_that_fetch_checks() {
        // printf 'abc' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            integrity(b"abc"),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn only_content_hashed_names_are_cached_for_a_year() {
        let files = [
            "./index.html",
            "./linkwork-d84baecbcad077f5.js",
            "./linkwork-d84baecbcad077f5_bg.wasm",
            "./main-cc1834cf4c9c6f7f.css",
            "./echarts-78efba44e8536592.js",
            "./manifest.webmanifest",
            "./icon-192.png",
        ]
        .map(str::to_owned);
        let headers = headers_file("default-src 'none'", &files);
        let lifetime = |path: &str| {
            let block = headers
                .split_once(&format!("\n{path}\n"))
                .unwrap_or_else(|| panic!("no block for {path}: {headers}"))
                .1;
            block.lines().next().expect("a header").trim().to_owned()
        };
        for hashed in [
            "/linkwork-d84baecbcad077f5.js",
            "/linkwork-d84baecbcad077f5_bg.wasm",
            "/main-cc1834cf4c9c6f7f.css",
            "/echarts-78efba44e8536592.js",
        ] {
            assert_eq!(
                lifetime(hashed),
                "Cache-Control: public, max-age=31536000, immutable"
            );
        }
        for named in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/icon-192.png",
        ] {
            assert_eq!(lifetime(named), "Cache-Control: no-cache");
        }
        // Trunk's hashes may be shorter (a leading zero dropped) or come first.
        assert!(is_content_hashed("/main-3e1cbfb13f0b36f.css"));
        assert!(is_content_hashed("/edef19e09e744e70-boot.mjs"));
        // A name that only looks hashed in part is not.
        assert!(!is_content_hashed("/icon-d84baecbc.png"));
        assert!(!is_content_hashed("/notes-D84BAECBCAD077F5.js"));
        assert!(!is_content_hashed("/index.html"));
    }

    #[test]
    fn without_a_sync_origin_the_app_connects_to_its_own_origin_only() {
        let policy = policy_for(PAGE_TEXT, None);
        assert!(policy.contains("; connect-src 'self'; "), "{policy}");
        assert!(!policy.contains("{sync}") && !policy.contains("{scripts}"));
        assert_eq!(policy.matches("connect-src").count(), 1);
    }

    #[test]
    fn a_sync_origin_is_added_to_connect_src_and_nowhere_else() {
        let policy = policy_for(PAGE_TEXT, Some("https://couch.example.org"));
        assert!(
            policy.contains("; connect-src 'self' https://couch.example.org; manifest-src"),
            "{policy}"
        );
        assert_eq!(policy.matches("couch.example.org").count(), 1);
        // The same policy in the headers file, with what only a header can carry.
        let headers = headers_file(&policy, &[]);
        assert!(headers.contains(&format!(
            "Content-Security-Policy: {policy}; frame-ancestors 'none'\n"
        )));
    }

    #[test]
    fn the_policy_is_part_of_the_version() {
        // The page is hashed from the text given, so no file is read.
        let (dir, files) = (Path::new("unused"), ["./index.html".to_owned()]);
        let version = |origin| version_of(dir, &files, PAGE_TEXT, &policy_for(PAGE_TEXT, origin));
        assert_ne!(
            version(None).expect("version"),
            version(Some("https://couch.example.org")).expect("version")
        );
    }

    #[test]
    fn sync_origins_that_are_origins_are_accepted() {
        for (value, origin) in [
            ("https://couch.example.org", "https://couch.example.org"),
            ("https://couch.example.org/", "https://couch.example.org"),
            ("https://Couch.Example.ORG", "https://couch.example.org"),
            (
                "https://couch.example.org:6984",
                "https://couch.example.org:6984",
            ),
            (
                "https://sync-01.trust.nhs.uk",
                "https://sync-01.trust.nhs.uk",
            ),
            ("https://couchdb", "https://couchdb"),
            ("https://10.0.0.5:6984", "https://10.0.0.5:6984"),
            ("http://localhost:5984", "http://localhost:5984"),
            ("http://127.0.0.1:5984/", "http://127.0.0.1:5984"),
            ("http://localhost", "http://localhost"),
        ] {
            assert_eq!(sync_origin(value).as_deref(), Ok(origin), "{value}");
        }
    }

    #[test]
    fn sync_origins_that_are_not_plain_origins_are_refused() {
        for value in [
            // Not https (plain http only on this PC).
            "couch.example.org",
            "//couch.example.org",
            "ftp://couch.example.org",
            "wss://couch.example.org",
            "http://couch.example.org",
            "http://192.168.1.5:5984",
            "http://localhost.example.org",
            " https://couch.example.org",
            // More than an origin.
            "https://couch.example.org/sync/",
            "https://couch.example.org/linkwork-sam",
            "https://couch.example.org//",
            "https://couch.example.org?x=1",
            "https://couch.example.org#x",
            "https://admin:password@couch.example.org",
            // What would change the policy's meaning.
            "https://*.example.org",
            "https://*",
            "https://couch.example.org; script-src *",
            "https://couch.example.org 'unsafe-eval'",
            "https://couch.example.org https://other.example.org",
            "https://couch.example.org,https://other.example.org",
            "https://couch.example.org\n",
            "https://'couch'.example.org",
            "https://\"couch.example.org\"",
            // Not a host and port.
            "https://",
            "https:///",
            "https://:6984",
            "https://couch..example.org",
            "https://couch.example.org.",
            "https://-couch.example.org",
            "https://couch_db.example.org",
            "https://couch.example.org:",
            "https://couch.example.org:0",
            "https://couch.example.org:65536",
            "https://couch.example.org:99999999999",
            "https://couch.example.org:+443",
            "https://couch.example.org:6984:1",
            "https://[::1]:5984",
            "http://[::1]:5984",
            "https://bücher.example",
        ] {
            let err = sync_origin(value).expect_err(value);
            assert!(err.contains("LINKWORK_SYNC_ORIGIN="), "{err}");
            assert!(
                err.contains("LINKWORK_SYNC_ORIGIN=https://couch.example.org"),
                "the message says what to set: {err}"
            );
        }
        // A password is not repeated into the log.
        for value in [
            "https://admin:s3cret@couch.example.org",
            "https://admin:s3cret@couch.example.org/sync/",
        ] {
            let err = sync_origin(value).expect_err("userinfo");
            assert!(!err.contains("s3cret"), "{err}");
            assert!(err.contains("…@couch.example.org"), "{err}");
        }
        // A path is refused with the origin it should have been.
        let err = sync_origin("https://couch.example.org/sync/").expect_err("a path");
        assert!(
            err.contains("the origin is only https://couch.example.org "),
            "{err}"
        );
    }
}

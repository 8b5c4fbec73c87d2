//! What the browser downloads: every file of the release build, raw, gzip (level 9) and
//! brotli (quality 11), the whole first load, and issue 10's size budgets.

use crate::Result;
use std::fs;
use std::io::Write;
use std::path::Path;

/// The release wasm, gzipped, may not exceed this.
pub const WASM_BUDGET_GZIP: u64 = 350 * 1024;
/// Everything a first visit downloads (the service worker keeps every file, ECharts too),
/// gzipped, may not exceed this.
pub const FIRST_LOAD_BUDGET_GZIP: u64 = 600 * 1024;

/// One file of the build.
pub struct Size {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// The sizes of every file of `dist` a browser downloads (not `_headers`, which the host
/// reads), largest first.
pub fn measure(dist: &Path) -> Result<Vec<Size>> {
    let mut paths = Vec::new();
    crate::tasks::collect_files(dist, &mut paths)?;
    let mut sizes = Vec::new();
    for path in paths {
        let name = path
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        if name == "_headers" {
            continue;
        }
        let bytes =
            fs::read(&path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        sizes.push(Size {
            name,
            raw: bytes.len() as u64,
            gzip: gzip(&bytes)?,
            brotli: brotli(&bytes)?,
        });
    }
    sizes.sort_by_key(|s| std::cmp::Reverse(s.raw));
    Ok(sizes)
}

fn gzip(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map(|out| out.len() as u64)
        .map_err(|err| format!("gzip: {err}"))
}

fn brotli(bytes: &[u8]) -> Result<u64> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|err| format!("brotli: {err}"))?;
    Ok(out.len() as u64)
}

/// The wasm, JS, CSS and the first load, gzipped, against the budgets: the breaches, in words.
pub fn breaches(sizes: &[Size]) -> Vec<String> {
    let mut out = Vec::new();
    let wasm: u64 = sizes
        .iter()
        .filter(|s| s.name.ends_with(".wasm"))
        .map(|s| s.gzip)
        .sum();
    if wasm > WASM_BUDGET_GZIP {
        out.push(format!(
            "the wasm is {} gzip, over its budget of {}",
            kb(wasm),
            kb(WASM_BUDGET_GZIP)
        ));
    }
    let first: u64 = sizes.iter().map(|s| s.gzip).sum();
    if first > FIRST_LOAD_BUDGET_GZIP {
        out.push(format!(
            "the first load is {} gzip, over its budget of {}",
            kb(first),
            kb(FIRST_LOAD_BUDGET_GZIP)
        ));
    }
    out
}

/// Prints the table and writes it as JSON to `json`.
pub fn report(sizes: &[Size], json: &Path) -> Result {
    println!(
        "\n{:<40} {:>12} {:>12} {:>12}",
        "release build (what a browser downloads)", "raw", "gzip -9", "brotli 11"
    );
    for s in sizes {
        println!(
            "{:<40} {:>12} {:>12} {:>12}",
            s.name,
            kb(s.raw),
            kb(s.gzip),
            kb(s.brotli)
        );
    }
    let total = |f: fn(&Size) -> u64| sizes.iter().map(f).sum::<u64>();
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "first load (everything, ECharts too)",
        kb(total(|s| s.raw)),
        kb(total(|s| s.gzip)),
        kb(total(|s| s.brotli))
    );
    println!(
        "budgets: wasm <= {} gzip, first load <= {} gzip",
        kb(WASM_BUDGET_GZIP),
        kb(FIRST_LOAD_BUDGET_GZIP)
    );
    let rows: Vec<String> = sizes
        .iter()
        .map(|s| {
            format!(
                "    {{\"file\": \"{}\", \"raw\": {}, \"gzip\": {}, \"brotli\": {}}}",
                s.name, s.raw, s.gzip, s.brotli
            )
        })
        .collect();
    let text = format!(
        "{{\n  \"files\": [\n{}\n  ],\n  \"first_load\": {{\"raw\": {}, \"gzip\": {}, \"brotli\": {}}},\n  \"budgets_gzip\": {{\"wasm\": {WASM_BUDGET_GZIP}, \"first_load\": {FIRST_LOAD_BUDGET_GZIP}}}\n}}\n",
        rows.join(",\n"),
        total(|s| s.raw),
        total(|s| s.gzip),
        total(|s| s.brotli)
    );
    if let Some(dir) = json.parent() {
        fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    }
    fs::write(json, text).map_err(|err| format!("cannot write {}: {err}", json.display()))
}

/// A byte count in KiB with one decimal.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(name: &str, gzip: u64) -> Size {
        Size {
            name: name.into(),
            raw: gzip * 3,
            gzip,
            brotli: gzip,
        }
    }

    #[test]
    fn a_budget_breach_is_named() {
        let within = [
            size("app_bg.wasm", 300 * 1024),
            size("echarts.js", 200 * 1024),
        ];
        assert!(breaches(&within).is_empty());
        let fat = [
            size("app_bg.wasm", 351 * 1024),
            size("echarts.js", 200 * 1024),
        ];
        assert_eq!(
            breaches(&fat),
            ["the wasm is 351.0 KiB gzip, over its budget of 350.0 KiB"]
        );
        let heavy = [
            size("app_bg.wasm", 300 * 1024),
            size("echarts.js", 301 * 1024),
        ];
        assert_eq!(
            breaches(&heavy),
            ["the first load is 601.0 KiB gzip, over its budget of 600.0 KiB"]
        );
    }

    #[test]
    fn compression_really_compresses() {
        let text = "referral ".repeat(1000);
        let (g, b) = (
            gzip(text.as_bytes()).expect("gzip"),
            brotli(text.as_bytes()).expect("brotli"),
        );
        assert!(g < 200 && b < 200, "gzip {g}, brotli {b}");
    }
}

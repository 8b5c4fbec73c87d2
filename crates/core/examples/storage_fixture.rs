//! Writes a generated caseload as the `(key, value)` pairs Linkwork keeps in
//! local storage, as one JSON object, for the browser benchmarks.
//!
//! `cargo run --release -p linkwork-core --example storage_fixture -- 5000 out.json`
//! (use `demo` instead of a number for the standard demo caseload).

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::NaiveDate;
use linkwork_core::demo::{generate, DemoSpec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(size), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: storage_fixture <referrals|demo> <out.json> [YYYY-MM-DD]");
        return ExitCode::FAILURE;
    };
    let spec = match size.as_str() {
        "demo" => DemoSpec::standard(),
        n => match n.parse() {
            Ok(n) => DemoSpec::sized(n),
            Err(_) => {
                eprintln!("not a number of referrals: {n}");
                return ExitCode::FAILURE;
            }
        },
    };
    let today = args
        .get(2)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default());
    let ws = generate(&spec, today);
    let entries: BTreeMap<String, String> = ws
        .all_keys()
        .into_iter()
        .map(|k| (k.name("main"), ws.encode(k)))
        .collect();
    let bytes: usize = entries.values().map(String::len).sum();
    let json = match serde_json::to_string(&entries) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("could not encode: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(out, json) {
        eprintln!("could not write {out}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{out}: {} referrals, {} people, {} keys, {bytes} bytes stored",
        ws.referrals.len(),
        ws.people.len(),
        entries.len()
    );
    ExitCode::SUCCESS
}

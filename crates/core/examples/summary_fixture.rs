//! Writes 200 anonymised summary files (50 link workers x 4 quarters, each
//! from its own generated caseload) as a JSON object of file name → text,
//! for the browser benchmark of the manager's import.
//!
//! cargo run --release -p linkwork-core --example summary_fixture -- <out.json>

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::NaiveDate;
use linkwork_core::views::summary::demo_summary_files;

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: summary_fixture <out.json>");
        return ExitCode::FAILURE;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    let files: BTreeMap<String, String> = demo_summary_files(50, today).into_iter().collect();
    let bytes: usize = files.values().map(String::len).sum();
    match serde_json::to_string(&files).map(|json| std::fs::write(&out, json)) {
        Ok(Ok(())) => {
            println!("{out}: {} summary files, {bytes} bytes", files.len());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("could not write {out}");
            ExitCode::FAILURE
        }
    }
}

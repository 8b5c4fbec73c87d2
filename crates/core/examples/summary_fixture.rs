//! Writes 200 anonymised summary files (50 link workers x 4 quarters, each
//! from its own generated caseload) as a JSON object of file name → text,
//! for the browser benchmark of the manager's import.
//!
//! cargo run --release -p linkwork-core --example summary_fixture -- <out.json>

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::NaiveDate;
use linkwork_core::demo::{generate, DemoSpec};
use linkwork_core::summary::{file_name, summarise, SummaryOptions};

/// Plain summary files need no randomness (only encrypted ones do).
struct NoRandom;

impl linkwork_core::Random for NoRandom {
    fn fill(&mut self, out: &mut [u8]) {
        out.fill(0);
    }
}

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: summary_fixture <out.json>");
        return ExitCode::FAILURE;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    let generated = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let quarters: Vec<(NaiveDate, NaiveDate)> = [(2025, 10), (2026, 1), (2026, 4), (2026, 7)]
        .into_iter()
        .filter_map(|(y, m)| {
            let from = NaiveDate::from_ymd_opt(y, m, 1)?;
            let to = from
                .checked_add_months(chrono::Months::new(3))?
                .pred_opt()?;
            Some((from, to))
        })
        .collect();
    let mut files = BTreeMap::new();
    for worker in 0..50u64 {
        let spec = DemoSpec {
            seed: 1000 + worker,
            ..DemoSpec::standard()
        };
        let ws = generate(&spec, today);
        for (from, to) in &quarters {
            let label = format!("Link worker {worker}");
            let s = summarise(
                &ws,
                &label,
                *from,
                *to,
                SummaryOptions::default(),
                generated,
            );
            files.insert(file_name(&s), s.to_file(None, &mut NoRandom));
        }
    }
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

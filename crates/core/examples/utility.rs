//! How much detail anonymised summaries keep (issue: anonymous means
//! anonymous): for the demo caseload and a 5,000-referral caseload, over
//! the four quarters to September 2026, by practice. Printed by
//! `cargo xtask bench`.
//!
//! cargo run --release -p linkwork-core --example utility

use chrono::NaiveDate;
use linkwork_core::views::summary::{utility, Merged};
use linkwork_core::work::demo::{generate, DemoSpec};

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    let from = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default();
    let caseloads = [
        ("demo (300 referrals)", DemoSpec::standard()),
        (
            "5,000 referrals",
            DemoSpec {
                seed: 5000,
                referrals: 5000,
                span_days: 730,
            },
        ),
    ];
    println!("\nSummary utility: four quarters to September 2026, by quarter and practice");
    println!(
        "{:<22} {:>8} {:>14} {:>14} {:>16} {:>16}",
        "caseload", "cells", "shown (v2)", "together", "mean abs error", "shown by v1"
    );
    let mut all = Vec::new();
    for (name, spec) in caseloads {
        let ws = generate(&spec, today);
        let u = utility(&ws, from, to);
        let share = |n: u32| {
            format!(
                "{n} ({:.0}%)",
                100.0 * f64::from(n) / f64::from(u.cells.max(1))
            )
        };
        println!(
            "{name:<22} {:>8} {:>14} {:>14} {:>16.2} {:>16}",
            u.cells,
            share(u.shown),
            share(u.together),
            u.mean_error,
            share(u.shown_by_v1)
        );
        all.push((name, u));
    }
    for (name, u) in &all {
        println!("\nHeadline figures, {name}:");
        println!(
            "{:<26} {:>8} {:>10} {:>8} {:>20}",
            "figure", "true", "v2", "error", "v1 (known + hidden)"
        );
        for (figure, truth, v2, v1) in &u.headlines {
            let error = if *truth == 0 {
                0.0
            } else {
                100.0 * (f64::from(v2.known) - f64::from(*truth)) / f64::from(*truth)
            };
            println!(
                "{figure:<26} {truth:>8} {:>10} {error:>7.1}% {:>20}",
                v2.known,
                show_v1(*v1)
            );
        }
    }
}

fn show_v1(m: Merged) -> String {
    match m.hidden {
        0 => m.known.to_string(),
        h => format!("{} + {h} hidden", m.known),
    }
}

//! Native timings of the caseload list at size: 5,000 referrals with 5
//! contacts each (25,000 contacts), and 20,000 with 100,000. Prints medians.
//!
//! `cargo run --release -p linkwork-core --example perf`

use std::time::Instant;

use chrono::NaiveDate;
use linkwork_core::caseload::StatusFilter;
use linkwork_core::demo::{generate, top_up_contacts, DemoSpec};
use linkwork_core::{caseload_rows, load_workspace, CaseloadQuery, SortKey, Workspace};

/// Median of `runs` timings of `f`, in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    println!("{:<48} {:>10} {:>10}", "operation", "5,000", "20,000");
    let sizes: Vec<Workspace> = [5_000, 20_000]
        .into_iter()
        .map(|n| {
            let mut ws = generate(&DemoSpec::sized(n), today);
            top_up_contacts(&mut ws, 5, today);
            ws
        })
        .collect();
    let practice = sizes[0].settings.practices[2].id;
    let queries: Vec<(&str, CaseloadQuery)> = vec![
        ("open caseload, newest first", CaseloadQuery::default()),
        (
            "search by reference \"hv-0\"",
            CaseloadQuery {
                search: "hv-0".into(),
                ..CaseloadQuery::default()
            },
        ),
        (
            "one practice, all statuses",
            CaseloadQuery {
                practice: Some(practice),
                status: StatusFilter::All,
                ..CaseloadQuery::default()
            },
        ),
        (
            "needs attention only",
            CaseloadQuery {
                attention_only: true,
                ..CaseloadQuery::default()
            },
        ),
        (
            "all, sorted by reference",
            CaseloadQuery {
                status: StatusFilter::All,
                sort: SortKey::Reference,
                descending: false,
                ..CaseloadQuery::default()
            },
        ),
    ];
    for (name, q) in &queries {
        let cells: Vec<String> = sizes
            .iter()
            .map(|ws| {
                // Practice ids differ between sizes: use each one's third practice.
                let mut q = q.clone();
                if q.practice.is_some() {
                    q.practice = Some(ws.settings.practices[2].id);
                }
                format!(
                    "{:.2} ms",
                    median_ms(15, || {
                        std::hint::black_box(caseload_rows(ws, &q, today));
                    })
                )
            })
            .collect();
        println!(
            "{:<48} {:>10} {:>10}",
            format!("caseload: {name}"),
            cells[0],
            cells[1]
        );
    }
    let decode: Vec<String> = sizes
        .iter()
        .map(|ws| {
            let stored: Vec<(String, String)> = ws
                .all_keys()
                .into_iter()
                .map(|k| (k.name("main"), ws.encode(k)))
                .collect();
            format!(
                "{:.1} ms",
                median_ms(5, || {
                    std::hint::black_box(load_workspace(
                        "main",
                        stored.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ));
                })
            )
        })
        .collect();
    println!(
        "{:<48} {:>10} {:>10}",
        "decode the stored workspace (plain JSON)", decode[0], decode[1]
    );
}

//! Native timings of the caseload list and the dashboard at size: 5,000 referrals with 5
//! contacts each (25,000 contacts) and 2 measure sets, and 20,000 with
//! 100,000 contacts. Prints medians.
//!
//! `cargo run --release -p linkwork-core --example perf`

use std::time::Instant;

use chrono::NaiveDate;
use linkwork_core::caseload::StatusFilter;
use linkwork_core::dashboard::{DashboardFilter, DashboardIndex, Granularity};
use linkwork_core::demo::{generate, top_up_contacts, top_up_measures, DemoSpec};
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
            top_up_measures(&mut ws, today);
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
    let indexes: Vec<DashboardIndex> = sizes.iter().map(DashboardIndex::new).collect();
    let cells: Vec<String> = sizes
        .iter()
        .map(|ws| {
            format!(
                "{:.2} ms",
                median_ms(15, || {
                    std::hint::black_box(DashboardIndex::new(ws));
                })
            )
        })
        .collect();
    println!(
        "{:<48} {:>10} {:>10}",
        "dashboard: index the workspace (once per change)", cells[0], cells[1]
    );
    let year = DashboardFilter::last_year(today);
    let filters: Vec<(&str, DashboardFilter)> = vec![
        ("every figure, last 12 months", year.clone()),
        (
            "every figure, one practice, by week",
            DashboardFilter {
                granularity: Granularity::Week,
                ..year.clone()
            },
        ),
        (
            "every figure, all time",
            DashboardFilter {
                from: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
                ..year.clone()
            },
        ),
    ];
    for (name, f) in &filters {
        let cells: Vec<String> = sizes
            .iter()
            .zip(&indexes)
            .map(|(ws, index)| {
                let mut f = f.clone();
                if name.contains("one practice") {
                    f.practice = Some(ws.settings.practices[2].id);
                }
                format!(
                    "{:.2} ms",
                    median_ms(15, || {
                        std::hint::black_box(index.figures(ws, &f, today));
                    })
                )
            })
            .collect();
        println!(
            "{:<48} {:>10} {:>10}",
            format!("dashboard: {name}"),
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

    summaries(today);
}

/// Manager summaries: 50 link workers x 4 quarters = 200 files, each read
/// and checked in full, then merged into every programme table.
fn summaries(today: NaiveDate) {
    use linkwork_core::summary::Programme;
    let files = linkwork_core::demo::summary_files(50, today);
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let ms = median_ms(5, || {
        let mut programme = Programme::default();
        programme.import(&files, None);
        for table in programme.tables() {
            std::hint::black_box(programme.table(&table, &|_, _| true));
        }
    });
    println!(
        "{:<48} {:>21}",
        format!("read, check and merge 200 summaries ({} KB)", bytes / 1000),
        format!("{ms:.1} ms")
    );
}

//! Native benchmarks (criterion) of the domain work behind every screen, at 1,000, 5,000,
//! 20,000 and 50,000 referrals with 5 contacts and 2 measure sets each:
//!
//! - `decode`: opening the stored workspace: every encrypted part unpacked, decrypted
//!   (AES-256-GCM), inflated, parsed and checked (the key already derived);
//! - `save/one-part`: what saving one edit costs before the write: one part of at most 50
//!   people encoded, deflated, encrypted and packed;
//! - `dashboard/index` and `dashboard/figures`: indexing the records, and every dashboard
//!   figure for the last 12 months;
//! - `caseload/search` and `caseload/filter`: the caseload list for a typed search, and for
//!   one practice with every status;
//! - `today`: Today's lists (the day's appointments, the ones not yet recorded, tasks due
//!   and overdue, the longest waits, risks, check-ins due) with 2 booked appointments and 3
//!   tasks per referral; the target is under 100 ms at 20,000 referrals;
//! - `summary/make` (an anonymised summary of the last quarter) and `summary/merge` (200
//!   summary files read, checked and merged into every programme table);
//! - `vault/change-passphrase`: a new passphrase (one key derivation, the data key wrapped
//!   again);
//! - `handover/make/1000-people` (gathered, stamped and sealed under a one-time code),
//!   `handover/receive/1000-people` (opened with the code and received into a colleague's
//!   workspace, preview and all), and `handover/merge/20000-referrals` (a whole caseload of
//!   20,000 referrals handed back after cover, one in ten changed, matched and merged).
//!
//! `cargo bench -p linkwork-core` (or `cargo xtask bench`, which also runs the browser
//! benchmarks). `LINKWORK_BENCH_SIZES=1000,5000` limits the sizes.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::vault_store::{load_sealed, WorkspaceMeta};
use linkwork_core::views::caseload::StatusFilter;
use linkwork_core::views::dashboard::{DashboardFilter, DashboardIndex};
use linkwork_core::views::summary::{last_quarter, summarise, Programme, SummaryOptions};
use linkwork_core::work::demo::{
    generate, top_up_contacts, top_up_diary, top_up_measures, DemoSpec, Seeded,
};
use linkwork_core::{caseload_rows, CaseloadQuery, StoreKey, Workspace};

/// The sizes benchmarked unless `LINKWORK_BENCH_SIZES` says otherwise.
const SIZES: [usize; 4] = [1_000, 5_000, 20_000, 50_000];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
}

fn sizes() -> Vec<usize> {
    std::env::var("LINKWORK_BENCH_SIZES")
        .ok()
        .map(|list| {
            list.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .filter(|list: &Vec<usize>| !list.is_empty())
        .unwrap_or_else(|| SIZES.to_vec())
}

/// A caseload of `n` referrals with 5 contacts and 2 measure sets each.
fn caseload(n: usize) -> Workspace {
    let mut ws = generate(&DemoSpec::sized(n), today());
    top_up_contacts(&mut ws, 5, today());
    top_up_measures(&mut ws, today());
    ws
}

/// The workspace as the app stores it: encrypted parts under their keys, and the vault.
fn sealed(ws: &Workspace) -> (WorkspaceMeta, Vault, Vec<(String, String)>) {
    let now = today().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let (meta, vault) = WorkspaceMeta::create(
        "Bench",
        "correct horse battery",
        "correct horse battery",
        &[],
        now,
        &mut Seeded::new(7),
    )
    .unwrap_or_else(|e| panic!("workspace: {e:?}"));
    let namespace = meta.namespace();
    // One source for every part, so no two parts share a nonce.
    let mut nonces = Seeded::new(11);
    let stored = ws
        .all_keys()
        .into_iter()
        .map(|key| {
            let name = key.name(&namespace);
            let value = vault.seal(&name, &ws.encode(key), &mut nonces);
            (name, value)
        })
        .collect();
    (meta, vault, stored)
}

fn benches(c: &mut Criterion) {
    let year = DashboardFilter::last_year(today());
    let (from, to) = last_quarter(today());
    let now = today().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    for n in sizes() {
        let ws = caseload(n);
        let (meta, vault, stored) = sealed(&ws);
        let units: usize = stored
            .iter()
            .map(|(k, v)| k.len() + v.chars().count())
            .sum();

        let mut group = c.benchmark_group("decode");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &stored, |b, stored| {
            b.iter(|| {
                black_box(load_sealed(
                    &meta,
                    &vault,
                    stored.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ))
            });
        });
        group.finish();
        eprintln!("{n} referrals: {units} characters stored");

        // Unlocking a workspace stored by the previous version (records format 6): every
        // part takes the upgrade path (read as a tree, moved, read again).
        let older: Vec<(String, String)> = ws
            .all_keys()
            .into_iter()
            .map(|k| {
                let text = ws.encode(k);
                let text = if matches!(k, StoreKey::Records(_)) {
                    text.replacen("\"version\":7", "\"version\":6", 1)
                } else {
                    text
                };
                (k.name(&meta.namespace()), text)
            })
            .collect();
        let mut group = c.benchmark_group("upgrade");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("records-6-to-7", n), &older, |b, older| {
            b.iter(|| {
                black_box(linkwork_core::store::format::load_workspace(
                    &meta.namespace(),
                    older.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ))
            });
        });
        group.finish();

        // Saving one edit: one part of at most 50 people encoded, compressed, encrypted
        // and packed (the app then writes it with one setItem).
        let part = ws
            .all_keys()
            .into_iter()
            .find(|k| matches!(k, StoreKey::Records(_)))
            .unwrap_or(StoreKey::Settings);
        let part_name = part.name(&meta.namespace());
        let mut group = c.benchmark_group("save");
        let mut nonces = Seeded::new(3);
        group.bench_with_input(BenchmarkId::new("one-part", n), &ws, |b, ws| {
            b.iter(|| black_box(vault.seal(&part_name, &ws.encode(part), &mut nonces)));
        });
        group.finish();

        let mut group = c.benchmark_group("dashboard");
        group.bench_with_input(BenchmarkId::new("index", n), &ws, |b, ws| {
            b.iter(|| black_box(DashboardIndex::new(ws)));
        });
        let index = DashboardIndex::new(&ws);
        group.bench_with_input(BenchmarkId::new("figures", n), &ws, |b, ws| {
            b.iter(|| black_box(index.figures(ws, &year, today())));
        });
        group.finish();

        let search = CaseloadQuery {
            search: "hv-0".into(),
            ..CaseloadQuery::default()
        };
        let filter = CaseloadQuery {
            practice: ws.settings.practices.get(2).map(|p| p.id),
            status: StatusFilter::All,
            ..CaseloadQuery::default()
        };
        let mut group = c.benchmark_group("caseload");
        group.bench_with_input(BenchmarkId::new("search", n), &ws, |b, ws| {
            b.iter(|| black_box(caseload_rows(ws, &search, today())));
        });
        group.bench_with_input(BenchmarkId::new("filter", n), &ws, |b, ws| {
            b.iter(|| black_box(caseload_rows(ws, &filter, today())));
        });
        group.finish();

        let mut diary = ws.clone();
        top_up_diary(&mut diary, 2, 3, today());
        let mut group = c.benchmark_group("today");
        group.bench_with_input(BenchmarkId::from_parameter(n), &diary, |b, ws| {
            b.iter(|| black_box(linkwork_core::views::today::today(ws, today())));
        });
        group.finish();
        drop(diary);

        let mut group = c.benchmark_group("summary");
        group.bench_with_input(BenchmarkId::new("make", n), &ws, |b, ws| {
            b.iter(|| {
                let options = SummaryOptions {
                    include_quotes: false,
                    by_month: true,
                };
                black_box(summarise(ws, "Bench", from, to, options, now))
            });
        });
        group.finish();
    }

    // A new passphrase: one Argon2id derivation at the real settings and the data key
    // wrapped again; no document is touched, so it does not depend on the caseload's size.
    let (meta, vault, _) = sealed(&Workspace::new());
    let mut group = c.benchmark_group("vault");
    let mut rng = Seeded::new(5);
    group.bench_function("change-passphrase", |b| {
        b.iter(|| {
            black_box(linkwork_core::store::vault_store::change_passphrase(
                &meta,
                &vault,
                "a new long passphrase",
                "a new long passphrase",
                &mut rng,
            ))
        });
    });
    group.finish();

    handover_benches(c);

    let files = linkwork_core::views::summary::demo_summary_files(50, today());
    let mut group = c.benchmark_group("summary");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("merge/200-files", |b| {
        b.iter(|| {
            let mut programme = Programme::default();
            programme.import(&files, None);
            for table in programme.tables() {
                black_box(programme.table(&table, &|_, _| true));
            }
        });
    });
    group.finish();
}

fn handover_benches(c: &mut Criterion) {
    use linkwork_core::exchange::handover::{open_handover, read_handover, seal_handover};
    use linkwork_core::work::handover::Me;
    let now = today().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let sam = Me {
        label: "Sam (Riverside)",
        workspace: "sam",
    };
    let jo = Me {
        label: "Jo (Hillview)",
        workspace: "jo",
    };
    let mut group = c.benchmark_group("handover");

    let ws = caseload(1_300);
    let people: Vec<_> = ws.people.keys().copied().take(1_000).collect();
    assert_eq!(people.len(), 1_000, "the caseload has 1,000 people");
    let mut rng = Seeded::new(3);
    group.bench_function("make/1000-people", |b| {
        b.iter(|| {
            let out = ws
                .prepare_handover(&people, sam, "Jo", now)
                .unwrap_or_else(|e| panic!("{e}"));
            black_box(seal_handover(&out.handover, &mut rng))
        });
    });
    let out = ws
        .prepare_handover(&people, sam, "Jo", now)
        .unwrap_or_else(|e| panic!("{e}"));
    let (file, code) = seal_handover(&out.handover, &mut rng);
    let colleague = Workspace::new();
    group.bench_function("receive/1000-people", |b| {
        b.iter(|| {
            let outer = read_handover("h.json", &file).unwrap_or_else(|e| panic!("{e}"));
            let handover = open_handover("h.json", &outer, &code).unwrap_or_else(|e| panic!("{e}"));
            black_box(colleague.receive(&handover, jo, today()).map(|r| r.preview))
        });
    });

    if sizes().contains(&20_000) {
        let mut here = caseload(20_000);
        let everyone: Vec<_> = here.people.keys().copied().collect();
        let out = here
            .prepare_handover(&everyone, sam, "Jo", now)
            .unwrap_or_else(|e| panic!("{e}"));
        here.mark_handed(&out.handover, today());
        let mut there = Workspace::new();
        let got = there
            .receive(&out.handover, jo, today())
            .unwrap_or_else(|e| panic!("{e}"));
        there
            .apply_received(&out.handover, &got.preview, jo, today())
            .unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<_> = there.referrals.keys().copied().step_by(10).collect();
        for id in ids {
            if let Some(r) = there.referrals.get_mut(&id) {
                r.notes.push_str(" Seen during cover.");
            }
        }
        let back = there
            .prepare_handover(&everyone, jo, "Sam", now)
            .unwrap_or_else(|e| panic!("{e}"))
            .handover;
        group.bench_function("merge/20000-referrals", |b| {
            b.iter(|| black_box(here.receive(&back, sam, today()).map(|r| r.keys.len())));
        });
        // Both sides changed a tenth each (Sam took everyone back and added a task; Jo added
        // a contact): merged entry by entry against the version handed over.
        here.take_back(&everyone);
        let mine: Vec<_> = here.referrals.keys().copied().skip(5).step_by(10).collect();
        for id in mine {
            let _ = here.add_task(
                linkwork_core::work::diary::TaskOwner::Referral(id),
                &linkwork_core::work::diary::TaskDraft {
                    text: "Ring about the bus pass".into(),
                    due: String::new(),
                },
            );
        }
        group.bench_function("merge-both-changed/20000-referrals", |b| {
            b.iter(|| black_box(here.receive(&back, sam, today()).map(|r| r.keys.len())));
        });
    }
    group.finish();
}

criterion_group! {
    name = core;
    // Large sizes take a second an iteration: few samples, bounded time.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(core);

//! The caseload list: one row per referral, searched, filtered and sorted.

use std::cmp::Ordering;

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::{
    normalise_reference, PracticeId, Referral, ReferralId, ReferralStatus, Workspace,
};
use crate::work::journey::{highlights, Highlights};

/// A column the caseload can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Reference,
    Practice,
    ReferralDate,
    Reasons,
    Status,
    Seen,
    DaysWaiting,
}

impl SortKey {
    /// Every column, in display order.
    pub const ALL: [SortKey; 7] = [
        SortKey::Reference,
        SortKey::Practice,
        SortKey::ReferralDate,
        SortKey::Reasons,
        SortKey::Status,
        SortKey::Seen,
        SortKey::DaysWaiting,
    ];

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Reference => "Reference",
            SortKey::Practice => "Practice",
            SortKey::ReferralDate => "Referred",
            SortKey::Reasons => "Reasons",
            SortKey::Status => "Status",
            SortKey::Seen => "Seen",
            SortKey::DaysWaiting => "Days waiting",
        }
    }

    /// A short stable code for test ids.
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Reference => "reference",
            SortKey::Practice => "practice",
            SortKey::ReferralDate => "date",
            SortKey::Reasons => "reasons",
            SortKey::Status => "status",
            SortKey::Seen => "seen",
            SortKey::DaysWaiting => "waiting",
        }
    }
}

/// Which referrals to show, and in what order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseloadQuery {
    /// Matches any part of the person reference, ignoring case.
    pub search: String,
    pub practice: Option<PracticeId>,
    pub status: StatusFilter,
    pub sort: SortKey,
    pub descending: bool,
    /// Only referrals with something to attend to (see [`Highlights`]).
    pub attention_only: bool,
}

/// The status filter: one status, or all open ones, or everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    All,
    Only(ReferralStatus),
}

impl StatusFilter {
    /// Open means on the caseload: open and not handed over to a colleague.
    fn matches(self, r: &Referral) -> bool {
        match self {
            StatusFilter::Open => r.on_caseload(),
            StatusFilter::All => true,
            StatusFilter::Only(s) => s == r.status,
        }
    }
}

impl Default for CaseloadQuery {
    /// Open referrals, newest first.
    fn default() -> Self {
        Self {
            search: String::new(),
            practice: None,
            status: StatusFilter::Open,
            sort: SortKey::ReferralDate,
            descending: true,
            attention_only: false,
        }
    }
}

/// One line of the caseload list, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseloadRow {
    pub id: ReferralId,
    pub reference: String,
    pub practice: String,
    pub referral_date: NaiveDate,
    pub reasons: String,
    pub status: ReferralStatus,
    /// Days since referral while the person still waits for first contact.
    pub days_waiting: Option<i64>,
    /// Attended contacts.
    pub seen: usize,
    pub highlights: Highlights,
}

/// Days a referral has waited for first contact, if it is still waiting.
pub fn days_waiting(
    status: ReferralStatus,
    referral_date: NaiveDate,
    today: NaiveDate,
) -> Option<i64> {
    status
        .is_waiting()
        .then(|| (today - referral_date).num_days().max(0))
}

/// [`days_waiting`] of a referral: nothing once the person has been seen.
fn waiting_of(r: &crate::model::Referral, today: NaiveDate) -> Option<i64> {
    if r.first_seen().is_some() {
        None
    } else {
        days_waiting(r.status, r.referral_date, today)
    }
}

/// The caseload rows matching a query, sorted. Ties keep a stable order
/// (newest referral first, then by id) so the list never jumps about.
pub fn caseload_rows(ws: &Workspace, query: &CaseloadQuery, today: NaiveDate) -> Vec<CaseloadRow> {
    let needle = normalise_reference(&query.search);
    let lists = &ws.settings.lists;
    let mut rows: Vec<CaseloadRow> = ws
        .referrals
        .values()
        .filter(|r| query.status.matches(r))
        .filter(|r| query.practice.is_none_or(|p| p == r.practice))
        .filter_map(|r| {
            let person = ws.people.get(&r.person)?;
            if !needle.is_empty() && !normalise_reference(&person.reference).contains(&needle) {
                return None;
            }
            let flags = highlights(r, &ws.settings, today);
            if query.attention_only && !flags.any() {
                return None;
            }
            Some(CaseloadRow {
                id: r.id,
                reference: person.reference.clone(),
                practice: ws
                    .settings
                    .practice(r.practice)
                    .map_or_else(|| "Unknown practice".to_owned(), |p| p.name.clone()),
                referral_date: r.referral_date,
                reasons: r
                    .reasons
                    .iter()
                    .map(|id| lists.label(ListKind::Reasons, id))
                    .collect::<Vec<_>>()
                    // Reason names contain commas ("Money, debt or benefits").
                    .join("; "),
                status: r.status,
                days_waiting: waiting_of(r, today),
                seen: r.attended_count(),
                highlights: flags,
            })
        })
        .collect();
    let cmp = |a: &CaseloadRow, b: &CaseloadRow| -> Ordering {
        match query.sort {
            SortKey::Reference => natural_cmp(&a.reference, &b.reference),
            SortKey::Practice => a.practice.cmp(&b.practice),
            SortKey::ReferralDate => a.referral_date.cmp(&b.referral_date),
            SortKey::Reasons => a.reasons.cmp(&b.reasons),
            SortKey::Status => a.status.cmp(&b.status),
            SortKey::Seen => a.seen.cmp(&b.seen),
            // Not waiting sorts below any wait.
            SortKey::DaysWaiting => a
                .days_waiting
                .unwrap_or(-1)
                .cmp(&b.days_waiting.unwrap_or(-1)),
        }
    };
    crate::model::order::sort_by(&mut rows, |a, b| {
        let primary = if query.descending {
            cmp(b, a)
        } else {
            cmp(a, b)
        };
        primary
            .then_with(|| b.referral_date.cmp(&a.referral_date))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// Compares references case-insensitively with digit runs as numbers, so
/// `RV-9` comes before `RV-10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let ord = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::today;
    use crate::work::demo::{generate, DemoSpec};

    #[test]
    fn the_default_view_is_the_open_caseload_newest_first() {
        let ws = generate(&DemoSpec::standard(), today());
        let rows = caseload_rows(&ws, &CaseloadQuery::default(), today());
        let open = ws.referrals.values().filter(|r| r.on_caseload()).count();
        assert_eq!(rows.len(), open);
        assert!(rows
            .windows(2)
            .all(|w| w[0].referral_date >= w[1].referral_date));
    }

    #[test]
    fn people_handed_over_leave_the_open_caseload_and_its_tiles_but_stay_on_record() {
        let mut ws = generate(&DemoSpec::standard(), today());
        let all = caseload_rows(
            &ws,
            &CaseloadQuery {
                status: StatusFilter::All,
                ..CaseloadQuery::default()
            },
            today(),
        )
        .len();
        let open = caseload_rows(&ws, &CaseloadQuery::default(), today()).len();
        let tiles = crate::views::dashboard::compute(
            &ws,
            &crate::views::dashboard::DashboardFilter::last_year(today()),
            today(),
        )
        .tiles
        .open;
        let id = *ws
            .referrals
            .iter()
            .find(|(_, r)| r.on_caseload())
            .expect("an open one")
            .0;
        ws.referrals.get_mut(&id).expect("there").handed =
            Some(crate::model::handover::HandedOver {
                to: "Jo".into(),
                on: today(),
            });
        assert_eq!(
            caseload_rows(&ws, &CaseloadQuery::default(), today()).len(),
            open - 1
        );
        assert_eq!(
            caseload_rows(
                &ws,
                &CaseloadQuery {
                    status: StatusFilter::All,
                    ..CaseloadQuery::default()
                },
                today()
            )
            .len(),
            all
        );
        let after = crate::views::dashboard::compute(
            &ws,
            &crate::views::dashboard::DashboardFilter::last_year(today()),
            today(),
        )
        .tiles
        .open;
        assert_eq!(
            after,
            tiles - 1,
            "the dashboard's open count leaves it out too"
        );
    }

    #[test]
    fn people_handed_over_leave_today_and_the_diarys_bookings() {
        use crate::views::{diary, today as day};
        use crate::work::diary::{AppointmentState, TaskOwner};
        let mut ws = generate(&DemoSpec::standard(), today());
        crate::work::demo::top_up_diary(&mut ws, 2, 3, today());
        let busy = |ws: &Workspace, id: ReferralId| {
            let t = day::today(ws, today());
            let booked = |l: &diary::AppointmentLine| {
                l.referral == id && l.state == AppointmentState::Booked
            };
            t.appointments.iter().chain(&t.to_record).any(booked)
                || t.tasks.iter().any(|l| l.owner == TaskOwner::Referral(id))
                || t.risks.iter().any(|l| l.referral == id)
                || diary::days(ws, today(), 28, false)
                    .iter()
                    .flat_map(|d| &d.lines)
                    .any(booked)
        };
        let id = *ws
            .referrals
            .iter()
            .find(|(id, r)| r.on_caseload() && busy(&ws, **id))
            .expect("an open referral with something booked or due")
            .0;
        ws.referrals.get_mut(&id).expect("there").handed =
            Some(crate::model::handover::HandedOver {
                to: "Jo".into(),
                on: today(),
            });
        assert!(
            !busy(&ws, id),
            "nothing of theirs is booked or due here once handed over"
        );
    }

    #[test]
    fn search_filters_and_sorts_combine() {
        let ws = generate(&DemoSpec::standard(), today());
        let practice = ws.settings.practices[2].id;
        let query = CaseloadQuery {
            search: "hv-0".into(),
            practice: Some(practice),
            status: StatusFilter::All,
            sort: SortKey::Reference,
            descending: false,
            attention_only: false,
        };
        let rows = caseload_rows(&ws, &query, today());
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.practice == "Hillview Health Centre"));
        assert!(rows.iter().all(|r| r.reference.starts_with("HV-0")));
        assert!(rows
            .windows(2)
            .all(|w| natural_cmp(&w[0].reference, &w[1].reference) != Ordering::Greater));
        let none = CaseloadQuery {
            search: "zz-no-such".into(),
            ..query
        };
        assert!(caseload_rows(&ws, &none, today()).is_empty());
    }

    #[test]
    fn days_waiting_counts_only_while_waiting() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid");
        assert_eq!(
            days_waiting(ReferralStatus::Referred, date, today()),
            Some(20)
        );
        assert_eq!(
            days_waiting(ReferralStatus::WaitingList, date, today()),
            Some(20)
        );
        assert_eq!(days_waiting(ReferralStatus::Active, date, today()), None);
        assert_eq!(days_waiting(ReferralStatus::Closed, date, today()), None);
    }

    #[test]
    fn sorting_by_waiting_puts_the_longest_wait_first() {
        let ws = generate(&DemoSpec::standard(), today());
        let query = CaseloadQuery {
            sort: SortKey::DaysWaiting,
            ..CaseloadQuery::default()
        };
        let rows = caseload_rows(&ws, &query, today());
        let waits: Vec<i64> = rows.iter().map(|r| r.days_waiting.unwrap_or(-1)).collect();
        assert!(waits.windows(2).all(|w| w[0] >= w[1]));
        assert!(waits[0] > 0);
    }

    #[test]
    fn status_filter_shows_only_that_status() {
        let ws = generate(&DemoSpec::standard(), today());
        let query = CaseloadQuery {
            status: StatusFilter::Only(ReferralStatus::Closed),
            ..CaseloadQuery::default()
        };
        let rows = caseload_rows(&ws, &query, today());
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.status == ReferralStatus::Closed));
    }

    #[test]
    fn attention_only_keeps_flagged_referrals() {
        let ws = generate(&DemoSpec::standard(), today());
        let q = CaseloadQuery {
            attention_only: true,
            ..CaseloadQuery::default()
        };
        let rows = caseload_rows(&ws, &q, today());
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.highlights.any()));
        let all = caseload_rows(&ws, &CaseloadQuery::default(), today());
        assert!(rows.len() < all.len());
        assert!(
            all.iter().any(|r| r.seen >= 3),
            "some people seen three or more times"
        );
    }

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut refs = vec!["RV-10", "rv-9", "RV-009a", "AB", "RV-1"];
        refs.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(refs, vec!["AB", "RV-1", "rv-9", "RV-009a", "RV-10"]);
    }

    #[test]
    fn every_column_sorts_both_ways() {
        let ws = generate(&DemoSpec::small(), today());
        for sort in SortKey::ALL {
            for descending in [false, true] {
                let q = CaseloadQuery {
                    sort,
                    descending,
                    status: StatusFilter::All,
                    ..CaseloadQuery::default()
                };
                let rows = caseload_rows(&ws, &q, today());
                assert_eq!(rows.len(), ws.referrals.len());
                for w in rows.windows(2) {
                    let ord = match sort {
                        SortKey::Reference => natural_cmp(&w[0].reference, &w[1].reference),
                        SortKey::Practice => w[0].practice.cmp(&w[1].practice),
                        SortKey::ReferralDate => w[0].referral_date.cmp(&w[1].referral_date),
                        SortKey::Reasons => w[0].reasons.cmp(&w[1].reasons),
                        SortKey::Status => w[0].status.cmp(&w[1].status),
                        SortKey::Seen => w[0].seen.cmp(&w[1].seen),
                        SortKey::DaysWaiting => w[0].days_waiting.cmp(&w[1].days_waiting),
                    };
                    let wrong = if descending {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    };
                    assert_ne!(ord, wrong, "{sort:?} descending={descending}");
                }
            }
        }
    }
}

//! The dashboard's index of the workspace, built once, and the one pass over
//! it that computes every figure for a filter.

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use crate::model::calendar::month_index;
use crate::model::lists::ListKind;
use crate::model::{
    Choice, ContactOutcome, Person, PersonId, PracticeId, ReferralId, ReferralStatus, Workspace,
};
use crate::work::directory::ConnectionStatus;
use crate::work::measures::headline_changes;

use super::*;

/// Interns list ids as small numbers while an index is built.
#[derive(Default)]
struct Names<'a> {
    ids: FxHashMap<&'a str, u16>,
    names: Vec<&'a str>,
}

impl<'a> Names<'a> {
    pub(super) fn of(&mut self, id: &'a str) -> u16 {
        if let Some(n) = self.ids.get(id) {
            return *n;
        }
        let n = u16::try_from(self.names.len()).unwrap_or(u16::MAX);
        self.names.push(id);
        self.ids.insert(id, n);
        n
    }

    pub(super) fn owned(self) -> Vec<String> {
        self.names.into_iter().map(str::to_owned).collect()
    }
}

/// Where a referral's facts are in the index's flat lists.
type Span = std::ops::Range<u32>;

pub(super) fn span_of<T>(list: &[T], start: usize) -> Span {
    start as u32..list.len() as u32
}

pub(super) fn slice<'a, T>(list: &'a [T], span: &Span) -> &'a [T] {
    &list[span.start as usize..span.end as usize]
}

#[derive(Clone, Copy, Debug)]
struct ContactFact {
    date: NaiveDate,
    mode: u16,
    outcome: ContactOutcome,
    minutes: u32,
}

#[derive(Clone, Copy, Debug)]
struct ConnectionFact {
    made: NaiveDate,
    category: u16,
    status: ConnectionStatus,
}

/// A paired change of one outcome row (ONS4 items, then the SWEMWBS score).
#[derive(Clone, Copy, Debug)]
struct ChangeFact {
    row: u16,
    change: f64,
    meaningful: Option<bool>,
}

#[derive(Clone, Debug)]
struct FeedbackFact {
    date: NaiveDate,
    satisfaction: Option<u8>,
    recommend: Option<bool>,
    /// Only a quote the person agreed to share.
    quote: Option<String>,
}

/// What the dashboard needs of one referral.
#[derive(Clone, Debug)]
struct ReferralFact {
    id: ReferralId,
    person: PersonId,
    practice: PracticeId,
    referral_date: NaiveDate,
    status: ReferralStatus,
    /// Open and still this link worker's (not handed over).
    on_caseload: bool,
    role: u16,
    /// When the episode ended, and how (in [`DashboardIndex::ending_labels`]).
    ending: Option<(NaiveDate, u16)>,
    first_seen: Option<NaiveDate>,
    attended: u32,
    /// The person's group in each [`Dimension`].
    groups: [u8; 4],
    /// Whether the SWEMWBS score improved meaningfully, if measured twice.
    improved: Option<bool>,
    feedback: Option<FeedbackFact>,
    reasons: Span,
    contacts: Span,
    spells: Span,
    connections: Span,
    changes: Span,
    recorded: Span,
    appointments: Span,
    /// Tasks not done: their due dates (undated ones are never overdue).
    tasks: Span,
    /// Work on the person's behalf: its days and minutes.
    behalf: Span,
}

/// What became of a booked appointment, as the dashboard counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Booking {
    Attended,
    Missed,
    Cancelled,
    NotRecorded,
}

impl Booking {
    /// Series names, in the order of the chart and its table.
    pub(super) const LABELS: [&'static str; 4] = [
        "Attended",
        "Did not attend",
        "Cancelled",
        "Not recorded yet",
    ];

    fn of(state: crate::model::diary::AppointmentState) -> Self {
        use crate::model::diary::AppointmentState::*;
        match state {
            Booked => Self::NotRecorded,
            Marked(ContactOutcome::Attended) => Self::Attended,
            Marked(ContactOutcome::DidNotAttend) => Self::Missed,
            Marked(_) => Self::Cancelled,
        }
    }
}

/// Every referral reduced to the numbers the dashboard counts, with list ids
/// as small numbers. Built once when the workspace changes (about as long as
/// computing the figures directly); after that a change of filter only scans
/// these flat lists, with no strings and no lookups.
#[derive(Clone, Debug)]
pub struct DashboardIndex {
    referrals: Vec<ReferralFact>,
    reasons: Vec<u16>,
    contacts: Vec<ContactFact>,
    spells: Vec<(NaiveDate, Option<NaiveDate>)>,
    connections: Vec<ConnectionFact>,
    changes: Vec<ChangeFact>,
    /// Instrument and 0 answered, 1 declined, 2 not appropriate.
    recorded: Vec<(u16, u8)>,
    appointments: Vec<(NaiveDate, Booking)>,
    task_dues: Vec<NaiveDate>,
    behalf: Vec<(NaiveDate, u32)>,
    role_ids: Vec<String>,
    reason_ids: Vec<String>,
    mode_ids: Vec<String>,
    category_ids: Vec<String>,
    /// How episodes ended, in words (closure reasons, declined, needs beyond).
    ending_labels: Vec<String>,
    instrument_ids: Vec<String>,
    /// Per outcome row: instrument name, row label, whether higher is better.
    outcome_rows: Vec<(String, String, bool)>,
}

impl DashboardIndex {
    /// Reduces the workspace to what the dashboard counts.
    pub fn new(ws: &Workspace) -> Self {
        let instruments = ws.instruments();
        let find = |id: &str| instruments.iter().find(|i| i.id == id);
        let ons4 = find("ons4");
        let swemwbs = find("swemwbs");
        let ons4_rows = ons4.map_or(0, |i| i.items.len());
        let mut outcome_rows: Vec<(String, String, bool)> = ons4
            .map(|inst| {
                (0..inst.items.len())
                    .map(|i| {
                        (
                            inst.name.clone(),
                            inst.short_label(i),
                            inst.items[i].higher_is_better,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(inst) = swemwbs {
            outcome_rows.push((inst.name.clone(), "SWEMWBS score".into(), true));
        }
        let measured = [
            (ons4, ons4.map_or(1.0, |i| ws.threshold(i)), 0),
            (swemwbs, swemwbs.map_or(3.0, |i| ws.threshold(i)), ons4_rows),
        ];

        let mut people: FxHashMap<PersonId, [u8; 4]> =
            FxHashMap::with_capacity_and_hasher(ws.people.len(), Default::default());
        let groups_of = |p: Option<&Person>| {
            Dimension::ALL.map(|d| u8::try_from(d.group_index(p)).unwrap_or(0))
        };
        people.extend(ws.people.iter().map(|(id, p)| (*id, groups_of(Some(p)))));
        let unknown = groups_of(None);

        let (mut roles, mut reason_ids, mut modes) =
            (Names::default(), Names::default(), Names::default());
        let (mut categories, mut endings, mut measures) =
            (Names::default(), Names::default(), Names::default());
        let n = ws.referrals.len();
        let mut index = Self {
            referrals: Vec::with_capacity(n),
            reasons: Vec::with_capacity(n * 2),
            contacts: Vec::with_capacity(n * 5),
            spells: Vec::with_capacity(n + n / 8),
            connections: Vec::new(),
            changes: Vec::new(),
            recorded: Vec::new(),
            appointments: Vec::new(),
            task_dues: Vec::new(),
            behalf: Vec::new(),
            role_ids: Vec::new(),
            reason_ids: Vec::new(),
            mode_ids: Vec::new(),
            category_ids: Vec::new(),
            ending_labels: Vec::new(),
            instrument_ids: Vec::new(),
            outcome_rows,
        };
        for r in ws.referrals.values() {
            let start = (
                index.reasons.len(),
                index.contacts.len(),
                index.spells.len(),
                index.connections.len(),
                index.changes.len(),
                index.recorded.len(),
                index.appointments.len(),
                index.task_dues.len(),
                index.behalf.len(),
            );
            index.behalf.extend(
                r.case_notes
                    .iter()
                    .filter(|n| n.kind == crate::model::diary::NoteKind::OnBehalf && n.minutes > 0)
                    .map(|n| (n.date, n.minutes)),
            );
            index.appointments.extend(
                r.appointments
                    .iter()
                    .map(|a| (a.date, Booking::of(r.appointment_state(a)))),
            );
            index.task_dues.extend(r.open_tasks().filter_map(|t| t.due));
            index
                .reasons
                .extend(r.reasons.iter().map(|x| reason_ids.of(x)));
            index
                .contacts
                .extend(r.contacts.iter().map(|c| ContactFact {
                    date: c.date,
                    mode: modes.of(&c.mode),
                    outcome: c.outcome,
                    minutes: c.minutes,
                }));
            open_spells(r, |from, to| index.spells.push((from, to)));
            index
                .connections
                .extend(r.connections.iter().map(|c| ConnectionFact {
                    made: c.history.first().map_or(r.referral_date, |h| h.date),
                    category: categories.of(&c.category),
                    status: c.status,
                }));
            let mut improved = None;
            for (inst, threshold, first_row) in measured {
                let Some(inst) = inst else { continue };
                headline_changes(r, inst, threshold, |item, change, meaningful| {
                    if item.is_none() {
                        improved = Some(meaningful == Some(true));
                    }
                    index.changes.push(ChangeFact {
                        row: u16::try_from(first_row + item.unwrap_or(0)).unwrap_or(u16::MAX),
                        change,
                        meaningful,
                    });
                });
            }
            index.recorded.extend(
                r.measures
                    .iter()
                    .map(|m| (measures.of(&m.instrument), m.result.recorded_as() as u8)),
            );
            index.referrals.push(ReferralFact {
                id: r.id,
                person: r.person,
                practice: r.practice,
                referral_date: r.referral_date,
                status: r.status,
                on_caseload: r.on_caseload(),
                role: roles.of(&r.referrer_role),
                ending: r
                    .ending(&ws.settings.lists)
                    .map(|(date, how)| (date, endings.of(how))),
                first_seen: r.first_seen(),
                attended: r.attended_count() as u32,
                groups: people.get(&r.person).copied().unwrap_or(unknown),
                improved,
                feedback: r.feedback.as_ref().zip(r.feedback_date()).map(|(f, date)| {
                    FeedbackFact {
                        date,
                        satisfaction: f.satisfaction.filter(|s| (1..=5).contains(s)),
                        recommend: f.would_recommend,
                        quote: r.shareable_quote().map(str::to_owned),
                    }
                }),
                reasons: span_of(&index.reasons, start.0),
                contacts: span_of(&index.contacts, start.1),
                spells: span_of(&index.spells, start.2),
                connections: span_of(&index.connections, start.3),
                changes: span_of(&index.changes, start.4),
                recorded: span_of(&index.recorded, start.5),
                appointments: span_of(&index.appointments, start.6),
                tasks: span_of(&index.task_dues, start.7),
                behalf: span_of(&index.behalf, start.8),
            });
        }
        index.role_ids = roles.owned();
        index.reason_ids = reason_ids.owned();
        index.mode_ids = modes.owned();
        index.category_ids = categories.owned();
        index.ending_labels = endings.owned();
        index.instrument_ids = measures.owned();
        index
    }

    /// Every figure for the filter. `ws` must be the workspace the index was
    /// built from (for names and labels); `today` decides "open now", "this
    /// month" and "waiting now".
    pub fn figures(&self, ws: &Workspace, filter: &DashboardFilter, today: NaiveDate) -> Dashboard {
        let lists = &ws.settings.lists;
        // The filter's list ids as the index's numbers (none matches an id never used).
        let number = |ids: &[String], id: &Option<String>| {
            id.as_ref().map(|id| {
                ids.iter()
                    .position(|x| x == id)
                    .map_or(u16::MAX, |n| n as u16)
            })
        };
        let want_role = number(&self.role_ids, &filter.referrer_role);
        let want_reason = number(&self.reason_ids, &filter.reason);
        let matches = |f: &ReferralFact| {
            filter.practice.is_none_or(|p| f.practice == p)
                && want_role.is_none_or(|role| f.role == role)
                && want_reason
                    .is_none_or(|reason| slice(&self.reasons, &f.reasons).contains(&reason))
        };

        let periods = periods(filter);
        let period_ends: Vec<NaiveDate> = periods.iter().map(|p| p.1).collect();
        let period_of = |day: NaiveDate| {
            let i = period_ends.partition_point(|end| *end < day);
            (i < periods.len() && periods[i].0 <= day).then_some(i)
        };
        let mut open_diff = vec![0i64; periods.len() + 1];
        let mut new = vec![0u32; periods.len()];
        let mut closed = vec![0u32; periods.len()];

        let first_month = month_index(filter.from);
        let months = (month_index(filter.to) - first_month + 1).max(0) as usize;
        let month_of = |day: NaiveDate| {
            let i = month_index(day) - first_month;
            (0..months as i32).contains(&i).then_some(i as usize)
        };
        let mut role_months = vec![vec![0u32; months]; self.role_ids.len()];
        let mut reasons = vec![0u32; self.reason_ids.len()];
        let mut practices: FxHashMap<PracticeId, u32> = FxHashMap::default();
        let mut first_days: Vec<f64> = Vec::new();
        let mut first_bands = [0u32; WAIT_BANDS.len()];
        let mut waiting_bands = [0u32; WAIT_BANDS.len()];
        let mut waits: Vec<(i64, &ReferralFact)> = Vec::new();
        let mut attended_bands = [0u32; ATTENDED_BANDS.len()];
        let mut modes = vec![0u32; self.mode_ids.len()];
        let mut dna = vec![Share::default(); months];
        let mut bookings = vec![[0u32; 4]; months];
        let mut booked_dna = Share::default();
        let statuses = ConnectionStatus::ALL.len();
        let mut connections = vec![0u32; self.category_ids.len() * statuses];
        let mut taken_up = Share::default();
        let mut changes: Vec<(Vec<f64>, [u32; 3])> =
            vec![(Vec::new(), [0; 3]); self.outcome_rows.len()];
        let mut recorded = vec![[0u32; 3]; self.instrument_ids.len()];
        let mut endings = vec![0u32; self.ending_labels.len()];
        let mut groups: Vec<Vec<GroupRow>> = Dimension::ALL
            .iter()
            .map(|d| {
                d.groups()
                    .into_iter()
                    .map(|label| GroupRow {
                        label,
                        referrals: 0,
                        seen_three_plus: Share::default(),
                        improved_wellbeing: Share::default(),
                    })
                    .collect()
            })
            .collect();
        let mut satisfaction = [0u32; 5];
        let mut would_recommend = Share::default();
        let mut quotes: Vec<Quote> = Vec::new();
        let mut tiles = Tiles::default();
        let month_start = month_start_before(today, 0);

        for r in self.referrals.iter().filter(|f| matches(f)) {
            // About today.
            if r.on_caseload {
                tiles.open += 1;
            }
            if r.referral_date >= month_start && r.referral_date <= today {
                tiles.new_this_month += 1;
            }
            if r.on_caseload {
                let overdue = slice(&self.task_dues, &r.tasks)
                    .iter()
                    .filter(|d| **d < today);
                tiles.tasks_overdue += overdue.count() as u32;
            }
            if r.status.is_waiting() {
                let days = (today - r.referral_date).num_days().max(0);
                waiting_bands[wait_band(days)] += 1;
                waits.push((days, r));
            }

            // Caseload over time.
            for (start, end) in slice(&self.spells, &r.spells) {
                let from = period_ends.partition_point(|e| e < start);
                let to = end.map_or(periods.len(), |end| {
                    period_ends.partition_point(|e| *e < end)
                });
                if from < to {
                    open_diff[from] += 1;
                    open_diff[to] -= 1;
                }
                if let Some(i) = end.and_then(period_of) {
                    closed[i] += 1;
                }
            }
            if let Some(i) = period_of(r.referral_date) {
                new[i] += 1;
            }

            // Events in the range.
            for c in slice(&self.contacts, &r.contacts) {
                let Some(m) = month_of(c.date).filter(|_| filter.contains(c.date)) else {
                    continue;
                };
                match c.outcome {
                    ContactOutcome::Attended => {
                        modes[usize::from(c.mode)] += 1;
                        dna[m].add(false);
                        tiles.minutes_with += c.minutes;
                    }
                    ContactOutcome::DidNotAttend => dna[m].add(true),
                    _ => {}
                }
            }
            for (date, minutes) in slice(&self.behalf, &r.behalf) {
                if month_of(*date).is_some() && filter.contains(*date) {
                    tiles.minutes_on_behalf += minutes;
                }
            }
            for (date, booking) in slice(&self.appointments, &r.appointments) {
                let Some(m) = month_of(*date).filter(|_| filter.contains(*date)) else {
                    continue;
                };
                bookings[m][*booking as usize] += 1;
                match booking {
                    Booking::Attended => booked_dna.add(false),
                    Booking::Missed => booked_dna.add(true),
                    _ => {}
                }
            }
            for c in slice(&self.connections, &r.connections) {
                if filter.contains(c.made) {
                    let status = ConnectionStatus::ALL
                        .iter()
                        .position(|s| *s == c.status)
                        .unwrap_or(0);
                    connections[usize::from(c.category) * statuses + status] += 1;
                    taken_up.add(c.status.taken_up());
                }
            }
            if let Some((_, how)) = r.ending.filter(|(date, _)| filter.contains(*date)) {
                endings[usize::from(how)] += 1;
            }
            if let Some(f) = r.feedback.as_ref().filter(|f| filter.contains(f.date)) {
                if let Some(s) = f.satisfaction {
                    satisfaction[usize::from(s) - 1] += 1;
                }
                if let Some(yes) = f.recommend {
                    would_recommend.add(yes);
                }
                if let Some(quote) = &f.quote {
                    quotes.push(Quote {
                        date: f.date,
                        text: quote.clone(),
                    });
                }
            }

            // The cohort: referrals received in the range.
            if !filter.contains(r.referral_date) {
                continue;
            }
            if let Some(m) = month_of(r.referral_date) {
                role_months[usize::from(r.role)][m] += 1;
            }
            for reason in slice(&self.reasons, &r.reasons) {
                reasons[usize::from(*reason)] += 1;
            }
            *practices.entry(r.practice).or_default() += 1;
            if let Some(seen) = r.first_seen {
                let days = (seen - r.referral_date).num_days().max(0);
                first_days.push(days as f64);
                first_bands[wait_band(days)] += 1;
            }
            let attended = r.attended as usize;
            attended_bands[attended.min(ATTENDED_BANDS.len() - 1)] += 1;
            tiles.seen_three_plus.add(attended >= 3);
            for c in slice(&self.changes, &r.changes) {
                if let Some((values, counts)) = changes.get_mut(usize::from(c.row)) {
                    values.push(c.change);
                    counts[match c.meaningful {
                        Some(true) => 0,
                        None => 1,
                        Some(false) => 2,
                    }] += 1;
                }
            }
            if let Some(better) = r.improved {
                tiles.improved_wellbeing.add(better);
            }
            for (instrument, slot) in slice(&self.recorded, &r.recorded) {
                recorded[usize::from(*instrument)][usize::from(*slot)] += 1;
            }
            for (d, group) in r.groups.into_iter().enumerate() {
                if let Some(g) = groups[d].get_mut(usize::from(group)) {
                    g.referrals += 1;
                    g.seen_three_plus.add(attended >= 3);
                    if let Some(better) = r.improved {
                        g.improved_wellbeing.add(better);
                    }
                }
            }
        }

        // Caseload over time.
        let mut open = 0i64;
        let caseload = periods
            .iter()
            .enumerate()
            .map(|(i, (start, _, label))| {
                open += open_diff[i];
                PeriodCounts {
                    label: label.clone(),
                    start: *start,
                    open: open.max(0) as u32,
                    new: new[i],
                    closed: closed[i],
                }
            })
            .collect();

        // Referrals by month and role: the roles that referred most are
        // named, in the list's order; the rest are added together.
        let month_labels: Vec<String> = (0..months as i32)
            .map(|i| month_label(first_month + i))
            .collect();
        let role_order = |id: &str| {
            lists
                .referrer_roles
                .iter()
                .position(|item| item.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut roles: Vec<(&str, Vec<u32>)> = self
            .role_ids
            .iter()
            .map(String::as_str)
            .zip(role_months)
            .filter(|(_, v)| v.iter().any(|n| *n > 0))
            .collect();
        crate::model::order::sort_by_key(&mut roles, |(id, v)| {
            (
                std::cmp::Reverse(v.iter().sum::<u32>()),
                role_order(id),
                id.to_string(),
            )
        });
        let others: Option<Vec<u32>> = (roles.len() > TOP_ROLES).then(|| {
            roles
                .drain(TOP_ROLES..)
                .fold(vec![0; months], |mut acc, (_, v)| {
                    acc.iter_mut().zip(v).for_each(|(a, b)| *a += b);
                    acc
                })
        });
        crate::model::order::sort_by_key(&mut roles, |(id, _)| (role_order(id), id.to_string()));
        let mut series: Vec<(String, Vec<u32>)> = roles
            .into_iter()
            .map(|(id, v)| (role_label(ws, id), v))
            .collect();
        series.extend(others.map(|v| ("Others".to_owned(), v)));
        let by_month_role = Stacked {
            categories: month_labels.clone(),
            series,
        };

        // Top reasons, then the rest together.
        let mut by_reason: Vec<(String, u32)> = self
            .reason_ids
            .iter()
            .zip(reasons)
            .filter(|(_, n)| *n > 0)
            .map(|(id, n)| (lists.label(ListKind::Reasons, id).to_owned(), n))
            .collect();
        crate::model::order::sort_by(&mut by_reason, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        if by_reason.len() > TOP_REASONS {
            let rest: u32 = by_reason[TOP_REASONS..].iter().map(|(_, n)| n).sum();
            let others = by_reason.len() - TOP_REASONS;
            by_reason.truncate(TOP_REASONS);
            by_reason.push((format!("Other reasons ({others})"), rest));
        }

        let by_practice = ws
            .settings
            .practices
            .iter()
            .filter(|p| filter.practice.is_none_or(|id| id == p.id))
            .filter(|p| !p.retired || practices.contains_key(&p.id))
            .map(|p| {
                let referrals = practices.get(&p.id).copied().unwrap_or(0);
                PracticeRate {
                    name: p.name.clone(),
                    referrals,
                    list_size: p.list_size,
                    per_thousand: p.per_thousand(referrals),
                }
            })
            .collect();

        let first_contact_spread = Spread::of(first_days);
        let bands = |counts: [u32; WAIT_BANDS.len()]| {
            self::counts(
                WAIT_BANDS
                    .iter()
                    .zip(counts)
                    .map(|((_, label), n)| ((*label).to_owned(), n)),
            )
        };

        crate::model::order::sort_by(&mut waits, |a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.referral_date.cmp(&b.1.referral_date))
        });
        let longest_waits = waits
            .iter()
            .take(LONGEST_WAITS)
            .map(|(days, r)| Waiting {
                referral: r.id,
                reference: ws.reference_of(r.person).to_owned(),
                practice: ws.practice_name(r.practice).to_owned(),
                days: *days,
            })
            .collect();

        let mut mode_counts: Vec<(String, u32)> = self
            .mode_ids
            .iter()
            .zip(modes)
            .filter(|(_, n)| *n > 0)
            .map(|(id, n)| (lists.label(ListKind::ContactModes, id).to_owned(), n))
            .collect();
        crate::model::order::sort_by(&mut mode_counts, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        tiles.booked_dna = booked_dna;
        tiles.did_not_attend = dna.iter().fold(Share::default(), |acc, s| Share {
            count: acc.count + s.count,
            of: acc.of + s.of,
        });

        // Connections: categories in the list's order, statuses in journey order.
        let category_order = |id: &str| {
            lists
                .connection_categories
                .iter()
                .position(|item| item.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut categories: Vec<usize> = (0..self.category_ids.len())
            .filter(|c| {
                connections[c * statuses..(c + 1) * statuses]
                    .iter()
                    .any(|n| *n > 0)
            })
            .collect();
        crate::model::order::sort_by_key(&mut categories, |c| {
            (
                category_order(&self.category_ids[*c]),
                self.category_ids[*c].clone(),
            )
        });
        let used_statuses: Vec<usize> = (0..statuses)
            .filter(|s| categories.iter().any(|c| connections[c * statuses + s] > 0))
            .collect();
        let connections = Stacked {
            categories: categories
                .iter()
                .map(|c| {
                    lists
                        .label(ListKind::ConnectionCategories, &self.category_ids[*c])
                        .to_owned()
                })
                .collect(),
            series: used_statuses
                .iter()
                .map(|s| {
                    (
                        ConnectionStatus::ALL[*s].label().to_owned(),
                        categories
                            .iter()
                            .map(|c| connections[c * statuses + s])
                            .collect(),
                    )
                })
                .collect(),
        };

        let outcomes = self
            .outcome_rows
            .iter()
            .zip(changes)
            .map(
                |((instrument, label, up), (values, [improved, same, worse]))| OutcomeChange {
                    instrument: instrument.clone(),
                    label: label.clone(),
                    higher_is_better: *up,
                    spread: Spread::of(values),
                    improved,
                    same,
                    worse,
                },
            )
            .collect();
        let instruments = ws.instruments();
        let mut recorded: Vec<(&String, [u32; 3])> = self
            .instrument_ids
            .iter()
            .zip(recorded)
            .filter(|(_, n)| n.iter().any(|x| *x > 0))
            .collect();
        crate::model::order::sort_by_key(&mut recorded, |(id, _)| *id);
        let recorded = recorded
            .into_iter()
            .map(|(id, [answered, declined, not_appropriate])| Recorded {
                instrument: instruments
                    .iter()
                    .find(|i| &i.id == id)
                    .map_or_else(|| id.clone(), |i| i.name.clone()),
                answered,
                declined,
                not_appropriate,
            })
            .collect();

        let mut ending_counts: Vec<(String, u32)> = self
            .ending_labels
            .iter()
            .cloned()
            .zip(endings)
            .filter(|(_, n)| *n > 0)
            .collect();
        crate::model::order::sort_by(&mut ending_counts, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });

        crate::model::order::sort_by(&mut quotes, |a, b| {
            b.date.cmp(&a.date).then_with(|| a.text.cmp(&b.text))
        });
        quotes.truncate(RECENT_QUOTES);

        Dashboard {
            tiles,
            caseload,
            by_month_role,
            by_reason: counts(by_reason),
            by_practice,
            first_contact: bands(first_bands),
            first_contact_spread,
            waiting_now: bands(waiting_bands),
            longest_waits,
            attended: counts(
                ATTENDED_BANDS
                    .iter()
                    .zip(attended_bands)
                    .map(|(l, n)| ((*l).to_owned(), n)),
            ),
            modes: counts(mode_counts),
            appointments: Stacked {
                categories: month_labels.clone(),
                series: Booking::LABELS
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        ((*label).to_owned(), bookings.iter().map(|b| b[i]).collect())
                    })
                    .collect(),
            },
            dna_by_month: month_labels.into_iter().zip(dna).collect(),
            connections,
            taken_up,
            outcomes,
            recorded,
            endings: counts(ending_counts),
            breakdowns: Dimension::ALL
                .iter()
                .zip(groups)
                .map(|(dimension, groups)| Breakdown {
                    dimension: *dimension,
                    groups,
                })
                .collect(),
            satisfaction,
            would_recommend,
            quotes,
        }
    }
}

/// Computes every figure for the filter. `today` decides "open now",
/// "this month" and "waiting now". (The app keeps a [`DashboardIndex`] and
/// calls [`DashboardIndex::figures`], so a filter change does not rebuild it.)
pub fn compute(ws: &Workspace, filter: &DashboardFilter, today: NaiveDate) -> Dashboard {
    DashboardIndex::new(ws).figures(ws, filter, today)
}

pub(super) fn role_label(ws: &Workspace, id: &str) -> String {
    if id.is_empty() {
        "Not recorded".into()
    } else {
        ws.settings
            .lists
            .label(ListKind::ReferrerRoles, id)
            .to_owned()
    }
}

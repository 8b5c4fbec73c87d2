//! Making a summary: counting a workspace's records by quarter, month and
//! practice, rounding them once at the finest grain, and releasing only the
//! groups big enough to break down.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::model::lists::ListKind;
use crate::model::{Choice, ContactOutcome, PracticeId, Workspace};
use crate::views::dashboard::{month_index, month_start, Dimension, ATTENDED_BANDS, WAIT_BANDS};
use crate::views::disclosure::{self, Tally};
use crate::work::measures::{headline_changes, Instrument, RECORDED_AS};
use crate::work::practice_work::{Construct, Level};

use super::*;

/// "2026-03".
pub(super) fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// What goes into a summary besides the counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SummaryOptions {
    /// Quotes the person agreed to share (off by default).
    pub include_quotes: bool,
    /// Give each population's total for every month too (breakdowns are
    /// always for whole quarters).
    pub by_month: bool,
}

/// The practice name of a group that adds up practices each too small to
/// be broken down on their own.
pub const FOLDED: &str = "Smaller practices together";

/// The internal table that splits referrals into seen (at least one
/// attended contact) or not; its "seen" part is broken down by number of
/// contacts and by wait, and it is published inside "Referrals by contacts
/// attended".
pub(super) const SEEN_SPLIT: &str = "\u{0}seen";
pub(super) const SEEN: &str = "1 or more";
pub(super) const ATTENDED_TABLE: &str = "Referrals by contacts attended";

/// Records of one population (referrals, contacts, connections, …) in one
/// month at one practice, with how they split in each table.
#[derive(Default)]
pub(super) struct Population {
    total: Tally,
    /// (table, category) → records. In "Referrals by reason" a record is in
    /// any number of categories; in every other table, in exactly one.
    parts: BTreeMap<(String, String), Tally>,
    /// The records of one category of a table, broken down further.
    children: BTreeMap<(String, String), Population>,
}

/// The one table whose categories overlap.
pub(super) const OVERLAPPING: &str = "Referrals by reason";

impl Population {
    pub(super) fn part(&mut self, table: &str, category: &str, key: u64) {
        self.parts
            .entry((table.to_owned(), category.to_owned()))
            .or_default()
            .add(key);
    }

    pub(super) fn child(&mut self, table: &str, category: &str) -> &mut Population {
        self.children
            .entry((table.to_owned(), category.to_owned()))
            .or_default()
    }
}

/// One rounded cell of the finest grain: a table in one month at one
/// practice, true and rounded counts side by side (the true ones never
/// leave this module).
#[derive(Clone, Debug, Default)]
pub(crate) struct BaseCell {
    pub(crate) total: (u32, u32),
    pub(crate) parts: BTreeMap<String, (u32, u32)>,
    pub(crate) partition: bool,
}

/// (table, month index, practice).
pub(crate) type BaseKey = (String, i32, String);

/// Rounds a population whose rounded total is `rounded`, and everything
/// under it, into `out`.
pub(super) fn round_population(
    pop: &Population,
    rounded: u32,
    at: (i32, &str),
    out: &mut BTreeMap<BaseKey, BaseCell>,
) {
    let (month, practice) = at;
    let mut rest = pop.parts.iter().peekable();
    while let Some(((table, _), _)) = rest.peek() {
        let table = table.clone();
        let mut parts: Vec<(&String, Tally)> = Vec::new();
        while let Some(((_, category), t)) = rest.next_if(|((t, _), _)| *t == table) {
            parts.push((category, *t));
        }
        let partition = table != OVERLAPPING;
        let cells: Vec<u32> = if partition {
            let tallies: Vec<Tally> = parts.iter().map(|p| p.1).collect();
            disclosure::round_parts(pop.total, rounded, &tallies)
        } else {
            // Each category on its own splits the population in two.
            parts
                .iter()
                .map(|(_, with)| {
                    let without = pop.total.less(*with);
                    disclosure::round_parts(pop.total, rounded, &[*with, without])[0]
                })
                .collect()
        };
        let mut cell = BaseCell {
            total: (pop.total.count, rounded),
            partition,
            ..BaseCell::default()
        };
        for ((category, t), r) in parts.into_iter().zip(cells) {
            cell.parts.insert(category.clone(), (t.count, r));
            if let Some(child) = pop.children.get(&(table.clone(), category.clone())) {
                round_population(child, r, at, out);
            }
        }
        if table == SEEN_SPLIT {
            // Not seen, beside the seen's bands (rounded just above).
            let none = cell
                .parts
                .get(ATTENDED_BANDS[0])
                .copied()
                .unwrap_or_default();
            let attended = out
                .entry((ATTENDED_TABLE.to_owned(), month, practice.to_owned()))
                .or_insert_with(|| BaseCell {
                    partition: true,
                    ..BaseCell::default()
                });
            attended.total = cell.total;
            attended.parts.insert(ATTENDED_BANDS[0].to_owned(), none);
        } else {
            out.insert((table, month, practice.to_owned()), cell);
        }
    }
}

/// The quarter (0 = January to March of year 0) a month index is in.
pub(crate) fn quarter_of(month: i32) -> i32 {
    month.div_euclid(3)
}

/// "2026-07-01 to 2026-09-30".
pub(super) fn quarter_label(quarter: i32) -> String {
    let (from, to) = quarter_bounds(quarter);
    format!("{from} to {to}")
}

pub(crate) fn quarter_bounds(quarter: i32) -> (NaiveDate, NaiveDate) {
    let from = month_start(quarter * 3);
    let next = month_start(quarter * 3 + 3);
    (from, next.pred_opt().unwrap_or(next))
}

/// The whole quarters that hold `from..=to`: summaries cover whole
/// quarters, so that no two files' periods overlap in part.
pub fn whole_quarters(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        quarter_bounds(quarter_of(month_index(from))).0,
        quarter_bounds(quarter_of(month_index(to))).1,
    )
}

/// Makes the anonymised summary of `ws` for the whole quarters holding
/// `from..=to` (see the [`crate::views::disclosure`] module for how counts are
/// protected).
pub fn summarise(
    ws: &Workspace,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: SummaryOptions,
    generated: DateTime<Utc>,
) -> Summary {
    let (from, to) = whole_quarters(from, to.max(from));
    let (mut base, quotes) = base_cells(ws, from, to, options.include_quotes);
    let known = known_tables(ws);
    fill_grid(ws, from, to, &mut base, &known);
    Summary {
        label: label.trim().to_owned(),
        from,
        to,
        generated,
        protection: Protection::Rounded,
        groups: release(&base, &known, options.by_month),
        outcomes: Vec::new(),
        waits: Vec::new(),
        time: time_rows(ws, from, to),
        checkins: checkin_rows(ws, from, to),
        quotes,
    }
}

/// Every count of the period at one month and practice, counted and
/// rounded, and the quotes to include (if asked for).
pub(crate) fn base_cells(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    include_quotes: bool,
) -> (BTreeMap<BaseKey, BaseCell>, Vec<String>) {
    let lists = &ws.settings.lists;
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let instruments: Vec<Instrument> = ws
        .instruments()
        .into_iter()
        .filter(|i| i.id != "goals")
        .collect();
    let mut pops: BTreeMap<(&'static str, String, i32, String), Population> = BTreeMap::new();
    let pop = |kind: &'static str, sub: &str, day: NaiveDate, practice: &str| {
        (kind, sub.to_owned(), month_index(day), practice.to_owned())
    };
    let mut quotes = Vec::new();
    let groups: Vec<Vec<String>> = Dimension::ALL.iter().map(|d| d.groups()).collect();
    for r in ws.referrals.values() {
        let practice = practice_name(ws, r.practice);
        let p = practice.as_str();
        let key = r.key.0;
        if in_period(r.referral_date) {
            let at = pop("referrals", "", r.referral_date, p);
            let refs = pops.entry(at).or_default();
            refs.total.add(key);
            let role = if r.referrer_role.is_empty() {
                "Not recorded"
            } else {
                lists.label(ListKind::ReferrerRoles, &r.referrer_role)
            };
            refs.part("Referrals by who referred", role, key);
            // Each reason once, even if two ids share a label.
            let mut reasons: Vec<&str> = r
                .reasons
                .iter()
                .map(|x| lists.label(ListKind::Reasons, x))
                .collect();
            crate::model::order::sort_by(&mut reasons, Ord::cmp);
            reasons.dedup();
            for reason in reasons {
                refs.part(OVERLAPPING, reason, key);
            }
            let person = ws.people.get(&r.person);
            for (d, names) in Dimension::ALL.into_iter().zip(&groups) {
                refs.part(dimension_table(d), &names[d.group_index(person)], key);
            }
            match r.first_seen() {
                None => refs.part(SEEN_SPLIT, ATTENDED_BANDS[0], key),
                Some(seen) => {
                    refs.part(SEEN_SPLIT, SEEN, key);
                    let attended = r.attended_count().min(ATTENDED_BANDS.len() - 1);
                    let days = (seen - r.referral_date).num_days().max(0);
                    let band = WAIT_BANDS
                        .iter()
                        .find(|(max, _)| days <= *max)
                        .map_or("", |b| b.1);
                    let child = refs.child(SEEN_SPLIT, SEEN);
                    child.total.add(key);
                    child.part(ATTENDED_TABLE, ATTENDED_BANDS[attended], key);
                    child.part("Days from referral to first contact", band, key);
                }
            }
            for inst in &instruments {
                let threshold = ws.threshold(inst);
                headline_changes(r, inst, threshold, |item, _change, better| {
                    let measure = item.map_or_else(
                        || format!("{}: score", inst.name),
                        |i| format!("{}: {}", inst.name, inst.short_label(i)),
                    );
                    let part = match better {
                        Some(true) => "Improved",
                        Some(false) => "Worse",
                        None => "About the same",
                    };
                    let table = format!("Outcome change: {measure}");
                    let at = pop("pairs", &table, r.referral_date, p);
                    let pairs = pops.entry(at).or_default();
                    pairs.total.add(key);
                    pairs.part(&table, part, key);
                });
            }
            for rec in &r.measures {
                let slot = RECORDED_AS[rec.result.recorded_as()];
                let name = instruments
                    .iter()
                    .find(|i| i.id == rec.instrument)
                    .map_or(rec.instrument.as_str(), |i| i.name.as_str());
                let table = format!("Questionnaires: {name}");
                let at = pop("questionnaires", &table, r.referral_date, p);
                let q = pops.entry(at).or_default();
                let k = r.key.of_part(format!("measure:{}", rec.id.0).as_bytes());
                q.total.add(k);
                q.part(&table, slot, k);
            }
        }
        for c in r.contacts.iter().filter(|c| in_period(c.date)) {
            let k = r.key.of_part(format!("contact:{}", c.id.0).as_bytes());
            let at = pop("contacts", "", c.date, p);
            let contacts = pops.entry(at).or_default();
            contacts.total.add(k);
            contacts.part("Contacts by outcome", c.outcome.label(), k);
            if c.outcome == ContactOutcome::Attended {
                let mode = lists.label(ListKind::ContactModes, &c.mode);
                let attended = contacts.child("Contacts by outcome", c.outcome.label());
                attended.total.add(k);
                attended.part("Attended contacts by mode", mode, k);
            }
        }
        for a in r.appointments.iter().filter(|a| in_period(a.date)) {
            let k = r.key.of_part(format!("appointment:{}", a.id.0).as_bytes());
            let at = pop("appointments", "", a.date, p);
            let booked = pops.entry(at).or_default();
            booked.total.add(k);
            booked.part(APPOINTMENTS_TABLE, booking_label(r.appointment_state(a)), k);
        }
        for t in &r.tasks {
            let Some(done) = t.done.filter(|d| in_period(*d)) else {
                continue;
            };
            let k = r.key.of_part(format!("task:{}", t.id.0).as_bytes());
            let at = pop("tasks", "", done, p);
            let tasks = pops.entry(at).or_default();
            tasks.total.add(k);
            let when = match t.due {
                None => TASKS_DONE[2],
                Some(due) if done <= due => TASKS_DONE[0],
                Some(_) => TASKS_DONE[1],
            };
            tasks.part(TASKS_TABLE, when, k);
        }
        for c in &r.connections {
            let made = c.history.first().map_or(r.referral_date, |h| h.date);
            if in_period(made) {
                let k = r.key.of_part(format!("connection:{}", c.id.0).as_bytes());
                let at = pop("connections", "", made, p);
                let conns = pops.entry(at).or_default();
                conns.total.add(k);
                let category = lists.label(ListKind::ConnectionCategories, &c.category);
                conns.part("Connections by category", category, k);
                conns.part("Connections by status", c.status.label(), k);
            }
        }
        if let Some((date, how)) = r.ending(lists).filter(|(d, _)| in_period(*d)) {
            let at = pop("endings", "", date, p);
            let endings = pops.entry(at).or_default();
            endings.total.add(key);
            endings.part("How episodes ended", how, key);
        }
        let quote = r.shareable_quote();
        if let (true, Some(q), Some(date)) = (include_quotes, quote, r.feedback_date()) {
            if in_period(date) {
                quotes.push(q.to_owned());
            }
        }
    }
    // Round once, at one month and practice.
    let mut base: BTreeMap<BaseKey, BaseCell> = BTreeMap::new();
    for ((_, _, month, practice), pop) in &pops {
        round_population(
            pop,
            disclosure::round_total(pop.total),
            (*month, practice),
            &mut base,
        );
    }
    crate::model::order::sort_by(&mut quotes, Ord::cmp);
    (base, quotes)
}

/// Booked appointments by what became of them, counted by the appointment's day.
pub(super) const APPOINTMENTS_TABLE: &str = "Booked appointments by outcome";
/// What became of a booked appointment, in the summary's words.
pub(super) const BOOKINGS: [&str; 4] = ["Attended", "Did not attend", "Cancelled", "Not recorded"];
/// Tasks done, counted by the day they were done.
pub(super) const TASKS_TABLE: &str = "Tasks done";
pub(super) const TASKS_DONE: [&str; 3] = ["By the due date", "After the due date", "No due date"];

fn booking_label(state: crate::model::diary::AppointmentState) -> &'static str {
    use crate::model::diary::AppointmentState::*;
    match state {
        Marked(ContactOutcome::Attended) => BOOKINGS[0],
        Marked(ContactOutcome::DidNotAttend) => BOOKINGS[1],
        Marked(_) => BOOKINGS[2],
        Booked => BOOKINGS[3],
    }
}

pub(super) fn dimension_table(d: Dimension) -> &'static str {
    match d {
        Dimension::AgeBand => "Referrals by age band",
        Dimension::Sex => "Referrals by sex",
        Dimension::EthnicGroup => "Referrals by ethnic group",
        Dimension::Deprivation => "Referrals by deprivation quintile",
    }
}

/// Every table a summary of this workspace can hold, with every category
/// its lists and instruments allow: a file names them all, whether or not
/// anyone is in them, so the names say nothing about who was counted.
pub(super) fn known_tables(ws: &Workspace) -> BTreeMap<String, Vec<String>> {
    let lists = &ws.settings.lists;
    let labels = |kind: ListKind| -> Vec<String> {
        lists.get(kind).iter().map(|i| i.label.clone()).collect()
    };
    let choices = |all: &[&str]| all.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let mut out = BTreeMap::new();
    let mut roles = labels(ListKind::ReferrerRoles);
    roles.push("Not recorded".into());
    out.insert("Referrals by who referred".to_owned(), roles);
    out.insert(OVERLAPPING.to_owned(), labels(ListKind::Reasons));
    for d in Dimension::ALL {
        out.insert(dimension_table(d).to_owned(), d.groups());
    }
    out.insert(ATTENDED_TABLE.to_owned(), choices(&ATTENDED_BANDS));
    let waits: Vec<&str> = WAIT_BANDS.iter().map(|b| b.1).collect();
    out.insert(
        "Days from referral to first contact".to_owned(),
        choices(&waits),
    );
    let outcomes: Vec<&str> = ContactOutcome::ALL.iter().map(|c| c.label()).collect();
    out.insert("Contacts by outcome".to_owned(), choices(&outcomes));
    out.insert(
        "Attended contacts by mode".to_owned(),
        labels(ListKind::ContactModes),
    );
    out.insert(APPOINTMENTS_TABLE.to_owned(), choices(&BOOKINGS));
    out.insert(TASKS_TABLE.to_owned(), choices(&TASKS_DONE));
    out.insert(
        "Connections by category".to_owned(),
        labels(ListKind::ConnectionCategories),
    );
    let statuses: Vec<&str> = crate::work::directory::ConnectionStatus::ALL
        .iter()
        .map(|c| c.label())
        .collect();
    out.insert("Connections by status".to_owned(), choices(&statuses));
    let mut endings = labels(ListKind::ClosureReasons);
    endings.extend([
        "Declined social prescribing".into(),
        "Needs beyond social prescribing".into(),
    ]);
    out.insert("How episodes ended".to_owned(), endings);
    for inst in ws.instruments().into_iter().filter(|i| i.id != "goals") {
        let directions = choices(&["Improved", "About the same", "Worse"]);
        if inst.scoring == crate::work::measures::Scoring::None {
            for i in 0..inst.items.len() {
                let table = format!("Outcome change: {}: {}", inst.name, inst.short_label(i));
                out.insert(table, directions.clone());
            }
        } else {
            out.insert(format!("Outcome change: {}: score", inst.name), directions);
        }
        out.insert(
            format!("Questionnaires: {}", inst.name),
            choices(&RECORDED_AS),
        );
    }
    out
}

/// Adds an empty cell for every table, month and practice with none, so
/// that whether a group is in a file says nothing about who is in it.
pub(super) fn fill_grid(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    base: &mut BTreeMap<BaseKey, BaseCell>,
    known: &BTreeMap<String, Vec<String>>,
) {
    let mut tables: BTreeMap<String, bool> = BTreeMap::new();
    for t in known.keys() {
        tables.insert(t.clone(), t != OVERLAPPING);
    }
    let mut practices: Vec<String> = ws
        .settings
        .practices
        .iter()
        .map(|p| p.name.clone())
        .collect();
    for ((table, _, practice), cell) in base.iter() {
        tables.insert(table.clone(), cell.partition);
        practices.push(practice.clone());
    }
    crate::model::order::sort_by(&mut practices, Ord::cmp);
    practices.dedup();
    for (table, partition) in tables {
        for month in month_index(from)..=month_index(to) {
            for practice in &practices {
                base.entry((table.clone(), month, practice.clone()))
                    .or_insert_with(|| BaseCell {
                        partition,
                        ..BaseCell::default()
                    });
            }
        }
    }
}

/// Whether a group is big enough to be broken down: at least
/// [`disclosure::SMALLEST_GROUP`], counted and rounded.
pub(super) fn big_enough((counted, rounded): (u32, u32)) -> bool {
    counted >= disclosure::SMALLEST_GROUP && rounded >= disclosure::SMALLEST_GROUP
}

/// The groups a file holds, all sums of the rounded base cells: each
/// population's breakdowns for every quarter and practice big enough, the
/// smaller practices of a quarter together where they are big enough
/// together, totals alone for the rest, and (if asked) each month's totals.
pub(super) fn release(
    base: &BTreeMap<BaseKey, BaseCell>,
    known: &BTreeMap<String, Vec<String>>,
    by_month: bool,
) -> Vec<Group> {
    let add = |a: &mut (u32, u32), b: (u32, u32)| {
        a.0 += b.0;
        a.1 += b.1;
    };
    let mut quarters: BTreeMap<(String, i32, String), BaseCell> = BTreeMap::new();
    let mut categories: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for (t, list) in known {
        categories.insert(t, list.iter().collect());
    }
    for ((table, month, practice), cell) in base {
        let q = quarters
            .entry((table.clone(), quarter_of(*month), practice.clone()))
            .or_insert_with(|| BaseCell {
                partition: cell.partition,
                ..BaseCell::default()
            });
        add(&mut q.total, cell.total);
        for (k, v) in &cell.parts {
            add(q.parts.entry(k.clone()).or_default(), *v);
            categories.entry(table).or_default().push(k);
        }
    }
    for list in categories.values_mut() {
        crate::model::order::sort_by(list, Ord::cmp);
        list.dedup();
    }
    let group = |table: &str, month: String, practice: String, cell: &BaseCell, shown: bool| {
        let parts = if shown {
            categories
                .get(table)
                .into_iter()
                .flatten()
                .map(|k| {
                    let n = cell.parts.get(*k).map_or(0, |v| v.1);
                    ((*k).clone(), Cell::Exact(n))
                })
                .collect()
        } else {
            BTreeMap::new()
        };
        Group {
            table: table.to_owned(),
            month,
            practice,
            total: Cell::Exact(cell.total.1),
            parts,
            partition: cell.partition,
            withheld: (!shown).then_some(Withheld::UnderTen),
            combines: Vec::new(),
        }
    };
    let mut groups = Vec::new();
    let mut small: BTreeMap<(String, i32), (BaseCell, Vec<String>)> = BTreeMap::new();
    for ((table, quarter, practice), cell) in &quarters {
        let shown = big_enough(cell.total);
        groups.push(group(
            table,
            quarter_label(*quarter),
            practice.clone(),
            cell,
            shown,
        ));
        if !shown {
            let (fold, names) = small.entry((table.clone(), *quarter)).or_default();
            fold.partition = cell.partition;
            add(&mut fold.total, cell.total);
            for (k, v) in &cell.parts {
                add(fold.parts.entry(k.clone()).or_default(), *v);
            }
            names.push(practice.clone());
        }
    }
    for ((table, quarter), (fold, names)) in small {
        if names.len() >= 2 && big_enough(fold.total) {
            let mut g = group(
                &table,
                quarter_label(quarter),
                FOLDED.to_owned(),
                &fold,
                true,
            );
            g.combines = names;
            groups.push(g);
        }
    }
    if by_month {
        for ((table, month, practice), cell) in base {
            let mut g = group(
                table,
                month_key(month_start(*month)),
                practice.clone(),
                cell,
                false,
            );
            g.withheld = Some(Withheld::MonthTotal);
            groups.push(g);
        }
    }
    groups
}

pub(super) fn practice_name(ws: &Workspace, id: PracticeId) -> String {
    ws.settings
        .practice(id)
        .map_or_else(|| "Unknown practice".to_owned(), |p| p.name.clone())
}

/// Time on each level by quarter and practice. Community work not tied to
/// a practice is under "All practices". Time with people is given only
/// where 10 or more people were seen in the quarter (otherwise it would be
/// a few people's own time), or for smaller practices together.
pub(super) fn time_rows(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Vec<TimeRow> {
    // (quarter, practice) → minutes on each level, and people seen.
    let mut rows: BTreeMap<(i32, String), ([u32; 3], usize)> = BTreeMap::new();
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let quarter = |d: NaiveDate| quarter_of(month_index(d));
    for r in ws.referrals.values() {
        let mut seen_in: Vec<i32> = Vec::new();
        for c in r
            .contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended && in_period(c.date))
        {
            let q = quarter(c.date);
            let row = rows.entry((q, practice_name(ws, r.practice))).or_default();
            row.0[0] += c.minutes;
            if !seen_in.contains(&q) {
                seen_in.push(q);
                row.1 += 1;
            }
        }
        // Work on the person's behalf is time with people too.
        for n in r
            .case_notes
            .iter()
            .filter(|n| n.kind == crate::model::diary::NoteKind::OnBehalf && in_period(n.date))
        {
            let row = rows
                .entry((quarter(n.date), practice_name(ws, r.practice)))
                .or_default();
            row.0[0] += n.minutes;
        }
    }
    for a in ws
        .practice_work
        .activities
        .iter()
        .filter(|a| in_period(a.date))
    {
        let practice = a
            .practice
            .map_or_else(|| "All practices".to_owned(), |p| practice_name(ws, p));
        let slot = match a.kind.level() {
            Level::Practice => 1,
            Level::Community => 2,
        };
        rows.entry((quarter(a.date), practice)).or_default().0[slot] += a.minutes;
    }
    let enough = |people: usize| people >= disclosure::SMALLEST_GROUP as usize;
    // Rows come quarter by quarter: the smaller practices of each are added
    // up as they pass, and given together at the end of their quarter.
    let mut out: Vec<TimeRow> = Vec::new();
    let mut together: Option<(i32, u32, usize, Vec<String>)> = None;
    let flush = |t: Option<(i32, u32, usize, Vec<String>)>, out: &mut Vec<TimeRow>| {
        if let Some((q, person, _, names)) = t.filter(|t| t.3.len() >= 2 && enough(t.2)) {
            out.push(TimeRow {
                month: quarter_label(q),
                practice: FOLDED.to_owned(),
                person_minutes: Some(person),
                practice_minutes: 0,
                community_minutes: 0,
                combines: names,
            });
        }
    };
    for ((q, practice), ([person, practice_minutes, community], seen)) in rows {
        if together.as_ref().is_some_and(|t| t.0 != q) {
            flush(together.take(), &mut out);
        }
        let shown = enough(seen);
        if !shown && person > 0 {
            let t = together.get_or_insert_with(|| (q, 0, 0, Vec::new()));
            t.1 += person;
            t.2 += seen;
            t.3.push(practice.clone());
        }
        out.push(TimeRow {
            month: quarter_label(q),
            practice,
            person_minutes: shown.then_some(person),
            practice_minutes,
            community_minutes: community,
            combines: Vec::new(),
        });
    }
    flush(together, &mut out);
    out
}

/// Each practice's latest check-in in the period.
pub(super) fn checkin_rows(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Vec<CheckInRow> {
    ws.settings
        .practices
        .iter()
        .filter_map(|p| {
            let c = ws
                .practice_work
                .checkins_of(p.id)
                .into_iter()
                .rev()
                .find(|c| from <= c.date && c.date <= to)?;
            Some(CheckInRow {
                practice: p.name.clone(),
                date: c.date,
                scores: Construct::ALL.iter().map(|k| c.score(*k)).collect(),
                continuum: c.continuum.map(|x| x.label().to_owned()),
                in_place: c.in_place() as u32,
            })
        })
        .collect()
}

/// The last complete quarter (January, April, July, October) before `today`.
pub fn last_quarter(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let this_quarter = month_index(today) - (today.month0() % 3) as i32;
    let this = month_start(this_quarter);
    (
        month_start(this_quarter - 3),
        this.pred_opt().unwrap_or(this),
    )
}

/// The last `n` complete quarters before `today`, newest first: the
/// periods a summary can cover.
pub fn complete_quarters(today: NaiveDate, n: usize) -> Vec<(NaiveDate, NaiveDate)> {
    let last = quarter_of(month_index(today)) - 1;
    (0..n as i32).map(|i| quarter_bounds(last - i)).collect()
}

/// "July to September 2026", for the quarter starting on `from`.
pub fn quarter_name(from: NaiveDate) -> String {
    let (start, end) = quarter_bounds(quarter_of(month_index(from)));
    format!("{} to {}", start.format("%B"), end.format("%B %Y"))
}

/// A file name for a summary: label, period, nothing personal.
pub fn file_name(s: &Summary) -> String {
    let slug: String = s
        .label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("linkwork-summary-{slug}-{}-to-{}.json", s.from, s.to)
}

/// Summary files of `workers` made-up link workers (each with their own
/// generated caseload) for the four quarters from October 2025, by month:
/// (file name, file text). For benchmarks of the manager view.
pub fn demo_summary_files(workers: u64, today: NaiveDate) -> Vec<(String, String)> {
    use crate::work::demo::{generate, DemoSpec};
    struct Zeros;
    impl crate::store::crypto::Random for Zeros {
        fn fill(&mut self, out: &mut [u8]) {
            out.fill(0);
        }
    }
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
    let options = SummaryOptions {
        by_month: true,
        ..SummaryOptions::default()
    };
    let mut files = Vec::new();
    for worker in 0..workers {
        let spec = DemoSpec {
            seed: 1000 + worker,
            ..DemoSpec::standard()
        };
        let ws = generate(&spec, today);
        for (from, to) in &quarters {
            let label = format!("Link worker {worker}");
            let s = summarise(&ws, &label, *from, *to, options, generated);
            files.push((file_name(&s), s.to_file(None, &mut Zeros)));
        }
    }
    files
}

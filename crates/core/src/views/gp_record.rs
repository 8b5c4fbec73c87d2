//! The GP record entry: the SNOMED CT concepts for a referral, with their dates, ready to
//! paste into EMIS Web or SystmOne, and one line of summary when the person agreed to words
//! going back. For one referral, or for a week across the caseload.
//!
//! The concepts are the two NHS England names for social prescribing link workers to code
//! (see [`crate::work::snomed`]): "referral to social prescribing service" once an episode
//! is taken up, and "social prescribing declined" when the person says no.

use chrono::{Duration, NaiveDate};

use crate::model::consent::GpShare;
use crate::model::lists::ListKind;
use crate::model::{Choice, Referral, ReferralId, ReferralStatus, Workspace};
use crate::work::snomed::{Concept, DECLINED, REFERRAL};

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// One concept to code, with the date it is coded on and the day it became due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coded {
    pub concept: Concept,
    /// The date to give it in the GP record.
    pub date: NaiveDate,
    /// The day it became known, which places it in a week's entry.
    pub known: NaiveDate,
}

/// The concepts a referral should have in the GP record. An episode is taken up once the
/// person is seen or the work starts; it is then coded on its referral date. A declined
/// referral is coded on the day it was declined.
pub fn codes_of(r: &Referral) -> Vec<Coded> {
    let mut out = Vec::new();
    let active = r
        .history
        .iter()
        .find(|h| h.status == ReferralStatus::Active)
        .map(|h| h.date);
    let taken_up = match (r.first_seen(), active) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(known) = taken_up {
        out.push(Coded {
            concept: REFERRAL,
            date: r.referral_date,
            known,
        });
    }
    if let Some(h) = r
        .history
        .iter()
        .rev()
        .find(|h| h.status == ReferralStatus::Declined)
    {
        out.push(Coded {
            concept: DECLINED,
            date: h.date,
            known: h.date,
        });
    }
    out
}

/// One line of summary for the GP, in plain words: how often the person was seen, what
/// they were connected to (leaving out any organisation they withdrew consent for), and how
/// the episode stands.
fn summary_line(ws: &Workspace, r: &Referral) -> String {
    use crate::model::consent::{ConsentAbout, ConsentAnswer};
    let lists = &ws.settings.lists;
    let mut parts = Vec::new();
    let seen = r.attended_count();
    parts.push(match seen {
        0 => "not seen yet".to_owned(),
        1 => "seen once".to_owned(),
        n => format!("seen {n} times"),
    });
    let mut connected: Vec<&str> = Vec::new();
    for c in r.connections.iter().filter(|c| {
        r.consent(ConsentAbout::Connection(c.id))
            .is_none_or(|e| e.answer != ConsentAnswer::No)
    }) {
        // Each organisation once, however many times the person was connected to it.
        if !connected.contains(&c.name.as_str()) {
            connected.push(&c.name);
        }
    }
    if !connected.is_empty() {
        parts.push(format!("connected to {}", connected.join(", ")));
    }
    parts.push(match (&r.closure, r.status) {
        (Some(c), ReferralStatus::Closed) => format!(
            "closed {} ({})",
            day(c.date),
            lists
                .label(ListKind::ClosureReasons, &c.reason)
                .to_lowercase()
        ),
        (_, s) => format!(
            "{} since {}",
            s.label().to_lowercase(),
            day(r.status_since())
        ),
    });
    format!("Social prescribing link worker: {}.", parts.join("; "))
}

/// The lines for one referral, following the consent in force, or `None` when nothing may
/// go back (no such referral, or the person did not agree to anything going to the GP).
fn lines_for(ws: &Workspace, r: &Referral, codes: &[Coded]) -> Option<Vec<String>> {
    let share = r.gp_share();
    if share == GpShare::Nothing {
        return None;
    }
    let mut out: Vec<String> = codes
        .iter()
        .map(|c| format!("{}  {}", day(c.date), c.concept.line()))
        .collect();
    if share == GpShare::Everything {
        out.push(summary_line(ws, r));
    }
    Some(out)
}

/// The GP record entry for one referral, or `None` when nothing may go back to the GP.
/// With nothing to code yet it says so.
pub fn gp_entry(ws: &Workspace, id: ReferralId) -> Option<String> {
    let r = ws.referrals.get(&id)?;
    let codes = codes_of(r);
    let mut lines = lines_for(ws, r, &codes)?;
    let mut out = vec![format!(
        "GP record entry: {} ({})",
        ws.reference_of(r.person),
        ws.practice_name(r.practice)
    )];
    if codes.is_empty() {
        out.push("Nothing to code yet: the referral is coded once the person is seen, or when they decline.".to_owned());
    }
    out.append(&mut lines);
    Some(out.join("\n"))
}

/// A week's GP record entries across the caseload, practice by practice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpWeek {
    /// Ready to paste; empty when there is nothing to code that week.
    pub text: String,
    /// Referrals with a code that week.
    pub entries: usize,
    /// Referrals with a code that week left out because the person did not agree to
    /// anything going back to the GP.
    pub left_out: usize,
}

/// A person's reference and their entry's lines.
type PersonLines = (String, Vec<String>);

/// The entries for codes that became due in the week starting `monday` (seven days).
pub fn gp_week(ws: &Workspace, monday: NaiveDate) -> GpWeek {
    let end = monday + Duration::days(6);
    let mut by_practice: Vec<(String, Vec<PersonLines>)> = Vec::new();
    let mut entries = 0;
    let mut left_out = 0;
    for r in ws.referrals.values() {
        let codes: Vec<Coded> = codes_of(r)
            .into_iter()
            .filter(|c| (monday..=end).contains(&c.known))
            .collect();
        if codes.is_empty() {
            continue;
        }
        let Some(lines) = lines_for(ws, r, &codes) else {
            left_out += 1;
            continue;
        };
        entries += 1;
        let practice = ws.practice_name(r.practice).to_owned();
        let at = match by_practice.iter().position(|(p, _)| *p == practice) {
            Some(i) => i,
            None => {
                by_practice.push((practice, Vec::new()));
                by_practice.len() - 1
            }
        };
        by_practice[at]
            .1
            .push((ws.reference_of(r.person).to_owned(), lines));
    }
    crate::model::order::sort_by_key(&mut by_practice, |(p, _)| p.clone());
    for (_, people) in &mut by_practice {
        crate::model::order::sort_by_key(people, |(reference, lines)| {
            (reference.clone(), lines.clone())
        });
    }
    let mut out = Vec::new();
    if entries > 0 {
        out.push(format!(
            "GP record entries for the week {} to {}",
            day(monday),
            day(end)
        ));
    }
    for (practice, people) in by_practice {
        out.push(String::new());
        out.push(practice);
        for (reference, lines) in people {
            out.push(format!("{reference}:"));
            out.extend(lines.into_iter().map(|l| format!("  {l}")));
        }
    }
    GpWeek {
        text: out.join("\n"),
        entries,
        left_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::consent::{ConsentAbout, ConsentAnswer};
    use crate::testing::{one_referral_ws, today};
    use crate::work::consent::answer;
    use crate::work::journey::{ContactDraft, Transition};

    fn seen_ws() -> (Workspace, ReferralId) {
        let mut ws = one_referral_ws(); // RV-0001, referred 2 Nov 2026
        let id = *ws.referrals.keys().next().expect("one");
        let c = ContactDraft {
            date: "2026-11-05".into(),
            mode: "telephone".into(),
            ..ContactDraft::new(today(), None)
        };
        ws.add_contact(id, &c, today()).expect("contact");
        (ws, id)
    }

    #[test]
    fn an_entry_codes_the_referral_once_seen_and_adds_words_only_with_consent() {
        let (mut ws, id) = seen_ws();
        // Not asked yet: codes and dates only.
        let text = gp_entry(&ws, id).expect("entry");
        assert!(
            text.contains(
                "2 Nov 2026  SNOMED CT 871731000000106 |Referral to social prescribing service|"
            ),
            "{text}"
        );
        assert!(!text.contains("Social prescribing link worker:"), "{text}");
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::Yes);
        let text = gp_entry(&ws, id).expect("entry");
        assert!(
            text.contains("Social prescribing link worker: seen once; active since"),
            "{text}"
        );
        assert_eq!(
            text.lines().count(),
            3,
            "a heading, one code, one line of summary"
        );
        // An organisation connected twice is named once.
        for n in 1..=2 {
            ws.referrals.get_mut(&id).expect("one").connections.push(
                crate::model::directory::Connection {
                    id: crate::model::directory::ConnectionId::legacy(n),
                    resource: None,
                    name: "Men's shed".into(),
                    category: "social".into(),
                    status: crate::model::directory::ConnectionStatus::Referred,
                    history: Vec::new(),
                    feedback: String::new(),
                },
            );
        }
        let text = gp_entry(&ws, id).expect("entry");
        assert_eq!(text.matches("Men's shed").count(), 1, "{text}");
        answer(
            &mut ws,
            id,
            ConsentAbout::GpInformation,
            ConsentAnswer::CodesOnly,
        );
        let text = gp_entry(&ws, id).expect("entry");
        assert!(!text.contains("seen once"), "codes only honoured: {text}");
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::No);
        assert_eq!(gp_entry(&ws, id), None, "nothing goes back");
    }

    #[test]
    fn a_declined_referral_is_coded_declined_on_its_day_and_not_as_taken_up() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        assert!(gp_entry(&ws, id)
            .expect("entry")
            .contains("Nothing to code yet"));
        ws.change_status(
            id,
            Transition::Decline {
                note: String::new(),
            },
            "2026-11-04",
            today(),
        )
        .expect("declined");
        let text = gp_entry(&ws, id).expect("entry");
        assert!(
            text.contains("4 Nov 2026  SNOMED CT 871711000000103 |Social prescribing declined|"),
            "{text}"
        );
        assert!(!text.contains("871731000000106"));
    }

    #[test]
    fn a_week_lists_what_became_due_that_week_and_counts_who_is_left_out() {
        let (mut ws, id) = seen_ws(); // seen on Thursday 5 Nov 2026
        let monday = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        let week = gp_week(&ws, monday);
        assert_eq!((week.entries, week.left_out), (1, 0));
        assert!(
            week.text.contains(
                "Riverside Medical Practice\nRV-0001:\n  2 Nov 2026  SNOMED CT 871731000000106"
            ),
            "{}",
            week.text
        );
        let next = gp_week(&ws, monday + Duration::days(7));
        assert_eq!((next.entries, next.text.as_str()), (0, ""));
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::No);
        let week = gp_week(&ws, monday);
        assert_eq!((week.entries, week.left_out), (0, 1));
        assert!(!week.text.contains("RV-0001"));
    }
}

//! The message back to the GP and referrer, modelled on the PRSB social
//! prescribing standard's "message back": what happened, in a few lines.

use chrono::NaiveDate;

use crate::model::consent::{ConsentAbout, ConsentAnswer, GpShare};
use crate::model::lists::ListKind;
use crate::model::{Choice, ContactOutcome, ReferralId, ReferralStatus, Workspace};
use crate::views::gp_record::codes_of;
use crate::work::measures::{baseline_and_latest, changes, MeasureResult};
use crate::work::snomed::REFERRAL;

/// Which message to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageOptions {
    /// Only codes and dates, for people who do not want the detail shared.
    pub codes_only: bool,
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Writes the message for a referral on `today`, following the consent in force: `None` if
/// it does not exist or the person has not agreed to anything going back to the GP; codes
/// and dates only if that is all they agreed to (no reason for a closure, no words about
/// their needs); otherwise the words too, without the outcome changes unless they agreed
/// to share them, and without any organisation they withdrew consent to be referred to.
/// The link worker's own task wording never goes back (a to-do may name anyone or hold
/// a concern): what happens next is the next appointment booked, by its date.
pub fn message_back(
    ws: &Workspace,
    id: ReferralId,
    options: MessageOptions,
    today: NaiveDate,
) -> Option<String> {
    let r = ws.referrals.get(&id)?;
    let options = match r.gp_share() {
        GpShare::Nothing => return None,
        GpShare::CodesOnly => MessageOptions { codes_only: true },
        GpShare::Everything => options,
    };
    let lists = &ws.settings.lists;
    let person = ws
        .people
        .get(&r.person)
        .map_or("", |p| p.reference.as_str());
    let practice = ws
        .settings
        .practice(r.practice)
        .map_or("", |p| p.name.as_str());
    let mut out = Vec::new();
    out.push("Social prescribing: message back to the GP and referrer".to_owned());
    out.push(String::new());
    out.push(format!("Person (reference): {person}"));
    out.push(format!("Practice: {practice}"));
    out.push(format!(
        "Referred: {} by {}",
        day(r.referral_date),
        lists.label(ListKind::ReferrerRoles, &r.referrer_role)
    ));
    // The same codes as the GP record entry: the referral once the episode was taken up
    // (an episode closed without contact, for example unable to contact, was not), and a
    // decline on its day, even if the episode was reopened since.
    for coded in codes_of(r) {
        let when = if coded.concept == REFERRAL {
            "once for this episode".to_owned()
        } else {
            day(coded.date)
        };
        out.push(format!(
            "Code for the GP record: {} ({when})",
            coded.concept.line()
        ));
    }
    if let Some(first) = r.first_seen() {
        out.push(format!("First seen: {}", day(first)));
    }
    let status_line = match (&r.closure, r.status) {
        // Codes and dates only: the dates, not why the episode ended or what the person
        // needs (a closure reason may say they died or withdrew).
        (Some(c), ReferralStatus::Closed) if options.codes_only => {
            format!("Closed: {}", day(c.date))
        }
        (_, ReferralStatus::NeedsBeyond) if options.codes_only => {
            format!("Episode ended: {}", day(r.status_since()))
        }
        (Some(c), ReferralStatus::Closed) => format!(
            "Closed: {} ({})",
            day(c.date),
            lists.label(ListKind::ClosureReasons, &c.reason)
        ),
        (_, ReferralStatus::NeedsBeyond) => format!(
            "Needs beyond social prescribing ({})",
            day(r.status_since())
        ),
        (_, s) => format!("Status: {} since {}", s.label(), day(r.status_since())),
    };
    out.push(status_line);
    if options.codes_only {
        return Some(finish(out, ws));
    }
    out.push(String::new());
    out.push(format!(
        "Reasons for referral: {}",
        r.reasons
            .iter()
            .map(|id| lists.label(ListKind::Reasons, id))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    if !r.what_matters.is_empty() {
        out.push(format!("What matters to the person: {}", r.what_matters));
    }
    if r.status == ReferralStatus::NeedsBeyond && !r.outcome_note.is_empty() {
        out.push(format!("What was done instead: {}", r.outcome_note));
    }
    if !r.contacts.is_empty() {
        let attended = r.attended_count();
        let mut modes: Vec<(String, usize)> = Vec::new();
        for c in r
            .contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended)
        {
            let label = lists.label(ListKind::ContactModes, &c.mode).to_lowercase();
            match modes.iter_mut().find(|(m, _)| *m == label) {
                Some((_, n)) => *n += 1,
                None => modes.push((label, 1)),
            }
        }
        let kinds = modes
            .iter()
            .map(|(m, n)| format!("{n} {m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (from, to) = (
            r.contacts.first().map(|c| c.date),
            r.contacts.last().map(|c| c.date),
        );
        let span = match (from, to) {
            (Some(a), Some(b)) if a != b => format!(" between {} and {}", day(a), day(b)),
            (Some(a), _) => format!(" on {}", day(a)),
            _ => String::new(),
        };
        out.push(format!(
            "Support given: seen {attended} time{}{}{span}.",
            if attended == 1 { "" } else { "s" },
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({kinds})")
            }
        ));
    }
    let connections: Vec<_> = r
        .connections
        .iter()
        .filter(|c| {
            r.consent(ConsentAbout::Connection(c.id))
                .is_none_or(|e| e.answer != ConsentAnswer::No)
        })
        .collect();
    if !connections.is_empty() {
        let list = connections
            .iter()
            .map(|c| {
                format!(
                    "{} ({}): {}",
                    c.name,
                    lists
                        .label(ListKind::ConnectionCategories, &c.category)
                        .to_lowercase(),
                    c.status.label().to_lowercase()
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push(format!("Connected to: {list}."));
    }
    // Each measured instrument once, in the order the app lists them.
    let measured: Vec<String> = ws
        .instruments()
        .into_iter()
        .map(|i| i.id)
        .filter(|id| r.measures.iter().any(|m| m.instrument == *id))
        .collect();
    if !measured.is_empty() {
        if r.consents_to(ConsentAbout::Outcomes) {
            for id in &measured {
                let (Some(inst), Some((b, l))) =
                    (ws.instrument_for(id, r), baseline_and_latest(r, id))
                else {
                    continue;
                };
                let parts: Vec<String> = changes(&inst, b, l, ws.threshold(&inst))
                    .into_iter()
                    .map(|c| {
                        let banded = |v: f64, band: &Option<String>| match band {
                            Some(b) => format!("{} ({})", number(v), b.to_lowercase()),
                            None => number(v),
                        };
                        format!(
                            "{} {} → {}",
                            c.short.to_lowercase(),
                            banded(c.baseline, &c.baseline_band),
                            banded(c.latest, &c.latest_band)
                        )
                    })
                    .collect();
                out.push(format!(
                    "{} ({} to {}): {}.",
                    inst.name,
                    day(b.date),
                    day(l.date),
                    parts.join("; ")
                ));
            }
            let declined = r
                .measures
                .iter()
                .filter(|m| !matches!(m.result, MeasureResult::Answers { .. }))
                .count();
            if declined > 0 {
                out.push(format!(
                    "{} declined or not appropriate at the time.",
                    crate::views::words::count(declined, "questionnaire", "questionnaires")
                ));
            }
        } else {
            out.push(
                "Outcome measures are not included: the person has not agreed to share them."
                    .to_owned(),
            );
        }
    }
    // What happens next, as the referrer would want to know: the next appointment booked
    // (while the episode is open). Never a task's own words.
    if let Some(a) = r
        .status
        .is_open()
        .then(|| r.next_appointment(today))
        .flatten()
    {
        out.push(format!("Next appointment booked: {}.", day(a.date)));
    }
    Some(finish(out, ws))
}

fn finish(mut out: Vec<String>, ws: &Workspace) -> String {
    out.push(String::new());
    let contact = ws.settings.link_worker_contact.trim();
    out.push(if contact.is_empty() {
        "Link worker: (add your contact details in Settings)".to_owned()
    } else {
        format!("Link worker: {contact}")
    });
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};
    use crate::work::consent::answer;
    use crate::work::journey::{ContactDraft, Transition};
    use crate::work::measures::{Completion, MeasureDraft, TimePoint};

    fn journey_ws() -> (Workspace, ReferralId) {
        let mut ws = one_referral_ws(); // RV-0001, referred 2 Nov 2026 by GP
        let id = *ws.referrals.keys().next().expect("one");
        ws.settings.link_worker_contact = "Sam, 01632 960000".into();
        for (d, mode) in [
            ("2026-11-05", "telephone"),
            ("2026-11-09", "practice"),
            ("2026-11-16", "practice"),
        ] {
            let c = ContactDraft {
                date: d.into(),
                mode: mode.into(),
                ..ContactDraft::new(today(), None)
            };
            ws.add_contact(id, &c, today()).expect("contact");
        }
        let m = |tp, date: &str, answers| MeasureDraft {
            instrument: "ons4".into(),
            time_point: tp,
            date: date.into(),
            completion: Completion::SelfCompleted,
            result: MeasureResult::Answers { answers },
        };
        ws.record_measure(
            id,
            &m(TimePoint::Baseline, "2026-11-05", vec![3, 4, 4, 8]),
            today(),
        )
        .expect("baseline");
        // A declined SWEMWBS in between: ONS4 must still be reported once.
        let declined = MeasureDraft {
            instrument: "swemwbs".into(),
            result: MeasureResult::Declined {
                reason: String::new(),
            },
            ..m(TimePoint::Baseline, "2026-11-05", Vec::new())
        };
        ws.record_measure(id, &declined, today()).expect("declined");
        ws.record_measure(
            id,
            &m(TimePoint::Review, "2026-11-16", vec![6, 6, 7, 4]),
            today(),
        )
        .expect("review");
        ws.referrals.get_mut(&id).expect("one").what_matters = "Getting out of the house".into();
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::Yes);
        ws.change_status(
            id,
            Transition::Close {
                reason: "connected".into(),
            },
            "2026-11-20",
            today(),
        )
        .expect("closed");
        (ws, id)
    }

    #[test]
    fn the_message_tells_the_story_and_codes_the_referral() {
        let (mut ws, id) = journey_ws();
        answer(&mut ws, id, ConsentAbout::Outcomes, ConsentAnswer::Yes);
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert_eq!(text.matches("ONS4 personal wellbeing").count(), 1, "{text}");
        assert!(
            text.contains("1 questionnaire declined or not appropriate"),
            "{text}"
        );
        for expected in [
            "Person (reference): RV-0001",
            "Referred: 2 Nov 2026 by GP",
            "SNOMED CT 871731000000106",
            "First seen: 5 Nov 2026",
            "Closed: 20 Nov 2026 (Connected to community support)",
            "What matters to the person: Getting out of the house",
            "Support given: seen 3 times (1 telephone, 2 at the practice) between 5 Nov 2026 and 16 Nov 2026.",
            "ONS4 personal wellbeing (5 Nov 2026 to 16 Nov 2026): life satisfaction 3 (low) → 6 (medium); worthwhile 4 (low) → 6 (medium); happiness 4 (low) → 7 (high); anxiety 8 (high) → 4 (medium).",
            "Link worker: Sam, 01632 960000",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn outcomes_stay_out_without_the_persons_agreement() {
        let (ws, id) = journey_ws();
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(!text.contains("3 → 6"), "{text}");
        assert!(text.contains("the person has not agreed to share them"));
    }

    #[test]
    fn codes_and_dates_only_leaves_the_detail_out() {
        let (mut ws, id) = journey_ws();
        answer(&mut ws, id, ConsentAbout::Outcomes, ConsentAnswer::Yes);
        let text =
            message_back(&ws, id, MessageOptions { codes_only: true }, today()).expect("written");
        assert!(text.contains("SNOMED CT 871731000000106"));
        assert!(text.contains("Closed: 20 Nov 2026"));
        for private in [
            "Getting out of the house",
            "→",
            "Support given",
            "Reasons for referral",
        ] {
            assert!(!text.contains(private), "{private} in\n{text}");
        }
    }

    #[test]
    fn an_episode_closed_without_contact_is_not_coded_as_accepted() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        // With words going back, the reason is given.
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::Yes);
        ws.change_status(
            id,
            Transition::Close {
                reason: "no_contact".into(),
            },
            "2026-11-20",
            today(),
        )
        .expect("closed");
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(!text.contains("871731000000106"), "{text}");
        assert!(text.contains("Closed: 20 Nov 2026 (Unable to contact)"));
    }

    /// One referral (RV-0001), declined on 4 Nov 2026.
    fn declined_on_4_november() -> (Workspace, ReferralId) {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        ws.change_status(
            id,
            Transition::Decline {
                note: String::new(),
            },
            "2026-11-04",
            today(),
        )
        .expect("declined");
        (ws, id)
    }

    #[test]
    fn a_declined_referral_carries_the_declined_code() {
        let (ws, id) = declined_on_4_november();
        let text =
            message_back(&ws, id, MessageOptions { codes_only: true }, today()).expect("written");
        assert!(
            text.contains("SNOMED CT 871711000000103 |Social prescribing declined| (4 Nov 2026)")
        );
        assert!(
            !text.contains("871731000000106"),
            "not accepted, so not coded as a referral"
        );
    }

    #[test]
    fn each_withdrawal_narrows_the_message_back() {
        let (mut ws, id) = journey_ws();
        answer(&mut ws, id, ConsentAbout::Outcomes, ConsentAnswer::Yes);
        let connection = crate::model::directory::ConnectionId::legacy(1);
        ws.referrals.get_mut(&id).expect("one").connections.push(
            crate::model::directory::Connection {
                id: connection,
                resource: None,
                name: "Riverside Walking Group".into(),
                category: "physical_activity".into(),
                status: crate::model::directory::ConnectionStatus::Referred,
                history: Vec::new(),
                feedback: String::new(),
            },
        );
        let full = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(full.contains("3 (low) → 6") && full.contains("Riverside Walking Group"));
        // Withdrawing consent to be referred on leaves that organisation out.
        answer(
            &mut ws,
            id,
            ConsentAbout::Connection(connection),
            ConsentAnswer::No,
        );
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(!text.contains("Riverside Walking Group"), "{text}");
        assert!(text.contains("3 (low) → 6"));
        // Withdrawing consent to share outcomes leaves the scores out.
        answer(&mut ws, id, ConsentAbout::Outcomes, ConsentAnswer::No);
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(!text.contains("3 (low) → 6"), "{text}");
        assert!(text.contains("Getting out of the house"));
        // Codes only: whatever the form asks for, no words go back.
        answer(
            &mut ws,
            id,
            ConsentAbout::GpInformation,
            ConsentAnswer::CodesOnly,
        );
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(text.contains("SNOMED CT 871731000000106"));
        assert!(!text.contains("Getting out of the house"), "{text}");
        assert!(text.lines().count() < full.lines().count());
        // Nothing: there is no message at all.
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::No);
        assert_eq!(
            message_back(&ws, id, MessageOptions::default(), today()),
            None
        );
    }

    #[test]
    fn codes_and_dates_only_say_no_words_about_why_an_episode_ended() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        answer(
            &mut ws,
            id,
            ConsentAbout::GpInformation,
            ConsentAnswer::CodesOnly,
        );
        ws.change_status(
            id,
            Transition::Close {
                reason: "died".into(),
            },
            "2026-11-20",
            today(),
        )
        .expect("closed");
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(text.contains("Closed: 20 Nov 2026"), "{text}");
        assert!(!text.contains("Died"), "{text}");

        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        ws.change_status(
            id,
            Transition::NeedsBeyond {
                action: "Referred to the crisis team".into(),
            },
            "2026-11-19",
            today(),
        )
        .expect("needs beyond");
        // Nothing asked yet about the GP: codes and dates only.
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(text.contains("Episode ended: 19 Nov 2026"), "{text}");
        assert!(
            !text.contains("beyond") && !text.contains("crisis"),
            "{text}"
        );
    }

    #[test]
    fn the_link_workers_task_wording_never_goes_back_only_the_next_appointment() {
        let (mut ws, id) = journey_ws();
        ws.change_status(id, Transition::Reopen, "2026-11-21", today())
            .expect("reopened");
        for text in [
            "Chase Riverside Walking Group: first walk",
            "Ring safeguarding lead: son takes her pension card",
        ] {
            ws.add_task(
                crate::work::diary::TaskOwner::Referral(id),
                &crate::work::diary::TaskDraft {
                    text: text.into(),
                    due: "2026-11-25".into(),
                },
            )
            .expect("task");
        }
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        for private in [
            "Walking Group",
            "safeguarding",
            "pension",
            "Chase",
            "Next step",
        ] {
            assert!(!text.contains(private), "{private} in {text}");
        }
        ws.book_appointment(
            id,
            &crate::work::diary::AppointmentDraft {
                place: "Room 3".into(),
                ..crate::testing::booking("2026-11-26", "10:00", "telephone")
            },
            today(),
        )
        .expect("booked");
        let text = message_back(&ws, id, MessageOptions::default(), today()).expect("written");
        assert!(
            text.contains("Next appointment booked: 26 Nov 2026."),
            "{text}"
        );
        assert!(!text.contains("Room 3"), "{text}");
        // Once that day has passed, it is not "next" any more.
        let later = "2026-11-27".parse().expect("date");
        let text = message_back(&ws, id, MessageOptions::default(), later).expect("written");
        assert!(!text.contains("Next appointment"), "{text}");
    }

    #[test]
    fn a_decline_later_reopened_is_coded_as_the_gp_record_entry_codes_it() {
        let (mut ws, id) = declined_on_4_november();
        ws.change_status(id, Transition::Reopen, "2026-11-10", today())
            .expect("reopened");
        let text =
            message_back(&ws, id, MessageOptions { codes_only: true }, today()).expect("written");
        let coded: Vec<String> = crate::views::gp_record::codes_of(&ws.referrals[&id])
            .iter()
            .map(|c| c.concept.line())
            .collect();
        assert_eq!(coded.len(), 2, "taken up and declined");
        for line in &coded {
            assert!(text.contains(line.as_str()), "{line} missing from {text}");
        }
        assert!(text.contains("871711000000103 |Social prescribing declined| (4 Nov 2026)"));
    }
}

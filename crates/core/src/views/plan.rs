//! The person's own copy of their plan: written to them, in plain words. It holds what
//! matters to them, their goals, what was agreed (who does what, by when), the services
//! they chose and how to reach them, their next appointment and how to reach the link
//! worker. Nothing else: no reference, codes, risks, case notes, reasons or statuses.

use chrono::{Datelike, NaiveDate};

use crate::model::consent::{ConsentAbout, ConsentAnswer};
use crate::model::directory::ConnectionStatus;
use crate::model::lists::ListKind;
use crate::model::plan::ActionBy;
use crate::model::{ReferralId, Workspace};

/// Every fixed word of the person's copy, in one place, so that its reading level can be
/// tested. `{…}` marks where the person's own details go.
pub mod wording {
    pub const TITLE: &str = "Your plan";
    pub const INTRO: &str = "This is your plan. We made it together.";
    pub const EMPTY: &str =
        "We have not written your plan yet. We will do it together when we next meet.";
    pub const OUTRO: &str = "We can change your plan at any time. Just ask me.";
    pub const WHAT_MATTERS: &str = "What matters to you";
    pub const GOALS: &str = "Your goals";
    pub const AGREED: &str = "What we agreed";
    pub const CONTACTS: &str = "Who to contact";
    pub const NEXT: &str = "Your next appointment";
    pub const REACH_ME: &str = "How to reach me";
    pub const YOU_WILL: &str = "You will {what}";
    pub const I_WILL: &str = "I will {what}";
    pub const SERVICE_WILL: &str = "{service} will {what}";
    pub const BY: &str = " by {date}";
    pub const CONTACT: &str = "Contact: {detail}";
    pub const EMAIL: &str = "Email: {detail}";
    pub const WEBSITE: &str = "Website: {detail}";
    pub const WHEN: &str = "When: {detail}";
    pub const WHERE: &str = "Where: {detail}";
    pub const DAY_AND_TIME: &str = "{day} at {time}.";
    pub const PLACE: &str = "Where: {place}.";
    pub const HOW: &str = "How we will meet: {mode}.";

    /// All of the above, for the reading-level test.
    pub const ALL: [&str; 22] = [
        TITLE,
        INTRO,
        EMPTY,
        OUTRO,
        WHAT_MATTERS,
        GOALS,
        AGREED,
        CONTACTS,
        NEXT,
        REACH_ME,
        YOU_WILL,
        I_WILL,
        SERVICE_WILL,
        BY,
        CONTACT,
        EMAIL,
        WEBSITE,
        WHEN,
        WHERE,
        DAY_AND_TIME,
        PLACE,
        HOW,
    ];
}

/// Which part of the plan a section is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanPart {
    WhatMatters,
    Goals,
    Agreed,
    Contacts,
    NextAppointment,
    ReachMe,
}

/// One entry of a list: its words, and lines under it (a service's phone, email, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanItem {
    pub text: String,
    pub details: Vec<String>,
}

/// A paragraph or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanBlock {
    Paragraph(String),
    List(Vec<PlanItem>),
}

/// A heading and what is under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanSection {
    pub part: PlanPart,
    pub heading: &'static str,
    pub blocks: Vec<PlanBlock>,
}

/// The person's copy of their plan: headings with paragraphs and lists, for the app to
/// show, print or copy as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonPlan {
    pub title: &'static str,
    pub intro: &'static str,
    /// Said when nothing has been agreed yet (no goals, actions or services).
    pub empty: Option<&'static str>,
    /// Only the sections that have something in them.
    pub sections: Vec<PlanSection>,
    pub outro: &'static str,
}

fn fill(template: &str, parts: &[(&str, &str)]) -> String {
    parts
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// "5 December", with the year when it is not this year's.
fn date_words(d: NaiveDate, today: NaiveDate) -> String {
    if d.year() == today.year() {
        d.format("%-d %B").to_string()
    } else {
        d.format("%-d %B %Y").to_string()
    }
}

/// The words as typed, without a full stop at the end (the sentence adds its own).
fn clause(text: &str) -> &str {
    text.trim().trim_end_matches('.').trim_end()
}

fn paragraphs(text: &str) -> Vec<PlanBlock> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| PlanBlock::Paragraph(l.to_owned()))
        .collect()
}

/// The person's copy of the plan of one referral, as of `today`; `None` if there is no
/// such referral.
pub fn person_plan(ws: &Workspace, referral: ReferralId, today: NaiveDate) -> Option<PersonPlan> {
    use wording::*;
    let r = ws.referrals.get(&referral)?;
    let mut sections = Vec::new();
    let mut section = |part, heading, blocks: Vec<PlanBlock>| {
        if !blocks.is_empty() {
            sections.push(PlanSection {
                part,
                heading,
                blocks,
            });
        }
    };
    section(
        PlanPart::WhatMatters,
        WHAT_MATTERS,
        paragraphs(&r.what_matters),
    );
    let goals: Vec<PlanItem> = r
        .goals
        .iter()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
        .map(|g| PlanItem {
            text: g.to_owned(),
            details: Vec::new(),
        })
        .collect();
    let has_goals = !goals.is_empty();
    section(
        PlanPart::Goals,
        GOALS,
        if has_goals {
            vec![PlanBlock::List(goals)]
        } else {
            Vec::new()
        },
    );
    let actions: Vec<PlanItem> = r
        .plan
        .iter()
        .map(|a| {
            let what = clause(&a.what);
            let mut text = match a.by {
                ActionBy::Person => fill(YOU_WILL, &[("what", what)]),
                ActionBy::LinkWorker => fill(I_WILL, &[("what", what)]),
                ActionBy::Service => fill(
                    SERVICE_WILL,
                    &[("service", a.service.trim()), ("what", what)],
                ),
            };
            if let Some(due) = a.due {
                text.push_str(&fill(BY, &[("date", &date_words(due, today))]));
            }
            text.push('.');
            PlanItem {
                text,
                details: Vec::new(),
            }
        })
        .collect();
    let has_actions = !actions.is_empty();
    section(
        PlanPart::Agreed,
        AGREED,
        if has_actions {
            vec![PlanBlock::List(actions)]
        } else {
            Vec::new()
        },
    );
    let services: Vec<PlanItem> = r
        .connections
        .iter()
        .filter(|c| {
            !matches!(
                c.status,
                ConnectionStatus::Stopped | ConnectionStatus::NotTakenUp
            )
        })
        .filter(|c| {
            r.consent(ConsentAbout::Connection(c.id))
                .is_none_or(|e| e.answer != ConsentAnswer::No)
        })
        .map(|c| {
            let mut details = Vec::new();
            if let Some(res) = c.resource.and_then(|id| ws.directory.get(&id)) {
                for (template, value) in [
                    (CONTACT, &res.contact),
                    (EMAIL, &res.email),
                    (WEBSITE, &res.website),
                    (WHEN, &res.opening),
                    (WHERE, &res.address),
                ] {
                    if !value.trim().is_empty() {
                        details.push(fill(template, &[("detail", value.trim())]));
                    }
                }
            }
            PlanItem {
                text: c.name.trim().to_owned(),
                details,
            }
        })
        .collect();
    let has_services = !services.is_empty();
    section(
        PlanPart::Contacts,
        CONTACTS,
        if has_services {
            vec![PlanBlock::List(services)]
        } else {
            Vec::new()
        },
    );
    let next = r
        .next_appointment(today)
        .filter(|_| r.status.is_open())
        .map(|a| {
            let mut blocks = vec![PlanBlock::Paragraph(fill(
                DAY_AND_TIME,
                &[
                    (
                        "day",
                        &format!("{} {}", a.date.format("%A"), date_words(a.date, today)),
                    ),
                    ("time", &a.start.format("%-I:%M%P").to_string()),
                ],
            ))];
            if !a.place.trim().is_empty() {
                blocks.push(PlanBlock::Paragraph(fill(
                    PLACE,
                    &[("place", clause(&a.place))],
                )));
            }
            let mode = ws.settings.lists.label(ListKind::ContactModes, &a.mode);
            blocks.push(PlanBlock::Paragraph(fill(
                HOW,
                &[("mode", &mode.to_lowercase())],
            )));
            blocks
        })
        .unwrap_or_default();
    section(PlanPart::NextAppointment, NEXT, next);
    section(
        PlanPart::ReachMe,
        REACH_ME,
        paragraphs(&ws.settings.link_worker_contact),
    );
    let empty = r.what_matters.trim().is_empty() && !has_goals && !has_actions && !has_services;
    Some(PersonPlan {
        title: TITLE,
        intro: INTRO,
        empty: empty.then_some(EMPTY),
        sections,
        outro: OUTRO,
    })
}

impl PersonPlan {
    /// The plan as plain text, to copy into a letter, an email or a text message.
    pub fn text(&self) -> String {
        let mut out = vec![self.title.to_owned(), String::new(), self.intro.to_owned()];
        if let Some(empty) = self.empty {
            out.push(String::new());
            out.push(empty.to_owned());
        }
        for s in &self.sections {
            out.push(String::new());
            out.push(s.heading.to_owned());
            for block in &s.blocks {
                match block {
                    PlanBlock::Paragraph(p) => out.push(p.clone()),
                    PlanBlock::List(items) => {
                        for item in items {
                            out.push(format!("- {}", item.text));
                            out.extend(item.details.iter().map(|d| format!("  {d}")));
                        }
                    }
                }
            }
        }
        out.push(String::new());
        out.push(self.outro.to_owned());
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::directory::{Connection, ConnectionId, Resource, ResourceId};
    use crate::model::plan::ActionBy;
    use crate::testing::{one_referral_ws, today};
    use crate::work::consent::answer;
    use crate::work::diary::AppointmentDraft;
    use crate::work::plan::ActionDraft;

    /// A referral with everything a plan draws on, and with things that must stay out of
    /// it: a risk, a case note, notes, a reason.
    fn filled() -> (Workspace, ReferralId) {
        let mut ws = one_referral_ws(); // RV-0001, referred 2 Nov 2026 for loneliness
        let id = *ws.referrals.keys().next().expect("one referral");
        ws.settings.link_worker_contact =
            "Sam Patel, link worker at Riverside Medical Practice\nPhone: 01632 960000".into();
        let walk = Resource {
            id: ResourceId::from_random([5; 16]),
            name: "Riverside Walking Group".into(),
            category: "physical_activity".into(),
            contact: "01632 960123".into(),
            email: "walks@example.org".into(),
            website: "https://example.org/walks".into(),
            opening: "Tuesdays at 10am".into(),
            address: "Riverside Park gates".into(),
            notes: "Lead walker is very kind (internal note)".into(),
            ..Resource::default()
        };
        ws.directory.insert(walk.id, walk.clone());
        let r = ws.referrals.get_mut(&id).expect("one");
        r.what_matters = "Getting out of the house and seeing people.".into();
        r.goals = vec![
            "Walk to the park each week".into(),
            "Sort out my bills".into(),
        ];
        r.notes = "Lives alone since her husband died".into();
        r.case_notes.push(crate::model::diary::CaseNote {
            id: crate::model::diary::NoteId::legacy(1),
            date: today(),
            kind: crate::model::diary::NoteKind::Note,
            minutes: 0,
            text: "Seemed low on the phone today".into(),
        });
        r.risks.push(crate::model::risk::RiskEntry {
            id: crate::model::risk::RiskId::legacy(1),
            date: today(),
            kind: "safeguarding".into(),
            concern: "Son takes her pension".into(),
            action: String::new(),
            told: Vec::new(),
            closed: None,
        });
        r.status = crate::model::ReferralStatus::Active;
        for (n, name, resource, status) in [
            (
                1,
                "Riverside Walking Group",
                Some(walk.id),
                ConnectionStatus::Referred,
            ),
            (2, "Citizens Advice", None, ConnectionStatus::Attended),
            (3, "Knit and Natter", None, ConnectionStatus::NotTakenUp),
            (4, "Men's Shed", None, ConnectionStatus::Stopped),
        ] {
            r.connections.push(Connection {
                id: ConnectionId::legacy(n),
                resource,
                name: name.into(),
                category: "social".into(),
                status,
                history: Vec::new(),
                feedback: "Came twice, enjoyed it (feedback from the group)".into(),
            });
        }
        for (by, service, what, due) in [
            (
                ActionBy::Person,
                "",
                "go to the walking group on Tuesday",
                "2026-12-01",
            ),
            (
                ActionBy::LinkWorker,
                "",
                "ring the council about your bins",
                "",
            ),
            (
                ActionBy::Service,
                "Citizens Advice",
                "check what benefits you can get",
                "2026-12-10",
            ),
        ] {
            let draft = ActionDraft {
                by,
                service: service.into(),
                what: what.into(),
                due: due.into(),
            };
            ws.add_action(id, &draft).expect("agreed");
        }
        let booking = AppointmentDraft {
            date: "2026-12-03".into(),
            start: "10:30".into(),
            minutes: "45".into(),
            mode: "practice".into(),
            place: "Room 3, Hillview".into(),
        };
        ws.book_appointment(id, &booking, today()).expect("booked");
        (ws, id)
    }

    #[test]
    fn the_plan_speaks_to_the_person_in_sections() {
        let (ws, id) = filled();
        let plan = person_plan(&ws, id, today()).expect("a plan");
        assert_eq!(plan.empty, None);
        let headings: Vec<&str> = plan.sections.iter().map(|s| s.heading).collect();
        assert_eq!(
            headings,
            [
                "What matters to you",
                "Your goals",
                "What we agreed",
                "Who to contact",
                "Your next appointment",
                "How to reach me"
            ]
        );
        let text = plan.text();
        for expected in [
            "Getting out of the house and seeing people.",
            "- Walk to the park each week",
            "- You will go to the walking group on Tuesday by 1 December.",
            "- I will ring the council about your bins.",
            "- Citizens Advice will check what benefits you can get by 10 December.",
            "- Riverside Walking Group\n  Contact: 01632 960123\n  Email: walks@example.org\n  Website: https://example.org/walks\n  When: Tuesdays at 10am\n  Where: Riverside Park gates",
            "- Citizens Advice",
            "Thursday 3 December at 10:30am.\nWhere: Room 3, Hillview.\nHow we will meet: at the practice.",
            "How to reach me\nSam Patel, link worker at Riverside Medical Practice\nPhone: 01632 960000",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn the_plan_keeps_out_everything_that_is_not_for_the_person() {
        let (ws, id) = filled();
        let text = person_plan(&ws, id, today()).expect("a plan").text();
        let r = &ws.referrals[&id];
        for private in [
            "RV-0001",
            &r.notes,
            &r.case_notes[0].text,
            &r.risks[0].concern,
            "Safeguarding",
            "Loneliness",
            "loneliness",
            "Lead walker",
            "feedback from the group",
            "Referred",
            "Attended",
            "Active",
            "Knit and Natter",
            "Men's Shed",
        ] {
            assert!(!text.contains(private), "{private:?} in\n{text}");
        }
        for concept in crate::work::snomed::CONCEPTS {
            assert!(!text.contains(concept.code), "{} in\n{text}", concept.code);
            assert!(!text.contains("SNOMED"), "{text}");
        }
    }

    #[test]
    fn withdrawing_consent_to_a_service_takes_it_off_the_plan() {
        let (mut ws, id) = filled();
        answer(
            &mut ws,
            id,
            ConsentAbout::Connection(ConnectionId::legacy(1)),
            ConsentAnswer::No,
        );
        let text = person_plan(&ws, id, today()).expect("a plan").text();
        assert!(!text.contains("Riverside Walking Group"), "{text}");
        assert!(!text.contains("walks@example.org"), "{text}");
        assert!(text.contains("- Citizens Advice"), "{text}");
    }

    #[test]
    fn an_empty_plan_says_so_kindly_and_leaves_empty_sections_out() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let plan = person_plan(&ws, id, today()).expect("a plan");
        assert_eq!(plan.empty, Some(wording::EMPTY));
        assert!(plan.sections.is_empty());
        assert_eq!(
            plan.text(),
            "Your plan\n\nThis is your plan. We made it together.\n\nWe have not written your plan yet. We will do it together when we next meet.\n\nWe can change your plan at any time. Just ask me."
        );
        ws.settings.link_worker_contact = "Sam, 01632 960000".into();
        let plan = person_plan(&ws, id, today()).expect("a plan");
        assert_eq!(plan.sections.len(), 1, "only how to reach me");
        assert!(plan.empty.is_some());
        assert_eq!(person_plan(&ws, ReferralId::default(), today()), None);
    }

    #[test]
    fn an_ended_episode_has_no_next_appointment_and_next_years_dates_say_the_year() {
        let (mut ws, id) = filled();
        ws.add_action(
            id,
            &ActionDraft {
                what: "try the swimming pool".into(),
                due: "2027-01-05".into(),
                ..ActionDraft::default()
            },
        )
        .expect("agreed");
        let text = person_plan(&ws, id, today()).expect("a plan").text();
        assert!(text.contains("by 5 January 2027."), "{text}");
        ws.referrals.get_mut(&id).expect("one").status = crate::model::ReferralStatus::Closed;
        let plan = person_plan(&ws, id, today()).expect("a plan");
        assert!(plan
            .sections
            .iter()
            .all(|s| s.part != PlanPart::NextAppointment));
    }

    /// Flesch–Kincaid grade and Flesch reading ease of some lines, each read as a sentence
    /// (a heading or a list entry ends where its line does).
    fn reading_level(lines: &[String]) -> (f64, f64) {
        let text: String = lines
            .iter()
            .map(|l| l.trim().trim_start_matches("- "))
            .filter(|l| !l.is_empty())
            .map(|l| {
                if l.ends_with(['.', '!', '?']) {
                    format!("{l} ")
                } else {
                    format!("{l}. ")
                }
            })
            .collect();
        (
            textstat::flesch_kincaid_grade(&text),
            textstat::flesch_reading_ease(&text),
        )
    }

    #[test]
    fn the_fixed_words_read_at_age_nine_to_eleven() {
        // Where the person's details go, short everyday words of the kind they hold.
        let lines: Vec<String> = wording::ALL
            .iter()
            .map(|w| {
                fill(
                    w,
                    &[
                        ("what", "go to the walk"),
                        ("service", "The group"),
                        ("date", "5 December"),
                        ("detail", "the park"),
                        ("day", "Thursday 3 December"),
                        ("time", "10:30am"),
                        ("place", "Room 3"),
                        ("mode", "by phone"),
                    ],
                )
            })
            .collect();
        let (grade, ease) = reading_level(&lines);
        println!("fixed wording: grade {grade:.1}, ease {ease:.1}");
        // The sentences alone, without the short headings and labels that lift the score.
        let sentences: Vec<String> = lines.iter().filter(|l| l.ends_with('.')).cloned().collect();
        let (grade, ease) = reading_level(&sentences);
        println!("fixed sentences: grade {grade:.1}, ease {ease:.1}");
        assert!(grade <= 6.0, "Flesch–Kincaid grade {grade:.1}");
        assert!(ease >= 70.0, "Flesch reading ease {ease:.1}");
        // The measure can fail: the same ideas in service language do.
        let officialese = [
            "Your personalised care and support plan documents the agreed interventions."
                .to_owned(),
            "Please contact the appropriate organisation regarding any difficulties.".to_owned(),
        ];
        let (hard, hard_ease) = reading_level(&officialese);
        assert!(hard > 6.0 && hard_ease < 70.0, "{hard:.1}, {hard_ease:.1}");
        assert!(grade <= 6.0, "Flesch–Kincaid grade {grade:.1}");
        assert!(ease >= 70.0, "Flesch reading ease {ease:.1}");
    }

    #[test]
    fn a_filled_plan_reads_at_age_nine_to_eleven() {
        let (ws, id) = filled();
        let text = person_plan(&ws, id, today()).expect("a plan").text();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let (grade, ease) = reading_level(&lines);
        println!("filled plan: grade {grade:.1}, ease {ease:.1}");
        assert!(grade <= 6.0, "Flesch–Kincaid grade {grade:.1}");
        assert!(ease >= 70.0, "Flesch reading ease {ease:.1}");
    }
}

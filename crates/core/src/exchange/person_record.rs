//! A copy of everything Linkwork holds about one person, for a subject access request:
//! their details and every episode with all its parts, the directory entries those use,
//! and notes elsewhere that name them. Two forms: a JSON document (complete, for another
//! system) and a web page to read and print (lists and dates in words).
//!
//! A referral's record key never leaves the workspace, so it is in neither; nor are the
//! directory's own notes on an organisation, unless they name the person (then they are
//! among the mentions).

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::model::consent::{ConsentAbout, ConsentAnswer};
use crate::model::directory::{Resource, ResourceId};
use crate::model::lists::ListKind;
use crate::model::measures::{MeasureResult, SATISFACTION};
use crate::model::{Choice, Person, PersonId, Referral, Workspace};
use crate::store::format::{encode_doc, DocKind};
use crate::work::rights::Mention;

/// The JSON copy of one person's record.
pub const PERSON_RECORD_DOC: DocKind = DocKind {
    format: "linkwork.person-record",
    current: 1,
    migrations: &[],
};

/// Why a person's record could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PersonRecordError {
    #[error("That person is no longer in the workspace: their record may have been deleted.")]
    NoSuchPerson,
}

#[derive(Serialize)]
struct PracticeOut<'a> {
    id: crate::model::PracticeId,
    name: &'a str,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    exported: NaiveDate,
    person: &'a Person,
    practices: Vec<PracticeOut<'a>>,
    referrals: Vec<Value>,
    resources: Vec<Value>,
    mentions: Vec<Mention>,
}

/// What the copy holds, gathered once for both forms.
struct Gathered<'a> {
    person: &'a Person,
    referrals: Vec<&'a Referral>,
    resources: Vec<&'a Resource>,
    mentions: Vec<Mention>,
}

fn gather(ws: &Workspace, person: PersonId) -> Result<Gathered<'_>, PersonRecordError> {
    let p = ws
        .people
        .get(&person)
        .ok_or(PersonRecordError::NoSuchPerson)?;
    let referrals = ws.referrals_of(person);
    let mut ids: Vec<ResourceId> = referrals
        .iter()
        .flat_map(|r| r.connections.iter().filter_map(|c| c.resource))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(Gathered {
        person: p,
        resources: ids.iter().filter_map(|id| ws.directory.get(id)).collect(),
        referrals,
        mentions: ws.mentions_of(person),
    })
}

/// Plain data as JSON without the named fields.
fn without<T: Serialize>(value: &T, fields: &[&str]) -> Value {
    let mut v = serde_json::to_value(value)
        .unwrap_or_else(|e| unreachable!("plain data always serialises: {e}"));
    if let Some(map) = v.as_object_mut() {
        for field in fields {
            map.remove(*field);
        }
    }
    v
}

/// Everything held about one person as a JSON document: `format`, `version`, the day
/// `exported`, the `person`, the `practices` their episodes name, every referral as stored
/// (without its record key), the directory entries their connections use (without the
/// directory's own notes) and the `mentions` of them elsewhere.
pub fn person_record_json(
    ws: &Workspace,
    person: PersonId,
    exported: NaiveDate,
) -> Result<String, PersonRecordError> {
    let g = gather(ws, person)?;
    let mut practices: Vec<PracticeOut> = Vec::new();
    for r in &g.referrals {
        if !practices.iter().any(|p| p.id == r.practice) {
            practices.push(PracticeOut {
                id: r.practice,
                name: ws.practice_name(r.practice),
            });
        }
    }
    Ok(encode_doc(
        &PERSON_RECORD_DOC,
        &RecordOut {
            exported,
            person: g.person,
            practices,
            referrals: g.referrals.iter().map(|r| without(r, &["key"])).collect(),
            resources: g.resources.iter().map(|r| without(r, &["notes"])).collect(),
            mentions: g.mentions,
        },
    ))
}

/// The file name for a copy: `linkwork-record-RV-0001-2026-11-27.html`, with the reference
/// kept to letters, digits and hyphens.
pub fn record_file_name(reference: &str, exported: NaiveDate, extension: &str) -> String {
    let mut safe = String::new();
    for c in reference.trim().chars() {
        if c.is_ascii_alphanumeric() {
            safe.push(c);
        } else if !safe.ends_with('-') {
            safe.push('-');
        }
    }
    let safe = safe.trim_matches('-');
    let safe = if safe.is_empty() { "person" } else { safe };
    format!(
        "linkwork-record-{safe}-{}.{extension}",
        exported.format("%Y-%m-%d")
    )
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn moment(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

fn maybe_day(d: Option<NaiveDate>) -> String {
    d.map(day).unwrap_or_default()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// A page being written: every text goes through [`html_escape::encode_text`].
struct Page(String);

impl Page {
    fn raw(&mut self, html: &str) {
        self.0.push_str(html);
    }

    fn text(&mut self, text: &str) {
        self.0.push_str(&html_escape::encode_text(text));
    }

    fn heading(&mut self, level: u8, text: &str) {
        let _ = write!(self.0, "<h{level}>");
        self.text(text);
        let _ = writeln!(self.0, "</h{level}>");
    }

    fn para(&mut self, text: &str) {
        self.raw("<p>");
        self.text(text);
        self.raw("</p>\n");
    }

    /// Labelled facts; empty ones are left out.
    fn facts(&mut self, rows: &[(&str, String)]) {
        self.raw("<dl>\n");
        for (label, value) in rows.iter().filter(|(_, v)| !v.trim().is_empty()) {
            self.raw("<dt>");
            self.text(label);
            self.raw("</dt><dd>");
            self.text(value);
            self.raw("</dd>\n");
        }
        self.raw("</dl>\n");
    }

    /// A titled table, left out when it has no rows.
    fn table(&mut self, title: &str, headers: &[&str], rows: &[Vec<String>]) {
        if rows.is_empty() {
            return;
        }
        self.heading(3, title);
        self.raw("<table>\n<thead><tr>");
        for h in headers {
            self.raw("<th scope=\"col\">");
            self.text(h);
            self.raw("</th>");
        }
        self.raw("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.raw("<tr>");
            for cell in row {
                self.raw("<td>");
                self.text(cell);
                self.raw("</td>");
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody>\n</table>\n");
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;line-height:1.4;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111}\
h1{font-size:1.6rem}h2{font-size:1.3rem;border-top:2px solid #333;padding-top:.5rem;margin-top:2rem}h3{font-size:1.1rem}\
table{border-collapse:collapse;width:100%;margin-bottom:1rem}th,td{border:1px solid #888;padding:.25rem .5rem;text-align:left;vertical-align:top}\
td,dd{white-space:pre-wrap}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:bold}dd{margin:0}\
@media print{body{margin:0;max-width:none}h2{break-before:page}table,dl{break-inside:auto}tr{break-inside:avoid}}";

/// What a consent answer was about, in words.
fn consent_about(r: &Referral, about: ConsentAbout) -> String {
    match about {
        ConsentAbout::Support => "Support from the link worker".into(),
        ConsentAbout::GpInformation => "Information going back to the GP".into(),
        ConsentAbout::Connection(id) => {
            let name = r
                .connections
                .iter()
                .find(|c| c.id == id)
                .map_or("an organisation", |c| c.name.as_str());
            format!("Being referred on to {name}")
        }
        ConsentAbout::Outcomes => "Sharing changes in questionnaire scores".into(),
        ConsentAbout::Quote => "Use of an anonymous quote from their feedback".into(),
    }
}

fn consent_answer(answer: ConsentAnswer) -> &'static str {
    match answer {
        ConsentAnswer::Yes => "Yes",
        ConsentAnswer::CodesOnly => "Codes only, no words",
        ConsentAnswer::No => "No",
    }
}

fn episode(page: &mut Page, ws: &Workspace, r: &Referral) {
    let lists = &ws.settings.lists;
    let label = |kind: ListKind, id: &str| lists.label(kind, id).to_owned();
    page.heading(2, &format!("Referral of {}", day(r.referral_date)));
    let history = r
        .history
        .iter()
        .map(|h| format!("{} from {}", h.status.label(), day(h.date)))
        .collect::<Vec<_>>()
        .join("\n");
    let ended = r.closure.as_ref().map_or(String::new(), |c| {
        format!(
            "{} ({})",
            day(c.date),
            label(ListKind::ClosureReasons, &c.reason)
        )
    });
    let kept = r.kept.as_ref().map_or(String::new(), |k| {
        format!("Decided on {}: {}", day(k.date), k.reason)
    });
    page.facts(&[
        ("Practice", ws.practice_name(r.practice).to_owned()),
        ("Referral date", day(r.referral_date)),
        (
            "Referred by",
            label(ListKind::ReferrerRoles, &r.referrer_role),
        ),
        (
            "Reasons",
            r.reasons
                .iter()
                .map(|id| label(ListKind::Reasons, id))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("Notes", r.notes.clone()),
        ("Status", r.status.label().to_owned()),
        ("Status history", history),
        ("What matters to them", r.what_matters.clone()),
        ("Goals", r.goals.join("\n")),
        (
            "What was done instead, or why they declined",
            r.outcome_note.clone(),
        ),
        ("Closed", ended),
        ("Kept past the retention period", kept),
        ("Record made", moment(r.created)),
        ("Last changed", moment(r.updated)),
    ]);
    let rows: Vec<Vec<String>> = r
        .contacts
        .iter()
        .map(|c| {
            vec![
                day(c.date),
                label(ListKind::ContactModes, &c.mode),
                c.minutes.to_string(),
                c.outcome.label().to_owned(),
                c.note.clone(),
            ]
        })
        .collect();
    page.table(
        "Contacts",
        &["Date", "How", "Minutes", "What happened", "Note"],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .appointments
        .iter()
        .map(|a| {
            let state = match r.appointment_state(a) {
                crate::model::diary::AppointmentState::Booked => "Booked".to_owned(),
                crate::model::diary::AppointmentState::Marked(o) => o.label().to_owned(),
            };
            vec![
                day(a.date),
                a.start.format("%H:%M").to_string(),
                a.minutes.to_string(),
                label(ListKind::ContactModes, &a.mode),
                a.place.clone(),
                state,
            ]
        })
        .collect();
    page.table(
        "Appointments",
        &["Date", "Time", "Minutes", "How", "Where", "What happened"],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .plan
        .iter()
        .map(|a| {
            let who = match a.by {
                crate::model::plan::ActionBy::Service => a.service.clone(),
                by => by.label().to_owned(),
            };
            vec![
                who,
                a.what.clone(),
                maybe_day(a.due),
                yes_no(a.task.is_some()).to_owned(),
            ]
        })
        .collect();
    page.table(
        "Plan: what was agreed",
        &["Who", "What", "By", "On the to-do list"],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .tasks
        .iter()
        .map(|t| vec![t.text.clone(), maybe_day(t.due), maybe_day(t.done)])
        .collect();
    page.table("Tasks", &["Task", "Due", "Done"], &rows);
    let rows: Vec<Vec<String>> = r
        .case_notes
        .iter()
        .map(|n| {
            vec![
                day(n.date),
                n.kind.label().to_owned(),
                n.minutes.to_string(),
                n.text.clone(),
            ]
        })
        .collect();
    page.table("Case notes", &["Date", "Kind", "Minutes", "Note"], &rows);
    let rows: Vec<Vec<String>> = r
        .risks
        .iter()
        .map(|e| {
            vec![
                day(e.date),
                label(ListKind::RiskKinds, &e.kind),
                e.concern.clone(),
                e.action.clone(),
                e.told
                    .iter()
                    .map(|t| label(ListKind::RiskTold, t))
                    .collect::<Vec<_>>()
                    .join("\n"),
                e.closed.as_ref().map_or(String::new(), |c| {
                    format!("{}: {}", day(c.date), c.resolution)
                }),
            ]
        })
        .collect();
    page.table(
        "Risk log",
        &[
            "Raised",
            "Kind",
            "Concern",
            "What was done",
            "Who was told",
            "Closed",
        ],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .consent
        .iter()
        .map(|e| {
            vec![
                day(e.date),
                consent_about(r, e.about),
                consent_answer(e.answer).to_owned(),
                e.how.label().to_owned(),
            ]
        })
        .collect();
    page.table("Consent", &["Date", "About", "Answer", "How"], &rows);
    let rows: Vec<Vec<String>> = r
        .connections
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                label(ListKind::ConnectionCategories, &c.category),
                c.status.label().to_owned(),
                c.history
                    .iter()
                    .map(|h| format!("{} {}", h.status.label(), day(h.date)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                c.feedback.clone(),
            ]
        })
        .collect();
    page.table(
        "Connections to community support",
        &[
            "Organisation",
            "Kind",
            "Status",
            "History",
            "What they said",
        ],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .measures
        .iter()
        .map(|m| {
            let name = ws
                .instrument_for(&m.instrument, r)
                .map_or_else(|| m.instrument.clone(), |i| i.name);
            let result = match &m.result {
                MeasureResult::Answers { answers } => format!(
                    "Answers: {}",
                    answers
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                MeasureResult::Declined { reason } => format!("Declined by the person. {reason}")
                    .trim()
                    .to_owned(),
                MeasureResult::NotAppropriate { reason } => {
                    format!("Not appropriate at the time. {reason}")
                        .trim()
                        .to_owned()
                }
            };
            vec![
                name,
                m.time_point.label().to_owned(),
                day(m.date),
                m.completion.label().to_owned(),
                result,
            ]
        })
        .collect();
    page.table(
        "Questionnaires",
        &["Questionnaire", "When", "Date", "Filled in", "Result"],
        &rows,
    );
    if let Some(f) = &r.feedback {
        page.heading(3, "Their feedback");
        page.facts(&[
            ("Date", maybe_day(f.date)),
            (
                "How happy with the support",
                f.satisfaction
                    .and_then(|s| SATISFACTION.get(usize::from(s).wrapping_sub(1)))
                    .map_or(String::new(), |s| (*s).to_owned()),
            ),
            (
                "Would recommend it",
                f.would_recommend
                    .map_or(String::new(), |b| yes_no(b).to_owned()),
            ),
            ("In their words", f.quote.clone()),
        ]);
    }
    let rows: Vec<Vec<String>> = r
        .edits
        .iter()
        .map(|e| {
            vec![
                moment(e.at),
                e.by.clone(),
                e.field.clone(),
                e.from.clone(),
                e.to.clone(),
            ]
        })
        .collect();
    page.table(
        "Changes to the referral",
        &["When", "By", "What", "Before", "After"],
        &rows,
    );
}

/// Everything held about one person as a standalone web page to read or print: no
/// scripts, nothing loaded from elsewhere.
pub fn person_record_html(
    ws: &Workspace,
    person: PersonId,
    exported: NaiveDate,
) -> Result<String, PersonRecordError> {
    let g = gather(ws, person)?;
    let p = g.person;
    let title = format!("Linkwork record: {}", p.reference);
    let mut page = Page(String::new());
    page.raw("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    page.text(&title);
    page.raw("</title>\n<style>");
    page.raw(STYLE);
    page.raw("</style>\n</head>\n<body>\n");
    page.heading(1, &title);
    page.para(&format!(
        "Everything Linkwork holds about the person with the reference {}, as it was on {}. \
         Linkwork knows people by this reference, not by name.",
        p.reference,
        day(exported)
    ));
    page.heading(2, "The person");
    page.facts(&[
        ("Reference", p.reference.clone()),
        (
            "Age band",
            p.age_band.map_or(String::new(), |a| a.label().to_owned()),
        ),
        ("Sex", p.sex.map_or(String::new(), |s| s.label().to_owned())),
        (
            "Ethnic group",
            p.ethnic_group
                .map_or(String::new(), |e| e.label().to_owned()),
        ),
        (
            "Deprivation quintile",
            p.deprivation_quintile.map_or(String::new(), |q| {
                format!("{q} (1 is the most deprived fifth of areas, 5 the least)")
            }),
        ),
    ]);
    if g.referrals.is_empty() {
        page.para("No referrals are recorded.");
    }
    for r in &g.referrals {
        episode(&mut page, ws, r);
    }
    if !g.resources.is_empty() {
        page.heading(2, "Organisations they were connected to");
        for res in &g.resources {
            page.heading(3, &res.name);
            page.facts(&[
                ("Organisation", res.organisation.clone()),
                (
                    "Kind",
                    ws.settings
                        .lists
                        .label(ListKind::ConnectionCategories, &res.category)
                        .to_owned(),
                ),
                ("Area", res.area.clone()),
                ("Description", res.description.clone()),
                ("How to refer", res.how_to_refer.clone()),
                ("Contact", res.contact.clone()),
                ("Email", res.email.clone()),
                ("Website", res.website.clone()),
                ("When", res.opening.clone()),
                ("Where", res.address.clone()),
                ("Who it is for", res.eligibility.clone()),
                ("Cost", res.fees.clone()),
                ("Languages", res.languages.clone()),
                ("Notice", res.alert.clone()),
                ("Details last checked", maybe_day(res.last_checked)),
            ]);
        }
    }
    if !g.mentions.is_empty() {
        let rows: Vec<Vec<String>> = g
            .mentions
            .iter()
            .map(|m| vec![m.place.clone(), m.text.clone()])
            .collect();
        page.heading(2, "Other notes that name them");
        page.table("Notes", &["Where", "Note"], &rows);
    }
    page.raw("</body>\n</html>\n");
    Ok(page.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReferralId;
    use crate::testing::{rich_ws, today};

    fn exported() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).expect("valid")
    }

    /// Every text in a referral as stored that carries `marker`: its free texts.
    fn marked_texts(v: &Value, marker: &str, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.contains(marker) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| marked_texts(i, marker, out)),
            Value::Object(map) => map.values().for_each(|i| marked_texts(i, marker, out)),
            _ => {}
        }
    }

    fn first(ws: &Workspace, id: ReferralId) -> PersonId {
        ws.referrals[&id].person
    }

    #[test]
    fn every_free_text_and_every_list_choice_is_in_both_copies() {
        let (ws, [a, _]) = rich_ws();
        let person = first(&ws, a);
        let json = person_record_json(&ws, person, exported()).expect("json");
        let html = person_record_html(&ws, person, exported()).expect("html");
        let mut texts = Vec::new();
        marked_texts(
            &serde_json::to_value(&ws.referrals[&a]).expect("serialises"),
            "alpha",
            &mut texts,
        );
        assert!(texts.len() >= 20, "{texts:?}");
        for text in &texts {
            assert!(json.contains(text.as_str()), "{text:?} not in the JSON");
            assert!(html.contains(text.as_str()), "{text:?} not on the page");
        }
        for words in [
            // The person, and lists and choices in words.
            "RV-0001",
            "65 to 74",
            "Female",
            "White",
            "2 (1 is the most deprived",
            "Riverside Medical Practice",
            "Loneliness or isolation\nMoney, debt or benefits",
            "Support complete or goals met",
            "At the practice",
            "Attended",
            "Work on their behalf",
            "Safeguarding",
            "Being referred on to Riverside Walking Group",
            "Codes only, no words",
            "In writing",
            "ONS4 personal wellbeing",
            "Answers: 3, 4, 5, 8",
            "Assisted by the link worker",
            "5 Very happy",
            "Physical activity",
            "Referred 6 March 2026\nAttended 10 March 2026",
            "Closed from 30 March 2026",
            "2 March 2026, 09:00 UTC",
            "Riverside PC 2",
            // Dates in words, times as typed.
            "30 March 2026 (Support complete or goals met)",
            "10:30",
            // The directory entry and the notes elsewhere that name them.
            "walks@example.org",
            "Riverside Park gates",
            "Ask the housing team about rv-0001 and the damp",
            "The link worker's own to-do list",
        ] {
            assert!(html.contains(words), "{words:?} not on the page");
        }
        assert!(!html.contains("bravo"), "nothing of the other person");
        assert!(!json.contains("bravo"), "nothing of the other person");
    }

    #[test]
    fn the_record_key_never_leaves_the_workspace() {
        let (ws, [a, _]) = rich_ws();
        let person = first(&ws, a);
        let key = format!("{:016x}", ws.referrals[&a].key.0);
        let json = person_record_json(&ws, person, exported()).expect("json");
        let html = person_record_html(&ws, person, exported()).expect("html");
        assert!(ws
            .encode(crate::store::format::StoreKey::Records(0))
            .contains(&key));
        assert!(!json.contains(&key) && !json.contains("\"key\""));
        assert!(!html.contains(&key));
    }

    #[test]
    fn the_json_copy_reads_back_as_the_record_it_came_from() {
        let (ws, [a, _]) = rich_ws();
        let person = first(&ws, a);
        let json = person_record_json(&ws, person, exported()).expect("json");
        let v: Value = serde_json::from_str(&json).expect("parses");
        assert_eq!(v["format"], "linkwork.person-record");
        assert_eq!(v["version"], 1);
        assert_eq!(v["exported"], "2026-11-27");
        assert_eq!(v["practices"][0]["name"], "Riverside Medical Practice");
        let back: Person = serde_json::from_value(v["person"].clone()).expect("a person");
        assert_eq!(&back, &ws.people[&person]);
        // With its key put back, each referral is exactly the one stored.
        let original = &ws.referrals[&a];
        let mut stored = v["referrals"][0].clone();
        stored["key"] = Value::String(format!("{:016x}", original.key.0));
        let back: Referral = serde_json::from_value(stored).expect("a referral");
        assert_eq!(&back, original);
        let resource: Resource =
            serde_json::from_value(v["resources"][0].clone()).expect("a resource");
        assert_eq!(resource.email, "walks@example.org");
        assert_eq!(resource.notes, "", "the directory's own notes stay out");
        assert_eq!(v["mentions"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn the_page_escapes_what_was_typed_and_loads_nothing() {
        let (mut ws, [a, _]) = rich_ws();
        let person = first(&ws, a);
        ws.referrals.get_mut(&a).expect("a").notes =
            "<script>alert('x')</script> & <b>bold</b>".into();
        ws.people.get_mut(&person).expect("person").reference = "RV<1>".into();
        let html = person_record_html(&ws, person, exported()).expect("html");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(
            html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;")
        );
        assert!(html.contains("<title>Linkwork record: RV&lt;1&gt;</title>"));
        for outside in ["src=", "href=", "<link", "@import", "url("] {
            assert!(!html.contains(outside), "{outside} on the page");
        }
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    }

    #[test]
    fn file_names_keep_the_reference_and_date_and_nothing_risky() {
        assert_eq!(
            record_file_name("RV-0001", exported(), "html"),
            "linkwork-record-RV-0001-2026-11-27.html"
        );
        assert_eq!(
            record_file_name(" ../a b/c\u{e9}? ", exported(), "json"),
            "linkwork-record-a-b-c-2026-11-27.json"
        );
        assert_eq!(
            record_file_name("\u{e9}\u{e9}", exported(), "json"),
            "linkwork-record-person-2026-11-27.json"
        );
    }

    #[test]
    fn a_person_no_longer_there_is_named_as_such() {
        let (ws, _) = rich_ws();
        let error = person_record_html(&ws, PersonId::default(), today()).expect_err("none");
        assert_eq!(error, PersonRecordError::NoSuchPerson);
        assert!(error.to_string().contains("no longer in the workspace"));
    }
}

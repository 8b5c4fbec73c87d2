//! A value changed in two places, as the referral page words it: the field's label as the
//! page labels it, the entry it belongs to by what it says (a task's words, a consent
//! answer's topic and date), each value as the page shows it, and who made it and when.
//! Never stored ids or codes.

use chrono::NaiveDate;
use serde_json::Value;

use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentEntry};
use crate::model::handover::{plain, Conflict};
use crate::model::lists::ListKind;
use crate::model::Workspace;
use crate::model::{AgeBand, Choice, ContactOutcome, EthnicGroup, Referral, ReferralStatus, Sex};

/// One conflict in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictWords {
    /// What changed: "What matters to the person", "Task “Ring the housing team” — Due".
    pub what: String,
    /// Each value, in the conflict's order.
    pub choices: Vec<ChoiceWords>,
}

/// One of the values to choose from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceWords {
    /// Who made it, and when if known: "Jo (Hillview), 7 Dec 2026".
    pub who: String,
    /// Just the copy's label, for "Keep Jo (Hillview)'s value".
    pub from: String,
    /// The value as the page shows it.
    pub value: String,
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// What a consent answer is about, in the consent panel's words.
pub fn consent_about_words(r: &Referral, about: ConsentAbout) -> String {
    match about {
        ConsentAbout::Support => "To be supported by the link worker".into(),
        ConsentAbout::GpInformation => "Information going back to the GP".into(),
        ConsentAbout::Outcomes => "Sharing changes in their outcome scores".into(),
        ConsentAbout::Quote => "Using an anonymous quote from their feedback".into(),
        ConsentAbout::Connection(id) => format!(
            "Being referred on to {}",
            r.connections
                .iter()
                .find(|c| c.id == id)
                .map_or("an organisation no longer listed", |c| c.name.as_str())
        ),
    }
}

/// An answer, in words fitting what it is about.
pub fn consent_answer_words(about: ConsentAbout, answer: ConsentAnswer) -> &'static str {
    match (about, answer) {
        (ConsentAbout::GpInformation, ConsentAnswer::Yes) => "Everything",
        (ConsentAbout::GpInformation, ConsentAnswer::CodesOnly) => "Codes only",
        (ConsentAbout::GpInformation, ConsentAnswer::No) => "Nothing",
        (_, ConsentAnswer::No) => "No",
        (_, _) => "Yes",
    }
}

/// A stored field's label, as the referral page (or the person's details) labels it.
fn field_label(field: &str) -> String {
    let known = match field {
        "what_matters" => "What matters to the person",
        "notes" => "Notes",
        "status" => "Status",
        "referral_date" => "Referral date",
        "referrer_role" => "Referred by",
        "reasons" => "Reasons for referral",
        "practice" => "Practice",
        "goals" => "Goals",
        "closure" => "How the episode ended",
        "outcome_note" => "What was done instead",
        "feedback" => "Feedback",
        "tasks" => "Task",
        "contacts" => "Contact",
        "consent" => "Consent answer",
        "risks" => "Risk log entry",
        "plan" => "Plan action",
        "appointments" => "Appointment",
        "case_notes" => "Case note",
        "connections" => "Connection",
        "measures" => "Questionnaire",
        "reference" => "Person reference",
        "age_band" => "Age band",
        "sex" => "Sex",
        "ethnic_group" => "Ethnic group",
        "deprivation_quintile" => "Deprivation quintile (IMD)",
        "due" => "Due",
        "done" => "Done",
        "text" => "Words",
        "date" => "Date",
        "start" => "Time",
        "minutes" => "Minutes",
        "mode" => "How",
        "outcome" => "What happened",
        "note" => "Note",
        "place" => "Place",
        "concern" => "Concern",
        "action" => "What was done",
        "what" => "What",
        "closed" => "Closed",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An entry of a list, read from its stored value (through its text, the one reading
/// routine each type has).
fn entry<T: serde::de::DeserializeOwned>(v: &Value) -> Option<T> {
    serde_json::from_str(&v.to_string()).ok()
}

/// A plain value as the page shows it: dates as "6 Dec 2026", list items by their label,
/// choices by their words.
fn plain_words(ws: &Workspace, field: &str, v: &Value) -> String {
    let text = match v {
        Value::Null => return "(nothing)".into(),
        Value::Bool(true) => return "Yes".into(),
        Value::Bool(false) => return "No".into(),
        Value::Array(list) => {
            return list
                .iter()
                .map(|x| plain_words(ws, field, x))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Value::Object(map) => {
            return map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "id" | "key"))
                .map(|(k, x)| format!("{}: {}", field_label(k), plain_words(ws, k, x)))
                .collect::<Vec<_>>()
                .join(" · ")
        }
        other => plain(other),
    };
    if let Ok(d) = text.parse::<NaiveDate>() {
        return day(d);
    }
    let lists = &ws.settings.lists;
    let label = match field {
        "status" => ReferralStatus::from_code(&text).map(Choice::label),
        "outcome" => ContactOutcome::from_code(&text).map(Choice::label),
        "age_band" => AgeBand::from_code(&text).map(Choice::label),
        "sex" => Sex::from_code(&text).map(Choice::label),
        "ethnic_group" => EthnicGroup::from_code(&text).map(Choice::label),
        "reasons" => Some(lists.label(ListKind::Reasons, &text)),
        "referrer_role" => Some(lists.label(ListKind::ReferrerRoles, &text)),
        "mode" => Some(lists.label(ListKind::ContactModes, &text)),
        "practice" => text
            .parse()
            .ok()
            .map(|id| ws.practice_name(id))
            .filter(|n| !n.is_empty()),
        _ => None,
    };
    match label {
        Some(l) => l.to_owned(),
        None => text,
    }
}

/// A whole entry of list `field`, in the words its panel uses.
fn entry_words(ws: &Workspace, r: &Referral, field: &str, v: &Value) -> String {
    let lists = &ws.settings.lists;
    let words = match field {
        "consent" => entry::<ConsentEntry>(v).map(|e| {
            format!(
                "{}: {}, {} ({})",
                consent_about_words(r, e.about),
                consent_answer_words(e.about, e.answer),
                day(e.date),
                e.how.label().to_lowercase()
            )
        }),
        "tasks" => entry::<crate::model::diary::Task>(v).map(|t| {
            let mut s = t.text.clone();
            if let Some(due) = t.due {
                s.push_str(&format!(", due {}", day(due)));
            }
            if let Some(done) = t.done {
                s.push_str(&format!(", done {}", day(done)));
            }
            s
        }),
        "contacts" => entry::<crate::model::Contact>(v).map(|c| {
            let mut s = format!(
                "{}, {}, {} minutes, {}",
                day(c.date),
                lists.label(ListKind::ContactModes, &c.mode),
                c.minutes,
                c.outcome.label()
            );
            if !c.note.is_empty() {
                s.push_str(&format!(": {}", c.note));
            }
            s
        }),
        "appointments" => entry::<crate::model::diary::Appointment>(v).map(|a| {
            format!(
                "{} at {}, {} minutes",
                day(a.date),
                a.start.format("%H:%M"),
                a.minutes
            )
        }),
        "case_notes" => entry::<crate::model::diary::CaseNote>(v)
            .map(|n| format!("{}: {}", day(n.date), n.text)),
        _ => None,
    };
    words.unwrap_or_else(|| plain_words(ws, field, v))
}

/// The entry a conflict is about, named by what it says now (or in either value).
fn entry_name(ws: &Workspace, r: &Referral, c: &Conflict) -> String {
    let Some(id) = &c.item else {
        return String::new();
    };
    let stored = serde_json::to_string(r).ok();
    let now: Option<Value> = stored
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|all| {
            all.get(&c.field)?
                .as_array()?
                .iter()
                .find(|e| e.get("id") == Some(id))
                .cloned()
        });
    let value = now
        .as_ref()
        .or_else(|| c.values.iter().map(|v| &v.value).find(|v| v.is_object()));
    let name = match (c.field.as_str(), value) {
        ("tasks", Some(v)) => entry::<crate::model::diary::Task>(v).map(|t| t.text),
        ("consent", Some(v)) => entry::<ConsentEntry>(v)
            .map(|e| format!("{}, {}", consent_about_words(r, e.about), day(e.date))),
        ("contacts", Some(v)) => entry::<crate::model::Contact>(v).map(|c| {
            format!(
                "{}, {}",
                day(c.date),
                ws.settings.lists.label(ListKind::ContactModes, &c.mode)
            )
        }),
        ("appointments", Some(v)) => entry::<crate::model::diary::Appointment>(v)
            .map(|a| format!("{} at {}", day(a.date), a.start.format("%H:%M"))),
        ("case_notes", Some(v)) => entry::<crate::model::diary::CaseNote>(v).map(|n| day(n.date)),
        (_, Some(v)) => ["concern", "what", "name", "text"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_owned)),
        _ => None,
    };
    name.map_or_else(String::new, |n| format!(" \u{201c}{n}\u{201d}"))
}

/// A conflict on referral `r` (or, with `of_person`, on the person's details) in words.
pub fn conflict_words(
    ws: &Workspace,
    r: &Referral,
    c: &Conflict,
    of_person: bool,
) -> ConflictWords {
    let mut what = format!("{}{}", field_label(&c.field), entry_name(ws, r, c));
    if let Some(sub) = &c.sub {
        what.push_str(&format!(" \u{2014} {}", field_label(sub)));
    }
    if of_person {
        what.push_str(" (the person's details)");
    }
    let choices = c
        .values
        .iter()
        .map(|v| ChoiceWords {
            who: match v.on {
                Some(on) => format!("{}, {}", v.from, day(on)),
                None => v.from.clone(),
            },
            from: v.from.clone(),
            value: match (&c.item, &c.sub) {
                (Some(_), None) => entry_words(ws, r, &c.field, &v.value),
                (_, Some(sub)) => plain_words(ws, sub, &v.value),
                (None, None) => plain_words(ws, &c.field, &v.value),
            },
        })
        .collect();
    ConflictWords { what, choices }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::handover::Variant;

    fn variant(from: &str, on: Option<&str>, value: Value) -> Variant {
        Variant {
            from: from.into(),
            on: on.map(|d| d.parse().expect("date")),
            value,
        }
    }

    #[test]
    fn a_conflict_reads_in_the_pages_words_with_who_and_when_and_no_codes() {
        let ws = crate::testing::one_referral_ws();
        let r = ws.referrals.values().next().expect("one");
        let consent = Conflict {
            field: "consent".into(),
            item: Some(Value::from(crate::model::ids::legacy(4).to_string())),
            sub: None,
            values: vec![
                variant(
                    "Jo (Hillview)",
                    Some("2026-12-07"),
                    serde_json::json!({"id": 4, "date": "2026-12-06", "about": "gp_information", "answer": "codes_only", "how": "verbal"}),
                ),
                variant(
                    "Sam on this PC",
                    Some("2026-12-06"),
                    serde_json::json!({"id": 4, "date": "2026-12-06", "about": "gp_information", "answer": "no", "how": "written"}),
                ),
            ],
        };
        let words = conflict_words(&ws, r, &consent, false);
        assert_eq!(
            words.what,
            "Consent answer \u{201c}Information going back to the GP, 6 Dec 2026\u{201d}"
        );
        assert_eq!(words.choices[0].who, "Jo (Hillview), 7 Dec 2026");
        assert_eq!(
            words.choices[0].value,
            "Information going back to the GP: Codes only, 6 Dec 2026 (verbally)"
        );
        let all = format!("{words:?}");
        for code in ["gp_information", "codes_only", "2026-12-06", "Consent 4"] {
            assert!(!all.contains(code), "{code} shown: {all}");
        }
        let status = Conflict {
            field: "status".into(),
            item: None,
            sub: None,
            values: vec![
                variant("Jo", None, Value::from("active")),
                variant("Sam", None, Value::from("needs_beyond")),
            ],
        };
        let words = conflict_words(&ws, r, &status, false);
        assert_eq!(words.what, "Status");
        let values: Vec<&str> = words.choices.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["Active", "Needs beyond social prescribing"]);
        let due = Conflict {
            field: "tasks".into(),
            item: Some(Value::from(crate::model::ids::legacy(1).to_string())),
            sub: Some("due".into()),
            values: vec![
                variant("Jo", None, Value::from("2026-12-10")),
                variant("Sam", None, Value::Null),
            ],
        };
        let mut with_task = r.clone();
        with_task.tasks.push(crate::model::diary::Task {
            id: crate::model::diary::TaskId::legacy(1),
            text: "Ring the housing team".into(),
            due: None,
            done: None,
        });
        let words = conflict_words(&ws, &with_task, &due, false);
        assert_eq!(
            words.what,
            "Task \u{201c}Ring the housing team\u{201d} \u{2014} Due"
        );
        let values: Vec<&str> = words.choices.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["10 Dec 2026", "(nothing)"]);
    }
}

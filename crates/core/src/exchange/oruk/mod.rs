//! Import of community services from Open Referral UK (HSDS): a JSON file as
//! an ORUK 1.x or HSDS 3 `/services` endpoint returns it (paged `content` or
//! `contents`) or a single full service record, or the ORUK tabular CSV
//! package (services.csv, organizations.csv, …, datapackage.json).
//!
//! Every service is checked before anything changes: a bad file imports
//! nothing. Re-importing updates entries by their ORUK service id.

mod json;
mod tabular;

pub use json::*;
pub use tabular::*;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::model::Workspace;
use crate::store::crypto::Random;
use crate::work::directory::{Resource, ResourceId};

/// One service read from a directory file, before it joins the directory.
/// An empty field is one the file does not say: importing it never blanks
/// what the directory already holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedService {
    pub oruk_id: String,
    pub name: String,
    pub organisation: String,
    /// Whether the service runs, when the file gives its status.
    pub active: Option<bool>,
    pub description: String,
    pub url: String,
    pub email: String,
    pub phone: String,
    /// Who it is for, with any age range.
    pub eligibility: String,
    pub fees: String,
    /// How to get to it (HSDS application process).
    pub how_to_refer: String,
    /// A short-term notice from the service ("closed until January").
    pub alert: String,
    /// When it runs.
    pub opening: String,
    pub languages: String,
    /// Where it runs: the first venue's address.
    pub address: String,
    pub taxonomy: Vec<String>,
    pub area: String,
    /// Assured date, or else last modified.
    pub checked: Option<NaiveDate>,
}

/// Why a directory file cannot be imported. Every message names the file
/// and says what to do; nothing is imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrukError {
    #[error("{file} could not be read as JSON: it looks cut short or damaged near line {line}. Nothing was imported. Download it from the directory again, or choose its CSV files instead.")]
    NotJson { file: String, line: usize },
    #[error("{file} is not an Open Referral UK services file: it has no list of services (\u{201c}content\u{201d} or \u{201c}contents\u{201d}) and is not a single service. Nothing was imported. Choose the file the directory's services address gives.")]
    NotServices { file: String },
    #[error("{file} has no services in it. Nothing was imported. Choose a file with at least one service.")]
    Empty { file: String },
    #[error("{file}: service {index} {problem}. Nothing was imported. Correct the file, or ask the directory for a new copy.")]
    Service {
        file: String,
        index: usize,
        problem: String,
    },
    #[error("{0} is missing. Nothing was imported. Choose it together with the other files: the CSV package needs services.csv and organizations.csv.")]
    MissingFile(&'static str),
    #[error("{file}, row {row}: {problem}. Nothing was imported.")]
    Csv {
        file: String,
        row: usize,
        problem: String,
    },
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The first 10 characters of a date or date-time, as a date.
fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The items of a list field (none when it is missing).
fn items<'a>(v: &'a Value, list: &str) -> &'a [Value] {
    v.get(list)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Strings found under `list[*].(path…)`.
fn collect(v: &Value, list: &str, path: &[&str]) -> Vec<String> {
    items(v, list)
        .iter()
        .filter_map(|item| {
            let mut at = item;
            for p in path {
                at = at.get(p)?;
            }
            at.as_str()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        })
        .collect()
}

/// Non-empty parts, each once, joined with "; ".
fn join(parts: impl IntoIterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for p in parts {
        let p = p.trim().to_owned();
        if !p.is_empty() && !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen.join("; ")
}

/// "Ages 18 to 65", "Ages 50 and over", "Up to age 25", from the age fields.
fn ages(min: &str, max: &str) -> String {
    let num = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0)
            .map(|n| n.round() as u32)
    };
    match (num(min), num(max)) {
        (Some(a), Some(b)) => format!("Ages {a} to {b}"),
        (Some(a), None) => format!("Ages {a} and over"),
        (None, Some(b)) => format!("Up to age {b}"),
        (None, None) => String::new(),
    }
}

/// A day of the week from an RRULE day code or an ORUK weekday (name or 1–7).
fn day_name(code: &str) -> String {
    const DAYS: [(&str, &str); 7] = [
        ("MO", "Monday"),
        ("TU", "Tuesday"),
        ("WE", "Wednesday"),
        ("TH", "Thursday"),
        ("FR", "Friday"),
        ("SA", "Saturday"),
        ("SU", "Sunday"),
    ];
    let c = code.trim();
    if let Ok(n) = c.parse::<usize>() {
        return DAYS
            .get(n.wrapping_sub(1))
            .map_or(String::new(), |d| d.1.to_owned());
    }
    c.split(',')
        .filter_map(|part| {
            let p = part.trim();
            DAYS.iter()
                .find(|(code, name)| {
                    p.eq_ignore_ascii_case(code)
                        || (p.len() >= 3 && name.to_lowercase().starts_with(&p.to_lowercase()))
                })
                .map(|d| d.1.to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Tuesday 10:00–12:00": a schedule's own words, or its day and hours.
fn schedule_text(description: &str, day: &str, opens: &str, closes: &str) -> String {
    if !description.trim().is_empty() {
        return description.trim().to_owned();
    }
    let hhmm = |t: &str| t.trim().get(..5).unwrap_or(t.trim()).to_owned();
    let hours = match (opens.trim().is_empty(), closes.trim().is_empty()) {
        (false, false) => format!("{}\u{2013}{}", hhmm(opens), hhmm(closes)),
        (false, true) => format!("from {}", hhmm(opens)),
        _ => String::new(),
    };
    [day_name(day), hours]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "1 High Street, Northgate ZZ2 2BB".
fn address_text(address_1: &str, city: &str, postcode: &str) -> String {
    let town = [city.trim(), postcode.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [address_1.trim().to_owned(), town]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a status says the service runs ("active"); `None` when not given.
fn running(status: &str) -> Option<bool> {
    match status.trim().to_lowercase().as_str() {
        "" => None,
        s => Some(s == "active"),
    }
}

/// Keywords that suggest a connection category, checked in order.
const CATEGORY_WORDS: [(&str, &[&str]); 17] = [
    ("domestic_abuse", &["domestic abuse", "domestic violence"]),
    ("addiction", &["addiction", "alcohol", "drug", "recovery"]),
    ("carers", &["carer"]),
    ("debt", &["debt", "money advice", "budget"]),
    ("welfare_rights", &["benefit", "welfare"]),
    ("housing", &["housing", "homeless", "tenan"]),
    ("food", &["food", "meal", "pantry", "lunch"]),
    (
        "community_mh",
        &["mental health", "counsel", "wellbeing", "well-being"],
    ),
    (
        "physical_activity",
        &[
            "walk", "sport", "exercise", "fitness", "swim", "dance", "yoga", "tai chi",
        ],
    ),
    (
        "nature",
        &["garden", "nature", "outdoor", "allotment", "green"],
    ),
    (
        "arts",
        &["art", "music", "craft", "choir", "sing", "theatre", "drama"],
    ),
    ("digital", &["digital", "computer", "online", "internet"]),
    ("employment", &["employ", "job", "volunteer", "skills"]),
    (
        "learning",
        &["learn", "course", "class", "education", "library"],
    ),
    ("legal", &["legal", "law", "solicitor"]),
    (
        "faith",
        &[
            "church",
            "faith",
            "mosque",
            "temple",
            "gurdwara",
            "synagogue",
        ],
    ),
    (
        "social",
        &[
            "befriend",
            "social",
            "friendship",
            "lonel",
            "coffee",
            "club",
            "group",
        ],
    ),
];

/// Suggests a category from taxonomy terms, then the name and description.
pub fn guess_category(s: &ImportedService) -> &'static str {
    let sources = [s.taxonomy.join(" "), s.name.clone(), s.description.clone()];
    for source in sources {
        let hay = source.to_lowercase();
        for (category, words) in CATEGORY_WORDS {
            if words.iter().any(|w| hay.contains(w)) {
                return category;
            }
        }
    }
    "other"
}

impl Workspace {
    /// Adds imported services to the directory, updating entries with the
    /// same ORUK id. An update takes what the file says and keeps whatever
    /// it leaves empty, so a short list file never blanks details an
    /// earlier full import filled in; the link worker's own notes and
    /// category always stay.
    pub fn import_services(
        &mut self,
        services: Vec<ImportedService>,
        rng: &mut dyn Random,
    ) -> ImportSummary {
        let mut summary = ImportSummary::default();
        let known: BTreeMap<String, ResourceId> = self
            .directory
            .values()
            .filter_map(|r| Some((r.oruk_id.clone()?, r.id)))
            .collect();
        for s in services {
            let category = guess_category(&s).to_owned();
            let existing = known
                .get(&s.oruk_id)
                .and_then(|id| self.directory.get(id))
                .cloned();
            let old = existing.clone().unwrap_or_default();
            let pick = |new: String, old: &str| {
                if new.is_empty() {
                    old.to_owned()
                } else {
                    new
                }
            };
            let resource = Resource {
                id: existing
                    .as_ref()
                    .map_or_else(|| ResourceId::from_random(rng.bytes16()), |e| e.id),
                oruk_id: Some(s.oruk_id),
                name: s.name,
                organisation: pick(s.organisation, &old.organisation),
                category: existing.as_ref().map_or(category, |e| e.category.clone()),
                area: pick(s.area, &old.area),
                how_to_refer: pick(s.how_to_refer, &old.how_to_refer),
                contact: pick(s.phone, &old.contact),
                email: pick(s.email, &old.email),
                website: pick(s.url, &old.website),
                eligibility: pick(s.eligibility, &old.eligibility),
                fees: pick(s.fees, &old.fees),
                description: pick(s.description, &old.description),
                alert: pick(s.alert, &old.alert),
                opening: pick(s.opening, &old.opening),
                languages: pick(s.languages, &old.languages),
                address: pick(s.address, &old.address),
                taxonomy: if s.taxonomy.is_empty() {
                    old.taxonomy.clone()
                } else {
                    s.taxonomy
                },
                notes: old.notes.clone(),
                active: s.active.unwrap_or(existing.is_none() || old.active),
                last_checked: s.checked.or(old.last_checked),
            };
            if existing.is_some() {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
            self.directory.insert(resource.id, resource);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{fixture, SeqRandom};

    #[test]
    fn an_oruk_1_paged_result_maps_every_field() {
        let services =
            parse_json("services-oruk1.json", &fixture("oruk/services-oruk1.json")).expect("valid");
        assert_eq!(services.len(), 3);
        let walk = &services[0];
        assert_eq!(walk.oruk_id, "svc-101");
        assert_eq!(walk.name, "Health walks");
        assert_eq!(walk.organisation, "Riverside Rambles");
        assert_eq!(walk.active, Some(true));
        assert_eq!(walk.url, "https://example.org/walks");
        assert_eq!(walk.email, "walks@example.org");
        assert_eq!(walk.phone, "01632 960001");
        assert_eq!(walk.eligibility, "Adults; Able to walk for 30 minutes");
        assert_eq!(walk.fees, "Free");
        assert_eq!(walk.taxonomy, vec!["Physical activity".to_owned()]);
        assert_eq!(walk.area, "Riverside");
        assert_eq!(walk.checked, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(guess_category(walk), "physical_activity");
        assert_eq!(
            services[2].active,
            Some(false),
            "an inactive service is kept, marked"
        );
        assert_eq!(guess_category(&services[1]), "debt");
    }

    #[test]
    fn an_hsds_3_paged_result_and_a_single_record_are_read() {
        let services =
            parse_json("services-hsds3.json", &fixture("oruk/services-hsds3.json")).expect("valid");
        assert_eq!(services.len(), 2);
        let choir = &services[0];
        assert_eq!(choir.name, "Community choir");
        assert_eq!(choir.eligibility, "Anyone who likes to sing");
        assert_eq!(choir.fees, "£2 a session", "from its cost options");
        assert_eq!(choir.how_to_refer, "Just turn up on a Tuesday");
        assert_eq!(choir.alert, "Rehearsals move to the library in December");
        assert_eq!(choir.opening, "Tuesday 19:00\u{2013}21:00");
        assert_eq!(choir.languages, "English; Polish");
        assert_eq!(choir.address, "1 High Street, Northgate ZZ2 2BB");
        assert_eq!(choir.description, "A friendly choir, no experience needed.");
        assert_eq!(services[1].eligibility, "Ages 18 and over");
        assert_eq!(choir.taxonomy, vec!["Arts and culture".to_owned()]);
        assert_eq!(choir.phone, "01632 960123");
        assert_eq!(choir.area, "Northgate");
        assert_eq!(
            choir.checked,
            NaiveDate::from_ymd_opt(2025, 9, 14),
            "last_modified when not assured"
        );
        assert_eq!(guess_category(choir), "arts");
        let single =
            parse_json("service-full.json", &fixture("oruk/service-full.json")).expect("valid");
        assert_eq!(single.len(), 1);
        assert_eq!(single[0].organisation, "Canal Foodbank");
        assert_eq!(guess_category(&single[0]), "food");
    }

    #[test]
    fn the_csv_package_is_read_with_its_linked_tables() {
        let names = [
            "services.csv",
            "organizations.csv",
            "eligibility.csv",
            "taxonomy.csv",
            "service_taxonomy.csv",
            "phone.csv",
            "datapackage.json",
        ];
        let files: Vec<(String, String)> = names
            .iter()
            .map(|n| (n.to_string(), fixture(&format!("oruk/csv/{n}"))))
            .collect();
        let services = parse_csv_package(&files).expect("valid").services;
        assert_eq!(services.len(), 3);
        let s = services.iter().find(|s| s.oruk_id == "c-2").expect("c-2");
        assert_eq!(s.name, "Men's shed");
        assert_eq!(s.organisation, "Westerton Community Trust");
        assert_eq!(s.eligibility, "Men over 50");
        assert_eq!(s.taxonomy, vec!["Social groups".to_owned()]);
        assert_eq!(s.phone, "01632 960777");
        assert_eq!(s.checked, NaiveDate::from_ymd_opt(2026, 1, 20));
        assert_eq!(guess_category(s), "social");
    }

    #[test]
    fn bad_files_name_what_is_wrong_and_import_nothing() {
        let f = || "walks.json".to_owned();
        let cut = parse_json("walks.json", "{\n\"content\": [\n{\"id\": \"a\",\n")
            .expect_err("cut short");
        assert_eq!(cut, OrukError::NotJson { file: f(), line: 4 });
        let said = cut.to_string();
        assert!(said.starts_with("walks.json could not be read"), "{said}");
        assert!(
            said.contains("Download it from the directory again"),
            "{said}"
        );
        assert!(
            !said.contains("EOF") && !said.contains("parsing"),
            "no parser words: {said}"
        );
        assert_eq!(
            parse_json("walks.json", "{\"hello\": 1}"),
            Err(OrukError::NotServices { file: f() })
        );
        assert_eq!(
            parse_json("walks.json", "{\"content\": []}"),
            Err(OrukError::Empty { file: f() })
        );
        assert_eq!(
            parse_json(
                "walks.json",
                "{\"content\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"b\"}]}"
            ),
            Err(OrukError::Service {
                file: f(),
                index: 2,
                problem: "(id b) has no name".into()
            })
        );
        assert_eq!(
            parse_json("walks.json", "{\"contents\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"a\", \"name\": \"B\"}]}"),
            Err(OrukError::Service { file: f(), index: 2, problem: "has the same id as service 1".into() })
        );
        let only_services = vec![("services.csv".to_owned(), fixture("oruk/csv/services.csv"))];
        assert_eq!(
            parse_csv_package(&only_services),
            Err(OrukError::MissingFile("organizations.csv"))
        );
        let unknown_org = vec![
            (
                "services.csv".to_owned(),
                "id,organization_id,name\nx,nope,Thing\n".to_owned(),
            ),
            (
                "organizations.csv".to_owned(),
                "id,name\no1,Org\n".to_owned(),
            ),
        ];
        assert_eq!(
            parse_csv_package(&unknown_org),
            Err(OrukError::Csv {
                file: "services.csv".into(),
                row: 2,
                problem: "organisation nope is not in organizations.csv: choose the organisations file that goes with these services".into()
            })
        );
        let ragged = vec![
            (
                "services.csv".to_owned(),
                "id,organization_id,name\nx,,Thing,extra\n".to_owned(),
            ),
            ("organizations.csv".to_owned(), "id,name\n".to_owned()),
        ];
        let said = parse_csv_package(&ragged).expect_err("ragged").to_string();
        assert!(
            said.starts_with("services.csv, row 2: the row has 4 cells but the header has 3"),
            "{said}"
        );
        assert!(OrukError::Empty { file: f() }
            .to_string()
            .contains("walks.json has no services"));
    }

    #[test]
    fn reimporting_updates_by_id_and_keeps_local_notes() {
        let mut ws = Workspace::new();
        let mut rng = SeqRandom::default();
        let first = ws.import_services(
            parse_json("services-oruk1.json", &fixture("oruk/services-oruk1.json")).expect("valid"),
            &mut rng,
        );
        assert_eq!(
            first,
            ImportSummary {
                added: 3,
                updated: 0
            }
        );
        let id = ws
            .directory
            .values()
            .find(|r| r.oruk_id.as_deref() == Some("svc-101"))
            .expect("walks")
            .id;
        ws.directory.get_mut(&id).expect("walks").notes = "Ask for Pat".into();
        ws.directory.get_mut(&id).expect("walks").category = "nature".into();
        let mut again =
            parse_json("services-oruk1.json", &fixture("oruk/services-oruk1.json")).expect("valid");
        again[0].name = "Health walks (new times)".into();
        let second = ws.import_services(again, &mut rng);
        assert_eq!(
            second,
            ImportSummary {
                added: 0,
                updated: 3
            }
        );
        assert_eq!(ws.directory.len(), 3, "no duplicates");
        let walks = &ws.directory[&id];
        assert_eq!(walks.name, "Health walks (new times)");
        assert_eq!(walks.notes, "Ask for Pat");
        assert_eq!(walks.category, "nature", "the link worker's category stays");
    }

    fn hsds3_package() -> Vec<(String, String)> {
        [
            "services.csv",
            "organizations.csv",
            "phones.csv",
            "taxonomy_terms.csv",
            "attributes.csv",
            "schedules.csv",
            "languages.csv",
            "service_at_locations.csv",
            "locations.csv",
            "addresses.csv",
            "cost_options.csv",
        ]
        .iter()
        .map(|n| (n.to_string(), fixture(&format!("oruk/hsds3-csv/{n}"))))
        .collect()
    }

    #[test]
    fn the_hsds_3_csv_package_gives_what_the_json_of_the_same_services_gives() {
        let mut files = hsds3_package();
        files.push(("my-notes.csv".into(), "a,b\n".into()));
        let package = parse_csv_package(&files).expect("valid");
        assert_eq!(package.unread, vec!["my-notes.csv".to_owned()]);
        let json =
            parse_json("services.json", &fixture("oruk/services-hsds3.json")).expect("valid");
        for (from_csv, from_json) in package.services.iter().zip(&json) {
            let mut a = from_csv.clone();
            let mut b = from_json.clone();
            // Only the JSON nests the organisation's id; the rest must agree.
            a.checked = None;
            b.checked = None;
            assert_eq!(a, b);
        }
        let choir = &package.services[0];
        assert_eq!(choir.phone, "01632 960123", "phones.csv is read");
        assert_eq!(choir.eligibility, "Anyone who likes to sing");
        assert_eq!(
            choir.taxonomy,
            vec!["Arts and culture".to_owned()],
            "only the service's own attributes"
        );
        assert_eq!(
            package.services[1].checked,
            NaiveDate::from_ymd_opt(2026, 2, 1)
        );
    }

    #[test]
    fn a_short_list_file_never_blanks_what_a_full_import_filled() {
        let mut ws = Workspace::new();
        let mut rng = SeqRandom::default();
        ws.import_services(
            parse_csv_package(&hsds3_package()).expect("valid").services,
            &mut rng,
        );
        // A list endpoint often gives only ids, names and a status.
        let list = r#"{"contents": [{"id": "5c8c5f2e-4e55-4c2b-9a4f-1c2b3d4e5f60", "name": "Community choir", "status": "active", "phones": [], "description": ""}]}"#;
        let summary = ws.import_services(parse_json("list.json", list).expect("valid"), &mut rng);
        assert_eq!(
            summary,
            ImportSummary {
                added: 0,
                updated: 1
            }
        );
        let choir = ws
            .directory
            .values()
            .find(|r| r.name == "Community choir")
            .expect("choir");
        assert_eq!(choir.contact, "01632 960123");
        assert_eq!(choir.eligibility, "Anyone who likes to sing");
        assert_eq!(choir.description, "A friendly choir, no experience needed.");
        assert_eq!(choir.organisation, "Northgate Arts");
        assert_eq!(choir.opening, "Tuesday 19:00\u{2013}21:00");
        assert_eq!(choir.taxonomy, vec!["Arts and culture".to_owned()]);
        assert!(choir.last_checked.is_some());
        // What a file does say replaces the old value, and a status is taken.
        let closed = r#"{"contents": [{"id": "5c8c5f2e-4e55-4c2b-9a4f-1c2b3d4e5f60", "name": "Community choir", "status": "inactive", "email": "new@example.org"}]}"#;
        ws.import_services(parse_json("list.json", closed).expect("valid"), &mut rng);
        let choir = ws
            .directory
            .values()
            .find(|r| r.name == "Community choir")
            .expect("choir");
        assert_eq!(choir.email, "new@example.org");
        assert!(!choir.active);
        assert_eq!(choir.contact, "01632 960123");
    }

    #[test]
    fn schedules_and_ages_read_as_people_write_them() {
        assert_eq!(
            schedule_text("", "MO,WE", "09:30:00", "12:00:00"),
            "Monday, Wednesday 09:30\u{2013}12:00"
        );
        assert_eq!(schedule_text("", "3", "10:00", ""), "Wednesday from 10:00");
        assert_eq!(
            schedule_text("First Friday of the month", "FR", "10:00", "11:00"),
            "First Friday of the month"
        );
        assert_eq!(ages("18", "65"), "Ages 18 to 65");
        assert_eq!(ages("", "25"), "Up to age 25");
        assert_eq!(ages("0", ""), "");
    }
}

//! Import of community services from Open Referral UK (HSDS): a JSON file as
//! an ORUK 1.x or HSDS 3 `/services` endpoint returns it (paged `content` or
//! `contents`) or a single full service record, or the ORUK tabular CSV
//! package (services.csv, organizations.csv, …, datapackage.json).
//!
//! Every service is checked before anything changes: a bad file imports
//! nothing. Re-importing updates entries by their ORUK service id.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::crypto::Random;
use crate::directory::{Resource, ResourceId};
use crate::model::Workspace;

/// One service read from a directory file, before it joins the directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedService {
    pub oruk_id: String,
    pub name: String,
    pub organisation: String,
    pub active: bool,
    pub description: String,
    pub url: String,
    pub email: String,
    pub phone: String,
    pub eligibility: String,
    pub fees: String,
    pub taxonomy: Vec<String>,
    pub area: String,
    /// Assured date, or else last modified.
    pub checked: Option<NaiveDate>,
}

/// Why a directory file cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrukError {
    #[error("The file is not readable JSON ({0}).")]
    NotJson(String),
    #[error("The file is not an Open Referral UK services file: expected a paged result with \u{201c}content\u{201d} (ORUK 1.x) or \u{201c}contents\u{201d} (HSDS 3), or a single service record.")]
    NotServices,
    #[error("The file has no services in it.")]
    Empty,
    #[error("Service {index} {problem}. Nothing was imported.")]
    Service { index: usize, problem: String },
    #[error("{0} is missing: the CSV package needs services.csv and organizations.csv.")]
    MissingFile(&'static str),
    #[error("{file}, row {row}: {problem}. Nothing was imported.")]
    Csv {
        file: String,
        row: usize,
        problem: String,
    },
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

/// Strings found under `list[*].(path…)`.
fn collect(v: &Value, list: &str, path: &[&str]) -> Vec<String> {
    v.get(list)
        .and_then(Value::as_array)
        .map(|items| {
            items
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
        })
        .unwrap_or_default()
}

/// Reads one service record of either standard.
fn service_from_json(v: &Value, index: usize) -> Result<ImportedService, OrukError> {
    let bad = |problem: &str| OrukError::Service {
        index,
        problem: problem.to_owned(),
    };
    if !v.is_object() {
        return Err(bad("is not a record"));
    }
    let oruk_id = text(v, "id");
    if oruk_id.is_empty() {
        return Err(bad("has no id"));
    }
    let name = text(v, "name");
    if name.is_empty() {
        return Err(bad(&format!("(id {oruk_id}) has no name")));
    }
    let status = text(v, "status").to_lowercase();
    let organisation = v
        .get("organization")
        .map(|o| text(o, "name"))
        .unwrap_or_default();
    let mut eligibility = text(v, "eligibility_description");
    if eligibility.is_empty() {
        eligibility = collect(v, "eligibilitys", &["eligibility"]).join("; ");
    }
    let mut fees = text(v, "fees_description");
    if fees.is_empty() {
        fees = text(v, "fees");
    }
    let mut taxonomy = collect(v, "service_taxonomys", &["taxonomy", "name"]);
    taxonomy.extend(collect(v, "attributes", &["taxonomy_term", "name"]));
    let mut phones = collect(v, "phones", &["number"]);
    if let Some(contacts) = v.get("contacts").and_then(Value::as_array) {
        for c in contacts {
            phones.extend(collect(c, "phones", &["number"]));
        }
    }
    let mut area = String::new();
    if let Some(sal) = v.get("service_at_locations").and_then(Value::as_array) {
        for s in sal {
            let Some(loc) = s.get("location") else {
                continue;
            };
            for list in ["physical_addresses", "addresses"] {
                if let Some(city) = collect(loc, list, &["city"]).into_iter().next() {
                    area = city;
                }
            }
            if area.is_empty() {
                area = text(loc, "name");
            }
            if !area.is_empty() {
                break;
            }
        }
    }
    let checked = date_of(&text(v, "assured_date")).or_else(|| date_of(&text(v, "last_modified")));
    Ok(ImportedService {
        oruk_id,
        name,
        organisation,
        active: status.is_empty() || status == "active",
        description: text(v, "description"),
        url: text(v, "url"),
        email: text(v, "email"),
        phone: phones.into_iter().next().unwrap_or_default(),
        eligibility,
        fees,
        taxonomy,
        area,
        checked,
    })
}

/// Reads services from an ORUK 1.x or HSDS 3 JSON file.
pub fn parse_json(text: &str) -> Result<Vec<ImportedService>, OrukError> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| OrukError::NotJson(e.to_string()))?;
    let items: Vec<&Value> = if let Some(list) = v.get("content").or_else(|| v.get("contents")) {
        list.as_array()
            .ok_or(OrukError::NotServices)?
            .iter()
            .collect()
    } else if v.get("id").is_some() && v.get("name").is_some() {
        vec![&v]
    } else if let Some(list) = v.as_array() {
        list.iter().collect()
    } else {
        return Err(OrukError::NotServices);
    };
    if items.is_empty() {
        return Err(OrukError::Empty);
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = BTreeMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let s = service_from_json(item, i + 1)?;
        if let Some(first) = seen.insert(s.oruk_id.clone(), i + 1) {
            return Err(OrukError::Service {
                index: i + 1,
                problem: format!("has the same id as service {first}"),
            });
        }
        out.push(s);
    }
    Ok(out)
}

/// Rows of one CSV file as maps from column name to value.
fn csv_rows(file: &str, text: &str) -> Result<Vec<BTreeMap<String, String>>, OrukError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| OrukError::Csv {
            file: file.into(),
            row: 1,
            problem: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| OrukError::Csv {
            file: file.into(),
            row: i + 2,
            problem: e.to_string(),
        })?;
        rows.push(
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(|v| v.trim().to_owned()))
                .collect(),
        );
    }
    Ok(rows)
}

/// Reads services from the ORUK tabular package: `(file name, text)` pairs.
/// services.csv and organizations.csv are needed; eligibility.csv,
/// taxonomy.csv with service_taxonomy.csv, and phone.csv are used when given.
pub fn parse_csv_package(files: &[(String, String)]) -> Result<Vec<ImportedService>, OrukError> {
    let find = |name: &str| {
        files
            .iter()
            .find(|(n, _)| {
                n.rsplit(['/', '\\'])
                    .next()
                    .is_some_and(|base| base.eq_ignore_ascii_case(name))
            })
            .map(|(_, t)| t.as_str())
    };
    let services = csv_rows(
        "services.csv",
        find("services.csv").ok_or(OrukError::MissingFile("services.csv"))?,
    )?;
    let orgs = csv_rows(
        "organizations.csv",
        find("organizations.csv").ok_or(OrukError::MissingFile("organizations.csv"))?,
    )?;
    let org_names: BTreeMap<String, String> = orgs
        .iter()
        .filter_map(|o| Some((o.get("id")?.clone(), o.get("name")?.clone())))
        .collect();
    let by_service =
        |file: &str, value: &str| -> Result<BTreeMap<String, Vec<String>>, OrukError> {
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            if let Some(text) = find(file) {
                for row in csv_rows(file, text)? {
                    if let (Some(s), Some(v)) = (row.get("service_id"), row.get(value)) {
                        map.entry(s.clone()).or_default().push(v.clone());
                    }
                }
            }
            Ok(map)
        };
    let eligibility = by_service("eligibility.csv", "eligibility")?;
    let phones = by_service("phone.csv", "number")?;
    let service_terms = by_service("service_taxonomy.csv", "taxonomy_id")?;
    let term_names: BTreeMap<String, String> = match find("taxonomy.csv") {
        Some(text) => csv_rows("taxonomy.csv", text)?
            .into_iter()
            .filter_map(|t| Some((t.get("id")?.clone(), t.get("name")?.clone())))
            .collect(),
        None => BTreeMap::new(),
    };
    if services.is_empty() {
        return Err(OrukError::Empty);
    }
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, row) in services.iter().enumerate() {
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        let bad = |problem: String| OrukError::Csv {
            file: "services.csv".into(),
            row: i + 2,
            problem,
        };
        let id = get("id");
        if id.is_empty() {
            return Err(bad("the id is empty".into()));
        }
        if get("name").is_empty() {
            return Err(bad(format!("service {id} has no name")));
        }
        let org_id = get("organization_id");
        let organisation = match org_names.get(&org_id) {
            Some(n) => n.clone(),
            None if org_id.is_empty() => String::new(),
            None => {
                return Err(bad(format!(
                    "organisation {org_id} is not in organizations.csv"
                )))
            }
        };
        if let Some(first) = seen.insert(id.clone(), i + 2) {
            return Err(bad(format!("service {id} is also on row {first}")));
        }
        let status = get("status").to_lowercase();
        out.push(ImportedService {
            name: get("name"),
            organisation,
            active: status.is_empty() || status == "active",
            description: get("description"),
            url: get("url"),
            email: get("email"),
            phone: phones
                .get(&id)
                .and_then(|p| p.first().cloned())
                .unwrap_or_default(),
            eligibility: eligibility
                .get(&id)
                .map(|e| e.join("; "))
                .unwrap_or_default(),
            fees: get("fees"),
            taxonomy: service_terms
                .get(&id)
                .map(|ts| {
                    ts.iter()
                        .filter_map(|t| term_names.get(t).cloned())
                        .collect()
                })
                .unwrap_or_default(),
            area: String::new(),
            checked: date_of(&get("assured_date")).or_else(|| date_of(&get("last_modified"))),
            oruk_id: id,
        });
    }
    Ok(out)
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
    /// same ORUK id (keeping the link worker's own notes and category).
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
            let resource = Resource {
                id: existing
                    .as_ref()
                    .map_or_else(|| ResourceId::from_random(rng.bytes16()), |e| e.id),
                oruk_id: Some(s.oruk_id),
                name: s.name,
                organisation: s.organisation,
                category: existing.as_ref().map_or(category, |e| e.category.clone()),
                area: s.area,
                how_to_refer: existing
                    .as_ref()
                    .map(|e| e.how_to_refer.clone())
                    .unwrap_or_default(),
                contact: s.phone,
                email: s.email,
                website: s.url,
                eligibility: s.eligibility,
                fees: s.fees,
                description: s.description,
                taxonomy: s.taxonomy,
                notes: existing
                    .as_ref()
                    .map(|e| e.notes.clone())
                    .unwrap_or_default(),
                active: s.active,
                last_checked: s.checked.or(existing.as_ref().and_then(|e| e.last_checked)),
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
        let services = parse_json(&fixture("oruk/services-oruk1.json")).expect("valid");
        assert_eq!(services.len(), 3);
        let walk = &services[0];
        assert_eq!(walk.oruk_id, "svc-101");
        assert_eq!(walk.name, "Health walks");
        assert_eq!(walk.organisation, "Riverside Rambles");
        assert!(walk.active);
        assert_eq!(walk.url, "https://example.org/walks");
        assert_eq!(walk.email, "walks@example.org");
        assert_eq!(walk.phone, "01632 960001");
        assert_eq!(walk.eligibility, "Adults; Able to walk for 30 minutes");
        assert_eq!(walk.fees, "Free");
        assert_eq!(walk.taxonomy, vec!["Physical activity".to_owned()]);
        assert_eq!(walk.area, "Riverside");
        assert_eq!(walk.checked, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(guess_category(walk), "physical_activity");
        assert!(!services[2].active, "an inactive service is kept, marked");
        assert_eq!(guess_category(&services[1]), "debt");
    }

    #[test]
    fn an_hsds_3_paged_result_and_a_single_record_are_read() {
        let services = parse_json(&fixture("oruk/services-hsds3.json")).expect("valid");
        assert_eq!(services.len(), 2);
        let choir = &services[0];
        assert_eq!(choir.name, "Community choir");
        assert_eq!(choir.eligibility, "Anyone who likes to sing");
        assert_eq!(choir.fees, "£2 a session");
        assert_eq!(choir.taxonomy, vec!["Arts and culture".to_owned()]);
        assert_eq!(choir.phone, "01632 960123");
        assert_eq!(choir.area, "Northgate");
        assert_eq!(
            choir.checked,
            NaiveDate::from_ymd_opt(2025, 9, 14),
            "last_modified when not assured"
        );
        assert_eq!(guess_category(choir), "arts");
        let single = parse_json(&fixture("oruk/service-full.json")).expect("valid");
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
        let services = parse_csv_package(&files).expect("valid");
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
        assert!(matches!(parse_json("{"), Err(OrukError::NotJson(_))));
        assert_eq!(parse_json("{\"hello\": 1}"), Err(OrukError::NotServices));
        assert_eq!(parse_json("{\"content\": []}"), Err(OrukError::Empty));
        assert_eq!(
            parse_json("{\"content\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"b\"}]}"),
            Err(OrukError::Service {
                index: 2,
                problem: "(id b) has no name".into()
            })
        );
        assert_eq!(
            parse_json("{\"contents\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"a\", \"name\": \"B\"}]}"),
            Err(OrukError::Service { index: 2, problem: "has the same id as service 1".into() })
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
                problem: "organisation nope is not in organizations.csv".into()
            })
        );
        assert!(OrukError::Empty.to_string().contains("no services"));
    }

    #[test]
    fn reimporting_updates_by_id_and_keeps_local_notes() {
        let mut ws = Workspace::new();
        let mut rng = SeqRandom::default();
        let first = ws.import_services(
            parse_json(&fixture("oruk/services-oruk1.json")).expect("valid"),
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
        let mut again = parse_json(&fixture("oruk/services-oruk1.json")).expect("valid");
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
}

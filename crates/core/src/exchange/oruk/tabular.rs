//! Services from the ORUK 1 or HSDS 3 tabular package: services.csv and
//! organizations.csv, with the linked tables by either standard's names.

use std::collections::BTreeMap;

use super::*;

/// What is wrong with a CSV record, in plain words.
pub(super) fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "the row has {len} cells but the header has {expected_len}: a comma inside a cell needs the cell in double quotes. Save the file again from the spreadsheet as CSV"
        ),
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not saved as UTF-8 text: save it again as \u{201c}CSV UTF-8\u{201d}".into()
        }
        _ => "the row could not be read: save the file again from the spreadsheet as CSV".into(),
    }
}

/// Rows of one CSV file as maps from column name to value.
pub(super) fn csv_rows(file: &str, text: &str) -> Result<Vec<BTreeMap<String, String>>, OrukError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| OrukError::Csv {
            file: file.into(),
            row: 1,
            problem: csv_problem(&e),
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| OrukError::Csv {
            file: file.into(),
            row: i + 2,
            problem: csv_problem(&e),
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

pub(super) type CsvRow = BTreeMap<String, String>;

/// The tables of the package Linkwork reads, each by its HSDS 3 name and
/// its ORUK 1 name.
pub(super) const TABLES: [[&str; 2]; 14] = [
    ["services.csv", "service.csv"],
    ["organizations.csv", "organization.csv"],
    ["phones.csv", "phone.csv"],
    ["eligibility.csv", "eligibilitys.csv"],
    ["taxonomy_terms.csv", "taxonomy.csv"],
    ["attributes.csv", "service_taxonomy.csv"],
    ["service_areas.csv", "service_area.csv"],
    ["cost_options.csv", "cost_option.csv"],
    ["languages.csv", "language.csv"],
    ["schedules.csv", "regular_schedule.csv"],
    ["service_at_locations.csv", "service_at_location.csv"],
    ["locations.csv", "location.csv"],
    ["addresses.csv", "physical_address.csv"],
    ["datapackage.json", "datapackage.json"],
];

/// The services of a CSV package, and the chosen files it did not read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvPackage {
    pub services: Vec<ImportedService>,
    /// Files that are not tables Linkwork reads (left out).
    pub unread: Vec<String>,
}

/// Reads services from the ORUK 1 or HSDS 3 tabular package: `(file name,
/// text)` pairs. services.csv and organizations.csv are needed; the other
/// tables (phones, eligibility, taxonomy, areas, costs, languages,
/// schedules and locations, by either standard's file names) are used when
/// given.
pub fn parse_csv_package(files: &[(String, String)]) -> Result<CsvPackage, OrukError> {
    let base = |n: &str| n.rsplit(['/', '\\']).next().unwrap_or(n).to_lowercase();
    let find = |names: [&str; 2]| {
        files
            .iter()
            .find(|(n, _)| names.contains(&base(n).as_str()))
            .map(|(n, t)| (base(n), t.as_str()))
    };
    let table = |names: [&str; 2]| -> Result<Vec<CsvRow>, OrukError> {
        match find(names) {
            Some((name, text)) => csv_rows(&name, text),
            None => Ok(Vec::new()),
        }
    };
    let unread: Vec<String> = files
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| !TABLES.iter().any(|t| t.contains(&base(n).as_str())))
        .collect();
    let (services_name, services_text) =
        find(TABLES[0]).ok_or(OrukError::MissingFile("services.csv"))?;
    let services = csv_rows(&services_name, services_text)?;
    let (orgs_name, orgs_text) =
        find(TABLES[1]).ok_or(OrukError::MissingFile("organizations.csv"))?;
    let orgs = csv_rows(&orgs_name, orgs_text)?;
    let get = |row: &CsvRow, k: &str| row.get(k).cloned().unwrap_or_default();
    let org_names: BTreeMap<String, String> = orgs
        .iter()
        .map(|o| (get(o, "id"), get(o, "name")))
        .collect();
    // Rows of a linked table, by the service they belong to.
    let by = |rows: Vec<CsvRow>, key: &str| -> BTreeMap<String, Vec<CsvRow>> {
        let mut map: BTreeMap<String, Vec<CsvRow>> = BTreeMap::new();
        for row in rows {
            let owner = get(&row, key);
            if !owner.is_empty() {
                map.entry(owner).or_default().push(row);
            }
        }
        map
    };
    let phones = by(table(TABLES[2])?, "service_id");
    let eligibility = by(table(TABLES[3])?, "service_id");
    let term_names: BTreeMap<String, String> = table(TABLES[4])?
        .iter()
        .map(|t| (get(t, "id"), get(t, "name")))
        .collect();
    let terms = by(
        table(TABLES[5])?
            .into_iter()
            .filter(|r| {
                let entity = get(r, "link_entity");
                entity.is_empty() || entity.eq_ignore_ascii_case("service")
            })
            .collect(),
        if find(TABLES[5]).is_some_and(|(n, _)| n == "attributes.csv") {
            "link_id"
        } else {
            "service_id"
        },
    );
    let areas = by(table(TABLES[6])?, "service_id");
    let costs = by(table(TABLES[7])?, "service_id");
    let languages = by(table(TABLES[8])?, "service_id");
    let schedules = by(table(TABLES[9])?, "service_id");
    let at_locations = by(table(TABLES[10])?, "service_id");
    let locations: BTreeMap<String, CsvRow> = table(TABLES[11])?
        .into_iter()
        .map(|l| (get(&l, "id"), l))
        .collect();
    let addresses = by(table(TABLES[12])?, "location_id");
    if services.is_empty() {
        return Err(OrukError::Empty {
            file: services_name,
        });
    }
    let none = Vec::new();
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, row) in services.iter().enumerate() {
        let cell = |k: &str| get(row, k);
        let bad = |problem: String| OrukError::Csv {
            file: services_name.clone(),
            row: i + 2,
            problem,
        };
        let id = cell("id");
        if id.is_empty() {
            return Err(bad(
                "the id is empty: every service needs its directory id".into()
            ));
        }
        if cell("name").is_empty() {
            return Err(bad(format!("service {id} has no name")));
        }
        let org_id = cell("organization_id");
        let organisation = match org_names.get(&org_id) {
            Some(n) => n.clone(),
            None if org_id.is_empty() => String::new(),
            None => {
                return Err(bad(format!(
                    "organisation {org_id} is not in {orgs_name}: choose the organisations file that goes with these services"
                )))
            }
        };
        if let Some(first) = seen.insert(id.clone(), i + 2) {
            return Err(bad(format!("service {id} is also on row {first}")));
        }
        let linked = |map: &BTreeMap<String, Vec<CsvRow>>| map.get(&id).unwrap_or(&none).clone();
        let eligibility = join(
            [
                cell("eligibility_description"),
                ages(&cell("minimum_age"), &cell("maximum_age")),
            ]
            .into_iter()
            .chain(linked(&eligibility).iter().flat_map(|e| {
                [
                    get(e, "eligibility"),
                    ages(&get(e, "minimum_age"), &get(e, "maximum_age")),
                ]
            })),
        );
        let fees = join(
            [cell("fees_description"), cell("fees")]
                .into_iter()
                .chain(linked(&costs).iter().map(|c| get(c, "amount_description"))),
        );
        let mut area = join(
            linked(&areas)
                .iter()
                .flat_map(|a| [get(a, "service_area"), get(a, "name")]),
        );
        let mut address = String::new();
        for sal in linked(&at_locations) {
            let location_id = get(&sal, "location_id");
            if let Some(a) = addresses.get(&location_id).and_then(|a| a.first()) {
                if address.is_empty() {
                    address = address_text(
                        &get(a, "address_1"),
                        &get(a, "city"),
                        &get(a, "postal_code"),
                    );
                }
                if area.is_empty() {
                    area = get(a, "city");
                }
            }
            if area.is_empty() {
                area = locations
                    .get(&location_id)
                    .map(|l| get(l, "name"))
                    .unwrap_or_default();
            }
        }
        out.push(ImportedService {
            name: cell("name"),
            organisation,
            active: running(&cell("status")),
            description: cell("description"),
            url: cell("url"),
            email: cell("email"),
            phone: linked(&phones)
                .first()
                .map(|p| get(p, "number"))
                .unwrap_or_default(),
            eligibility,
            fees,
            how_to_refer: cell("application_process"),
            alert: cell("alert"),
            opening: join(linked(&schedules).iter().map(|s| {
                let day = match get(s, "byday") {
                    d if d.is_empty() => get(s, "weekday"),
                    d => d,
                };
                schedule_text(
                    &get(s, "description"),
                    &day,
                    &get(s, "opens_at"),
                    &get(s, "closes_at"),
                )
            })),
            languages: join(
                linked(&languages)
                    .iter()
                    .flat_map(|l| [get(l, "name"), get(l, "language")]),
            ),
            address,
            taxonomy: linked(&terms)
                .iter()
                .filter_map(|t| {
                    let term = get(t, "taxonomy_term_id");
                    let term = if term.is_empty() {
                        get(t, "taxonomy_id")
                    } else {
                        term
                    };
                    term_names.get(&term).cloned()
                })
                .collect(),
            area,
            checked: date_of(&cell("assured_date")).or_else(|| date_of(&cell("last_modified"))),
            oruk_id: id,
        });
    }
    Ok(CsvPackage {
        services: out,
        unread,
    })
}

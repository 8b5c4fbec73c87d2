//! Services from an ORUK 1.x or HSDS 3 JSON file: a paged `/services`
//! result or a single full service record.

use std::collections::BTreeMap;

use serde_json::Value;

use super::*;

/// Reads one service record of either standard.
pub(super) fn service_from_json(
    v: &Value,
    file: &str,
    index: usize,
) -> Result<ImportedService, OrukError> {
    let bad = |problem: &str| OrukError::Service {
        file: file.to_owned(),
        index,
        problem: problem.to_owned(),
    };
    if !v.is_object() {
        return Err(bad("is not a service record"));
    }
    let oruk_id = text(v, "id");
    if oruk_id.is_empty() {
        return Err(bad("has no id, so a later import could not update it"));
    }
    let name = text(v, "name");
    if name.is_empty() {
        return Err(bad(&format!("(id {oruk_id}) has no name")));
    }
    let organisation = v
        .get("organization")
        .map(|o| text(o, "name"))
        .unwrap_or_default();
    let eligibility_list = items(v, "eligibilitys");
    let eligibility = join(
        [
            text(v, "eligibility_description"),
            ages(&text(v, "minimum_age"), &text(v, "maximum_age")),
        ]
        .into_iter()
        .chain(eligibility_list.iter().flat_map(|e| {
            [
                text(e, "eligibility"),
                ages(&text(e, "minimum_age"), &text(e, "maximum_age")),
            ]
        })),
    );
    let fees = join(
        [text(v, "fees_description"), text(v, "fees")]
            .into_iter()
            .chain(collect(v, "cost_options", &["amount_description"])),
    );
    let mut taxonomy = collect(v, "service_taxonomys", &["taxonomy", "name"]);
    taxonomy.extend(collect(v, "attributes", &["taxonomy_term", "name"]));
    let mut phones = collect(v, "phones", &["number"]);
    for c in items(v, "contacts") {
        phones.extend(collect(c, "phones", &["number"]));
    }
    let opening = join(
        items(v, "schedules")
            .iter()
            .chain(items(v, "regular_schedules"))
            .map(|s| {
                let day = match text(s, "byday") {
                    d if d.is_empty() => text(s, "weekday"),
                    d => d,
                };
                schedule_text(
                    &text(s, "description"),
                    &day,
                    &text(s, "opens_at"),
                    &text(s, "closes_at"),
                )
            }),
    );
    let languages = join(
        collect(v, "languages", &["name"])
            .into_iter()
            .chain(collect(v, "languages", &["language"])),
    );
    let mut area = join(
        collect(v, "service_areas", &["service_area"])
            .into_iter()
            .chain(collect(v, "service_areas", &["name"])),
    );
    let mut address = String::new();
    for s in items(v, "service_at_locations") {
        let Some(loc) = s.get("location") else {
            continue;
        };
        for list in ["physical_addresses", "addresses"] {
            if let Some(a) = items(loc, list).first() {
                if address.is_empty() {
                    address = address_text(
                        &text(a, "address_1"),
                        &text(a, "city"),
                        &text(a, "postal_code"),
                    );
                }
                if area.is_empty() {
                    area = text(a, "city");
                }
            }
        }
        if area.is_empty() {
            area = text(loc, "name");
        }
    }
    let checked = date_of(&text(v, "assured_date")).or_else(|| date_of(&text(v, "last_modified")));
    Ok(ImportedService {
        oruk_id,
        name,
        organisation,
        active: running(&text(v, "status")),
        description: text(v, "description"),
        url: text(v, "url"),
        email: text(v, "email"),
        phone: phones.into_iter().next().unwrap_or_default(),
        eligibility,
        fees,
        how_to_refer: text(v, "application_process"),
        alert: text(v, "alert"),
        opening,
        languages,
        address,
        taxonomy,
        area,
        checked,
    })
}

/// Reads services from an ORUK 1.x or HSDS 3 JSON file called `file`.
pub fn parse_json(file: &str, text: &str) -> Result<Vec<ImportedService>, OrukError> {
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        OrukError::NotJson {
            file: file.to_owned(),
            line: e.line(),
        }
    })?;
    let items: Vec<&Value> = if let Some(list) = v.get("content").or_else(|| v.get("contents")) {
        list.as_array()
            .ok_or_else(|| OrukError::NotServices {
                file: file.to_owned(),
            })?
            .iter()
            .collect()
    } else if v.get("id").is_some() && v.get("name").is_some() {
        vec![&v]
    } else if let Some(list) = v.as_array() {
        list.iter().collect()
    } else {
        return Err(OrukError::NotServices {
            file: file.to_owned(),
        });
    };
    if items.is_empty() {
        return Err(OrukError::Empty {
            file: file.to_owned(),
        });
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = BTreeMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let s = service_from_json(item, file, i + 1)?;
        if let Some(first) = seen.insert(s.oruk_id.clone(), i + 1) {
            return Err(OrukError::Service {
                file: file.to_owned(),
                index: i + 1,
                problem: format!("has the same id as service {first}"),
            });
        }
        out.push(s);
    }
    Ok(out)
}

//! The demo's community directory and the connections people make to it.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::{Referral, ReferralStatus, Workspace};
use crate::work::directory::{
    Connection, ConnectionChange, ConnectionId, ConnectionStatus, Resource, ResourceId,
};

use super::*;

/// Fictional community resources: name, organisation, category, area.
pub(super) const RESOURCES: [(&str, &str, &str, &str); 24] = [
    (
        "Health walks",
        "Riverside Rambles",
        "physical_activity",
        "Riverside",
    ),
    (
        "Chair-based exercise",
        "Hillview Leisure Trust",
        "physical_activity",
        "Hillview",
    ),
    ("Community choir", "Northgate Arts", "arts", "Northgate"),
    ("Art for wellbeing", "Canal Studios", "arts", "Canal Street"),
    (
        "Allotment volunteers",
        "Green Northgate",
        "nature",
        "Northgate",
    ),
    (
        "Park conservation group",
        "Friends of Millbrook Park",
        "nature",
        "Millbrook",
    ),
    (
        "Befriending by phone",
        "Age Well Larchfield",
        "social",
        "Larchfield",
    ),
    (
        "Tuesday lunch club",
        "St Anne's Hall",
        "social",
        "Westerton",
    ),
    (
        "Men's shed",
        "Westerton Community Trust",
        "social",
        "Westerton",
    ),
    (
        "Benefits check",
        "Welfare Rights Service",
        "welfare_rights",
        "All areas",
    ),
    (
        "Money matters drop-in",
        "Citizens Advice Riverside",
        "debt",
        "Riverside",
    ),
    (
        "Tenancy support",
        "Millbrook Housing Association",
        "housing",
        "Millbrook",
    ),
    (
        "Back to work coaching",
        "Jobs and Skills Hub",
        "employment",
        "All areas",
    ),
    (
        "Volunteer centre",
        "Hillview Volunteers",
        "employment",
        "Hillview",
    ),
    (
        "Adult learning courses",
        "Community College",
        "learning",
        "Northgate",
    ),
    (
        "Peer support group",
        "Mind the Gap Wellbeing",
        "community_mh",
        "Canal Street",
    ),
    ("Carers' cafe", "Carers Centre", "carers", "All areas"),
    (
        "Emergency food parcels",
        "Canal Foodbank",
        "food",
        "Canal Street",
    ),
    (
        "Community pantry",
        "Larchfield Pantry",
        "food",
        "Larchfield",
    ),
    (
        "Recovery cafe",
        "Fresh Start Recovery",
        "addiction",
        "Riverside",
    ),
    (
        "Digital drop-in",
        "Northgate Library",
        "digital",
        "Northgate",
    ),
    ("Free legal clinic", "Law Centre", "legal", "All areas"),
    (
        "Domestic abuse outreach",
        "Safe Homes",
        "domestic_abuse",
        "All areas",
    ),
    (
        "Faith community lunch",
        "Riverside Gurdwara",
        "faith",
        "Riverside",
    ),
];

/// Adds the fictional directory, some entries not checked for over a year.
pub(super) fn directory(rng: &mut ChaCha8Rng, ws: &mut Workspace, today: NaiveDate) {
    for (name, organisation, category, area) in RESOURCES {
        let mut b = [0u8; 16];
        rng.fill(&mut b);
        let id = ResourceId::from_random(b);
        ws.directory.insert(
            id,
            Resource {
                id,
                name: name.to_owned(),
                organisation: organisation.to_owned(),
                category: category.to_owned(),
                area: area.to_owned(),
                how_to_refer: "Phone or email; self-referral welcome".to_owned(),
                contact: format!("01632 96{:04}", rng.gen_range(0..10_000u32)),
                last_checked: Some(today - chrono::Duration::days(rng.gen_range(10..500))),
                active: true,
                ..Resource::default()
            },
        );
    }
}

/// Connects some active and closed referrals to resources that fit their reasons.
pub(super) fn connect(
    rng: &mut ChaCha8Rng,
    r: &mut Referral,
    resources: &[Resource],
    today: NaiveDate,
) {
    if !matches!(r.status, ReferralStatus::Active | ReferralStatus::Closed)
        || r.contacts.is_empty()
        || !rng.gen_bool(0.7)
    {
        return;
    }
    let count = pick(rng, &[(1usize, 60), (2, 30), (3, 10)]);
    for _ in 0..count {
        let resource = &resources[index(rng, resources.len())];
        let start = r.contacts[0].date;
        let mut history = vec![ConnectionChange {
            status: ConnectionStatus::Suggested,
            date: start,
        }];
        let days = (today - start).num_days().max(1);
        let outcome = pick(
            rng,
            &[
                (ConnectionStatus::Referred, 15),
                (ConnectionStatus::Attended, 30),
                (ConnectionStatus::Ongoing, 30),
                (ConnectionStatus::NotTakenUp, 15),
                (ConnectionStatus::Stopped, 10),
            ],
        );
        let later = (start + chrono::Duration::days(rng.gen_range(1..=days.min(40)))).min(today);
        if outcome != ConnectionStatus::Suggested {
            history.push(ConnectionChange {
                status: outcome,
                date: later,
            });
        }
        let mut b = [0u8; 16];
        rng.fill(&mut b);
        r.connections.push(Connection {
            id: ConnectionId::new(),
            resource: Some(resource.id),
            name: resource.name.clone(),
            category: resource.category.clone(),
            status: outcome,
            history,
            feedback: if outcome.taken_up() && rng.gen_bool(0.4) {
                "Settled in well; comes most weeks.".to_owned()
            } else {
                String::new()
            },
        });
    }
}

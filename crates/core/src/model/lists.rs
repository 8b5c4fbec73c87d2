//! Configurable lists (reasons, referrer roles, …) with stable ids.
//!
//! Records store an item's id, so renaming an item relabels old records and
//! retiring it hides it from new ones without breaking anything recorded.

use serde::{Deserialize, Serialize};

/// One entry of a configurable list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// Stable id stored in records; never changes once created.
    pub id: String,
    /// The words people see; may be edited.
    pub label: String,
    /// Retired items stay readable on old records but are not offered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// Which configurable list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListKind {
    Reasons,
    ReferrerRoles,
    ContactModes,
    ConnectionCategories,
    ClosureReasons,
    RiskKinds,
    RiskTold,
}

impl ListKind {
    /// Every list, in the order the settings page shows them.
    pub const ALL: [ListKind; 7] = [
        ListKind::Reasons,
        ListKind::ReferrerRoles,
        ListKind::ContactModes,
        ListKind::ConnectionCategories,
        ListKind::ClosureReasons,
        ListKind::RiskKinds,
        ListKind::RiskTold,
    ];

    /// Heading for the list.
    pub fn title(self) -> &'static str {
        match self {
            ListKind::Reasons => "Referral reasons",
            ListKind::ReferrerRoles => "Referrer roles",
            ListKind::ContactModes => "Contact modes",
            ListKind::ConnectionCategories => "Connection categories",
            ListKind::ClosureReasons => "Closure reasons",
            ListKind::RiskKinds => "Kinds of risk",
            ListKind::RiskTold => "Who was told about a risk",
        }
    }

    /// A short, stable code for test ids and form names.
    pub fn code(self) -> &'static str {
        match self {
            ListKind::Reasons => "reasons",
            ListKind::ReferrerRoles => "referrer-roles",
            ListKind::ContactModes => "contact-modes",
            ListKind::ConnectionCategories => "connection-categories",
            ListKind::ClosureReasons => "closure-reasons",
            ListKind::RiskKinds => "risk-kinds",
            ListKind::RiskTold => "risk-told",
        }
    }
}

/// The workspace's configurable lists, seeded from the domain's suggestions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lists {
    pub reasons: Vec<ListItem>,
    pub referrer_roles: Vec<ListItem>,
    pub contact_modes: Vec<ListItem>,
    pub connection_categories: Vec<ListItem>,
    pub closure_reasons: Vec<ListItem>,
    /// Kinds of entry in a referral's risk log.
    pub risk_kinds: Vec<ListItem>,
    /// Who a link worker may tell about a risk.
    pub risk_told: Vec<ListItem>,
}

/// The kind of risk that makes a home visit a lone-working concern (re-exported by
/// `model::risk`, which uses this module: defined here so the two do not import each other).
pub const LONE_WORKING: &str = "lone_working";

/// The suggested kinds of risk (settings version 7 added them).
pub const SUGGESTED_RISK_KINDS: &[(&str, &str)] = &[
    ("safeguarding", "Safeguarding"),
    ("mental_health_crisis", "Mental health crisis"),
    ("self_neglect", "Self-neglect"),
    ("domestic_abuse", "Domestic abuse"),
    (LONE_WORKING, "Lone-working risk for home visits"),
];

/// The suggested people to tell about a risk (settings version 7 added them).
pub const SUGGESTED_RISK_TOLD: &[(&str, &str)] = &[
    ("gp", "GP"),
    ("safeguarding_lead", "Practice safeguarding lead"),
    ("social_services", "Social services"),
    ("police", "Police"),
    ("supervisor", "My supervisor"),
    ("other", "Other"),
];

pub(crate) fn seed(items: &[(&str, &str)]) -> Vec<ListItem> {
    items
        .iter()
        .map(|(id, label)| ListItem {
            id: (*id).to_owned(),
            label: (*label).to_owned(),
            retired: false,
        })
        .collect()
}

impl Lists {
    /// The suggested starting lists from the domain notes.
    pub fn suggested() -> Self {
        Self {
            reasons: seed(&[
                ("loneliness", "Loneliness or isolation"),
                ("low_mood", "Low mood, anxiety or stress"),
                ("bereavement", "Bereavement"),
                ("money", "Money, debt or benefits"),
                ("housing", "Housing"),
                ("work", "Work, training or volunteering"),
                ("caring", "Caring responsibilities"),
                ("activity", "Physical activity or healthy lifestyle"),
                ("long_term_condition", "Managing a long-term condition"),
                ("alcohol_drugs", "Alcohol or drugs"),
                ("relationships", "Relationships or family"),
                ("food", "Food"),
                ("digital", "Digital skills"),
                ("transport", "Transport or access"),
                ("legal", "Legal issues"),
                ("domestic_abuse", "Domestic abuse (safeguarding)"),
                ("other", "Other"),
            ]),
            referrer_roles: seed(&[
                ("gp", "GP"),
                ("practice_nurse", "Practice nurse"),
                ("other_clinician", "Other practice clinician"),
                ("reception", "Receptionist or care navigator"),
                ("practice_manager", "Practice manager"),
                ("community_mh", "Community or mental health team"),
                ("hospital", "Hospital"),
                ("social_work", "Social work"),
                ("community_org", "Community organisation"),
                ("self", "Self-referral"),
                ("family_friend", "Family or friend"),
                ("other", "Other"),
            ]),
            contact_modes: seed(&[
                ("practice", "At the practice"),
                ("home_visit", "Home visit"),
                ("telephone", "Telephone"),
                ("video", "Video"),
                ("accompanied", "Accompanied to an activity"),
                ("message", "Message (text or email)"),
                ("group", "Group session"),
            ]),
            connection_categories: seed(&[
                ("arts", "Arts and culture"),
                ("nature", "Nature and outdoors"),
                ("physical_activity", "Physical activity"),
                ("social", "Social groups and befriending"),
                ("welfare_rights", "Welfare rights and benefits"),
                ("debt", "Debt and money advice"),
                ("housing", "Housing support"),
                ("employment", "Employment, skills and volunteering"),
                ("learning", "Learning"),
                ("community_mh", "Community mental health support"),
                ("carers", "Carers' support"),
                ("food", "Food support"),
                ("addiction", "Addiction recovery"),
                ("faith", "Faith groups"),
                ("digital", "Digital skills"),
                ("legal", "Legal advice"),
                ("domestic_abuse", "Domestic abuse support"),
                ("other", "Other"),
            ]),
            closure_reasons: seed(&[
                ("complete", "Support complete or goals met"),
                ("connected", "Connected to community support"),
                ("referred_on", "Referred on to another service"),
                ("needs_beyond", "Needs beyond social prescribing"),
                ("withdrew", "Person withdrew"),
                ("no_contact", "Unable to contact"),
                ("moved", "Moved away or left the practice"),
                ("died", "Died"),
                ("other", "Other"),
            ]),
            risk_kinds: seed(SUGGESTED_RISK_KINDS),
            risk_told: seed(SUGGESTED_RISK_TOLD),
        }
    }

    /// The items of one list.
    pub fn get(&self, kind: ListKind) -> &[ListItem] {
        match kind {
            ListKind::Reasons => &self.reasons,
            ListKind::ReferrerRoles => &self.referrer_roles,
            ListKind::ContactModes => &self.contact_modes,
            ListKind::ConnectionCategories => &self.connection_categories,
            ListKind::ClosureReasons => &self.closure_reasons,
            ListKind::RiskKinds => &self.risk_kinds,
            ListKind::RiskTold => &self.risk_told,
        }
    }

    /// The items of one list, for editing.
    pub fn get_mut(&mut self, kind: ListKind) -> &mut Vec<ListItem> {
        match kind {
            ListKind::Reasons => &mut self.reasons,
            ListKind::ReferrerRoles => &mut self.referrer_roles,
            ListKind::ContactModes => &mut self.contact_modes,
            ListKind::ConnectionCategories => &mut self.connection_categories,
            ListKind::ClosureReasons => &mut self.closure_reasons,
            ListKind::RiskKinds => &mut self.risk_kinds,
            ListKind::RiskTold => &mut self.risk_told,
        }
    }

    /// `(id, label)` of the items offered for new records: all but retired
    /// ones, plus any ids in `keep` (what a record already uses).
    pub fn options(&self, kind: ListKind, keep: &[String]) -> Vec<(String, String)> {
        self.get(kind)
            .iter()
            .filter(|i| !i.retired || keep.contains(&i.id))
            .map(|i| (i.id.clone(), i.label.clone()))
            .collect()
    }

    /// The label for an item id; unknown ids are shown as they are, so a
    /// record never displays as blank.
    pub fn label<'a>(&'a self, kind: ListKind, id: &'a str) -> &'a str {
        self.get(kind)
            .iter()
            .find(|item| item.id == id)
            .map_or(id, |item| item.label.as_str())
    }

    /// Whether an id is in the list (retired items included).
    pub fn contains(&self, kind: ListKind, id: &str) -> bool {
        self.get(kind).iter().any(|item| item.id == id)
    }

    /// Adds an item with a label, deriving a fresh id from it.
    /// Returns the new id, or an error if the label is blank or already used.
    pub fn add(&mut self, kind: ListKind, label: &str) -> Result<String, ListError> {
        let items = self.get_mut(kind);
        let label = free_label(items, label, None)?;
        let base = slug(label);
        let mut id = base.clone();
        let mut n = 2;
        while items.iter().any(|item| item.id == id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        items.push(ListItem {
            id: id.clone(),
            label: label.to_owned(),
            retired: false,
        });
        Ok(id)
    }

    /// Renames an item, keeping its id.
    pub fn rename(&mut self, kind: ListKind, id: &str, label: &str) -> Result<(), ListError> {
        let items = self.get_mut(kind);
        let label = free_label(items, label, Some(id))?;
        let item = items
            .iter_mut()
            .find(|item| item.id == id)
            .ok_or(ListError::Unknown)?;
        item.label = label.to_owned();
        Ok(())
    }

    /// Retires or restores an item.
    pub fn set_retired(
        &mut self,
        kind: ListKind,
        id: &str,
        retired: bool,
    ) -> Result<(), ListError> {
        let item = self
            .get_mut(kind)
            .iter_mut()
            .find(|item| item.id == id)
            .ok_or(ListError::Unknown)?;
        item.retired = retired;
        Ok(())
    }
}

/// Why a list edit was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("Enter a name for the item.")]
    Blank,
    #[error("\u{201c}{0}\u{201d} is already in the list.")]
    Duplicate(String),
    #[error("That item is no longer in the list.")]
    Unknown,
}

/// The trimmed label, if it is not blank and no other item (than `except`)
/// already has it.
fn free_label<'a>(
    items: &[ListItem],
    label: &'a str,
    except: Option<&str>,
) -> Result<&'a str, ListError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(ListError::Blank);
    }
    if items
        .iter()
        .any(|item| Some(item.id.as_str()) != except && item.label.eq_ignore_ascii_case(label))
    {
        return Err(ListError::Duplicate(label.to_owned()));
    }
    Ok(label)
}

/// A lower-case id made of letters, digits and underscores.
fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_end_matches('_').to_owned();
    if trimmed.is_empty() {
        "item".to_owned()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_lists_have_unique_ids() {
        let lists = Lists::suggested();
        for kind in ListKind::ALL {
            let mut ids: Vec<&str> = lists.get(kind).iter().map(|i| i.id.as_str()).collect();
            let before = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(before, ids.len(), "{kind:?} has a duplicate id");
        }
        assert_eq!(lists.reasons.len(), 17);
        assert_eq!(lists.referrer_roles.len(), 12);
    }

    #[test]
    fn adding_derives_a_unique_id_and_refuses_duplicates() {
        let mut lists = Lists::suggested();
        let id = lists
            .add(ListKind::Reasons, "  Gambling harm ")
            .expect("added");
        assert_eq!(id, "gambling_harm");
        assert_eq!(lists.label(ListKind::Reasons, &id), "Gambling harm");
        assert_eq!(
            lists.add(ListKind::Reasons, "gambling HARM"),
            Err(ListError::Duplicate("gambling HARM".into()))
        );
        assert_eq!(lists.add(ListKind::Reasons, "   "), Err(ListError::Blank));
        // A label whose slug collides with an existing id gets a suffix.
        let id2 = lists.add(ListKind::Reasons, "Housing!").expect("added");
        assert_eq!(id2, "housing_2");
    }

    #[test]
    fn renaming_keeps_the_id_and_unknown_ids_show_as_themselves() {
        let mut lists = Lists::suggested();
        lists
            .rename(ListKind::ReferrerRoles, "gp", "General practitioner")
            .expect("renamed");
        assert_eq!(
            lists.label(ListKind::ReferrerRoles, "gp"),
            "General practitioner"
        );
        assert_eq!(lists.label(ListKind::ReferrerRoles, "gone"), "gone");
        assert_eq!(
            lists.rename(ListKind::ReferrerRoles, "gp", "Hospital"),
            Err(ListError::Duplicate("Hospital".into()))
        );
    }

    #[test]
    fn retired_items_stay_known() {
        let mut lists = Lists::suggested();
        lists
            .set_retired(ListKind::Reasons, "food", true)
            .expect("retired");
        assert!(lists.contains(ListKind::Reasons, "food"));
        assert!(lists.reasons.iter().any(|i| i.id == "food" && i.retired));
    }
}

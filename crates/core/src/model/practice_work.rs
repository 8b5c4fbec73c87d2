//! Practice and community work (the second and third levels of the role)
//! and the periodic practice integration check-in: the data only. The
//! check-in's statements are grouped under the four constructs of
//! normalisation process theory, in plain words written for Linkwork.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::directory::ResourceId;
use crate::model::{choice, entry_id, Choice, PracticeId};

/// The level of the role an activity belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Practice,
    Community,
}

choice!(Level {
    Practice => "practice", "Practice";
    Community => "community", "Community";
});

/// What kind of practice or community work it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Briefing,
    TeamMeeting,
    SharedLearning,
    StaffWellbeing,
    Intelligence,
    OtherPractice,
    OrganisationVisit,
    NetworkGroup,
    Pathway,
    CommunityEvent,
    OtherCommunity,
}

choice!(ActivityKind {
    Briefing => "briefing", "Briefing or training staff about the role";
    TeamMeeting => "team_meeting", "Team or multidisciplinary meeting";
    SharedLearning => "shared_learning", "Shared learning session";
    StaffWellbeing => "staff_wellbeing", "Staff wellbeing activity";
    Intelligence => "intelligence", "Gathering intelligence about local resources";
    OtherPractice => "other_practice", "Other practice work";
    OrganisationVisit => "organisation_visit", "Meeting or visit with a community organisation";
    NetworkGroup => "network_group", "Steering or network group";
    Pathway => "pathway", "Building a referral pathway";
    CommunityEvent => "community_event", "Shared learning or community event";
    OtherCommunity => "other_community", "Other community work";
});

impl ActivityKind {
    /// The level this kind of work belongs to.
    pub fn level(self) -> Level {
        match self {
            Self::Briefing
            | Self::TeamMeeting
            | Self::SharedLearning
            | Self::StaffWellbeing
            | Self::Intelligence
            | Self::OtherPractice => Level::Practice,
            _ => Level::Community,
        }
    }

    /// The kinds of one level, in display order.
    pub fn of(level: Level) -> impl Iterator<Item = ActivityKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |k| k.level() == level)
    }
}

entry_id!(
    /// Identifies a practice or community activity within the workspace.
    ActivityId
);

/// One piece of practice or community work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub date: NaiveDate,
    pub kind: ActivityKind,
    /// The practice the work was for or with (practice work always has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<PracticeId>,
    /// The community organisation, when it is in the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceId>,
    /// The organisation's name (kept, or typed when not in the directory).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Longest activity note, in characters.
pub const MAX_ACTIVITY_NOTE: usize = 300;
/// Longest activity, in minutes (a full day).
pub const MAX_ACTIVITY_MINUTES: u32 = 600;

/// A five-point agreement scale, 1 (strongly disagree) to 5 (strongly agree).
pub const AGREEMENT: [&str; 5] = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];

/// The four kinds of work a practice does to embed a new way of working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    Coherence,
    CognitiveParticipation,
    CollectiveAction,
    ReflexiveMonitoring,
}

choice!(Construct {
    Coherence => "coherence", "Making sense of the role";
    CognitiveParticipation => "cognitive_participation", "Getting involved";
    CollectiveAction => "collective_action", "Working together";
    ReflexiveMonitoring => "reflexive_monitoring", "Looking at how it is going";
});

/// One check-in statement.
pub struct Statement {
    pub id: &'static str,
    pub construct: Construct,
    pub text: &'static str,
}

/// The check-in statements, three or four per construct.
pub const STATEMENTS: [Statement; 13] = [
    Statement {
        id: "understand_role",
        construct: Construct::Coherence,
        text: "Staff here understand what a link worker does.",
    },
    Statement {
        id: "differs",
        construct: Construct::Coherence,
        text: "Staff can tell social prescribing apart from what the practice already offers.",
    },
    Statement {
        id: "sees_value",
        construct: Construct::Coherence,
        text: "The practice sees how this work helps its patients and its team.",
    },
    Statement {
        id: "champion",
        construct: Construct::CognitiveParticipation,
        text: "Someone at the practice speaks up for the link worker role.",
    },
    Statement {
        id: "whole_team_refers",
        construct: Construct::CognitiveParticipation,
        text:
            "Clinicians and reception staff are willing to refer and to talk with me about people.",
    },
    Statement {
        id: "part_of_team",
        construct: Construct::CognitiveParticipation,
        text: "I am treated as part of the practice team.",
    },
    Statement {
        id: "resources",
        construct: Construct::CollectiveAction,
        text: "I have what I need to see people: a room, time and the practice's systems.",
    },
    Statement {
        id: "good_referrals",
        construct: Construct::CollectiveAction,
        text: "Referrals come with enough information to start.",
    },
    Statement {
        id: "shared_work",
        construct: Construct::CollectiveAction,
        text: "Staff and I share the work around a person when it helps.",
    },
    Statement {
        id: "community_time",
        construct: Construct::CollectiveAction,
        text: "The practice makes room for my community work.",
    },
    Statement {
        id: "hear_back",
        construct: Construct::ReflexiveMonitoring,
        text: "Referrers hear back about what happened for the people they referred.",
    },
    Statement {
        id: "review_together",
        construct: Construct::ReflexiveMonitoring,
        text: "We look together at how social prescribing is going here.",
    },
    Statement {
        id: "adapt",
        construct: Construct::ReflexiveMonitoring,
        text: "We change how we work when something is not working.",
    },
];

/// The infrastructure the research found a link worker needs in a practice.
pub const CHECKLIST: [(&str, &str); 8] = [
    ("induction", "Induction received"),
    ("meetings", "Invited to team and multidisciplinary meetings"),
    ("room", "A suitable room to see people"),
    ("it_access", "Access to the practice's IT systems"),
    ("supervision", "Clinical supervision available"),
    ("community_time", "Protected time for community work"),
    (
        "patient_information",
        "Information for patients about the role",
    ),
    ("feedback_loop", "A feedback loop with referrers"),
];

/// Whether a checklist item is in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InPlace {
    Yes,
    Partly,
    No,
}

choice!(InPlace {
    Yes => "yes", "Yes";
    Partly => "partly", "Partly";
    No => "no", "No";
});

/// Where the link worker feels they are in the practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Continuum {
    BoltedOn,
    FittingIn,
    Belonging,
}

choice!(Continuum {
    BoltedOn => "bolted_on", "Bolted on";
    FittingIn => "fitting_in", "Fitting in";
    Belonging => "belonging", "Belonging";
});

/// Changes of link worker at the practice since the last check-in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerChanges {
    #[serde(default)]
    pub handover: bool,
    #[serde(default)]
    pub cover: bool,
    #[serde(default)]
    pub absence: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

entry_id!(
    /// Identifies a check-in within the workspace.
    CheckInId
);

/// A practice integration check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: CheckInId,
    pub practice: PracticeId,
    pub date: NaiveDate,
    /// Completed with the practice lead.
    #[serde(default)]
    pub with_lead: bool,
    /// Statement id → 1 (strongly disagree) to 5 (strongly agree); statements
    /// left out were not rated.
    pub ratings: BTreeMap<String, u8>,
    /// Checklist item id → in place or not; items left out are not known.
    pub checklist: BTreeMap<String, InPlace>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuum: Option<Continuum>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub competing: String,
    #[serde(default)]
    pub changes: WorkerChanges,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub helped: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub got_in_the_way: String,
}

impl CheckIn {
    /// A check-in with nothing rated yet (its id is assigned when it is added).
    pub fn blank(practice: PracticeId, date: NaiveDate) -> Self {
        Self {
            id: CheckInId::legacy(0),
            practice,
            date,
            with_lead: false,
            ratings: BTreeMap::new(),
            checklist: BTreeMap::new(),
            continuum: None,
            competing: String::new(),
            changes: WorkerChanges::default(),
            helped: String::new(),
            got_in_the_way: String::new(),
        }
    }

    /// The mean rating of a construct's statements (1 to 5), if any were rated.
    pub fn score(&self, construct: Construct) -> Option<f64> {
        let rated: Vec<f64> = STATEMENTS
            .iter()
            .filter(|s| s.construct == construct)
            .filter_map(|s| self.ratings.get(s.id))
            .map(|r| f64::from(*r))
            .collect();
        (!rated.is_empty()).then(|| rated.iter().sum::<f64>() / rated.len() as f64)
    }

    /// How many checklist items are fully in place.
    pub fn in_place(&self) -> usize {
        self.checklist
            .values()
            .filter(|v| **v == InPlace::Yes)
            .count()
    }
}

/// Everything recorded about practice and community work.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeWork {
    pub activities: Vec<Activity>,
    pub checkins: Vec<CheckIn>,
}

impl PracticeWork {
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty() && self.checkins.is_empty()
    }

    /// A practice's check-ins, oldest first.
    pub fn checkins_of(&self, practice: PracticeId) -> Vec<&CheckIn> {
        let mut list: Vec<&CheckIn> = self
            .checkins
            .iter()
            .filter(|c| c.practice == practice)
            .collect();
        crate::model::order::sort_by_key(&mut list, |c| (c.date, c.id));
        list
    }
}

//! What the person agreed to, when and how. Each answer is a dated entry; a withdrawal is a
//! later entry, never a deletion, so the consent in force on any day can be read back.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::directory::ConnectionId;
use crate::model::{entry_id, Referral};

entry_id!(
    /// Identifies one consent entry within its referral.
    ConsentId
);

/// What a consent entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAbout {
    /// To be supported by the link worker.
    Support,
    /// To information going back to the GP (all of it, codes only, or nothing).
    GpInformation,
    /// To being referred on to the organisation of one connection.
    Connection(ConnectionId),
    /// To changes in their outcome scores being shared with the referrer.
    Outcomes,
    /// To an anonymous quote from their feedback being used in summaries.
    Quote,
}

/// The person's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    Yes,
    /// For information to the GP only: the codes, without any words.
    CodesOnly,
    /// No, or consent withdrawn.
    No,
}

/// How the answer was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentHow {
    Verbal,
    Written,
    /// Recorded by the referrer on the referral.
    ByReferrer,
    /// Carried over from an earlier version of Linkwork, which did not record how.
    NotRecorded,
}

crate::model::choice!(ConsentHow {
    Verbal => "verbal", "Verbally";
    Written => "written", "In writing";
    ByReferrer => "by_referrer", "Recorded by the referrer";
    NotRecorded => "not_recorded", "Not recorded (earlier version)";
});

/// One dated answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    pub id: ConsentId,
    pub date: NaiveDate,
    pub about: ConsentAbout,
    pub answer: ConsentAnswer,
    pub how: ConsentHow,
}

/// What may go back to the GP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GpShare {
    /// Codes and words.
    Everything,
    /// Codes with their dates, no words.
    CodesOnly,
    /// Nothing at all.
    Nothing,
}

impl Referral {
    /// The answer in force about one thing: the latest entry (by date, then by order of
    /// entry), if any.
    pub fn consent(&self, about: ConsentAbout) -> Option<&ConsentEntry> {
        self.consent
            .iter()
            .filter(|e| e.about == about)
            .max_by_key(|e| (e.date, e.id))
    }

    /// Whether the answer in force about one thing is yes.
    pub fn consents_to(&self, about: ConsentAbout) -> bool {
        self.consent(about)
            .is_some_and(|e| e.answer == ConsentAnswer::Yes)
    }

    /// Whether the person has withdrawn (or refused) consent to be supported.
    pub fn support_withdrawn(&self) -> bool {
        self.consent(ConsentAbout::Support)
            .is_some_and(|e| e.answer == ConsentAnswer::No)
    }

    /// What may go back to the GP. Not recorded reads as codes only: the GP made the
    /// referral and may know its outcome, but no words go back until the person agrees.
    pub fn gp_share(&self) -> GpShare {
        match self.consent(ConsentAbout::GpInformation).map(|e| e.answer) {
            Some(ConsentAnswer::Yes) => GpShare::Everything,
            Some(ConsentAnswer::No) => GpShare::Nothing,
            Some(ConsentAnswer::CodesOnly) | None => GpShare::CodesOnly,
        }
    }

    /// Their feedback quote, if there is one and the consent in force lets it be used.
    pub fn shareable_quote(&self) -> Option<&str> {
        let quote = self.feedback.as_ref().map(|f| f.quote.trim())?;
        (self.consents_to(ConsentAbout::Quote) && !quote.is_empty()).then_some(quote)
    }

    /// Consent to support isn't recorded although the person has been seen: a gentle prompt.
    pub fn needs_consent_prompt(&self) -> bool {
        self.consent(ConsentAbout::Support).is_none() && self.attended().next().is_some()
    }
}

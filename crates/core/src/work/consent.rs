//! The rules of the consent record: an answer is a dated entry; a withdrawal is a later
//! "no", never a deletion.

use std::fmt;

use chrono::NaiveDate;

use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentEntry, ConsentHow, ConsentId};
use crate::model::{ReferralId, Workspace};

/// Why a consent answer could not be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsentError {
    NoSuchReferral,
    /// The connection it is about is not on the referral.
    NoSuchConnection,
    DateMissing,
    DateInvalid,
    DateInFuture,
    /// Before the referral was made.
    DateTooEarly(NaiveDate),
    /// "Codes only" is an answer about information for the GP alone.
    CodesOnlyNotHere,
    /// The answer given is already the one in force.
    Unchanged,
}

impl fmt::Display for ConsentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NoSuchConnection => {
                f.write_str("That organisation is no longer among the person's connections.")
            }
            Self::DateMissing => f.write_str("Enter the date the person said so."),
            Self::DateInvalid => f.write_str("Enter a real date, for example 27/11/2026."),
            Self::DateInFuture => f.write_str("The date cannot be in the future."),
            Self::DateTooEarly(d) => write!(
                f,
                "The date cannot be before the referral ({}).",
                d.format("%-d %b %Y")
            ),
            Self::CodesOnlyNotHere => {
                f.write_str("\u{201c}Codes only\u{201d} is a choice for information to the GP.")
            }
            Self::Unchanged => f.write_str("That is already the answer recorded."),
        }
    }
}

/// One answer as the form gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentDraft {
    /// ISO date.
    pub date: String,
    pub about: ConsentAbout,
    pub answer: ConsentAnswer,
    pub how: ConsentHow,
}

impl Workspace {
    /// Records an answer (a withdrawal is an answer of "no"). The earlier entries stay, so
    /// what was agreed on any day can be read back. Returns the chunk to save.
    pub fn record_consent(
        &mut self,
        referral: ReferralId,
        draft: &ConsentDraft,
        today: NaiveDate,
    ) -> Result<u32, ConsentError> {
        let r = self
            .changeable(referral)
            .ok_or(ConsentError::NoSuchReferral)?;
        if draft.date.trim().is_empty() {
            return Err(ConsentError::DateMissing);
        }
        let date = NaiveDate::parse_from_str(draft.date.trim(), "%Y-%m-%d")
            .map_err(|_| ConsentError::DateInvalid)?;
        if date > today {
            return Err(ConsentError::DateInFuture);
        }
        if date < r.referral_date {
            return Err(ConsentError::DateTooEarly(r.referral_date));
        }
        if let ConsentAbout::Connection(id) = draft.about {
            if !r.connections.iter().any(|c| c.id == id) {
                return Err(ConsentError::NoSuchConnection);
            }
        }
        if draft.answer == ConsentAnswer::CodesOnly && draft.about != ConsentAbout::GpInformation {
            return Err(ConsentError::CodesOnlyNotHere);
        }
        if r.consent(draft.about)
            .is_some_and(|e| e.answer == draft.answer)
        {
            return Err(ConsentError::Unchanged);
        }
        let id = ConsentId::new();
        r.consent.push(ConsentEntry {
            id,
            date,
            about: draft.about,
            answer: draft.answer,
            how: draft.how,
        });
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }
}

/// A ready-made answer for tests elsewhere in the crate: given verbally today.
#[cfg(test)]
pub(crate) fn answer(
    ws: &mut Workspace,
    referral: ReferralId,
    about: ConsentAbout,
    answer: ConsentAnswer,
) {
    let date = crate::testing::today().format("%Y-%m-%d").to_string();
    ws.record_consent(
        referral,
        &ConsentDraft {
            date,
            about,
            answer,
            how: ConsentHow::Verbal,
        },
        crate::testing::today(),
    )
    .expect("recorded");
}

/// A ready-made answer about information going back to the GP, given verbally on `date`.
#[cfg(test)]
pub(crate) fn gp_answer(date: &str, answer: ConsentAnswer) -> ConsentDraft {
    ConsentDraft {
        date: date.into(),
        about: ConsentAbout::GpInformation,
        answer,
        how: ConsentHow::Verbal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};

    #[test]
    fn a_withdrawal_is_a_later_entry_and_the_latest_answer_is_in_force() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        assert_eq!(ws.referrals[&id].consent(ConsentAbout::Support), None);
        answer(&mut ws, id, ConsentAbout::Support, ConsentAnswer::Yes);
        assert!(ws.referrals[&id].consents_to(ConsentAbout::Support));
        answer(&mut ws, id, ConsentAbout::Support, ConsentAnswer::No);
        let r = &ws.referrals[&id];
        assert!(r.support_withdrawn());
        assert_eq!(r.consent.len(), 2, "nothing is deleted");
        // The same answer again is not a new entry.
        let draft = ConsentDraft {
            date: today().format("%Y-%m-%d").to_string(),
            about: ConsentAbout::Support,
            answer: ConsentAnswer::No,
            how: ConsentHow::Written,
        };
        assert_eq!(
            ws.record_consent(id, &draft, today()),
            Err(ConsentError::Unchanged)
        );
    }

    #[test]
    fn answers_are_refused_with_a_reason() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let with = |date: &str, about, answer| ConsentDraft {
            date: date.into(),
            about,
            answer,
            how: ConsentHow::Verbal,
        };
        let cases = [
            (
                with("", ConsentAbout::Support, ConsentAnswer::Yes),
                ConsentError::DateMissing,
            ),
            (
                with("31/02/2026", ConsentAbout::Support, ConsentAnswer::Yes),
                ConsentError::DateInvalid,
            ),
            (
                with("2099-01-01", ConsentAbout::Support, ConsentAnswer::Yes),
                ConsentError::DateInFuture,
            ),
            (
                with("2026-11-20", ConsentAbout::Quote, ConsentAnswer::CodesOnly),
                ConsentError::CodesOnlyNotHere,
            ),
            (
                with(
                    "2026-11-20",
                    ConsentAbout::Connection(crate::model::directory::ConnectionId::legacy(9)),
                    ConsentAnswer::Yes,
                ),
                ConsentError::NoSuchConnection,
            ),
        ];
        for (draft, error) in cases {
            assert_eq!(ws.record_consent(id, &draft, today()), Err(error));
        }
        let early = with("2020-01-01", ConsentAbout::Support, ConsentAnswer::Yes);
        assert!(matches!(
            ws.record_consent(id, &early, today()),
            Err(ConsentError::DateTooEarly(_))
        ));
        assert!(ws.referrals[&id].consent.is_empty());
    }

    #[test]
    fn information_to_the_gp_is_codes_only_until_the_person_agrees_to_more() {
        use crate::model::consent::GpShare;
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        assert_eq!(ws.referrals[&id].gp_share(), GpShare::CodesOnly);
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::Yes);
        assert_eq!(ws.referrals[&id].gp_share(), GpShare::Everything);
        answer(&mut ws, id, ConsentAbout::GpInformation, ConsentAnswer::No);
        assert_eq!(ws.referrals[&id].gp_share(), GpShare::Nothing);
    }
}

//! Layer 3, work: the rules of the work (referral checks, journeys and contacts, the diary and tasks, the person's plan, the person's data rights, the directory and connections, instruments and scoring, practice work and check-ins, reference checks, the SNOMED CT table) and the demo caseload. Uses `model`, and `store` where a rule reads a versioned file.

pub mod consent;
pub mod demo;
pub mod diary;
pub mod directory;
pub mod handover;
pub mod journey;
pub mod measures;
pub mod merge;
pub mod plan;
pub mod practice_work;
pub mod reference;
pub mod referral;
pub mod rights;
pub mod risk;
pub mod snomed;

/// The words of the first error that belongs next to `field`, for any form's errors that
/// know their field.
pub fn message_next_to<E: std::fmt::Display, F: PartialEq>(
    errors: &[E],
    field: F,
    field_of: impl Fn(&E) -> F,
) -> Option<String> {
    errors
        .iter()
        .find(|e| field_of(e) == field)
        .map(ToString::to_string)
}

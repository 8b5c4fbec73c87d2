//! Linkwork's pure domain: the model, validation, the caseload list, the
//! stored document format and its migrations, and the demo generator.
//!
//! Nothing here touches the browser, so it is tested natively in seconds.

pub mod caseload;
pub mod charts;
pub mod crypto;
pub mod dashboard;
pub mod demo;
pub mod directory;
pub mod disclosure;
pub mod format;
pub mod journey;
pub mod lists;
pub mod measures;
pub mod message;
pub mod model;
pub mod order;
pub mod oruk;
pub mod practice_work;
pub mod reference;
pub mod referral;
pub mod spreadsheet;
pub mod summary;
pub mod tables;
pub mod vault_store;
pub mod words;

#[cfg(test)]
mod attack;
#[cfg(test)]
mod testing;

pub use caseload::{caseload_rows, CaseloadQuery, CaseloadRow, SortKey, StatusFilter};
pub use crypto::Random;
pub use format::{load_workspace, FormatError, Loaded, Problem, StoreKey};
pub use journey::{highlights, ContactDraft, Highlights, JourneyError, Transition};
pub use lists::{ListItem, ListKind, Lists};
pub use model::{
    AgeBand, Choice, Closure, Contact, ContactId, ContactOutcome, EthnicGroup, NextStep, Person,
    PersonId, Practice, PracticeId, Referral, ReferralId, ReferralStatus, RiskFlags, Settings, Sex,
    StatusChange, Workspace,
};
pub use reference::{check_reference, ReferenceWarning};
pub use referral::{Field, ReferralDraft, ReferralError, Saved, ValidReferral};

//! Linkwork's pure domain, in five layers. Each may use the layers below it
//! and never one above (`cargo xtask test` checks, see `xtask/src/layers.rs`):
//!
//! 1. [`model`]: the plain, persisted data, lists and calendar arithmetic.
//! 2. [`store`]: versioned documents, migrations, crypto, workspaces, backups.
//! 3. [`work`]: the rules of the work (referrals, journeys, directory,
//!    instruments, practice work) and the demo caseload.
//! 4. [`views`]: everything computed to be looked at (caseload, dashboard,
//!    tables, charts, the message back, summaries and their protection).
//! 5. [`exchange`]: files in and out (Open Referral UK, spreadsheets).
//!
//! Nothing here touches the browser, so it is tested natively in seconds.

pub mod exchange;
pub mod model;
pub mod store;
pub mod views;
pub mod work;

#[cfg(test)]
mod testing;

pub use model::lists::{ListItem, ListKind, Lists};
pub use model::{
    AgeBand, Choice, Closure, Contact, ContactId, ContactOutcome, EthnicGroup, Person, PersonId,
    Practice, PracticeId, Referral, ReferralId, ReferralStatus, Settings, Sex, StatusChange,
    Workspace,
};
pub use store::crypto::Random;
pub use store::format::{load_workspace, FormatError, Loaded, Problem, StoreKey};
pub use views::caseload::{caseload_rows, CaseloadQuery, CaseloadRow, SortKey, StatusFilter};
pub use work::journey::{highlights, ContactDraft, Highlights, JourneyError, Transition};
pub use work::reference::{check_reference, ReferenceWarning};
pub use work::referral::{Field, ReferralDraft, ReferralError, Saved, ValidReferral};

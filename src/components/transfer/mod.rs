//! Files that leave the workspace: the anonymised summary for a manager.

pub mod summary_export;

//! The caseload dashboard's own parts: its filters.

pub mod dashboard_filters;

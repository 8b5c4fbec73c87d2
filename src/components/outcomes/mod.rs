//! A referral's goals and outcome measures, their change from baseline, and the measure settings.

pub mod change_chart;
pub mod outcome_settings;
pub mod outcomes_panel;

//! One referral's journey: status, contacts, connections, feedback, message back, timeline, flags.

pub mod appointments_panel;
pub mod close_risk;
pub mod conflicts_panel;
pub mod connections_panel;
pub mod consent_panel;
pub mod contact_form;
pub mod feedback_form;
pub mod flags;
pub mod gp_record_panel;
pub mod journey_panel;
pub mod message_panel;
pub mod note_form;
pub mod plan_panel;
pub mod record_panel;
pub mod risk_badges;
pub mod risk_log;
pub mod status_actions;
pub mod timeline;

//! Widgets shared by several features: form errors, notices, number fields, figures and tables,
//! panels that open and close.

pub mod chart_card;
pub mod data_table;
pub mod disclosure;
pub mod error_summary;
pub mod field_error;
pub mod notice_banner;
pub mod short_number;
pub mod tile;

//! The frame around every page: the site header with its demo banner, and the update banner.

pub mod demo_banner;
pub mod header;
pub mod update_banner;

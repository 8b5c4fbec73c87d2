//! The `<EChart>` wrapper, and nothing else.

pub mod echart;

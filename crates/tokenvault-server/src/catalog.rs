//! The detection catalog policies are validated against: the detection engine's categories,
//! language packs and custom-pattern limits.

pub use tokenvault_detect::Catalog;

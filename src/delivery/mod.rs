//! The delivery as found on disk, before any file is read: the walk (entries, kinds,
//! sizes; never following a link), the paths relative to the delivery root, and the plan
//! that classifies each entry against the catalogue and the profile's layout.

pub mod plan;
pub mod relpath;
pub mod volume;
pub mod walk;

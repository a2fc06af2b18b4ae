//! What a history says about each contributor before any rule: profiles,
//! links between identities, claims, calendars and the rhythm inference.

pub mod calendars;
pub mod claims;
pub mod links;
pub mod profiles;
pub mod rhythm;

//! The model of a history: identities resolved to contributors, commit
//! records with their flags and provenance, and the facts exchanged as
//! Parquet (`extract`).

pub mod extract;
pub mod history;
pub mod identities;

//! git-alibi: git-commit forensics. Modules follow the data's path:
//! walk → facts → identities → history/profiles → rhythm → detectors →
//! verdicts → reports.

pub mod accepted;
pub mod accuracy;
pub mod analysis;
pub mod cache;
pub mod calendars;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod detectors;
pub mod error;
pub mod extract;
pub mod facts;
pub mod history;
pub mod identities;
pub mod links;
pub mod parallel;
pub mod profiles;
pub mod range;
pub mod reports;
pub mod rhythm;
pub mod settings;
pub mod signatures;
pub mod store;
pub mod synth;
pub mod text;
pub mod verdicts;
pub mod walk;

pub use error::Error;

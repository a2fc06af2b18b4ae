//! git-alibi: git-commit forensics. The modules are layers that follow the
//! data's path, each using only the ones listed before it:
//!
//! 1. support: [`error`], [`clock`], [`text`], [`parallel`], [`privacy`],
//!    [`files`];
//! 2. [`git`]: the walk over raw objects, commit facts, the store and its
//!    cache, signatures, ranges, settings files;
//! 3. [`model`]: identities, the history of commit records, Parquet facts;
//! 4. [`inference`]: profiles, links, claims, calendars, the rhythm inference;
//! 5. [`detectors`]: the rule table and one file per rule;
//! 6. [`analysis`]: the orchestration, verdicts and accepted findings;
//! 7. [`reports`]: the report model and one file per output format;
//! 8. [`cli`] (the command line) and `harness` (tests and benchmarks only,
//!    behind the `harness` feature, which the dev-dependency on this package
//!    turns on).
//!
//! `tests/cli/structure.rs` checks that no module imports a later layer and
//! that modules form no cycle.

pub mod analysis;
pub mod cli;
pub mod clock;
pub mod detectors;
pub mod error;
pub mod files;
pub mod git;
#[cfg(feature = "harness")]
pub mod harness;
pub mod inference;
pub mod model;
pub mod parallel;
pub mod privacy;
pub mod reports;
pub mod text;

pub use error::Error;

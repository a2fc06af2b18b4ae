//! End-to-end tests of the `git-alibi` binary on fixture repositories built by
//! `fixtures/build.sh` (and synthetic ones through `git fast-import`).
#![recursion_limit = "256"]

mod common;

mod audit;
mod check;
mod ci_templates;
mod commands;
mod gate_trust;
mod outputs;
mod scan;
mod structure;

//! Harnesses for tests and benchmarks, not used by the tool: a synthetic
//! population model and the accuracy evaluation on it.

pub mod accuracy;
pub mod synth;

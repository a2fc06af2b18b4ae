//! What a finding's evidence may hold. Each rule declares one evidence type
//! (`Evidence` in its file) that serialises to the finding's `evidence`
//! object; the JSON Schema of that type is published in
//! `docs/schema/evidence/RULE.schema.json`, and a test keeps the two in step.
//!
//! Rules that link a contributor to others do not write names: they hand the
//! linked contributors' indices to [`crate::detectors::Finding::naming_peers`],
//! and the report's privacy layer alone turns them into ids and names (the
//! `peers` array of [`PeerRef`]s).

use schemars::JsonSchema;
use serde::Serialize;

/// A rule's evidence type. Only types that implement it can be a finding's
/// evidence, so a rule cannot emit an undeclared shape.
pub trait RuleEvidence: Serialize + JsonSchema {
    /// Whether the report adds a `peers` array (linked contributors) to it.
    const NAMES_PEERS: bool = false;
}

/// Commits a rule did not read, and why: a reviewer sees what was set aside.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SetAside {
    /// Commits whose recorded offset a forge or an importer wrote (not the
    /// author's zone).
    pub offsets_made_by_a_forge: usize,
    /// Commits whose date is not when the author worked (a merge-time date,
    /// a later patch of a mailed series).
    pub dates_not_the_authors: usize,
}

/// Commits at one recorded offset.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OffsetCount {
    /// `±HH:MM`.
    pub offset: String,
    pub commits: u64,
}

/// Another contributor, as the report names it (under the report's privacy
/// options): only reports hold these, never the analysis.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PeerRef {
    /// The contributor's report id (`c-…`).
    pub id: String,
    /// Display name, or a pseudonym under `--pseudonymize`.
    pub name: String,
}

/// Abbreviated commit ids (12 hex digits), oldest first unless said.
pub type CommitExamples = Vec<String>;

/// The JSON Schema of a rule's evidence as reports write it (with `peers`
/// for the rules that name them).
pub fn schema<E: RuleEvidence>() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(E)).unwrap_or_default();
    if E::NAMES_PEERS {
        let mut peer = serde_json::to_value(schemars::schema_for!(PeerRef)).unwrap_or_default();
        if let Some(o) = peer.as_object_mut() {
            o.remove("$schema");
        }
        schema["properties"]["peers"] = serde_json::json!({
            "description": "Linked contributors, named under the report's privacy options.",
            "type": "array",
            "items": peer,
        });
        if let Some(required) = schema["required"].as_array_mut() {
            required.push("peers".into());
        }
    }
    schema
}

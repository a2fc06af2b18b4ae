//! `--format json`: the report model as one JSON object (schema in
//! docs/schema/report.schema.json). The serializer escapes every string.

use std::io::Write;

use super::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // Serialise first so a closed pipe surfaces as an io::Error with its kind.
    let mut bytes = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

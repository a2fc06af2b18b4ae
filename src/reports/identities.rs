//! `git alibi identities`: the identity clusters the tool sees and the
//! evidence for each link, as text or JSON, and a `.mailmap` suggestion.

use std::io::Write;

use serde_json::json;

use super::Privacy;
use crate::inference::links::Cluster;
use crate::model::history::History;
use crate::text::display_safe;

/// A link's shared value as the privacy options allow: names and machine
/// names (which often hold a person's name) are pseudonymised with the rest.
fn link_value(privacy: &Privacy, kind: crate::inference::links::LinkKind, value: &str) -> String {
    use crate::inference::links::LinkKind;
    match kind {
        LinkKind::SameName | LinkKind::SameHost if privacy.pseudonymize => {
            privacy.pseudonym("value", value.as_bytes())
        }
        _ => value.to_owned(),
    }
}

fn name(history: &History, privacy: &Privacy, i: u32) -> String {
    super::naming::name_shown(privacy, &history.contributors[i as usize])
}

fn commits(history: &History, i: u32) -> usize {
    history.records_of(i).len()
}

/// Merges git-alibi already made (`.mailmap`, same email): contributors with
/// several raw identities.
fn merged(history: &History) -> Vec<u32> {
    (0..history.contributors.len() as u32)
        .filter(|&i| {
            history.contributors[i as usize].raw_identities.len() > 1 && commits(history, i) > 0
        })
        .collect()
}

pub fn text(
    history: &History,
    clusters: &[Cluster],
    privacy: &Privacy,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if clusters.is_empty() {
        writeln!(
            out,
            "No links between contributors (same name, machine or signing key)."
        )?;
    }
    for (k, cluster) in clusters.iter().enumerate() {
        writeln!(
            out,
            "cluster {}: {}",
            k + 1,
            super::count(cluster.members.len(), "contributor")
        )?;
        for &m in &cluster.members {
            let c = &history.contributors[m as usize];
            writeln!(
                out,
                "  {}  {}  ({}, {})",
                privacy.pseudonym("c", &c.key),
                name(history, privacy, m),
                super::count(commits(history, m), "commit"),
                super::count(c.raw_identities.len(), "identity")
            )?;
        }
        // Namesakes (a same-name link joins two of them) carry their id, or
        // the line would read "Ann Lee — Ann Lee".
        let names: Vec<String> = cluster
            .members
            .iter()
            .map(|&m| name(history, privacy, m))
            .collect();
        let label = |m: u32| {
            let own = name(history, privacy, m);
            if names.iter().filter(|n| **n == own).count() > 1 {
                let c = &history.contributors[m as usize];
                format!("{own} ({})", privacy.pseudonym("c", &c.key))
            } else {
                own
            }
        };
        for (a, b, kind, value) in &cluster.links {
            writeln!(
                out,
                "    {} — {}: {} `{}`",
                label(*a),
                label(*b),
                kind.name(),
                display_safe(
                    link_value(privacy, *kind, value).as_bytes(),
                    crate::text::limit::NAME
                )
            )?;
        }
    }
    let merged = merged(history);
    if !merged.is_empty() {
        writeln!(
            out,
            "\nAlready one contributor (by .mailmap or the same email):"
        )?;
        for i in merged {
            let c = &history.contributors[i as usize];
            let names: Vec<String> = c
                .raw_identities
                .keys()
                .map(|(n, _)| super::naming::raw_name_shown(privacy, n))
                .collect();
            writeln!(
                out,
                "  {}  {}: {}, names {}",
                privacy.pseudonym("c", &c.key),
                name(history, privacy, i),
                super::count(c.raw_identities.len(), "identity"),
                names.join(", ")
            )?;
        }
    }
    writeln!(
        out,
        "\nLinks are leads, not conclusions: one person may rightly use several identities. `--mailmap` suggests entries for the clusters you confirm (`--cluster N`)."
    )
}

pub fn json(
    history: &History,
    clusters: &[Cluster],
    privacy: &Privacy,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let v = json!({
        "clusters": clusters.iter().enumerate().map(|(k, cl)| json!({
            "cluster": k + 1,
            "members": cl.members.iter().map(|&m| json!({
                "id": privacy.pseudonym("c", &history.contributors[m as usize].key),
                "name": name(history, privacy, m),
                "commits": commits(history, m),
                "identities": history.contributors[m as usize].raw_identities.len(),
            })).collect::<Vec<_>>(),
            "links": cl.links.iter().map(|(a, b, kind, value)| json!({
                "a": privacy.pseudonym("c", &history.contributors[*a as usize].key),
                "b": privacy.pseudonym("c", &history.contributors[*b as usize].key),
                "kind": kind,
                "value": link_value(privacy, *kind, value),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "merged": merged(history).iter().map(|&i| json!({
            "id": privacy.pseudonym("c", &history.contributors[i as usize].key),
            "name": name(history, privacy, i),
            "identities": history.contributors[i as usize].raw_identities.len(),
        })).collect::<Vec<_>>(),
    });
    super::json::write_value(&v, &mut *out)?;
    writeln!(out)
}

/// `.mailmap` lines mapping every identity of a cluster to its busiest
/// member's name and email. Emails are printed: a `.mailmap` is for the
/// repository, which already holds them. Lines a `.mailmap` cannot hold
/// (`<`, `>` or a newline in a name or email) are left out.
pub fn mailmap(
    history: &History,
    clusters: &[&Cluster],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "# .mailmap suggestion from git alibi identities: check each line before using it."
    )?;
    for cluster in clusters {
        let canonical = &history.contributors[cluster.members[0] as usize];
        let Some(((cname, cemail), _)) = canonical.identities.iter().max_by_key(|(_, n)| **n)
        else {
            continue;
        };
        // A line a terminal or .mailmap could misread (brackets, control
        // characters, bidi overrides, invalid UTF-8) is left out, not escaped:
        // escaping would change the identity it names.
        let ok = |b: &[u8]| {
            std::str::from_utf8(b).is_ok_and(|t| {
                !t.chars().any(|c| {
                    c == '<' || c == '>' || c.is_control() || crate::text::is_bidi_control(c)
                })
            })
        };
        if !ok(cname) || !ok(cemail) {
            continue;
        }
        for &m in &cluster.members[1..] {
            for (n, e) in history.contributors[m as usize].raw_identities.keys() {
                if !ok(n) || !ok(e) {
                    continue;
                }
                writeln!(
                    out,
                    "{} <{}> {} <{}>",
                    String::from_utf8_lossy(cname),
                    String::from_utf8_lossy(cemail),
                    String::from_utf8_lossy(n),
                    String::from_utf8_lossy(e)
                )?;
            }
        }
    }
    Ok(())
}

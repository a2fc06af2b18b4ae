//! The shape of the code itself.

use std::path::{Path, PathBuf};

/// The library's layers, in order (docs: README "Layout", src/lib.rs): a
/// module may use its own layer and the ones before it, never a later one.
const LAYERS: &[&[&str]] = &[
    &["error", "clock", "text", "parallel", "privacy", "files"],
    &["git"],
    &["model"],
    &["inference"],
    &["detectors"],
    &["analysis"],
    &["reports"],
    &["cli", "harness"],
];

/// The library's modules form no import cycle and never import a later layer:
/// each `crate::a::b` a file names in code (not comments, not its tests) is
/// an edge from the file's module to the longest module path it names.
#[test]
fn library_modules_have_no_import_cycle_and_respect_the_layers() {
    use std::collections::{BTreeMap, BTreeSet};
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    // Module paths: `git/walk.rs` is git::walk, `analysis/mod.rs` is analysis.
    let module_of = |file: &Path| -> String {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|p| p != "mod")
            .collect();
        parts.join("::")
    };
    let modules: BTreeSet<String> = all.iter().map(|f| module_of(f)).collect();
    let layer_of = |module: &str| -> usize {
        let top = module.split("::").next().unwrap();
        LAYERS
            .iter()
            .position(|layer| layer.contains(&top))
            .unwrap_or_else(|| panic!("module {module} is in no layer: add it to LAYERS"))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let module = module_of(file);
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let path: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
                    .collect();
                // The longest prefix of the path that is a module.
                let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
                let named = (1..=segments.len())
                    .rev()
                    .map(|n| segments[..n].join("::"))
                    .find(|m| modules.contains(m));
                let Some(named) = named else { continue };
                if named == module || module.starts_with(&format!("{named}::")) {
                    continue;
                }
                assert!(
                    layer_of(&named) <= layer_of(&module),
                    "{module} (layer {}) uses {named} (layer {}), a later layer",
                    layer_of(&module),
                    layer_of(&named)
                );
                edges.entry(module.clone()).or_default().insert(named);
            }
        }
    }
    fn reaches(
        edges: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        edges
            .get(from)
            .into_iter()
            .flatten()
            .any(|next| next == to || (seen.insert(next.clone()) && reaches(edges, next, to, seen)))
    }
    for (module, uses) in &edges {
        for used in uses {
            assert!(
                !reaches(&edges, used, module, &mut BTreeSet::new()),
                "import cycle: {module} uses {used}, which leads back to {module}"
            );
        }
    }
    assert!(edges.len() >= 40, "read the modules: {edges:?}");
}

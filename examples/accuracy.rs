//! Prints the accuracy table of docs/accuracy.md.
//! Usage: cargo run --release --example accuracy -- [PER_SCENARIO] [SEED]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let per: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let cases = git_alibi::harness::accuracy::generate(seed, per);
    let analysis = git_alibi::harness::accuracy::judge(&cases);
    let rows = git_alibi::harness::accuracy::tally(&cases, &analysis);
    print!("{}", git_alibi::harness::accuracy::markdown(&rows));
    if std::env::var_os("ACCURACY_DETAIL").is_some() {
        for (case, r) in cases.iter().zip(&analysis.results) {
            let flagged = matches!(
                r.judgement.verdict,
                git_alibi::analysis::verdicts::Verdict::Suspicious
                    | git_alibi::analysis::verdicts::Verdict::Contradiction
            );
            if flagged == case.scenario.is_honest() {
                eprintln!(
                    "{} claim={} truth={} inferred={:?} commits={} verdict={} findings={:?}",
                    case.scenario.name(),
                    case.claim,
                    case.true_offset_hours,
                    r.inference.as_ref().map(|i| (
                        i.utc_offset_hours,
                        i.interval_90,
                        i.chronotype_shift_hours
                    )),
                    case.commits.len(),
                    r.judgement.verdict.name(),
                    r.findings
                        .iter()
                        .map(|f| (f.rule, f.severity.name(), f.summary.clone()))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}

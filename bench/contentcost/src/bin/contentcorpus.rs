//! How often the content rules refuse ordinary text: every line of a corpus through
//! `ContentRules::check` (`shared/src/domain/content_rules`, compiled from its source),
//! counted by rule and by language, with examples of what each rule refused. A corpus is
//! a file of `language<TAB>text` lines; see docs/performance.md for the one used (the
//! translated messages of the machine's gettext catalogues).
//!
//! Usage: target/release/contentcorpus CORPUS.tsv [examples per rule, default 20]

use std::collections::BTreeMap;

#[allow(dead_code)]
#[path = "../../../../shared/src/domain/content_rules/mod.rs"]
mod content_rules;

use content_rules::ContentRules;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: contentcorpus CORPUS.tsv [examples]");
    let examples: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let corpus = std::fs::read_to_string(&path).expect("reading the corpus");
    let rules = ContentRules::default();
    let mut lines = 0usize;
    let mut by_rule: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    let mut by_language: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for line in corpus.lines() {
        let Some((language, text)) = line.split_once('\t') else {
            continue;
        };
        lines += 1;
        let counts = by_language.entry(language).or_default();
        counts.0 += 1;
        if let Err(violation) = rules.check(text) {
            counts.1 += 1;
            by_rule
                .entry(violation.rule())
                .or_default()
                .push((text.to_owned(), violation.fragment().to_owned()));
        }
    }
    let refused: usize = by_rule.values().map(Vec::len).sum();
    println!(
        "{lines} lines, {refused} refused ({:.3}%)",
        percent(refused, lines)
    );
    for (rule, texts) in &by_rule {
        println!(
            "  {rule}: {} ({:.3}%)",
            texts.len(),
            percent(texts.len(), lines)
        );
    }
    let mut worst: Vec<_> = by_language
        .iter()
        .filter(|(_, (total, _))| *total >= 1000)
        .collect();
    worst.sort_by(|a, b| {
        percent(b.1.1, b.1.0)
            .partial_cmp(&percent(a.1.1, a.1.0))
            .expect("a rate")
    });
    println!("languages with the highest share refused (of those with 1000 lines or more):");
    for (language, (total, refused)) in worst.iter().take(15) {
        println!(
            "  {language}: {refused} of {total} ({:.3}%)",
            percent(*refused, *total)
        );
    }
    for (rule, texts) in &by_rule {
        println!("examples refused as {rule}:");
        let step = (texts.len() / examples.max(1)).max(1);
        for (text, fragment) in texts.iter().step_by(step).take(examples) {
            println!("  [{fragment}] {text}");
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

//! The key layout as data, for the generated tables of `docs/data-model.md`
//! (`cargo run -p natives-codegen`): every item kind's keys, built by its entry of the
//! list of kinds ([`super::ITEM_KINDS`]) from sample values ([`super::samples`]), with each
//! sample shown by the name of what it stands for (`ACCOUNT#<account_id>`). A test below fails on a key function of [`super`] that no
//! kind uses.

use super::ITEM_KINDS;
use super::samples::{MOMENTS, SAMPLES, Samples, at};
use crate::domain::ItemKind;

/// One item kind's keys, with its samples named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys {
    pub kind: ItemKind,
    pub pk: String,
    pub sk: String,
    /// Its entry in `gsi1` as (`gsi1pk`, `gsi1sk`): none, one, or the alternatives it moves
    /// between.
    pub index: Vec<(String, String)>,
}

/// Every item kind of the ownership list, in its order, with its keys.
pub fn item_keys() -> Vec<ItemKeys> {
    let samples = Samples::new();
    ITEM_KINDS
        .iter()
        .map(|spec| {
            let (key, index) = (spec.sample_keys)(&samples);
            ItemKeys {
                kind: spec.kind,
                pk: named(&key.pk),
                sk: named(&key.sk),
                index: index
                    .iter()
                    .map(|entry| (named(&entry.gsi1pk), named(&entry.gsi1sk)))
                    .collect(),
            }
        })
        .collect()
}

/// `key` with every sample replaced by its name.
fn named(key: &str) -> String {
    let key = SAMPLES.iter().fold(key.to_owned(), |key, (sample, name)| {
        key.replace(sample, name)
    });
    MOMENTS.iter().fold(key, |key, (sample, name)| {
        key.replace(&at(sample).to_string(), name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every function of the key module that builds an item's key (or its index entry) is
    /// used above, so the tables show every key there is. `no_account` is the key of the
    /// account no one has (an account key, nothing is written there); `complaint_target`
    /// is a message's key or a correction's.
    #[test]
    fn every_key_function_builds_some_kinds_keys() {
        let module = include_str!("../keys.rs");
        let list = &module[module.find("pub const ITEM_KINDS").expect("the list")..];
        let mut unused = Vec::new();
        for (start, _) in module.match_indices("pub fn ") {
            let signature = &module[start..];
            let signature = &signature[..signature.find('{').unwrap_or(signature.len())];
            let name = &signature["pub fn ".len()..signature.find('(').unwrap()];
            let builds_a_key = signature.contains("-> Key") || signature.contains("-> IndexKey");
            // `complaint_target` names no key of its own: it picks a message's or a
            // correction's.
            let picks_another = ["no_account", "complaint_target"].contains(&name);
            if builds_a_key && !picks_another && !list.contains(&format!("{name}(")) {
                unused.push(name);
            }
        }
        assert!(
            unused.is_empty(),
            "key functions no item kind uses: {unused:?}"
        );
    }

    #[test]
    fn samples_are_named_and_no_sample_is_left() {
        let keys = item_keys();
        assert_eq!(keys.len(), ITEM_KINDS.len());
        let account = keys.iter().find(|k| k.kind == ItemKind::Account).unwrap();
        assert_eq!(
            (account.pk.as_str(), account.sk.as_str()),
            ("ACCOUNT#<account_id>", "ACCOUNT")
        );
        let queue = keys
            .iter()
            .find(|k| k.kind == ItemKind::QueueEntry)
            .unwrap();
        assert_eq!(
            queue.index,
            [(
                "REVIEW_QUEUE".to_owned(),
                "<999999 − open_complaints, 6 digits>#<first_complaint_at>#<message_id>".to_owned()
            )]
        );
        for item in &keys {
            let texts = [&item.pk, &item.sk]
                .into_iter()
                .chain(item.index.iter().flat_map(|(pk, sk)| [pk, sk]));
            for text in texts {
                assert!(
                    !text.contains("01AAAA") && !text.contains("01BBBB"),
                    "{text}"
                );
            }
        }
    }
}

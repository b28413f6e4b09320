//! Erasure of an account's personal data: what happens to each kind of record, how the
//! account's names and addresses are found in text others wrote, and what the account
//! item is left with. The store carries it out in two steps (every item by its kind's
//! rule, then the account in one last transaction; see `store::erasure`).

use time::OffsetDateTime;

use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, Consents,
    Email, ItemKind, LanguageList, PersonalData, Timestamp,
};

/// The name an erased account's published messages are shown under.
pub const FORMER_MEMBER: &str = "Former member";

/// What replaces a personal name or address found in text others wrote.
pub const REDACTED: &str = "[erased]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureRefusal {
    /// Erasure needs the account's password, entered again.
    WrongPassword,
}

/// What erasure does to one item of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Nothing personal in it, or published content that stays public.
    Keep,
    Delete,
    /// Remove these attributes (free text the person wrote or was written to them).
    Remove(&'static [&'static str]),
    /// Keep the record, but remove the account's names and addresses from these text
    /// attributes (reasons staff wrote; a dotted path names an attribute of a map).
    Redact(&'static [&'static str]),
    /// Changed by the last step (the account, the e-mail claim).
    Last,
}

/// Each kind's rule, as the kind declares it (`ItemKind::rules`, which does not compile
/// until a new kind says what erasure does to it).
pub fn rule(kind: ItemKind) -> Rule {
    kind.rules().erasure
}

/// What an item holds, as far as erasure reads it.
pub trait ItemText {
    /// Whether the item has this attribute.
    fn has(&self, attribute: &str) -> bool;
    /// This attribute, if it is text.
    fn text(&self, attribute: &str) -> Option<&str>;
}

/// One write of the first step, to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemScrub {
    Delete,
    RemoveAttributes(Vec<&'static str>),
    SetText {
        attribute: &'static str,
        text: String,
    },
    /// Remove these attributes from the copy of this record that the review queue keeps
    /// for moderators (a complaint still open), if there is one.
    RemoveFromQueueCopy(Vec<&'static str>),
}

/// What of a kind's records the review queue copies, and erasure removes from the copy
/// too (whether or not the record itself still has it: a retry after a crash).
fn queue_copy(kind: ItemKind) -> Option<&'static [&'static str]> {
    match kind {
        ItemKind::Complaint => Some(&["comment"]),
        _ => None,
    }
}

/// The writes the first step makes to one item of `kind`, for an account whose names
/// and addresses are `personal`; none when the item has nothing to erase. Each can be
/// repeated with the same result.
pub fn scrub(kind: ItemKind, item: &impl ItemText, personal: &[String]) -> Vec<ItemScrub> {
    let mut writes = scrub_record(kind, item, personal);
    if let Some(attributes) = queue_copy(kind) {
        writes.push(ItemScrub::RemoveFromQueueCopy(attributes.to_vec()));
    }
    writes
}

/// The writes to the record itself.
fn scrub_record(kind: ItemKind, item: &impl ItemText, personal: &[String]) -> Vec<ItemScrub> {
    match rule(kind) {
        Rule::Keep | Rule::Last => Vec::new(),
        Rule::Delete => vec![ItemScrub::Delete],
        Rule::Remove(attributes) => {
            let present: Vec<&'static str> =
                attributes.iter().copied().filter(|a| item.has(a)).collect();
            if present.is_empty() {
                Vec::new()
            } else {
                vec![ItemScrub::RemoveAttributes(present)]
            }
        }
        Rule::Redact(attributes) => attributes
            .iter()
            .filter_map(|attribute| {
                let text = redact(item.text(attribute)?, personal)?;
                Some(ItemScrub::SetText { attribute, text })
            })
            .collect(),
    }
}

/// What erasing an account comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erasure {
    /// Erased before: nothing changes.
    AlreadyErased {
        erased_at: Timestamp,
    },
    Erase(Box<ErasurePlan>),
}

/// An erasure: the names and addresses to find in text others wrote (step 1), and the
/// last write, which replaces the account's personal data, closes it for good and ends
/// every session, on condition that it was not erased meanwhile (with it, the e-mail
/// claim of `email` goes, while it is still this account's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasurePlan {
    pub personal: Vec<String>,
    pub email: Email,
    pub account: AccountWrite,
    pub erased_at: Timestamp,
}

/// Erases `account` at `now` (see [`ErasurePlan`]).
pub fn erase(account: &Account, now: OffsetDateTime) -> Erasure {
    if let Some(erased_at) = account.erased_at {
        return Erasure::AlreadyErased { erased_at };
    }
    let erased_at = Timestamp::at(now);
    let update = AccountUpdate {
        personal: Some(erased_personal_data(&account.id)),
        status: Some(AccountStatus::Closed),
        blocked_until: Some(None),
        block_reason: Some(None),
        end_every_session: true,
        // The providers' ids of the person go with the claims erasure deletes.
        identities: Some(Default::default()),
        erased_at: Some(erased_at),
        updated_at: Some(erased_at),
        ..Default::default()
    };
    Erasure::Erase(Box::new(ErasurePlan {
        personal: personal_strings(account),
        email: account.email.clone(),
        account: AccountWrite {
            account_id: account.id.clone(),
            update,
            requires: vec![AccountCondition::NotErased],
        },
        erased_at,
    }))
}

/// What an erased account keeps of its personal data: an address that is no one's,
/// the name "Former member", nothing else.
fn erased_personal_data(account_id: &AccountId) -> PersonalData {
    PersonalData {
        email: erased_email(account_id),
        display_name: crate::domain::text::Stored::stored(FORMER_MEMBER.to_owned()),
        full_name: None,
        gender: None,
        date_of_birth: None,
        country: None,
        city: None,
        guardian: None,
        native_languages: LanguageList::none(),
        learning_languages: LanguageList::none(),
        learning_levels: crate::domain::LearningLevels::none(),
        skype: None,
        photo: None,
        consents: Consents::default(),
        password_hash: String::new(),
    }
}

/// The address an erased account is left with: not a person's, unique, undeliverable
/// (`.invalid` is reserved for that).
pub fn erased_email(account_id: &AccountId) -> Email {
    Email::parse(&format!(
        "erased-{}@erased.invalid",
        account_id.as_str().to_ascii_lowercase()
    ))
    .expect("an address of letters and digits")
}

/// The account's names, place and addresses, as they may appear in text others wrote
/// (staff reasons, moderation notes): each whole, and each word of them on its own (a
/// first name, a surname, the parts of an address's local part: staff write "Zebulon"
/// more often than "Zebulon Quixote"), longest first so a whole name is redacted as one.
/// A word of a name can be an everyday word too ("Rose"): redacting it in text about
/// this account is the price of not leaving the person's name behind.
pub fn personal_strings(account: &Account) -> Vec<String> {
    let mut names = vec![account.display_name.to_string()];
    names.extend(account.full_name.as_ref().map(ToString::to_string));
    let mut addresses = vec![account.email.to_string()];
    if let Some(guardian) = &account.guardian {
        names.push(guardian.name.to_string());
        addresses.push(guardian.email.to_string());
    }
    let mut strings: Vec<String> = names.iter().chain(&addresses).cloned().collect();
    // A city is found whole: its words ("on", "Sea") are everyday words.
    strings.extend(account.city.as_ref().map(ToString::to_string));
    strings.extend(words(&names, 2));
    let locals: Vec<String> = addresses
        .iter()
        .map(|a| a.split('@').next().unwrap_or_default().to_owned())
        .collect();
    strings.extend(locals.iter().cloned());
    strings.extend(words(&locals, 3));
    strings.retain(|s| !s.trim().is_empty() && s != FORMER_MEMBER);
    strings.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    strings.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    strings
}

/// The words of `texts` of at least `min` characters.
fn words(texts: &[String], min: usize) -> impl Iterator<Item = String> + '_ {
    texts.iter().flat_map(move |text| {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(move |word| word.chars().count() >= min)
            .map(str::to_owned)
    })
}

/// `text` with every whole-word occurrence of the personal strings (ignoring case)
/// replaced by [`REDACTED`]; `None` when there is none.
pub fn redact(text: &str, personal: &[String]) -> Option<String> {
    let mut out = text.to_owned();
    let mut changed = false;
    for needle in personal {
        let lower_needle = needle.to_lowercase();
        let mut from = 0;
        loop {
            let lower = out.to_lowercase();
            // Lower-casing can change lengths outside ASCII: match on the lowered text
            // only where it lines up with the original.
            if lower.len() != out.len() {
                if out.contains(needle.as_str()) {
                    out = out.replace(needle.as_str(), REDACTED);
                    changed = true;
                }
                break;
            }
            let Some(found) = lower[from..].find(&lower_needle).map(|i| i + from) else {
                break;
            };
            let end = found + lower_needle.len();
            let before = out[..found].chars().next_back();
            let after = out[end..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if boundary(before) && boundary(after) {
                out.replace_range(found..end, REDACTED);
                changed = true;
                from = found + REDACTED.len();
            } else {
                from = end;
            }
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::account;
    use crate::domain::{FullName, Guardian, PersonName};
    use std::collections::HashMap;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    struct Item(HashMap<&'static str, &'static str>);

    impl ItemText for Item {
        fn has(&self, attribute: &str) -> bool {
            self.0.contains_key(attribute)
        }
        fn text(&self, attribute: &str) -> Option<&str> {
            self.0.get(attribute).copied()
        }
    }

    fn item(attributes: &[(&'static str, &'static str)]) -> Item {
        Item(attributes.iter().copied().collect())
    }

    #[test]
    fn redaction_removes_whole_names_and_addresses_only() {
        let personal = vec!["ada@example.com".to_owned(), "Ada".to_owned()];
        assert_eq!(
            redact("Discount for ada and ADA@example.com", &personal).as_deref(),
            Some("Discount for [erased] and [erased]")
        );
        assert_eq!(redact("Canada school", &personal), None);
        assert_eq!(redact("spam", &personal), None);
    }

    #[test]
    fn every_name_place_and_address_is_found_whole_and_word_by_word() {
        let mut zeb = account(&[]);
        zeb.email = Email::parse("zebulon.quixote@example.com").unwrap();
        zeb.full_name = Some(FullName::parse("Zebulon Quixote").unwrap());
        zeb.city = Some(crate::domain::City::parse("Xanthorp").unwrap());
        zeb.guardian = Some(Guardian {
            name: PersonName::parse("Yolanda Q").unwrap(),
            email: Email::parse("yo@example.com").unwrap(),
            consent: true,
            consent_requested_at: None,
            confirmed_at: None,
        });
        let personal = personal_strings(&zeb);
        for reason in [
            "Zebulon asked for a refund",
            "Mr Quixote of Xanthorp called",
            "Lives in Xanthorp",
            "Guardian Yolanda agreed",
            "zebulon.quixote wrote again",
        ] {
            let redacted = redact(reason, &personal).unwrap();
            for word in ["zebulon", "quixote", "xanthorp", "yolanda"] {
                assert!(
                    !redacted.to_lowercase().contains(word),
                    "{reason} → {redacted}"
                );
            }
        }
        assert_eq!(
            redact("Zebulon Quixote asked", &personal).as_deref(),
            Some("[erased] asked"),
            "the whole name first"
        );
        assert_eq!(
            redact("Quixotic behaviour", &personal),
            None,
            "whole words only"
        );
    }

    #[test]
    fn each_kind_is_deleted_stripped_redacted_or_kept() {
        let personal = vec!["Ada".to_owned()];
        let cases = [
            (ItemKind::SessionFamily, item(&[]), vec![ItemScrub::Delete]),
            (
                ItemKind::Notification,
                item(&[("body", "Hi Ada")]),
                vec![ItemScrub::Delete],
            ),
            (
                ItemKind::Complaint,
                item(&[("comment", "mine"), ("reason", "spam")]),
                vec![
                    ItemScrub::RemoveAttributes(vec!["comment"]),
                    ItemScrub::RemoveFromQueueCopy(vec!["comment"]),
                ],
            ),
            // the record's comment gone already (a retry): the queue's copy still goes
            (
                ItemKind::Complaint,
                item(&[("reason", "spam")]),
                vec![ItemScrub::RemoveFromQueueCopy(vec!["comment"])],
            ),
            (
                ItemKind::PrivacyRequest,
                item(&[("details", "x"), ("response", "y")]),
                vec![ItemScrub::RemoveAttributes(vec!["details", "response"])],
            ),
            (
                ItemKind::AuditEntry,
                item(&[("reason", "Blocked Ada for spam")]),
                vec![ItemScrub::SetText {
                    attribute: "reason",
                    text: "Blocked [erased] for spam".into(),
                }],
            ),
            (
                ItemKind::LedgerEntry,
                item(&[("reason", "Teacher programme")]),
                vec![],
            ),
            (ItemKind::Message, item(&[("text", "I am Ada")]), vec![]),
            (
                ItemKind::Message,
                item(&[("text", "I am Ada"), ("moderation.reason", "Ada's spam")]),
                vec![ItemScrub::SetText {
                    attribute: "moderation.reason",
                    text: "[erased]'s spam".into(),
                }],
            ),
            (
                ItemKind::Account,
                item(&[("email", "ada@example.com")]),
                vec![],
            ),
        ];
        for (kind, item, expected) in cases {
            assert_eq!(scrub(kind, &item, &personal), expected, "{kind:?}");
        }
    }

    #[test]
    fn the_last_step_leaves_no_personal_data_and_closes_the_account_once() {
        let mut ada = account(&[]);
        ada.full_name = Some(FullName::parse("Ada Lovelace").unwrap());
        ada.guardian = Some(Guardian {
            name: PersonName::parse("Anne").unwrap(),
            email: Email::parse("anne@example.com").unwrap(),
            consent: true,
            consent_requested_at: None,
            confirmed_at: None,
        });
        let Erasure::Erase(plan) = erase(&ada, NOW) else {
            panic!("not erased before");
        };
        assert_eq!(
            plan.personal,
            [
                "anne@example.com",
                "ada@example.com",
                "Ada Lovelace",
                "Lovelace",
                "Anne",
                "Ada"
            ],
            "whole and word by word, longest first, each once"
        );
        assert_eq!(plan.email, ada.email);
        assert_eq!(plan.account.requires, [AccountCondition::NotErased]);
        let update = &plan.account.update;
        let personal = update.personal.as_ref().unwrap();
        assert_eq!(
            personal.email.as_ref(),
            format!(
                "erased-{}@erased.invalid",
                ada.id.as_str().to_ascii_lowercase()
            )
        );
        assert_eq!(personal.display_name.as_ref(), FORMER_MEMBER);
        assert_eq!(
            (
                &personal.full_name,
                &personal.guardian,
                &personal.country,
                &personal.date_of_birth
            ),
            (&None, &None, &None, &None)
        );
        assert!(personal.password_hash.is_empty());
        assert_eq!(personal.consents, Consents::default());
        assert_eq!(update.status, Some(AccountStatus::Closed));
        assert!(update.end_every_session);
        assert_eq!(update.erased_at, Some(Timestamp::at(NOW)));
        let erased = Account {
            erased_at: Some(Timestamp::at(NOW)),
            ..ada
        };
        assert_eq!(
            erase(&erased, NOW + time::Duration::days(1)),
            Erasure::AlreadyErased {
                erased_at: Timestamp::at(NOW)
            }
        );
    }
}

//! What a person shows of themselves beyond their name: the level of each language they
//! learn, a Skype login (private: only its owner and their export see it), a profile
//! photo, and the public profile everyone may read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    AccountId, AccountStatus, LanguageList, LanguageTag, ProgressSummary, Role, Timestamp, UploadId,
};

/// The largest photo upload accepted.
pub const MAX_PHOTO_BYTES: i64 = 5 * 1024 * 1024;

/// What decoding one photo may cost, fixed before it is read: the upload limit, 40
/// megapixels (`natives_media::PhotoLimits`).
pub fn photo_limits() -> natives_media::PhotoLimits {
    natives_media::PhotoLimits::new(MAX_PHOTO_BYTES as usize)
}

/// A photo's declared length: 1 byte to [`MAX_PHOTO_BYTES`].
pub fn parse_photo_size(raw: i64) -> Result<i64, String> {
    if (1..=MAX_PHOTO_BYTES).contains(&raw) {
        Ok(raw)
    } else {
        Err(format!("must be from 1 to {MAX_PHOTO_BYTES} bytes"))
    }
}

// The declared media type of a photo lives with the decoder that checks the file
// against it (natives-media).
pub use natives_media::{PHOTO_CONTENT_TYPES, PhotoContentType};

/// What an erased account is called on its public profile (and everywhere else).
pub use super::decide::erasure::FORMER_MEMBER;

/// A CEFR level, A1 (beginner) to C2 (mastery).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

impl CefrLevel {
    const ALL: [CefrLevel; 6] = [Self::A1, Self::A2, Self::B1, Self::B2, Self::C1, Self::C2];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::B1 => "B1",
            Self::B2 => "B2",
            Self::C1 => "C1",
            Self::C2 => "C2",
        }
    }

    /// Exactly as written in the CEFR: `A1` … `C2`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str() == raw)
            .ok_or_else(|| format!("{raw:?} is not a CEFR level (A1, A2, B1, B2, C1, C2)"))
    }
}

/// The owner's level in each language they name, by language tag. A `PATCH` replaces
/// the whole map; a level shows on the public profile only beside a language the account
/// lists as learning ([`public_profile`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LearningLevels(BTreeMap<String, CefrLevel>);

impl LearningLevels {
    pub fn parse(raw: &BTreeMap<String, String>) -> Result<Self, String> {
        if raw.len() > LanguageList::MAX_ITEMS {
            return Err(format!(
                "must name at most {} languages",
                LanguageList::MAX_ITEMS
            ));
        }
        let mut levels = BTreeMap::new();
        for (language, level) in raw {
            let tag = LanguageTag::parse(language)?;
            let level = CefrLevel::parse(level)?;
            let key = tag.as_ref().to_ascii_lowercase();
            if levels.insert(key, level).is_some() {
                return Err(format!("{language:?} is named twice"));
            }
        }
        Ok(Self(levels))
    }

    /// No levels (what an erased account is left with).
    pub fn none() -> Self {
        Self::default()
    }

    /// The level named for `language` (tags compare without regard to case).
    pub fn level_of(&self, language: &LanguageTag) -> Option<CefrLevel> {
        self.0.get(&language.as_ref().to_ascii_lowercase()).copied()
    }
}

/// A Skype login: a classic Skype name (6–32 characters: a letter, then letters, digits,
/// `.`, `,`, `-`, `_`) or a Microsoft account's `live:` name. Private: never shown to
/// anyone but its owner, so it is a code, not published text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SkypeName(String);

impl SkypeName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '_');
        let valid = match name.strip_prefix("live:") {
            Some(rest) => (1..=64).contains(&rest.len()) && rest.chars().all(allowed),
            None => {
                (6..=32).contains(&name.len())
                    && name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.chars().all(allowed)
            }
        };
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err("must be a Skype name (6-32 letters, digits, '.', ',', '-', '_', starting with a letter) or a live: name".into())
        }
    }
}

impl AsRef<str> for SkypeName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The account's current profile photo: the upload it was made from names it, and its
/// files (`store::keys::objects::profile_photo`), so a new photo has new URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePhoto {
    pub id: UploadId,
    pub width: u32,
    pub height: u32,
    pub set_at: Timestamp,
}

/// Photo URLs are presigned GETs signed as of the start of the current window of this
/// many seconds: every reader in one window gets the same URLs (so the profile's ETag
/// holds), and a URL handed out stays valid at least `PHOTO_URL_LIFETIME_SECONDS` minus
/// the window. Deleting a photo deletes its files: its URLs then answer 404.
pub const PHOTO_URL_WINDOW_SECONDS: i64 = 300;
/// How long a photo URL is valid from its window's start (S3's presigning allows 15 min
/// here: `archive::MAX_URL_LIFETIME`).
pub const PHOTO_URL_LIFETIME_SECONDS: u64 = 900;

/// When the photo URLs handed out at `now` are signed.
pub fn photo_urls_signed_at(now: time::OffsetDateTime) -> time::OffsetDateTime {
    let unix = now.unix_timestamp();
    let start = unix - unix.rem_euclid(PHOTO_URL_WINDOW_SECONDS);
    time::OffsetDateTime::from_unix_timestamp(start).expect("a moment before now")
}

/// What the public profile is made from: only the account item's public attributes (the
/// store reads no other).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PublicAccount {
    pub id: AccountId,
    pub display_name: String,
    #[serde(default)]
    pub roles: Vec<Role>,
    pub status: AccountStatus,
    #[serde(default)]
    pub erased_at: Option<Timestamp>,
    pub native_languages: LanguageList,
    pub learning_languages: LanguageList,
    #[serde(default)]
    pub learning_levels: LearningLevels,
    #[serde(default)]
    pub photo: Option<ProfilePhoto>,
    pub created_at: Timestamp,
}

/// A language someone learns, with their level when they named one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearningLanguage {
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<CefrLevel>,
}

/// What anyone may see of an account. Nothing private has a field here: e-mail, birth
/// date, full name, gender, country, city, guardian, Skype, consents and the balance
/// cannot be shown because they are never read.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicProfile {
    pub id: AccountId,
    pub display_name: String,
    pub photo: Option<ProfilePhoto>,
    pub native_languages: Vec<String>,
    pub learning_languages: Vec<LearningLanguage>,
    /// The roles shown as badges beside the name (as on messages).
    pub roles: Vec<Role>,
    /// The day the account was registered; absent for a former member.
    pub member_since: Option<time::Date>,
    /// Totals of the progress statistics; absent for a former member.
    pub progress: Option<ProgressSummary>,
}

/// The public profile of `account`: a blocked account's stays readable (as its messages
/// do); an erased one is "Former member" and nothing more.
pub fn public_profile(account: PublicAccount, progress: ProgressSummary) -> PublicProfile {
    let erased = account.erased_at.is_some() || account.status == AccountStatus::Closed;
    if erased {
        return PublicProfile {
            id: account.id,
            display_name: FORMER_MEMBER.to_owned(),
            photo: None,
            native_languages: Vec::new(),
            learning_languages: Vec::new(),
            roles: Vec::new(),
            member_since: None,
            progress: None,
        };
    }
    let learning_languages = account
        .learning_languages
        .tags()
        .iter()
        .map(|tag| LearningLanguage {
            language: tag.as_ref().to_owned(),
            level: account.learning_levels.level_of(tag),
        })
        .collect();
    PublicProfile {
        id: account.id,
        display_name: account.display_name,
        photo: account.photo,
        native_languages: account.native_languages.to_strings(),
        learning_languages,
        roles: account
            .roles
            .into_iter()
            .filter(|r| super::conversation::BADGES.contains(r))
            .collect(),
        member_since: Some(account.created_at.time().date()),
        progress: Some(progress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_urls_are_signed_at_their_windows_start() {
        use time::macros::datetime;
        assert_eq!(
            photo_urls_signed_at(datetime!(2027-03-01 10:14:59.9 UTC)),
            datetime!(2027-03-01 10:10:00 UTC)
        );
        assert_eq!(
            photo_urls_signed_at(datetime!(2027-03-01 10:15:00 UTC)),
            datetime!(2027-03-01 10:15:00 UTC)
        );
    }

    #[test]
    fn levels_are_the_six_cefr_names_exactly() {
        for (raw, expected) in [
            ("A1", Ok(CefrLevel::A1)),
            ("C2", Ok(CefrLevel::C2)),
            ("B2", Ok(CefrLevel::B2)),
        ] {
            assert_eq!(CefrLevel::parse(raw), expected);
        }
        for raw in ["a1", "C3", "", "B", "native"] {
            assert!(CefrLevel::parse(raw).is_err(), "{raw}");
        }
    }

    fn levels(pairs: &[(&str, &str)]) -> Result<LearningLevels, String> {
        LearningLevels::parse(
            &pairs
                .iter()
                .map(|(l, v)| (l.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn learning_levels_parse_tags_and_levels() {
        let parsed = levels(&[("en-GB", "B2"), ("de", "A1")]).unwrap();
        assert_eq!(
            parsed.level_of(&LanguageTag::parse("EN-gb").unwrap()),
            Some(CefrLevel::B2)
        );
        assert_eq!(parsed.level_of(&LanguageTag::parse("fr").unwrap()), None);
        assert!(levels(&[("not a tag", "B2")]).is_err());
        assert!(levels(&[("en", "D1")]).is_err());
        assert!(levels(&[("en", "B1"), ("EN", "B2")]).is_err());
        let eleven: Vec<(String, String)> = (0..11)
            .map(|i| (format!("x-lang{i}"), "A1".to_owned()))
            .collect();
        assert!(LearningLevels::parse(&eleven.into_iter().collect()).is_err());
    }

    #[test]
    fn skype_names_are_classic_or_live() {
        for ok in [
            "echo123",
            "john.smith_1984",
            "live:jsmith",
            "live:.cid.12ab",
        ] {
            assert!(SkypeName::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "abc",
            "1abcdef",
            "has space",
            "live:",
            "x@example.com",
            "a".repeat(33).as_str(),
        ] {
            assert!(SkypeName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(SkypeName::parse("  echo123 ").unwrap().as_ref(), "echo123");
    }

    fn account(status: AccountStatus, erased: bool) -> PublicAccount {
        PublicAccount {
            id: AccountId::new(),
            display_name: "Ana".into(),
            roles: vec![Role::User, Role::Mentor],
            status,
            erased_at: erased.then(|| Timestamp::parse("2026-03-01T00:00:00Z").unwrap()),
            native_languages: LanguageList::parse(&["pt".into()], 1).unwrap(),
            learning_languages: LanguageList::parse(&["en".into(), "de".into()], 0).unwrap(),
            learning_levels: levels(&[("en", "B2"), ("fr", "C1")]).unwrap(),
            photo: Some(ProfilePhoto {
                id: UploadId::new(),
                width: 512,
                height: 384,
                set_at: Timestamp::parse("2026-02-01T00:00:00Z").unwrap(),
            }),
            created_at: Timestamp::parse("2026-01-15T10:00:00Z").unwrap(),
        }
    }

    fn summary() -> ProgressSummary {
        ProgressSummary {
            messages: 12,
            voice_minutes: 3.5,
        }
    }

    #[test]
    fn a_profile_shows_levels_only_beside_languages_learned() {
        let profile = public_profile(account(AccountStatus::Active, false), summary());
        assert_eq!(profile.display_name, "Ana");
        assert_eq!(
            profile.learning_languages,
            vec![
                LearningLanguage {
                    language: "en".into(),
                    level: Some(CefrLevel::B2)
                },
                LearningLanguage {
                    language: "de".into(),
                    level: None
                },
            ]
        );
        assert_eq!(profile.member_since.unwrap().to_string(), "2026-01-15");
        assert!(profile.photo.is_some());
        assert_eq!(profile.progress, Some(summary()));
    }

    #[test]
    fn a_blocked_account_keeps_its_profile() {
        let profile = public_profile(account(AccountStatus::Blocked, false), summary());
        assert_eq!(profile.display_name, "Ana");
        assert_eq!(profile.roles, vec![Role::Mentor]);
    }

    #[test]
    fn an_erased_account_is_a_former_member_and_nothing_more() {
        for (status, erased) in [
            (AccountStatus::Closed, true),
            (AccountStatus::Closed, false),
            (AccountStatus::Active, true),
        ] {
            let profile = public_profile(account(status, erased), summary());
            assert_eq!(profile.display_name, FORMER_MEMBER);
            assert_eq!(profile.photo, None);
            assert!(profile.native_languages.is_empty());
            assert!(profile.learning_languages.is_empty());
            assert!(profile.roles.is_empty());
            assert_eq!(profile.member_since, None);
            assert_eq!(profile.progress, None, "their statistics went with them");
        }
    }
}

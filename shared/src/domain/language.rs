use serde::{Deserialize, Serialize};

/// A well-formed BCP 47 language tag (RFC 5646), kept as written. A tag is a code, not
/// text: nothing is trimmed, so what is accepted is exactly what `docs/openapi.yaml`'s
/// `LanguageTag` pattern describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub const MAX_LEN: usize = 35;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        oxilangtag::LanguageTag::parse(raw)
            .map(|tag| Self(tag.into_inner().to_owned()))
            .map_err(|_| format!("{raw:?} is not a BCP 47 language tag"))
    }
}

impl AsRef<str> for LanguageTag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A list of distinct language tags, at most [`LanguageList::MAX_ITEMS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageList(Vec<LanguageTag>);

impl LanguageList {
    pub const MAX_ITEMS: usize = 10;

    pub fn parse(raw: &[String], min_items: usize) -> Result<Self, String> {
        if raw.len() < min_items {
            return Err(format!("must name at least {min_items} language"));
        }
        if raw.len() > Self::MAX_ITEMS {
            return Err(format!("must name at most {} languages", Self::MAX_ITEMS));
        }
        let mut tags: Vec<LanguageTag> = Vec::with_capacity(raw.len());
        for item in raw {
            let tag = LanguageTag::parse(item)?;
            if tags.iter().any(|t| t.0.eq_ignore_ascii_case(&tag.0)) {
                return Err(format!("{:?} is listed twice", tag.0));
            }
            tags.push(tag);
        }
        Ok(Self(tags))
    }

    /// No languages (what an erased account is left with).
    pub fn none() -> Self {
        Self(Vec::new())
    }

    pub fn tags(&self) -> &[LanguageTag] {
        &self.0
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|tag| tag.0.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_tags() {
        for tag in [
            "en",
            "en-GB",
            "zh-Hant-TW",
            "sr-Latn",
            "es-419",
            "de-CH-1996",
        ] {
            assert!(LanguageTag::parse(tag).is_ok(), "{tag}");
        }
    }

    #[test]
    fn refuses_malformed_tags() {
        for tag in [
            "",
            "englishes",
            "en_GB",
            "e",
            "en-",
            "123",
            "en--GB",
            " en",
            "en ",
            "en\n",
        ] {
            assert!(LanguageTag::parse(tag).is_err(), "{tag:?} was accepted");
        }
    }

    #[test]
    fn lists_have_bounds_and_no_repeats() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(LanguageList::parse(&list(&[]), 1).is_err());
        assert!(LanguageList::parse(&list(&[]), 0).is_ok());
        assert!(LanguageList::parse(&list(&["en", "EN"]), 1).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("x-{i:02}aaa")).collect();
        assert!(LanguageList::parse(&eleven, 1).is_err());
    }
}

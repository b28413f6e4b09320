//! Corrections: a reader's better version of one text of a message, with a note, shown
//! as a word-level diff against the text it corrects. Public content like messages.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use super::{
    AccountId, CorrectionId, CorrectionNote, MessageId, MessageStatus, MessageText, ModerationNote,
    ModerationState, Timestamp, Viewer,
};

/// A published correction. Never deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub id: CorrectionId,
    pub message_id: MessageId,
    /// The message's revision the correction is of (0: as posted).
    pub revision: u32,
    pub author_id: AccountId,
    #[serde(deserialize_with = "super::text::stored")]
    pub corrected_text: MessageText,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::text::stored_optional"
    )]
    pub note: Option<CorrectionNote>,
    /// The text it corrects, as it was: the diff is shown against it.
    #[serde(deserialize_with = "super::text::stored")]
    pub original_text: MessageText,
    pub created_at: Timestamp,
    /// 0 as made; each edit by its author adds one and keeps what it replaced as a
    /// [`CorrectionRevision`].
    #[serde(default)]
    pub edits: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Timestamp>,
    /// Moderation, as on a message: hidden or removed corrections are out of public view.
    #[serde(default)]
    pub status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<ModerationNote>,
    #[serde(default)]
    pub complaint_round: u32,
    #[serde(default)]
    pub open_complaints: u32,
    #[serde(default)]
    pub counted_complaints: u32,
}

/// An earlier version of a correction: edit `number` replaced it at `replaced_at`.
/// Public content like the correction, kept when its author is erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRevision {
    pub correction_id: CorrectionId,
    pub message_id: MessageId,
    pub author_id: AccountId,
    /// 0: the correction as made.
    pub number: u32,
    #[serde(deserialize_with = "super::text::stored")]
    pub corrected_text: MessageText,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::text::stored_optional"
    )]
    pub note: Option<CorrectionNote>,
    /// When this version was written, and when an edit replaced it.
    pub written_at: Timestamp,
    pub replaced_at: Timestamp,
}

impl Correction {
    pub fn moderation_state(&self) -> ModerationState {
        ModerationState {
            status: self.status,
            moderation: self.moderation.clone(),
            complaint_round: self.complaint_round,
            open_complaints: self.open_complaints,
            counted_complaints: self.counted_complaints,
        }
    }

    /// Everyone sees a visible correction; its author and moderators see it whatever
    /// its status.
    pub fn visible_to(&self, viewer: Option<&Viewer>) -> bool {
        self.status == MessageStatus::Visible
            || viewer.is_some_and(|v| v.moderator || v.account_id == self.author_id)
    }

    pub fn diff(&self) -> Vec<DiffSpan> {
        word_diff(self.original_text.as_ref(), self.corrected_text.as_ref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    Equal,
    Delete,
    Insert,
}

/// A run of the diff: consecutive units with the same operation, joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffSpan {
    pub op: DiffOp,
    pub text: String,
}

/// The word-level diff from `original` to `corrected`: words, punctuation and the
/// spaces between them are the units (Unicode word boundaries, UAX #29), so a changed
/// ending shows as the word replaced and a comma added as a comma inserted.
pub fn word_diff(original: &str, corrected: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::configure().diff_unicode_words(original, corrected);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Equal,
            ChangeTag::Delete => DiffOp::Delete,
            ChangeTag::Insert => DiffOp::Insert,
        };
        match spans.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => spans.push(DiffSpan {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(diff: &[DiffSpan]) -> Vec<(DiffOp, &str)> {
        diff.iter().map(|s| (s.op, s.text.as_str())).collect()
    }

    /// An original, its correction, and the diff expected between them.
    type Case<'a> = (&'a str, &'a str, &'a [(DiffOp, &'a str)]);

    #[test]
    fn words_and_punctuation_are_the_units() {
        use DiffOp::*;
        let cases: &[Case] = &[
            (
                "Ich habe gestern nach Hause gegangen.",
                "Ich bin gestern nach Hause gegangen.",
                &[
                    (Equal, "Ich "),
                    (Delete, "habe"),
                    (Insert, "bin"),
                    (Equal, " gestern nach Hause gegangen."),
                ],
            ),
            (
                "Hallo wie geht's",
                "Hallo, wie geht's?",
                &[
                    (Equal, "Hallo"),
                    (Insert, ","),
                    (Equal, " wie geht's"),
                    (Insert, "?"),
                ],
            ),
            // Cyrillic and CJK: words by Unicode's rules, not by ASCII spaces
            (
                "Я пошёл в магазин",
                "Я пошла в магазин",
                &[
                    (Equal, "Я "),
                    (Delete, "пошёл"),
                    (Insert, "пошла"),
                    (Equal, " в магазин"),
                ],
            ),
            ("Same text.", "Same text.", &[(Equal, "Same text.")]),
        ];
        for (original, corrected, expected) in cases {
            assert_eq!(
                spans(&word_diff(original, corrected)),
                *expected,
                "{original} → {corrected}"
            );
        }
    }

    #[test]
    fn the_diff_rebuilds_both_texts() {
        let (original, corrected) = ("我喜欢吃苹果。", "我很喜欢吃香蕉！");
        let diff = word_diff(original, corrected);
        let side = |skip: DiffOp| -> String {
            diff.iter()
                .filter(|s| s.op != skip)
                .map(|s| s.text.as_str())
                .collect()
        };
        assert_eq!(side(DiffOp::Insert), original);
        assert_eq!(side(DiffOp::Delete), corrected);
    }
}

//! Complaints, moderation decisions and what they leave on a message.

use serde::{Deserialize, Serialize};

use super::{AccountId, MessageId, ThreadId, Timestamp};

/// Whether the public sees a message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    #[default]
    Visible,
    /// Out of public view until a moderator decides (by complaints, or a moderator).
    Hidden,
    /// Gone from every public view for good; kept for the record (and its recording in
    /// the archive).
    Removed,
}

/// Why someone complains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintReason {
    Offensive,
    Spam,
    Illegal,
    Minors,
    Copyright,
    PersonalData,
    Other,
}

/// What a moderator does with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    Hide,
    Restore,
    Remove,
    /// The complaints are unfounded: the message stays (or becomes again) visible.
    Dismiss,
}

impl ModerationAction {
    /// The status a message in `status` has after this action, if the action applies.
    pub fn next_status(self, status: MessageStatus) -> Option<MessageStatus> {
        use MessageStatus::*;
        match (self, status) {
            (_, Removed) => None,
            (Self::Hide, Visible) => Some(Hidden),
            (Self::Restore, Hidden) => Some(Visible),
            (Self::Remove, _) => Some(Removed),
            (Self::Dismiss, _) => Some(Visible),
            (Self::Hide, Hidden) | (Self::Restore, Visible) => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hide => "hide",
            Self::Restore => "restore",
            Self::Remove => "remove",
            Self::Dismiss => "dismiss",
        }
    }
}

/// The last decision about a message: what its author (and moderators) see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationNote {
    /// `hide`, `restore`, `remove`, `dismiss`, or `auto_hide` when complaints hid it.
    pub action: String,
    pub reason: String,
    pub decided_at: Timestamp,
}

/// A complaint about one message, made against the revision it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: String,
    pub message_id: MessageId,
    pub thread_id: ThreadId,
    pub reporter_id: AccountId,
    pub reason: ComplaintReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The message's revision when it was reported, and its text then (a recording's
    /// SHA-256), so a moderator sees exactly what was reported.
    pub revision: u32,
    pub reported_text: String,
    /// The message's moderation round the complaint belongs to; a decision settles the
    /// round's complaints at once.
    pub round: u32,
    /// Whether it counted towards hiding the message (an author's complaint about their
    /// own message does not).
    pub counted: bool,
    pub created_at: Timestamp,
    /// Set when its reporter was blocked while it was open: from then on it counts
    /// towards nothing and is out of the review queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed_at: Option<Timestamp>,
}

/// The decision that settled a round of complaints about a message: what every
/// reporter of that round learns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintOutcome {
    pub message_id: MessageId,
    pub round: u32,
    /// `hidden`, `restored`, `removed` or `dismissed`.
    pub outcome: String,
    pub decided_at: Timestamp,
}

impl ModerationAction {
    /// Where the author's moderation record counts it.
    pub fn record(self) -> super::RecordCount {
        match self {
            Self::Hide => super::RecordCount::Hidden,
            Self::Restore => super::RecordCount::Restored,
            Self::Remove => super::RecordCount::Removed,
            Self::Dismiss => super::RecordCount::Dismissed,
        }
    }

    /// What reporters are told.
    pub fn outcome(self) -> &'static str {
        match self {
            Self::Hide => "hidden",
            Self::Restore => "restored",
            Self::Remove => "removed",
            Self::Dismiss => "dismissed",
        }
    }
}

/// How often an account has been on the receiving end of moderation: what a moderator
/// sees of a reported message's author.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationRecord {
    #[serde(default)]
    pub hidden: u32,
    #[serde(default)]
    pub removed: u32,
    #[serde(default)]
    pub dismissed: u32,
    #[serde(default)]
    pub restored: u32,
    #[serde(default)]
    pub blocks: u32,
}

/// Who is reading: an account the gate admitted, and whether it moderates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub account_id: AccountId,
    pub moderator: bool,
}

impl Viewer {
    /// The account with these roles, reading.
    pub fn new(account_id: AccountId, roles: &[super::Role]) -> Self {
        Self {
            moderator: roles.contains(&super::Role::Moderator),
            account_id,
        }
    }
}

impl super::Message {
    /// Everyone sees a visible message; its author and moderators see it whatever its
    /// status (its author sees why it is not public).
    /// How many of a thread's counted messages this one is: only a visible message
    /// counts (`message_count` leans on no hidden or removed content).
    pub fn thread_count(&self) -> i64 {
        i64::from(self.status == MessageStatus::Visible)
    }

    pub fn visible_to(&self, viewer: Option<&Viewer>) -> bool {
        self.status == MessageStatus::Visible
            || viewer.is_some_and(|v| v.moderator || v.account_id == self.author_id)
    }
}

/// A message in the review queue: its open complaints, most complained first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub message_id: MessageId,
    pub thread_id: ThreadId,
    pub author_id: AccountId,
    pub open_complaints: u32,
    pub first_complaint_at: Timestamp,
    pub complaints: Vec<Complaint>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageStatus::*;

    #[test]
    fn actions_move_a_message_between_statuses_and_removal_is_final() {
        assert_eq!(ModerationAction::Hide.next_status(Visible), Some(Hidden));
        assert_eq!(ModerationAction::Hide.next_status(Hidden), None);
        assert_eq!(ModerationAction::Restore.next_status(Hidden), Some(Visible));
        assert_eq!(ModerationAction::Restore.next_status(Visible), None);
        assert_eq!(ModerationAction::Remove.next_status(Hidden), Some(Removed));
        assert_eq!(ModerationAction::Dismiss.next_status(Hidden), Some(Visible));
        for action in [
            ModerationAction::Hide,
            ModerationAction::Restore,
            ModerationAction::Remove,
            ModerationAction::Dismiss,
        ] {
            assert_eq!(action.next_status(Removed), None, "{action:?}");
        }
    }
}

//! Complaints, moderation decisions and what they leave on a message.

use serde::{Deserialize, Serialize};

use super::{AccountId, Correction, CorrectionId, Message, MessageId, ThreadId, Timestamp};

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

/// The legal reasons that can require a removed recording to be destroyed rather than
/// kept in the archive: the break-glass path accepts only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// Unlawful content the law requires be deleted.
    Illegal,
    /// Content sexualising or endangering minors.
    Minors,
    /// Personal data whose erasure the data subject is owed.
    PersonalData,
    /// A court or authority ordered its deletion.
    CourtOrder,
}

impl LegalBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Illegal => "illegal",
            Self::Minors => "minors",
            Self::PersonalData => "personal_data",
            Self::CourtOrder => "court_order",
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

/// What a complaint or a moderator's decision is about: one piece of public content.
/// Stored as the ids that name it (`message_id`, and `correction_id` for a correction;
/// `target_thread_id` alone for a thread's title), next to the record's other fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TargetIds", into = "TargetIds")]
pub enum ComplaintTarget {
    Message(MessageId),
    /// A correction of the message.
    Correction(MessageId, CorrectionId),
    /// A thread, for its title.
    Thread(ThreadId),
}

#[derive(Serialize, Deserialize)]
struct TargetIds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_id: Option<MessageId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    correction_id: Option<CorrectionId>,
    /// Named apart from the `thread_id` records carry beside their target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_thread_id: Option<ThreadId>,
}

impl TryFrom<TargetIds> for ComplaintTarget {
    type Error = String;
    fn try_from(ids: TargetIds) -> Result<Self, String> {
        Self::from_ids(ids.message_id, ids.correction_id, ids.target_thread_id)
            .ok_or_else(|| "a complaint target names a message, a correction or a thread".into())
    }
}

impl From<ComplaintTarget> for TargetIds {
    fn from(target: ComplaintTarget) -> Self {
        let (message_id, correction_id, target_thread_id) = match target {
            ComplaintTarget::Message(message_id) => (Some(message_id), None, None),
            ComplaintTarget::Correction(message_id, correction) => {
                (Some(message_id), Some(correction), None)
            }
            ComplaintTarget::Thread(thread_id) => (None, None, Some(thread_id)),
        };
        Self {
            message_id,
            correction_id,
            target_thread_id,
        }
    }
}

/// The kind of content a target is, as clients and the audit log name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Message,
    Correction,
    Thread,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Correction => "correction",
            Self::Thread => "thread",
        }
    }
}

impl ComplaintTarget {
    /// The target named by ids as a record stores them (`message_id`, and
    /// `correction_id` for a correction; `target_thread_id` alone for a thread), if
    /// they name one.
    pub fn from_ids(
        message_id: Option<MessageId>,
        correction_id: Option<CorrectionId>,
        thread_id: Option<ThreadId>,
    ) -> Option<Self> {
        match (message_id, correction_id, thread_id) {
            (Some(message), None, None) => Some(Self::Message(message)),
            (Some(message), Some(correction), None) => Some(Self::Correction(message, correction)),
            (None, None, Some(thread)) => Some(Self::Thread(thread)),
            _ => None,
        }
    }

    pub fn kind(&self) -> TargetKind {
        match self {
            Self::Message(_) => TargetKind::Message,
            Self::Correction(..) => TargetKind::Correction,
            Self::Thread(_) => TargetKind::Thread,
        }
    }

    /// The thread the content is in (a thread's own id, for a thread).
    pub fn thread_id(&self) -> &ThreadId {
        match self {
            Self::Message(message) | Self::Correction(message, _) => message.thread(),
            Self::Thread(thread) => thread,
        }
    }

    /// The message, for a message; the message corrected, for a correction; none for
    /// a thread.
    pub fn message_id(&self) -> Option<&MessageId> {
        match self {
            Self::Message(message) | Self::Correction(message, _) => Some(message),
            Self::Thread(_) => None,
        }
    }

    pub fn correction_id(&self) -> Option<&CorrectionId> {
        match self {
            Self::Correction(_, correction) => Some(correction),
            Self::Message(_) | Self::Thread(_) => None,
        }
    }
}

/// The target's ids joined: a message's id, `<message id>#<correction id>`, or a
/// thread's id (shorter than any message's, so the two never meet).
impl std::fmt::Display for ComplaintTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Message(message) => write!(f, "{message}"),
            Self::Correction(message, correction) => write!(f, "{message}#{correction}"),
            Self::Thread(thread) => write!(f, "{thread}"),
        }
    }
}

/// Where content stands with moderation: its status, the last decision, and the open
/// round of complaints. Messages and corrections carry the same fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModerationState {
    pub status: MessageStatus,
    pub moderation: Option<ModerationNote>,
    /// The current round of complaints (a decision closes it and opens the next).
    pub complaint_round: u32,
    /// Complaints in the current round, and how many of them count towards hiding.
    pub open_complaints: u32,
    pub counted_complaints: u32,
}

impl ModerationState {
    /// How much of the count of visible content it is part of this is: only visible
    /// content counts (a thread's `message_count`, a message's `corrections_count`).
    pub fn visible_count(&self) -> i64 {
        i64::from(self.status == MessageStatus::Visible)
    }
}

/// Content complaints and moderators decide about, as read: what decisions need of a
/// message or a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderated {
    pub target: ComplaintTarget,
    pub author_id: AccountId,
    /// The revision a reporter sees (a message's revision, a correction's edits), and
    /// its text then (a recording's SHA-256), so a moderator sees exactly what was
    /// reported.
    pub revision: u32,
    pub reported_text: String,
    pub state: ModerationState,
    /// For a correction, the message it corrects as read, when it was (a correction of
    /// a message the reader cannot see is not there for them either).
    pub within: Option<Box<Moderated>>,
}

impl Moderated {
    pub fn of_message(message: &Message) -> Self {
        let reported_text = match (&message.text, &message.voice) {
            (Some(text), _) => text.to_string(),
            (None, Some(voice)) => format!("voice recording, SHA-256 {}", voice.sha256),
            (None, None) => String::new(),
        };
        Self {
            target: ComplaintTarget::Message(message.id.clone()),
            author_id: message.author_id.clone(),
            revision: message.revision,
            reported_text,
            state: ModerationState {
                status: message.status,
                moderation: message.moderation.clone(),
                complaint_round: message.complaint_round,
                open_complaints: message.open_complaints,
                counted_complaints: message.counted_complaints,
            },
            within: None,
        }
    }

    /// A correction, and the message it corrects when that was read with it.
    pub fn of_correction(correction: &Correction, message: Option<&Message>) -> Self {
        Self {
            target: ComplaintTarget::Correction(
                correction.message_id.clone(),
                correction.id.clone(),
            ),
            author_id: correction.author_id.clone(),
            revision: correction.edits,
            reported_text: match &correction.note {
                Some(note) => format!("{}\n\n{}", correction.corrected_text, note),
                None => correction.corrected_text.to_string(),
            },
            state: correction.moderation_state(),
            within: message.map(|m| Box::new(Self::of_message(m))),
        }
    }

    /// A thread, for its title: what a reporter sees of it.
    pub fn of_thread(thread: &super::Thread) -> Self {
        Self {
            target: ComplaintTarget::Thread(thread.id.clone()),
            author_id: thread.author_id.clone(),
            revision: 0,
            reported_text: thread.title.to_string(),
            state: thread.moderation_state(),
            within: None,
        }
    }

    /// Everyone sees visible content in what they see; its author and moderators see
    /// it whatever its status.
    pub fn visible_to(&self, viewer: Option<&Viewer>) -> bool {
        let own = self.state.status == MessageStatus::Visible
            || viewer.is_some_and(|v| v.moderator || v.account_id == self.author_id);
        own && self.within.as_ref().is_none_or(|m| m.visible_to(viewer))
    }

    pub fn with_state(&self, state: ModerationState) -> Self {
        Self {
            state,
            ..self.clone()
        }
    }
}

/// A complaint about one piece of content, made against the revision it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: String,
    #[serde(flatten)]
    pub target: ComplaintTarget,
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
    #[serde(flatten)]
    pub target: ComplaintTarget,
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

/// Content in the review queue: its open complaints, most complained first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    #[serde(flatten)]
    pub target: ComplaintTarget,
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

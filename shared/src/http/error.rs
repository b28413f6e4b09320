//! One error type for every route, turned into RFC 9457 problem details in one place.

use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::json;

use crate::domain::FieldError;
use crate::domain::decide::accounts::RegisterRefusal;
use crate::domain::decide::complaints::ComplaintRefusal;
use crate::domain::decide::corrections::{CorrectionEditRefusal, CorrectionRefusal};
use crate::domain::decide::credits::{CheckoutRefusal, GrantRefusal};
use crate::domain::decide::email_codes::{ChangeRefusal, CodeRefusal, SendRefusal};
use crate::domain::decide::erasure::ErasureRefusal;
use crate::domain::decide::invitations::{InviteRefusal, OptOutRefusal};
use crate::domain::decide::moderation::ActionRefusal;
use crate::domain::decide::posting::{EditRefusal, MAX_REVISIONS, PostRefusal};
use crate::domain::decide::privacy::{StepRefusal, TermsRefusal};
use crate::domain::decide::recording::RecordingRefusal;
use crate::domain::decide::recording_destruction::DestructionRefusal;
use crate::domain::decide::sessions::LoginRefusal;
use crate::domain::decide::social::SocialRefusal;
use crate::domain::decide::staff::StaffRefusal;
use crate::gate::Refusal;
use crate::store::{Failure, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("bad request ({code})")]
    BadRequest { code: &'static str, detail: String },
    #[error("unauthorized ({code})")]
    Unauthorized { code: &'static str, detail: String },
    #[error("forbidden ({code})")]
    Forbidden {
        code: &'static str,
        detail: String,
        blocked_until: Option<crate::domain::Timestamp>,
    },
    #[error("not found")]
    NotFound,
    /// 404 `not_found` that says what is missing, where that helps the caller and tells
    /// nothing about what others hold (an upload of theirs that S3 does not hold).
    #[error("not found: {0}")]
    NotFoundDetail(String),
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("conflict ({code})")]
    Conflict { code: &'static str, detail: String },
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unprocessable ({code})")]
    Unprocessable { code: &'static str, detail: String },
    #[error("insufficient credits: {required} required, {available} available")]
    InsufficientCredits { required: i64, available: i64 },
    /// Public text that breaks a content rule (a URL, an e-mail address, a phone
    /// number, a blocklisted word). The rule is named; the offending fragment is
    /// neither sent nor logged (it may be someone's phone number or address).
    #[error("content rule {rule} broken in {field}")]
    ContentRule {
        field: &'static str,
        rule: &'static str,
        message: &'static str,
    },
    /// Too many requests of one kind from one caller: try again after a while.
    #[error("too many requests ({code})")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after_seconds: u32,
    },
    /// A dependency failed in a way a retry may fix; nothing was written, or what was
    /// written is safe to complete by retrying.
    #[error("temporarily unavailable: {cause}")]
    Unavailable {
        retry_after_seconds: u32,
        cause: String,
    },
    #[error("bad gateway ({code}): {cause}")]
    BadGateway {
        code: &'static str,
        detail: String,
        cause: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
}

impl ApiError {
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: "unauthorized",
            detail: detail.into(),
        }
    }

    /// 403 `forbidden`: the caller is known and may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code: "forbidden",
            detail: detail.into(),
            blocked_until: None,
        }
    }

    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{context}: {error}"))
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::BadRequest { .. } => 400,
            Self::InsufficientCredits { .. } => 402,
            Self::BadGateway { .. } => 502,
            Self::Unavailable { .. } => 503,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::NotFound | Self::NotFoundDetail(_) => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Conflict { .. } => 409,
            Self::PayloadTooLarge { .. } => 413,
            Self::UnsupportedMediaType => 415,
            Self::Validation(_) | Self::Unprocessable { .. } | Self::ContentRule { .. } => 422,
            Self::TooManyRequests { .. } => 429,
            Self::Internal(_) => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_json",
            Self::BadRequest { code, .. }
            | Self::BadGateway { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::TooManyRequests { code, .. } => code,
            Self::NotFound | Self::NotFoundDetail(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::InsufficientCredits { .. } => "insufficient_credits",
            Self::ContentRule { .. } => "content_rule_violation",
            Self::Unavailable { .. } => "temporarily_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self.status() {
            400 => "Bad Request",
            401 => "Unauthorized",
            402 => "Payment Required",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            409 => "Conflict",
            413 => "Content Too Large",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            _ => "Internal Server Error",
        }
    }

    /// What the client may read. Internal details are logged, never sent.
    fn detail(&self) -> String {
        match self {
            Self::Malformed(detail) => format!("The body is not valid JSON: {detail}"),
            Self::BadRequest { detail, .. }
            | Self::BadGateway { detail, .. }
            | Self::Unauthorized { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Unprocessable { detail, .. }
            | Self::TooManyRequests { detail, .. } => detail.clone(),
            Self::NotFound => "Nothing is here.".into(),
            Self::NotFoundDetail(detail) => detail.clone(),
            Self::MethodNotAllowed { allow } => format!("This resource allows {allow}."),
            Self::PayloadTooLarge { limit_bytes } => {
                format!("The body is larger than {limit_bytes} bytes.")
            }
            Self::UnsupportedMediaType => "The body must be sent as application/json.".into(),
            Self::Validation(_) => "Some fields are missing or invalid.".into(),
            Self::InsufficientCredits {
                required,
                available,
            } => {
                format!(
                    "This costs {}; the balance is {available}.",
                    counted(*required, "credit", "credits")
                )
            }
            Self::ContentRule { field, message, .. } => format!("`{field}` {message}"),
            Self::Unavailable {
                retry_after_seconds,
                ..
            } => format!(
                "Please try again in {}.",
                counted(i64::from(*retry_after_seconds), "second", "seconds")
            ),
            Self::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
        }
    }

    pub fn into_response(self, request_id: &str) -> Response<Body> {
        let status = self.status();
        if status >= 500 {
            tracing::error!(request_id, error = %self, "request failed");
        } else {
            tracing::info!(request_id, status, error = %self, "request refused");
        }
        let code = self.code();
        let problem = Problem {
            kind: format!("https://natives.chat/problems/{}", code.replace('_', "-")),
            title: self.title(),
            status,
            detail: self.detail(),
            code,
            errors: match &self {
                Self::Validation(errors) => Some(errors),
                _ => None,
            },
        };
        let mut body = serde_json::to_value(&problem).expect("problem serialises");
        if let Self::Forbidden {
            blocked_until: Some(until),
            ..
        } = &self
        {
            body["blocked_until"] = json!(until);
        }
        if let Self::InsufficientCredits {
            required,
            available,
        } = &self
        {
            body["required"] = json!(required);
            body["available"] = json!(available);
        }
        if let Self::ContentRule { field, rule, .. } = &self {
            body["rule"] = json!(rule);
            body["field"] = json!(field);
        }
        let mut builder = Response::builder()
            .status(status)
            .header("content-type", "application/problem+json");
        if let Self::MethodNotAllowed { allow } = &self {
            builder = builder.header("allow", allow.as_str());
        }
        if let Self::Unavailable {
            retry_after_seconds,
            ..
        }
        | Self::TooManyRequests {
            retry_after_seconds,
            ..
        } = &self
        {
            builder = builder.header("retry-after", retry_after_seconds.to_string());
        }
        builder
            .body(Body::Text(body.to_string()))
            .expect("a problem response is well-formed")
    }
}

/// `1 second`, `5 seconds`.
fn counted(count: i64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

impl ApiError {
    /// 422 `content_rule_violation` for `field`, naming the rule.
    pub fn content_rule(field: &'static str, violation: crate::domain::ContentViolation) -> Self {
        Self::ContentRule {
            field,
            rule: violation.rule(),
            message: violation.message(),
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }
}

impl From<crate::domain::Invalid> for ApiError {
    fn from(invalid: crate::domain::Invalid) -> Self {
        match invalid {
            crate::domain::Invalid::Fields(errors) => Self::Validation(errors),
            crate::domain::Invalid::ContentRule { field, violation } => {
                Self::content_rule(field, violation)
            }
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Unauthenticated => Self::unauthorized(
                "The access token has been revoked or its session has ended; log in again.",
            ),
            Refusal::Closed => Self::unauthorized(
                "This account was closed and its personal data erased; it cannot be used again.",
            ),
            Refusal::Forbidden { role } => {
                Self::forbidden(format!("This needs the {} role.", role.as_str()))
            }
            Refusal::TermsNotAccepted { version } => Self::Forbidden {
                code: "terms_not_accepted",
                detail: format!(
                    "The Terms of Use changed: accept version {version} (POST /v1/me/terms-acceptances) before the next paid action."
                ),
                blocked_until: None,
            },
            Refusal::GuardianConsentPending => Self::Forbidden {
                code: "guardian_consent_pending",
                detail: "A parent or guardian must confirm consent through the link e-mailed to them before this account pays or posts; it can read and manage itself meanwhile.".into(),
                blocked_until: None,
            },
            Refusal::PrivacyScopeOnly => Self::Forbidden {
                code: "account_blocked",
                detail: "This session reaches only the account's privacy rights (GET /v1/me, the export, consents, privacy requests and erasure); anything else needs an ordinary login, which a blocked account cannot open.".into(),
                blocked_until: None,
            },
        }
    }
}

impl From<crate::archive::ArchiveError> for ApiError {
    fn from(error: crate::archive::ArchiveError) -> Self {
        if error.is_transient() {
            Self::Unavailable {
                retry_after_seconds: 1,
                cause: error.to_string(),
            }
        } else {
            Self::internal("archive", error)
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(cause) | StoreError::Conflict(cause) => Self::Unavailable {
                retry_after_seconds: 1,
                cause,
            },
            other => Self::internal("store", other),
        }
    }
}

/// An operation's refusal, or the store's failure, by the refusal's own mapping.
impl<R> From<Failure<R>> for ApiError
where
    ApiError: From<R>,
{
    fn from(failure: Failure<R>) -> Self {
        match failure {
            Failure::Refused(refusal) => refusal.into(),
            Failure::Store(error) => error.into(),
        }
    }
}

impl From<ComplaintRefusal> for ApiError {
    fn from(refusal: ComplaintRefusal) -> Self {
        match refusal {
            ComplaintRefusal::Gate(refusal) => refusal.into(),
            ComplaintRefusal::NoSuchTarget => Self::NotFound,
            ComplaintRefusal::AlreadyOpen => Self::Conflict {
                code: "complaint_exists",
                detail: "You already have an open complaint about this.".into(),
            },
            ComplaintRefusal::TooMany {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_complaints",
                detail: "You have filed many complaints in the last hour; please wait.".into(),
                retry_after_seconds,
            },
        }
    }
}

impl From<ActionRefusal> for ApiError {
    fn from(refusal: ActionRefusal) -> Self {
        match refusal {
            ActionRefusal::Gate(refusal) => refusal.into(),
            ActionRefusal::NoSuchTarget => Self::NotFound,
            ActionRefusal::OwnContent => {
                Self::forbidden("Moderators do not decide about their own content.")
            }
            ActionRefusal::NotApplicable { status, action } => Self::Conflict {
                code: "action_not_applicable",
                detail: format!(
                    "It is {}: {} does not apply.",
                    serde_json::to_value(status).unwrap_or_default(),
                    action.as_str()
                ),
            },
        }
    }
}

impl From<DestructionRefusal> for ApiError {
    fn from(refusal: DestructionRefusal) -> Self {
        match refusal {
            DestructionRefusal::Gate(refusal) => refusal.into(),
            DestructionRefusal::NoSuchMessage => Self::NotFound,
            DestructionRefusal::NotVoice => Self::Conflict {
                code: "no_recording",
                detail: "The message is a text: it has no recording to destroy.".into(),
            },
            DestructionRefusal::NotRemoved { status } => Self::Conflict {
                code: "message_not_removed",
                detail: format!(
                    "It is {}: only a removed message's recording can be destroyed; \
                     remove the message first.",
                    serde_json::to_value(status).unwrap_or_default(),
                ),
            },
        }
    }
}

impl From<crate::domain::decide::accounts::GuardianConsentRefusal> for ApiError {
    fn from(refusal: crate::domain::decide::accounts::GuardianConsentRefusal) -> Self {
        use crate::domain::decide::accounts::GuardianConsentRefusal;
        match refusal {
            GuardianConsentRefusal::InvalidLink => Self::Unprocessable {
                code: "invalid_consent_link",
                detail: "This consent link is not valid: use the link from the e-mail as it is."
                    .into(),
            },
            GuardianConsentRefusal::Expired { expired_at } => Self::Unprocessable {
                code: "consent_link_expired",
                detail: format!(
                    "This consent link expired at {expired_at}: a link is valid for {days} days after its e-mail.",
                    days = crate::domain::decide::accounts::GUARDIAN_CONSENT_LINK_LIFETIME
                        .whole_days()
                ),
            },
            GuardianConsentRefusal::AlreadyConfirmed { confirmed_at } => Self::Conflict {
                code: "consent_already_confirmed",
                detail: format!(
                    "Consent for this account was confirmed already, at {confirmed_at}; a link confirms once and nothing changed."
                ),
            },
        }
    }
}

impl From<RegisterRefusal> for ApiError {
    fn from(refusal: RegisterRefusal) -> Self {
        match refusal {
            RegisterRefusal::TermsNotAccepted { current } => Self::Unprocessable {
                code: "terms_not_accepted",
                detail: format!("Registration requires accepting the Terms of Use version {current}."),
            },
            RegisterRefusal::GuardianRequired => Self::Unprocessable {
                code: "guardian_required",
                detail: "Users under 18 register with a parent or guardian who consents: send `guardian` with `consent: true`.".into(),
            },
            RegisterRefusal::EmailTaken => Self::Conflict {
                code: "email_taken",
                detail: "An account with this e-mail address already exists.".into(),
            },
            RegisterRefusal::InvalidRegistrationToken => Self::BadRequest {
                code: "invalid_registration_token",
                detail: "The registration token is invalid or expired; sign in with the provider again.".into(),
            },
            RegisterRefusal::IdentityTaken => Self::Conflict {
                code: "identity_taken",
                detail: "This sign-in is linked to an account already; sign in with it.".into(),
            },
            RegisterRefusal::InvalidInvitationCode => Self::Unprocessable {
                code: "invalid_invitation_code",
                detail: "This invitation is unknown, was used already or has expired; register without it.".into(),
            },
        }
    }
}

impl From<InviteRefusal> for ApiError {
    fn from(refusal: InviteRefusal) -> Self {
        match refusal {
            InviteRefusal::Gate(refusal) => refusal.into(),
            InviteRefusal::TooMany {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_invitations",
                detail: "You have sent today's invitations; please wait until tomorrow.".into(),
                retry_after_seconds,
            },
            InviteRefusal::AlreadyInvited => Self::Conflict {
                code: "already_invited",
                detail: "You have invited this address already.".into(),
            },
        }
    }
}

impl From<OptOutRefusal> for ApiError {
    fn from(refusal: OptOutRefusal) -> Self {
        match refusal {
            OptOutRefusal::UnknownCode => Self::NotFoundDetail(
                "This opt-out link is unknown or its invitation has expired.".into(),
            ),
        }
    }
}

impl From<CheckoutRefusal> for ApiError {
    fn from(refusal: CheckoutRefusal) -> Self {
        match refusal {
            CheckoutRefusal::Gate(refusal) => refusal.into(),
            CheckoutRefusal::UnknownTariff => Self::Unprocessable {
                code: "unknown_tariff",
                detail: "There is no active tariff with this id.".into(),
            },
            CheckoutRefusal::InvalidPromotionCode => Self::Unprocessable {
                code: "invalid_promotion_code",
                detail: "This promotion code is unknown, expired or used up.".into(),
            },
        }
    }
}

impl From<GrantRefusal> for ApiError {
    fn from(refusal: GrantRefusal) -> Self {
        match refusal {
            GrantRefusal::Gate(refusal) => refusal.into(),
            GrantRefusal::NoSuchAccount => Self::NotFound,
            GrantRefusal::Closed => account_closed(),
            GrantRefusal::OwnAccount => {
                Self::forbidden("Admins cannot grant credits to their own account.")
            }
            GrantRefusal::KeyUsed => Self::Internal("a used key is replayed, not refused".into()),
        }
    }
}

impl From<PostRefusal> for ApiError {
    fn from(refusal: PostRefusal) -> Self {
        match refusal {
            PostRefusal::Gate(refusal) => refusal.into(),
            PostRefusal::Insufficient {
                required,
                available,
            } => Self::InsufficientCredits {
                required,
                available,
            },
            PostRefusal::NoSuchThread => Self::NotFound,
            PostRefusal::ThreadHidden => thread_hidden(),
            PostRefusal::NoSuchReplyTarget => Self::Unprocessable {
                code: "reply_target_not_found",
                detail: "`reply_to` names no message of this thread.".into(),
            },
            PostRefusal::UploadAlreadyAttached => Self::Conflict {
                code: "upload_already_attached",
                detail: "This upload is already attached to a message.".into(),
            },
            PostRefusal::KeyUsed => Self::Internal("a used key is replayed, not refused".into()),
        }
    }
}

/// A post, an edit or a correction in a hidden or removed thread, refused to the thread's
/// author and moderators (who see it; everyone else finds no thread: 404).
fn thread_hidden() -> ApiError {
    ApiError::Conflict {
        code: "thread_hidden",
        detail: "The thread is hidden or removed by moderation: nothing can be added to it.".into(),
    }
}

impl From<CorrectionRefusal> for ApiError {
    fn from(refusal: CorrectionRefusal) -> Self {
        match refusal {
            CorrectionRefusal::Gate(refusal) => refusal.into(),
            CorrectionRefusal::NoSuchMessage => Self::NotFound,
            CorrectionRefusal::ThreadHidden => thread_hidden(),
            CorrectionRefusal::OwnMessage => {
                Self::forbidden("Your own messages are edited, not corrected.")
            }
            CorrectionRefusal::Voice => Self::Unprocessable {
                code: "voice_not_correctable",
                detail: "A recording has no text to correct.".into(),
            },
            CorrectionRefusal::NoSuchRevision { current } => Self::Unprocessable {
                code: "revision_not_found",
                detail: format!(
                    "`revision` names no text of this message: 0 (as posted) to {current}."
                ),
            },
            CorrectionRefusal::Unchanged => Self::Unprocessable {
                code: "correction_unchanged",
                detail: "The corrected text is the text it corrects.".into(),
            },
            CorrectionRefusal::Insufficient {
                required,
                available,
            } => Self::InsufficientCredits {
                required,
                available,
            },
            CorrectionRefusal::KeyUsed => {
                Self::Internal("a used key is replayed, not refused".into())
            }
        }
    }
}

impl From<CorrectionEditRefusal> for ApiError {
    fn from(refusal: CorrectionEditRefusal) -> Self {
        match refusal {
            CorrectionEditRefusal::Gate(refusal) => refusal.into(),
            CorrectionEditRefusal::NoSuchCorrection => Self::NotFound,
            CorrectionEditRefusal::NotAuthor => {
                Self::forbidden("Only its author edits a correction.")
            }
            CorrectionEditRefusal::Unchanged => Self::Unprocessable {
                code: "correction_unchanged",
                detail: "The corrected text is the text it corrects.".into(),
            },
            CorrectionEditRefusal::TooManyEdits => Self::Unprocessable {
                code: "too_many_edits",
                detail: format!("A correction can be edited at most {MAX_REVISIONS} times."),
            },
            CorrectionEditRefusal::Changed => Self::Conflict {
                code: "edit_conflict",
                detail: "The correction was edited at the same time; read it and try again.".into(),
            },
        }
    }
}

impl From<RecordingRefusal> for ApiError {
    fn from(refusal: RecordingRefusal) -> Self {
        let mismatch = |detail: &str| Self::Unprocessable {
            code: "upload_mismatch",
            detail: detail.to_owned(),
        };
        match refusal {
            RecordingRefusal::NotAnAcceptedType => {
                mismatch("The upload is not one of the accepted audio types.")
            }
            RecordingRefusal::Size => mismatch("The upload is empty or larger than 10 MiB."),
            RecordingRefusal::NoChecksum => mismatch("The upload was not sent with its SHA-256."),
            RecordingRefusal::ChecksumMismatch => {
                mismatch("The upload's bytes do not match its SHA-256.")
            }
            RecordingRefusal::InvalidAudio(reason) => {
                tracing::info!(%reason, "a voice upload is not audio in its declared container");
                Self::Unprocessable {
                    code: "invalid_audio",
                    detail: "The upload is not an audio recording in the container its content type names (Ogg/Opus, WebM/Opus, MP3 or MP4/AAC).".into(),
                }
            }
            RecordingRefusal::TooLong { limit } => Self::Unprocessable {
                code: "recording_too_long",
                detail: format!(
                    "A recording may last at most {} minutes.",
                    limit.as_secs() / 60
                ),
            },
        }
    }
}

impl From<crate::domain::decide::photos::PhotoUploadRefusal> for ApiError {
    fn from(refusal: crate::domain::decide::photos::PhotoUploadRefusal) -> Self {
        use crate::domain::decide::photos::PhotoUploadRefusal;
        let mismatch = |detail: &str| Self::Unprocessable {
            code: "upload_mismatch",
            detail: detail.to_owned(),
        };
        match refusal {
            PhotoUploadRefusal::NotAnAcceptedType => {
                mismatch("The upload is not one of the accepted image types (JPEG, PNG, WebP).")
            }
            PhotoUploadRefusal::Size => mismatch("The upload is empty or larger than 5 MiB."),
            PhotoUploadRefusal::NoChecksum => mismatch("The upload was not sent with its SHA-256."),
            PhotoUploadRefusal::ChecksumMismatch => {
                mismatch("The upload's bytes do not match its SHA-256.")
            }
            PhotoUploadRefusal::InvalidImage(reason) => {
                tracing::info!(%reason, "a photo upload is not a usable image of its declared type");
                Self::Unprocessable {
                    code: "invalid_image",
                    detail: "The upload is not an image of its declared type (JPEG, PNG or WebP) of at most 40 megapixels.".into(),
                }
            }
        }
    }
}

impl From<EditRefusal> for ApiError {
    fn from(refusal: EditRefusal) -> Self {
        match refusal {
            EditRefusal::Gate(refusal) => refusal.into(),
            EditRefusal::NoSuchMessage => Self::NotFound,
            EditRefusal::NotAuthor => Self::forbidden("Only its author edits a message."),
            EditRefusal::Voice => Self::Unprocessable {
                code: "voice_not_editable",
                detail: "A recording is never replaced; post a new message instead.".into(),
            },
            EditRefusal::TooManyEdits => Self::Unprocessable {
                code: "too_many_edits",
                detail: format!("A message can be edited at most {MAX_REVISIONS} times."),
            },
            EditRefusal::Changed => Self::Conflict {
                code: "edit_conflict",
                detail: "The message was edited at the same time; read it and try again.".into(),
            },
            EditRefusal::Moderated(crate::domain::MessageStatus::Removed) => Self::Conflict {
                code: "message_removed",
                detail: "A removed message is not edited.".into(),
            },
            EditRefusal::ThreadHidden => thread_hidden(),
            EditRefusal::Moderated(_) => Self::Conflict {
                code: "message_under_review",
                detail: "The message is hidden until a moderator decides; it cannot be edited until then."
                    .into(),
            },
        }
    }
}

impl From<ErasureRefusal> for ApiError {
    fn from(refusal: ErasureRefusal) -> Self {
        match refusal {
            ErasureRefusal::WrongPassword => Self::Forbidden {
                code: "wrong_password",
                detail: "The password is wrong; erasure needs the account's password.".into(),
                blocked_until: None,
            },
        }
    }
}

impl From<LoginRefusal> for ApiError {
    fn from(refusal: LoginRefusal) -> Self {
        match refusal {
            LoginRefusal::TooManyAttempts {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_attempts",
                detail: format!(
                    "Too many failed logins in a row for this account; try again in {retry_after_seconds} s."
                ),
                // At most the longest backoff (15 minutes), so it fits.
                retry_after_seconds: u32::try_from(retry_after_seconds).unwrap_or(u32::MAX),
            },
            LoginRefusal::InvalidCredentials => Self::Unauthorized {
                code: "invalid_credentials",
                detail: "The e-mail address or the password is wrong.".into(),
            },
            LoginRefusal::Blocked { until } => Self::Forbidden {
                code: "account_blocked",
                detail: match until {
                    Some(until) => format!("This account is blocked until {until}."),
                    None => "This account is blocked.".into(),
                },
                blocked_until: until,
            },
            LoginRefusal::InvalidRefreshToken => Self::Unauthorized {
                code: "invalid_refresh_token",
                detail: "The refresh token is invalid, expired or revoked; log in again.".into(),
            },
        }
    }
}

impl From<SocialRefusal> for ApiError {
    fn from(refusal: SocialRefusal) -> Self {
        match refusal {
            SocialRefusal::InvalidState => Self::BadRequest {
                code: "invalid_state",
                detail: "The sign-in's state is unknown, used or expired; start the sign-in again.".into(),
            },
            SocialRefusal::LinkRequired => Self::Conflict {
                code: "link_required",
                detail: "An account already has this verified e-mail address: log in with its password, then link this sign-in on the account page.".into(),
            },
            SocialRefusal::Login(refusal) => refusal.into(),
            SocialRefusal::IdentityTaken => Self::Conflict {
                code: "identity_taken",
                detail: "This sign-in is linked to another account.".into(),
            },
            SocialRefusal::AlreadyLinked(provider) => Self::Conflict {
                code: "already_linked",
                detail: format!("A {} sign-in is linked to this account already; unlink it first.", provider.display_name()),
            },
            SocialRefusal::NotLinked(provider) => Self::NotFoundDetail(format!(
                "No {} sign-in is linked to this account.",
                provider.display_name()
            )),
            SocialRefusal::LastSignInMethod => Self::Conflict {
                code: "last_sign_in_method",
                detail: "This is the account's only way to sign in: set a password (password reset) or link another sign-in first.".into(),
            },
            SocialRefusal::WrongPassword => Self::Forbidden {
                code: "wrong_password",
                detail: "The password is wrong; linking a sign-in needs the account's password.".into(),
                blocked_until: None,
            },
            SocialRefusal::Gate(refusal) => refusal.into(),
            SocialRefusal::DeviceIdRequired(provider) => Self::Validation(vec![FieldError {
                field: "device_id".into(),
                message: format!(
                    "is required for {}: pass the device_id its redirect carried",
                    provider.display_name()
                ),
            }]),
        }
    }
}

impl From<crate::social::SocialError> for ApiError {
    fn from(error: crate::social::SocialError) -> Self {
        use crate::social::SocialError;
        match error {
            SocialError::CodeRefused(cause) => Self::BadRequest {
                code: "invalid_code",
                detail: format!(
                    "The provider refused the authorization code ({cause}); start the sign-in again."
                ),
            },
            SocialError::Unacceptable(cause) => Self::Unauthorized {
                code: "identity_not_verified",
                detail: format!("The provider's answer does not prove who signed in ({cause})."),
            },
            SocialError::Unavailable(cause) => Self::BadGateway {
                code: "provider_unavailable",
                detail: "The sign-in provider could not be reached; try again.".into(),
                cause,
            },
            SocialError::Configuration(cause) => Self::Internal(format!("social login: {cause}")),
        }
    }
}

impl From<TermsRefusal> for ApiError {
    fn from(refusal: TermsRefusal) -> Self {
        match refusal {
            TermsRefusal::Gate(refusal) => refusal.into(),
            TermsRefusal::NotCurrent { current } => Self::Unprocessable {
                code: "terms_version_not_current",
                detail: format!("The current terms version is {current}; accept that one."),
            },
        }
    }
}

impl From<StepRefusal> for ApiError {
    fn from(refusal: StepRefusal) -> Self {
        match refusal {
            StepRefusal::Gate(refusal) => refusal.into(),
            StepRefusal::NotFound => Self::NotFound,
            StepRefusal::AlreadyExtended => Self::Conflict {
                code: "already_extended",
                detail: "This request's deadline has been extended once already.".into(),
            },
            StepRefusal::AlreadyCompleted => Self::Conflict {
                code: "already_completed",
                detail: "This request has been answered already.".into(),
            },
        }
    }
}

impl From<StaffRefusal> for ApiError {
    fn from(refusal: StaffRefusal) -> Self {
        match refusal {
            StaffRefusal::Gate(refusal) => refusal.into(),
            StaffRefusal::NoSuchAccount => Self::NotFound,
            StaffRefusal::Own => Self::forbidden("Staff cannot do this to their own account."),
            StaffRefusal::OwnAdminRole => {
                Self::forbidden("Admins cannot remove their own admin role; another admin can.")
            }
            StaffRefusal::TargetIsAdmin => Self::forbidden("Moderators cannot block an admin."),
            StaffRefusal::Closed => account_closed(),
        }
    }
}

/// 409 `account_closed`: the account was erased, and erased is final.
fn account_closed() -> ApiError {
    ApiError::Conflict {
        code: "account_closed",
        detail: "This account was closed and its personal data erased: nothing can be done to it any more."
            .into(),
    }
}

impl From<crate::domain::decide::uploads::UploadRefusal> for ApiError {
    fn from(refusal: crate::domain::decide::uploads::UploadRefusal) -> Self {
        use crate::domain::decide::uploads::UploadRefusal;
        match refusal {
            UploadRefusal::Gate(refusal) => refusal.into(),
            UploadRefusal::TooMany {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_uploads",
                detail: format!(
                    "This account was given its hourly number of upload URLs; try again in {retry_after_seconds} s."
                ),
                retry_after_seconds,
            },
        }
    }
}

impl ApiError {
    /// 403 `wrong_password`: the current password given is not the account's.
    pub fn wrong_password() -> Self {
        Self::Forbidden {
            code: "wrong_password",
            detail: "The current password is wrong.".into(),
            blocked_until: None,
        }
    }
}

impl From<CodeRefusal> for ApiError {
    fn from(refusal: CodeRefusal) -> Self {
        match refusal {
            CodeRefusal::Gate(refusal) => refusal.into(),
            CodeRefusal::InvalidCode => Self::BadRequest {
                code: "invalid_code",
                detail: "The code is wrong, used or expired; ask for a new one.".into(),
            },
            CodeRefusal::EmailTaken => Self::Conflict {
                code: "email_taken",
                detail: "Another account has this e-mail address.".into(),
            },
        }
    }
}

impl From<SendRefusal> for ApiError {
    fn from(refusal: SendRefusal) -> Self {
        match refusal {
            SendRefusal::Gate(refusal) => refusal.into(),
            SendRefusal::TooMany {
                retry_after_seconds,
            } => Self::TooManyRequests {
                code: "too_many_codes",
                detail: "Today's codes for this were sent; try again tomorrow (UTC).".into(),
                retry_after_seconds,
            },
            SendRefusal::AlreadyVerified => Self::Conflict {
                code: "already_verified",
                detail: "This account's e-mail address is verified already.".into(),
            },
        }
    }
}

impl From<ChangeRefusal> for ApiError {
    fn from(refusal: ChangeRefusal) -> Self {
        match refusal {
            ChangeRefusal::Send(refusal) => refusal.into(),
            ChangeRefusal::SameAddress => Self::Validation(vec![FieldError {
                field: "new_email".into(),
                message: "is the account's address already".into(),
            }]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(error: ApiError) -> String {
        let response = error.into_response("test");
        let body: serde_json::Value = match response.body() {
            Body::Text(text) => serde_json::from_str(text).unwrap(),
            other => panic!("{other:?}"),
        };
        body["detail"].as_str().unwrap().to_owned()
    }

    #[test]
    fn counts_are_singular_for_one() {
        let unavailable = |retry_after_seconds| ApiError::Unavailable {
            retry_after_seconds,
            cause: "test".into(),
        };
        assert_eq!(detail(unavailable(1)), "Please try again in 1 second.");
        assert_eq!(detail(unavailable(5)), "Please try again in 5 seconds.");
        let short = |required, available| ApiError::InsufficientCredits {
            required,
            available,
        };
        assert_eq!(
            detail(short(1, 0)),
            "This costs 1 credit; the balance is 0."
        );
        assert_eq!(
            detail(short(3, 1)),
            "This costs 3 credits; the balance is 1."
        );
    }
}

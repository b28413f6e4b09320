//! Domain types. Each newtype can only hold a valid value: input is parsed once, at the edge.

mod account;
mod account_update;
mod audit;
pub mod company;
mod content_rules;
mod conversation;
mod correction;
mod country;
mod credits;
mod currency;
pub mod decide;
mod email;
mod email_code;
pub mod export;
pub mod idempotency;
mod ids;
pub mod invitation;
mod invoice;
mod item_kind;
mod language;
pub mod live;
mod login_throttle;
mod moderation;
mod password;
mod privacy;
mod profile;
pub mod progress;
mod promotion;
mod public_text;
mod role;
mod session;
pub mod social;
mod text;
mod timestamp;
mod validation;

pub use account::{
    Account, AccountStatus, Consents, ENDED_SESSION_MEMORY_SECONDS, Guardian, Standing, standing_of,
};
pub use account_update::{
    AccountCondition, AccountUpdate, AccountWrite, PersonalData, ProfileChanges, RecordCount,
};
pub use audit::{Actor, AuditEntry};
pub use company::{Company, StripeCustomer, TaxId, TaxIdKind};
pub use content_rules::{ContentRules, ContentViolation};
pub use conversation::{
    Author, MAX_VOICE_BYTES, MAX_VOICE_DURATION, Message, MessageKind, Revision, Sha256Base64,
    Thread, VOICE_CONTENT_TYPES, Voice, VoiceContentType, parse_voice_size, voice_limits,
};
pub use correction::{Correction, CorrectionRevision, DiffOp, DiffSpan, word_diff};
pub use country::CountryCode;
pub use credits::{
    ActionCosts, LedgerEntry, LedgerKind, LedgerLine, MAX_CREDITS_PER_ENTRY, MAX_CREDITS_PER_UNIT,
    Money, Purchase, PurchaseStatus, Tariff, TariffId, check_credits_per_unit, parse_credits,
};
pub use currency::Currency;
pub use email::Email;
pub use email_code::{CodePurpose, EmailChangeRecord, EmailCode};
pub use ids::{
    AccountId, AuditEntryId, CorrectionId, InvitationId, MessageId, ParseId, SessionId, ThreadId,
    UploadId,
};
pub use invoice::{
    BilledTo, INVOICE_RETENTION_NOTE, INVOICE_RETENTION_YEARS, Invoice, InvoiceStatus,
    InvoicedPayment, LOCAL_INVOICE_PATH, LOCAL_INVOICE_PREFIX, StripeInvoice, StripeInvoiceReading,
    issue_local,
};
pub use item_kind::{ItemKind, KindRules};
pub use language::{LanguageList, LanguageTag};
pub use login_throttle::{
    FIRST_BACKOFF_SECONDS, FREE_FAILURES, MAX_BACKOFF_SECONDS, backoff_after,
};
pub use moderation::LegalBasis;
pub use moderation::{
    Complaint, ComplaintOutcome, ComplaintReason, ComplaintTarget, MessageStatus, Moderated,
    ModerationAction, ModerationNote, ModerationRecord, ModerationState, QueueEntry, TargetKind,
    Viewer,
};
pub use password::Password;
pub use privacy::{
    BreachNotice, ConsentChange, ConsentSource, EmailKind, EmailStatus, Notification,
    NotificationKind, OutboxEmail, PrivacyRequest, PrivacyRequestId, PrivacyRequestKind,
    PrivacyRequestStatus, Purpose, TermsAcceptance, add_calendar_months, privacy_request_due,
};
pub use profile::{
    CefrLevel, LearningLanguage, LearningLevels, MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES,
    PHOTO_URL_LIFETIME_SECONDS, PHOTO_URL_WINDOW_SECONDS, PhotoContentType, ProfilePhoto,
    PublicAccount, PublicProfile, SkypeName, parse_photo_size, photo_limits, photo_urls_signed_at,
    public_profile,
};
pub use progress::{Day, LanguageProgress, ProgressCounters, ProgressSummary};
pub use promotion::{
    AppliedPromotion, LocalPromotionCode, PromotionCodeText, StripePromotion, parse_percent_off,
};
pub use public_text::{TextKind, TextLimits};
pub use role::Role;
pub use session::{RefreshRecord, SessionFamily, SessionScope};
pub use text::{
    BirthDate, City, ComplaintComment, CorrectionNote, DisplayName, FullName, Gender, MessageText,
    NoticeDescription, NoticeTitle, PersonName, PrivacyRequestDetails, PrivacyResponse,
    StaffReason, TariffName, TextRefusal, ThreadTitle,
};
pub use timestamp::Timestamp;
pub use validation::{FieldError, Invalid, Validator};

//! The function table: one row per function, the single source of truth for its name
//! (event file, SAM resource, `Handler:`), the binary it deploys, its trigger, who may call it, the handler it
//! runs, the DynamoDB requests its successful path makes and the IAM permissions it
//! needs (and, where it differs from the default, how it is deployed). The enum, the
//! dispatch and each binary's entry point are generated from it, and so are the
//! template's function resources and the docs' tables (`cargo run -p natives-codegen`);
//! the local stack mounts it; tests hold `events/`, the request budgets, the OpenAPI
//! description and the authorization matrix to it.

use natives_shared::config::Secret;
use natives_shared::store::keys::leading::{
    ACCOUNTS, AUDIT, BREACH_NOTICES, CATALOG, CHECKOUTS, COMPANIES, COMPLAINTS, EMAIL_CLAIMS,
    IDEMPOTENCY, INVITATION_OPT_OUTS, LISTENERS, LIVE_CONNECTIONS, OUTBOX, PRIVACY_QUEUES,
    PROGRESS_MARKS, PROMOTION_CODES, QUEUE_ENTRIES, REFRESH_TOKENS, REVIEW_QUEUE,
    SOCIAL_AUTHORIZATIONS, SOCIAL_IDENTITIES, THREAD_LISTS, THREADS, UPLOAD_CLAIMS,
};

use natives_shared::store::keys::{
    CORRECTION_PREFIX, MESSAGE_PREFIX, NOTIFICATION_PREFIX, THREAD_SK,
};

use crate::spec::{
    Bucket, GSI1, SortKey, StreamEvent, StreamFilter, Trigger, bucket, connections, dynamodb,
    email, index, objects, secret, stream,
};

/// DynamoDB actions, by the names IAM uses. A transaction is authorised per item
/// action: `TransactWriteItems` needs the actions of its parts, `TransactGetItems`
/// needs `GetItem`.
const GET: &str = "dynamodb:GetItem";
const PUT: &str = "dynamodb:PutItem";
const UPDATE: &str = "dynamodb:UpdateItem";
const CHECK: &str = "dynamodb:ConditionCheckItem";
const QUERY: &str = "dynamodb:Query";
const BATCH_GET: &str = "dynamodb:BatchGetItem";
const DELETE: &str = "dynamodb:DeleteItem";
const SCAN: &str = "dynamodb:Scan";

/// The table's stream, as the stream consumer reads it (`ListStreams` is not scoped to
/// a resource: SAM's stream event adds it with the managed execution role).
const STREAM_READ: &[&str] = &[
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
];
const SES_SEND: &str = "ses:SendEmail";

/// S3: `GetObject` also authorises `HeadObject` and presigned GETs; `PutObject` also
/// presigned PUTs and the destination of a copy (whose source needs `GetObject`).
const S3_GET: &str = "s3:GetObject";
const S3_PUT: &str = "s3:PutObject";
const S3_DELETE: &str = "s3:DeleteObject";
/// Setting an object's legal hold (ON when archiving; the archive's bucket policy lets
/// only the break-glass function's role set it OFF).
const S3_LEGAL_HOLD: &str = "s3:PutObjectLegalHold";
/// The break-glass path's alone: deleting a version past its governance retention, and
/// finding the versions.
const S3_DELETE_VERSION: &str = "s3:DeleteObjectVersion";
const S3_BYPASS_GOVERNANCE: &str = "s3:BypassGovernanceRetention";
const S3_LIST_VERSIONS: &str = "s3:ListBucketVersions";
/// Listing an account's photo files, so a sweep finds what an earlier failed delete left.
const S3_LIST: &str = "s3:ListBucket";
const UPLOADS: &str = "uploads/";
const VOICE: &str = "voice/";
const PHOTOS: &str = "photos/";

crate::spec::function_table! {
    http {
        Register {
            name: "register",
            binary: Sessions,
            route: ("POST", "/v1/accounts"),
            handler: crate::accounts::register::handle,
            dynamodb_requests: 1,
            // GetItem and UpdateItem: an invitation joined (read, then marked).
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, EMAIL_CLAIMS, OUTBOX, SOCIAL_IDENTITIES]),
                secret(Secret::EmailCodeKey),
            ],
            deploy: crate::spec::Deploy::PASSWORD_GUESSES,
        },
        RequestPasswordReset {
            name: "request-password-reset",
            binary: Sessions,
            route: ("POST", "/v1/password-resets"),
            handler: crate::passwords::request_reset::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, EMAIL_CLAIMS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
        },
        ConfirmPasswordReset {
            name: "confirm-password-reset",
            binary: Sessions,
            route: ("POST", "/v1/password-resets/confirm"),
            handler: crate::passwords::confirm_reset::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, EMAIL_CLAIMS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
            deploy: crate::spec::Deploy::PASSWORD_GUESSES,
        },
        ChangePassword {
            name: "change-password",
            binary: Core,
            route: ("POST", "/v1/me/password"),
            handler: crate::passwords::change::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, QUERY, PUT, UPDATE]).on(&[ACCOUNTS, OUTBOX])],
            deploy: crate::spec::Deploy::PASSWORD_HASHING,
        },
        RequestEmailVerification {
            name: "request-email-verification",
            binary: Sessions,
            route: ("POST", "/v1/me/email-verification"),
            handler: crate::addresses::request_verification::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
        },
        ConfirmEmailVerification {
            name: "confirm-email-verification",
            binary: Sessions,
            route: ("POST", "/v1/me/email-verification/confirm"),
            handler: crate::addresses::confirm_verification::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS]),
                secret(Secret::EmailCodeKey),
            ],
        },
        RequestEmailChange {
            name: "request-email-change",
            binary: Sessions,
            route: ("POST", "/v1/me/email-change"),
            handler: crate::addresses::request_change::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, PUT, CHECK, UPDATE]).on(&[ACCOUNTS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
            deploy: crate::spec::Deploy::PASSWORD_HASHING,
        },
        ConfirmEmailChange {
            name: "confirm-email-change",
            binary: Sessions,
            route: ("POST", "/v1/me/email-change/confirm"),
            handler: crate::addresses::confirm_change::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, DELETE]).on(&[ACCOUNTS, EMAIL_CLAIMS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
        },
        Login {
            name: "login",
            binary: Sessions,
            route: ("POST", "/v1/sessions"),
            handler: crate::sessions::login::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, EMAIL_CLAIMS, REFRESH_TOKENS]), secret(Secret::JwtPrivateKey)],
            deploy: crate::spec::Deploy::PASSWORD_GUESSES,
        },
        ListAuthProviders {
            name: "list-auth-providers",
            binary: Sessions,
            route: ("GET", "/v1/auth/providers"),
            handler: crate::social::list_providers::handle,
            dynamodb_requests: 0,
            // A provider is offered when its secret is configured.
            permissions: &[
                secret(Secret::GoogleClientSecret),
                secret(Secret::FacebookClientSecret),
                secret(Secret::VkClientSecret),
            ],
        },
        StartSocialAuthorization {
            name: "start-social-authorization",
            binary: Sessions,
            route: ("POST", "/v1/auth/providers/{provider}/authorizations"),
            handler: crate::social::start_authorization::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[PUT]).on(&[SOCIAL_AUTHORIZATIONS]),
                secret(Secret::GoogleClientSecret),
                secret(Secret::FacebookClientSecret),
                secret(Secret::VkClientSecret),
            ],
            deploy: crate::spec::Deploy::SIGN_IN,
        },
        SocialLogin {
            name: "social-login",
            binary: Sessions,
            route: ("POST", "/v1/sessions/social"),
            handler: crate::sessions::social::handle,
            dynamodb_requests: 4,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, DELETE]).on(&[ACCOUNTS, EMAIL_CLAIMS, REFRESH_TOKENS, SOCIAL_IDENTITIES, SOCIAL_AUTHORIZATIONS]),
                secret(Secret::JwtPrivateKey),
                secret(Secret::EmailCodeKey),
                secret(Secret::GoogleClientSecret),
                secret(Secret::FacebookClientSecret),
                secret(Secret::VkClientSecret),
            ],
            deploy: crate::spec::Deploy::SIGN_IN,
        },
        RefreshSession {
            name: "refresh-session",
            binary: Sessions,
            route: ("POST", "/v1/sessions/refresh"),
            handler: crate::sessions::refresh::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, CHECK]).on(&[ACCOUNTS, REFRESH_TOKENS]),
                secret(Secret::JwtPrivateKey),
            ],
        },
        Logout {
            name: "logout",
            binary: Core,
            route: ("POST", "/v1/sessions/logout"),
            handler: crate::sessions::logout::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS, REFRESH_TOKENS])],
        },
        RevokeAllSessions {
            name: "revoke-all-sessions",
            binary: Core,
            route: ("POST", "/v1/sessions/revoke-all"),
            handler: crate::sessions::revoke_all::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS])],
        },
        ListIdentities {
            name: "list-identities",
            binary: Core,
            route: ("GET", "/v1/me/identities"),
            handler: crate::social::list_identities::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, BATCH_GET]).on(&[ACCOUNTS, SOCIAL_IDENTITIES])],
        },
        LinkIdentity {
            name: "link-identity",
            binary: Sessions,
            route: ("POST", "/v1/me/identities"),
            handler: crate::social::link_identity::handle,
            dynamodb_requests: 4,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, DELETE]).on(&[ACCOUNTS, SOCIAL_IDENTITIES, SOCIAL_AUTHORIZATIONS]),
                secret(Secret::GoogleClientSecret),
                secret(Secret::FacebookClientSecret),
                secret(Secret::VkClientSecret),
            ],
            deploy: crate::spec::Deploy::PASSWORD_HASHING,
        },
        UnlinkIdentity {
            name: "unlink-identity",
            binary: Core,
            route: ("DELETE", "/v1/me/identities/{provider}"),
            handler: crate::social::unlink_identity::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, UPDATE, DELETE]).on(&[ACCOUNTS, SOCIAL_IDENTITIES])],
        },
        GetMe {
            name: "get-me",
            binary: Core,
            route: ("GET", "/v1/me"),
            handler: crate::me::get::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET]).on(&[ACCOUNTS])],
        },
        UpdateMe {
            name: "update-me",
            binary: Core,
            route: ("PATCH", "/v1/me"),
            handler: crate::me::update::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS])],
        },
        GetCompany {
            name: "get-company",
            binary: Core,
            route: ("GET", "/v1/me/company"),
            handler: crate::company::get::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET]).on(&[ACCOUNTS])],
        },
        SetCompany {
            name: "set-company",
            binary: Core,
            route: ("PUT", "/v1/me/company"),
            handler: crate::company::set::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE, PUT]).on(&[ACCOUNTS])],
        },
        // The reader's account, the page, one query of purchases and one of invoices per
        // company on it (the example lists one), and the audit of every company read.
        ListCompanies {
            name: "list-companies",
            binary: Core,
            route: ("GET", "/v1/admin/companies"),
            handler: crate::company::list::handle,
            dynamodb_requests: 5,
            permissions: &[
                dynamodb(&[GET, UPDATE, PUT, CHECK, QUERY]).on(&[ACCOUNTS, AUDIT]),
                index(GSI1, &[QUERY]).on(&[COMPANIES, ACCOUNTS]),
            ],
        },
        GetProfile {
            name: "get-profile",
            binary: Voice,
            route: ("GET", "/v1/accounts/{account_id}"),
            handler: crate::accounts::get_profile::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[QUERY]).on(&[ACCOUNTS]), objects(Bucket::Photos, PHOTOS, &[S3_GET])],
        },
        CreatePhotoUpload {
            name: "create-photo-upload",
            binary: Voice,
            route: ("POST", "/v1/me/photo-uploads"),
            handler: crate::photos::create_photo_upload::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS]), objects(Bucket::Staging, UPLOADS, &[S3_PUT])],
        },
        SetPhoto {
            name: "set-photo",
            binary: Voice,
            route: ("PUT", "/v1/me/photo"),
            handler: crate::photos::set_photo::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS]),
                objects(Bucket::Staging, UPLOADS, &[S3_GET]),
                objects(Bucket::Photos, PHOTOS, &[S3_GET, S3_PUT, S3_DELETE]),
                bucket(Bucket::Photos, &[S3_LIST]),
            ],
            deploy: crate::spec::Deploy::PHOTO_PROCESSING,
        },
        DeletePhoto {
            name: "delete-photo",
            binary: Voice,
            route: ("DELETE", "/v1/me/photo"),
            handler: crate::photos::delete_photo::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS]),
                objects(Bucket::Photos, PHOTOS, &[S3_DELETE]),
                bucket(Bucket::Photos, &[S3_LIST]),
            ],
        },
        BlockMe {
            name: "block-me",
            binary: Core,
            route: ("POST", "/v1/me/block"),
            handler: crate::me::block::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS])],
        },
        ListTariffs {
            name: "list-tariffs",
            binary: Core,
            route: ("GET", "/v1/tariffs"),
            handler: crate::credits::list_tariffs::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[QUERY]).on(&[CATALOG])],
        },
        PutTariff {
            name: "put-tariff",
            binary: Core,
            route: ("PUT", "/v1/admin/tariffs/{tariff_id}"),
            handler: crate::credits::put_tariff::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, CATALOG, AUDIT])],
        },
        CreateCheckout {
            name: "create-checkout",
            binary: Payments,
            route: ("POST", "/v1/checkout"),
            handler: crate::credits::create_checkout::handle,
            dynamodb_requests: 2,
            permissions: &[
                // One statement per table (IAM checks a transaction's keys against one);
                // UpdateItem: a corporate client's account keeps its Stripe customer.
                dynamodb(&[GET, PUT, UPDATE]).on(&[
                    ACCOUNTS,
                    CATALOG,
                    CHECKOUTS,
                    IDEMPOTENCY,
                    PROMOTION_CODES,
                ]),
                secret(Secret::StripeSecretKey),
            ],
        },
        StripeWebhook {
            name: "stripe-webhook",
            binary: Payments,
            route: ("POST", "/v1/webhooks/stripe"),
            handler: crate::credits::stripe_webhook::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, UPDATE, PUT]).on(&[ACCOUNTS, CHECKOUTS, PROMOTION_CODES]),
                secret(Secret::StripeWebhookSecret),
            ],
        },
        GetBalance {
            name: "get-balance",
            binary: Core,
            route: ("GET", "/v1/me/balance"),
            handler: crate::credits::get_balance::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY]).on(&[ACCOUNTS])],
        },
        // The caller's account (the gate), then one query of its invoices.
        ListInvoices {
            name: "list-invoices",
            binary: Core,
            route: ("GET", "/v1/me/invoices"),
            handler: crate::credits::list_invoices::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY]).on(&[ACCOUNTS])],
        },
        GrantCredits {
            name: "grant-credits",
            binary: Core,
            route: ("POST", "/v1/admin/accounts/{account_id}/credit-grants"),
            handler: crate::credits::grant_credits::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, AUDIT, IDEMPOTENCY])],
        },
        ListThreads {
            name: "list-threads",
            binary: Core,
            route: ("GET", "/v1/threads"),
            handler: crate::conversations::list_threads::handle,
            dynamodb_requests: 2,
            permissions: &[index(GSI1, &[QUERY]).on(&[THREAD_LISTS]), dynamodb(&[BATCH_GET]).on(&[ACCOUNTS])],
        },
        CreateThread {
            name: "create-thread",
            binary: Voice,
            route: ("POST", "/v1/threads"),
            handler: crate::conversations::create_thread::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, THREADS, UPLOAD_CLAIMS, IDEMPOTENCY]),
                objects(Bucket::Staging, UPLOADS, &[S3_GET]),
                objects(Bucket::Archive, VOICE, &[S3_GET, S3_PUT, S3_LEGAL_HOLD]),
            ],
        },
        GetThread {
            name: "get-thread",
            binary: Core,
            route: ("GET", "/v1/threads/{thread_id}"),
            handler: crate::conversations::get_thread::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        ListMessages {
            name: "list-messages",
            binary: Core,
            route: ("GET", "/v1/threads/{thread_id}/messages"),
            handler: crate::conversations::list_messages::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[QUERY, GET, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        PostMessage {
            name: "post-message",
            binary: Voice,
            route: ("POST", "/v1/threads/{thread_id}/messages"),
            handler: crate::conversations::post_message::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, CHECK]).on(&[ACCOUNTS, THREADS, UPLOAD_CLAIMS, IDEMPOTENCY]),
                objects(Bucket::Staging, UPLOADS, &[S3_GET]),
                objects(Bucket::Archive, VOICE, &[S3_GET, S3_PUT, S3_LEGAL_HOLD]),
            ],
        },
        CreateVoiceUpload {
            name: "create-voice-upload",
            binary: Voice,
            route: ("POST", "/v1/voice-uploads"),
            handler: crate::conversations::create_voice_upload::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS]), objects(Bucket::Staging, UPLOADS, &[S3_PUT])],
        },
        GetMessage {
            name: "get-message",
            binary: Core,
            route: ("GET", "/v1/messages/{message_id}"),
            handler: crate::conversations::get_message::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        EditMessage {
            name: "edit-message",
            binary: Core,
            route: ("PATCH", "/v1/messages/{message_id}"),
            handler: crate::conversations::edit_message::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, BATCH_GET, PUT, UPDATE, CHECK]).on(&[THREADS, ACCOUNTS])],
        },
        ListRevisions {
            name: "list-revisions",
            binary: Core,
            route: ("GET", "/v1/messages/{message_id}/revisions"),
            handler: crate::conversations::list_revisions::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        PostCorrection {
            name: "post-correction",
            binary: Core,
            route: ("POST", "/v1/messages/{message_id}/corrections"),
            handler: crate::conversations::post_correction::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, BATCH_GET, PUT, UPDATE, CHECK]).on(&[THREADS, ACCOUNTS, IDEMPOTENCY])],
        },
        EditCorrection {
            name: "edit-correction",
            binary: Core,
            route: ("PATCH", "/v1/messages/{message_id}/corrections/{correction_id}"),
            handler: crate::conversations::edit_correction::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, THREADS])],
        },
        ListCorrections {
            name: "list-corrections",
            binary: Core,
            route: ("GET", "/v1/messages/{message_id}/corrections"),
            handler: crate::conversations::list_corrections::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, QUERY, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        ListCorrectionRevisions {
            name: "list-correction-revisions",
            binary: Core,
            route: ("GET", "/v1/messages/{message_id}/corrections/{correction_id}/revisions"),
            handler: crate::conversations::list_correction_revisions::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, QUERY, BATCH_GET]).on(&[THREADS, ACCOUNTS])],
        },
        GetVoice {
            name: "get-voice",
            binary: Voice,
            route: ("GET", "/v1/messages/{message_id}/voice"),
            handler: crate::conversations::get_voice::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[GET, BATCH_GET]).on(&[THREADS, ACCOUNTS]),
                objects(Bucket::Archive, VOICE, &[S3_GET]),
                secret(Secret::CdnSigningKey),
            ],
        },
        FileComplaint {
            name: "file-complaint",
            binary: Core,
            route: ("POST", "/v1/messages/{message_id}/complaints"),
            handler: crate::moderation::file_complaint::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, THREADS, COMPLAINTS, QUEUE_ENTRIES])],
        },
        FileCorrectionComplaint {
            name: "file-correction-complaint",
            binary: Core,
            route: ("POST", "/v1/messages/{message_id}/corrections/{correction_id}/complaints"),
            handler: crate::moderation::file_correction_complaint::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, THREADS, COMPLAINTS, QUEUE_ENTRIES])],
        },
        ListMyComplaints {
            name: "list-my-complaints",
            binary: Core,
            route: ("GET", "/v1/me/complaints"),
            handler: crate::moderation::list_my_complaints::handle,
            dynamodb_requests: 2,
            permissions: &[index(GSI1, &[QUERY]).on(&[ACCOUNTS]), dynamodb(&[BATCH_GET]).on(&[ACCOUNTS, COMPLAINTS, THREADS])],
        },
        ReviewQueue {
            name: "review-queue",
            binary: Core,
            route: ("GET", "/v1/moderation/queue"),
            handler: crate::moderation::review_queue::handle,
            dynamodb_requests: 2,
            permissions: &[index(GSI1, &[QUERY]).on(&[REVIEW_QUEUE]), dynamodb(&[GET, BATCH_GET]).on(&[ACCOUNTS, THREADS, COMPLAINTS])],
        },
        ActOnMessage {
            name: "act-on-message",
            binary: Core,
            route: ("POST", "/v1/moderation/messages/{message_id}/actions"),
            handler: crate::moderation::act_on_message::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, DELETE, CHECK]).on(&[ACCOUNTS, THREADS, AUDIT, COMPLAINTS, QUEUE_ENTRIES, OUTBOX])],
        },
        FileThreadComplaint {
            name: "file-thread-complaint",
            binary: Core,
            route: ("POST", "/v1/threads/{thread_id}/complaints"),
            handler: crate::moderation::file_thread_complaint::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, THREADS, COMPLAINTS, QUEUE_ENTRIES])],
        },
        ActOnThread {
            name: "act-on-thread",
            binary: Core,
            route: ("POST", "/v1/moderation/threads/{thread_id}/actions"),
            handler: crate::moderation::act_on_thread::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, DELETE, CHECK]).on(&[ACCOUNTS, THREADS, AUDIT, COMPLAINTS, QUEUE_ENTRIES, OUTBOX])],
        },
        ActOnCorrection {
            name: "act-on-correction",
            binary: Core,
            route: ("POST", "/v1/moderation/messages/{message_id}/corrections/{correction_id}/actions"),
            handler: crate::moderation::act_on_correction::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, DELETE, CHECK]).on(&[ACCOUNTS, THREADS, AUDIT, COMPLAINTS, QUEUE_ENTRIES, OUTBOX])],
        },
        DestroyRecording {
            name: "destroy-recording",
            binary: Voice,
            route: ("POST", "/v1/admin/messages/{message_id}/recording-destruction"),
            handler: crate::moderation::destroy_recording::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, THREADS, AUDIT]),
                objects(Bucket::Archive, VOICE, &[S3_GET, S3_LEGAL_HOLD, S3_DELETE_VERSION, S3_BYPASS_GOVERNANCE]),
                bucket(Bucket::Archive, &[S3_LIST_VERSIONS]),
            ],
        },
        BlockAccount {
            name: "block-account",
            binary: Core,
            route: ("POST", "/v1/moderation/accounts/{account_id}/blocks"),
            handler: crate::moderation::block_account::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, UPDATE, PUT, DELETE, CHECK]).on(&[ACCOUNTS, AUDIT, THREADS, COMPLAINTS, QUEUE_ENTRIES]),
                index(GSI1, &[QUERY]).on(&[ACCOUNTS]),
            ],
        },
        UnblockAccount {
            name: "unblock-account",
            binary: Core,
            route: ("DELETE", "/v1/moderation/accounts/{account_id}/blocks"),
            handler: crate::moderation::unblock_account::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, AUDIT])],
        },
        ListAudit {
            name: "list-audit",
            binary: Core,
            route: ("GET", "/v1/moderation/audit"),
            handler: crate::moderation::list_audit::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY]).on(&[ACCOUNTS, AUDIT]), index(GSI1, &[QUERY]).on(&[ACCOUNTS])],
        },
        SetRoles {
            name: "set-roles",
            binary: Core,
            route: ("PUT", "/v1/admin/accounts/{account_id}/roles"),
            handler: crate::moderation::set_roles::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, AUDIT])],
        },
        GetTerms {
            name: "get-terms",
            binary: Core,
            route: ("GET", "/v1/terms"),
            handler: crate::privacy::get_terms::handle,
            dynamodb_requests: 0,
            permissions: &[],
        },
        AcceptTerms {
            name: "accept-terms",
            binary: Core,
            route: ("POST", "/v1/me/terms-acceptances"),
            handler: crate::privacy::accept_terms::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE, PUT]).on(&[ACCOUNTS])],
        },
        PutConsents {
            name: "put-consents",
            binary: Core,
            route: ("PUT", "/v1/me/consents"),
            handler: crate::privacy::put_consents::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE, PUT]).on(&[ACCOUNTS])],
        },
        ExportMe {
            name: "export-me",
            binary: Core,
            route: ("GET", "/v1/me/export"),
            handler: crate::privacy::export_me::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[QUERY, BATCH_GET]).on(&[ACCOUNTS, EMAIL_CLAIMS, REFRESH_TOKENS, CHECKOUTS, THREADS, UPLOAD_CLAIMS, COMPLAINTS, IDEMPOTENCY, OUTBOX, AUDIT]), index(GSI1, &[QUERY]).on(&[ACCOUNTS])],
        },
        CreatePrivacyRequest {
            name: "create-privacy-request",
            binary: Core,
            route: ("POST", "/v1/me/privacy-requests"),
            handler: crate::privacy::create_privacy_request::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, PUT, UPDATE, CHECK]).on(&[ACCOUNTS, OUTBOX])],
        },
        ListPrivacyRequests {
            name: "list-privacy-requests",
            binary: Core,
            route: ("GET", "/v1/me/privacy-requests"),
            handler: crate::privacy::list_privacy_requests::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY]).on(&[ACCOUNTS])],
        },
        EraseMe {
            name: "erase-me",
            binary: Voice,
            route: ("POST", "/v1/me/erasure"),
            handler: crate::privacy::erase_me::handle,
            dynamodb_requests: 9,
            permissions: &[
                dynamodb(&[GET, QUERY, BATCH_GET, UPDATE, DELETE]).on(&[ACCOUNTS, EMAIL_CLAIMS, REFRESH_TOKENS, CHECKOUTS, THREADS, UPLOAD_CLAIMS, COMPLAINTS, IDEMPOTENCY, OUTBOX, AUDIT, QUEUE_ENTRIES, LIVE_CONNECTIONS, LISTENERS, SOCIAL_IDENTITIES]),
                index(GSI1, &[QUERY]).on(&[ACCOUNTS]),
                objects(Bucket::Photos, PHOTOS, &[S3_DELETE]),
                bucket(Bucket::Photos, &[S3_LIST]),
            ],
            deploy: crate::spec::Deploy::PASSWORD_HASHING,
        },
        ListPrivacyRequestQueue {
            name: "list-privacy-request-queue",
            binary: Core,
            route: ("GET", "/v1/admin/privacy-requests"),
            handler: crate::privacy::list_privacy_request_queue::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET]).on(&[ACCOUNTS]), index(GSI1, &[QUERY]).on(&[PRIVACY_QUEUES])],
        },
        ExtendPrivacyRequest {
            name: "extend-privacy-request",
            binary: Core,
            route: ("POST", "/v1/admin/privacy-requests/{request_id}/extend"),
            handler: crate::privacy::extend_privacy_request::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, AUDIT, OUTBOX])],
        },
        CompletePrivacyRequest {
            name: "complete-privacy-request",
            binary: Core,
            route: ("POST", "/v1/admin/privacy-requests/{request_id}/complete"),
            handler: crate::privacy::complete_privacy_request::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, AUDIT, OUTBOX])],
        },
        ListNotifications {
            name: "list-notifications",
            binary: Core,
            route: ("GET", "/v1/me/notifications"),
            handler: crate::privacy::list_notifications::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY]).on(&[ACCOUNTS])],
        },
        CreateBreachNotice {
            name: "create-breach-notice",
            binary: Core,
            route: ("POST", "/v1/admin/breach-notices"),
            handler: crate::privacy::create_breach_notice::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, PUT, CHECK]).on(&[ACCOUNTS, AUDIT, BREACH_NOTICES, OUTBOX])],
        },
        GetProgress {
            name: "get-progress",
            binary: Core,
            route: ("GET", "/v1/me/progress"),
            handler: crate::progress::get::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[QUERY]).on(&[ACCOUNTS])],
        },
        // The address's keyed hash needs the code key: the binary that holds it.
        SendInvitation {
            name: "send-invitation",
            binary: Sessions,
            route: ("POST", "/v1/me/invitations"),
            handler: crate::invitations::send_invitation::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE]).on(&[ACCOUNTS, INVITATION_OPT_OUTS, OUTBOX]),
                secret(Secret::EmailCodeKey),
            ],
        },
        ListInvitations {
            name: "list-invitations",
            binary: Core,
            route: ("GET", "/v1/me/invitations"),
            handler: crate::invitations::list_invitations::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[QUERY, BATCH_GET]).on(&[ACCOUNTS])],
        },
        OptOutOfInvitations {
            name: "opt-out-of-invitations",
            binary: Core,
            route: ("POST", "/v1/invitations/opt-out"),
            handler: crate::invitations::opt_out::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT]).on(&[ACCOUNTS, INVITATION_OPT_OUTS])],
        },
        ConfirmGuardianConsent {
            name: "confirm-guardian-consent",
            // The code key comes from SSM, as for the other e-mailed codes' checks.
            binary: Sessions,
            route: ("POST", "/v1/guardian-consents"),
            handler: crate::accounts::confirm_guardian_consent::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, UPDATE]).on(&[ACCOUNTS]),
                secret(Secret::EmailCodeKey),
            ],
        },
        // API Gateway's catch-all: every request no route above matches gets the same
        // problem answer deployed as locally (404, or 405 with `Allow`).
        UnmatchedRoute {
            name: "unmatched-route",
            binary: Core,
            route: ("ANY", "$default"),
            handler: crate::routing::answer_unmatched,
            dynamodb_requests: 0,
            permissions: &[],
        },
    }
    events {
        SendOutbox {
            name: "send-outbox",
            binary: Outbox,
            trigger: Trigger::TableStream {
                filters: &[StreamFilter::inserted(OUTBOX), StreamFilter::inserted(BREACH_NOTICES)],
            },
            handler: crate::privacy::send_outbox::handle,
            dynamodb_requests: 3,
            permissions: &[
                stream(STREAM_READ),
                dynamodb(&[GET, UPDATE, PUT, CHECK]).on(&[ACCOUNTS, OUTBOX, BREACH_NOTICES]),
                // A scan names no partition key, so it cannot carry the condition.
                dynamodb(&[SCAN]),
                email(&[SES_SEND]),
            ],
            deploy: crate::spec::Deploy::OUTBOX,
        },
        // The WebSocket API: a connection opens (and is the account's when it brings a
        // token), sends frames, and closes.
        LiveConnect {
            name: "live-connect",
            binary: Core,
            trigger: Trigger::WebSocket { route: "$connect" },
            handler: crate::live::connect::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[GET, CHECK, PUT]).on(&[ACCOUNTS, LIVE_CONNECTIONS]),
            ],
        },
        LiveFrame {
            name: "live-frame",
            binary: Live,
            trigger: Trigger::WebSocket { route: "$default" },
            handler: crate::live::frame::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[BATCH_GET, UPDATE, PUT, DELETE]).on(&[LIVE_CONNECTIONS, THREADS, LISTENERS]),
                connections(),
            ],
        },
        LiveDisconnect {
            name: "live-disconnect",
            binary: Core,
            trigger: Trigger::WebSocket { route: "$disconnect" },
            handler: crate::live::disconnect::handle,
            dynamodb_requests: 2,
            permissions: &[
                dynamodb(&[GET, DELETE]).on(&[LIVE_CONNECTIONS, LISTENERS]),
            ],
        },
        // What clients may see change, pushed to the connections that listen: messages
        // posted, edited, hidden or removed; threads opened, hidden, removed or shown
        // again; notifications; and an account's connections closed when it is blocked
        // or closed.
        LiveFanOut {
            name: "live-fan-out",
            binary: Live,
            trigger: Trigger::TableStream { filters: LIVE_CHANGES },
            handler: crate::live::fan_out::handle,
            dynamodb_requests: 1,
            permissions: &[
                stream(STREAM_READ),
                dynamodb(&[QUERY, BATCH_GET, GET, DELETE]).on(&[LISTENERS, ACCOUNTS, LIVE_CONNECTIONS, THREADS]),
                index(GSI1, &[QUERY]).on(&[ACCOUNTS]),
                connections(),
            ],
            deploy: crate::spec::Deploy::FAN_OUT,
        },
        // The progress statistics' counters: each new message and correction counted
        // once for the accounts it concerns.
        CountProgress {
            name: "count-progress",
            binary: Core,
            trigger: Trigger::TableStream { filters: COUNTED_POSTS },
            handler: crate::progress::count::handle,
            dynamodb_requests: 2,
            permissions: &[
                stream(STREAM_READ),
                dynamodb(&[BATCH_GET, PUT, UPDATE]).on(&[THREADS, ACCOUNTS, PROGRESS_MARKS]),
            ],
            deploy: crate::spec::Deploy::COUNTERS,
        },
    }
}

/// The posts the progress counters count: new messages and corrections.
const COUNTED_POSTS: &[StreamFilter] = &[
    StreamFilter::inserted(THREADS).sorted(SortKey::StartsWith(MESSAGE_PREFIX)),
    StreamFilter::inserted(THREADS).sorted(SortKey::StartsWith(CORRECTION_PREFIX)),
];

/// The changes the live fan-out takes from the table's stream.
const LIVE_CHANGES: &[StreamFilter] = &[
    StreamFilter::changes(&[StreamEvent::Insert, StreamEvent::Modify], THREADS)
        .sorted(SortKey::StartsWith(MESSAGE_PREFIX)),
    // A thread opened, and changed: hidden, removed or shown again is told from its
    // images (a restore's new status is the one every reply writes, so no status
    // filter can tell it; a reply's own change is in the same batch as its message).
    StreamFilter::changes(&[StreamEvent::Insert, StreamEvent::Modify], THREADS)
        .sorted(SortKey::Exactly(THREAD_SK)),
    StreamFilter::inserted(ACCOUNTS).sorted(SortKey::StartsWith(NOTIFICATION_PREFIX)),
    StreamFilter::changes(&[StreamEvent::Modify], ACCOUNTS)
        .sorted(SortKey::Exactly("ACCOUNT"))
        .with_status(&["blocked", "closed"]),
];

//! Social login as decisions: the authorization state and its one use, what a verified
//! provider identity leads to (a session, a link to make first, or a registration),
//! linking and unlinking an identity, and the rule that an account always keeps a way
//! to sign in.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use super::sessions::{self, LoginPlan, LoginRefusal};
use crate::domain::social::{
    AuthorizationState, DeviceId, Identity, Provider, ProviderProfile, Subject,
};
use crate::domain::{Account, AccountCondition, AccountUpdate, AccountWrite, Email, Timestamp};
use crate::gate::Gate;

/// How long an authorization (state, PKCE verifier, nonce) waits for its callback.
pub const STATE_LIFETIME: Duration = Duration::minutes(10);

/// How long a registration token lets its holder finish registering.
pub const REGISTRATION_TOKEN_LIFETIME: Duration = Duration::minutes(15);

/// Why a social sign-in, a link or an unlink does nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialRefusal {
    /// The state is unknown, used, expired or of another provider.
    InvalidState,
    /// The provider's verified e-mail belongs to an account this identity is not linked
    /// to: its owner logs in with the password and links it.
    LinkRequired,
    /// The account this identity opens may not log in (blocked), or is gone.
    Login(LoginRefusal),
    /// The identity is linked to another account.
    IdentityTaken,
    /// The account already has an identity of this provider.
    AlreadyLinked(Provider),
    /// The account has no identity of this provider.
    NotLinked(Provider),
    /// Unlinking would leave the account with no way to sign in.
    LastSignInMethod,
    /// Linking needs the account's password, and this one is wrong (or the account has
    /// none yet).
    WrongPassword,
    /// The caller's own account does not admit the request.
    Gate(crate::gate::Refusal),
    /// The provider's token exchange needs the `device_id` its redirect carried, and the
    /// callback brought none.
    DeviceIdRequired(Provider),
}

impl From<LoginRefusal> for SocialRefusal {
    fn from(refusal: LoginRefusal) -> Self {
        Self::Login(refusal)
    }
}

/// Whether a client may have the provider send the person back to `uri`: one of the
/// configured URIs exactly; on the local stack (`loopback_only`), any `http` address on
/// the loopback interface (127.0.0.1 or localhost, any port), and nothing else.
pub fn redirect_uri_allowed(uri: &str, configured: &[String], loopback_only: bool) -> bool {
    if !loopback_only {
        return configured.iter().any(|allowed| allowed == uri);
    }
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((host, port)) = authority.rsplit_once(':') else {
        return false;
    };
    matches!(host, "127.0.0.1" | "localhost")
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && !uri.contains('#')
}

/// Whether `raw` can be a state this backend made (URL-safe base64, at most 128
/// characters): anything else is refused before it is looked up.
pub fn is_state_token(raw: &str) -> bool {
    (1..=128).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The state kept for one authorization of `provider`, until `now` + [`STATE_LIFETIME`].
pub fn authorization(
    provider: Provider,
    redirect_uri: String,
    state: String,
    pkce_verifier: String,
    nonce: String,
    now: OffsetDateTime,
) -> AuthorizationState {
    AuthorizationState {
        state,
        provider,
        redirect_uri,
        pkce_verifier,
        nonce,
        created_at: Timestamp::at(now),
        expires_at_epoch: (now + STATE_LIFETIME).unix_timestamp(),
    }
}

/// A callback's state as the store took it (deleted on condition it existed; `None`:
/// nothing was there): usable once, before it expires, for the provider it was made for.
/// DynamoDB's TTL removes items only eventually, so expiry is checked here.
pub fn use_state(
    taken: Option<AuthorizationState>,
    provider: Provider,
    now: OffsetDateTime,
) -> Result<AuthorizationState, SocialRefusal> {
    match taken {
        Some(state)
            if state.provider == provider && state.expires_at_epoch > now.unix_timestamp() =>
        {
            Ok(state)
        }
        _ => Err(SocialRefusal::InvalidState),
    }
}

/// Whether a callback brings what its provider's token exchange needs: a provider whose
/// exchange takes the redirect's `device_id` (`needs_device_id`, from its row) is refused
/// without one, before the state is used up, so the client can send it again.
pub fn require_device_id(
    provider: Provider,
    needs_device_id: bool,
    device_id: Option<&DeviceId>,
) -> Result<(), SocialRefusal> {
    if needs_device_id && device_id.is_none() {
        return Err(SocialRefusal::DeviceIdRequired(provider));
    }
    Ok(())
}

/// What a verified provider identity leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// A known identity: a session of the account it is linked to.
    Session(Box<(Account, LoginPlan)>),
    /// An unknown identity: the profile a registration token carries.
    Register(ProviderProfile),
}

/// `profile` (verified), the claim of its identity as read with the account it names,
/// and the account holding the profile's e-mail address (if any), at `now`.
///
/// An unverified provider e-mail never leads to an existing account: only a verified one
/// asks for a link, and otherwise registration refuses a taken address as always.
pub fn sign_in(
    profile: ProviderProfile,
    claimed: Option<(&Identity, Option<&Account>)>,
    holder_of_email: Option<&Account>,
    lifetime: Duration,
    now: OffsetDateTime,
) -> Result<SignIn, SocialRefusal> {
    if let Some((identity, owner)) = claimed {
        let owner = owner
            .filter(|owner| owner.id == identity.account_id && owner.can_log_in())
            .ok_or(SocialRefusal::Login(LoginRefusal::InvalidCredentials))?;
        let plan = sessions::login(owner, crate::domain::SessionScope::Full, lifetime, now)?;
        return Ok(SignIn::Session(Box::new((owner.clone(), plan))));
    }
    let takes_over = profile.email_verified
        && holder_of_email.is_some_and(|holder| {
            holder.can_log_in() && Some(&holder.email) == profile.email.as_ref()
        });
    if takes_over {
        return Err(SocialRefusal::LinkRequired);
    }
    Ok(SignIn::Register(profile))
}

/// The identity a registration through `profile` links to the new account (id and
/// address as registered), and whether that address counts as verified: only when the
/// provider verified exactly the address registered.
pub fn registered_identity(
    profile: &ProviderProfile,
    account: &Account,
    now: OffsetDateTime,
) -> (Identity, Option<Timestamp>) {
    let verified = (profile.email_verified && profile.email.as_ref() == Some(&account.email))
        .then(|| Timestamp::at(now));
    (identity_of(profile, account, now), verified)
}

fn identity_of(profile: &ProviderProfile, account: &Account, now: OffsetDateTime) -> Identity {
    Identity {
        provider: profile.provider,
        subject: profile.subject.clone(),
        account_id: account.id.clone(),
        email: profile.email.clone(),
        name: profile.name.clone(),
        linked_at: Timestamp::at(now),
    }
}

/// The address a registration through a provider opens the account with: the one given,
/// else the provider's.
pub fn registration_email(given: Option<Email>, profile: &ProviderProfile) -> Option<Email> {
    given.or_else(|| profile.email.clone())
}

/// A link or an unlink: the claim written or removed, and the account's own list of its
/// identities, on condition the list (and the password) are as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityPlan {
    pub identity: Identity,
    pub account: AccountWrite,
}

/// Links `profile` to the caller's `account` (as read), whose owner proved the password
/// whose hash was `proved_hash`; `claimed` is the identity's claim as read.
pub fn link(
    gate: &Gate,
    account: Option<&Account>,
    proved_hash: &str,
    profile: &ProviderProfile,
    claimed: Option<&Identity>,
    now: OffsetDateTime,
) -> Result<IdentityPlan, SocialRefusal> {
    gate.admit(account, now).map_err(SocialRefusal::Gate)?;
    let account = account.expect("admitted");
    if !account.has_password() || account.password_hash != proved_hash {
        return Err(SocialRefusal::WrongPassword);
    }
    if let Some(claim) = claimed {
        return Err(if claim.account_id == account.id {
            SocialRefusal::AlreadyLinked(profile.provider)
        } else {
            SocialRefusal::IdentityTaken
        });
    }
    if account.identities.contains_key(&profile.provider) {
        return Err(SocialRefusal::AlreadyLinked(profile.provider));
    }
    let mut identities = account.identities.clone();
    identities.insert(profile.provider, profile.subject.clone());
    Ok(IdentityPlan {
        identity: identity_of(profile, account, now),
        account: identities_write(gate, account, identities, now),
    })
}

/// Unlinks the caller's identity of `provider` (its claim as read), unless the account
/// would be left with no password and no other identity.
pub fn unlink(
    gate: &Gate,
    account: Option<&Account>,
    provider: Provider,
    claim: Option<&Identity>,
    now: OffsetDateTime,
) -> Result<IdentityPlan, SocialRefusal> {
    gate.admit(account, now).map_err(SocialRefusal::Gate)?;
    let account = account.expect("admitted");
    let identity = claim
        .filter(|claim| {
            claim.account_id == account.id
                && account.identities.get(&provider) == Some(&claim.subject)
        })
        .ok_or(SocialRefusal::NotLinked(provider))?;
    let mut identities = account.identities.clone();
    identities.remove(&provider);
    if identities.is_empty() && !account.has_password() {
        return Err(SocialRefusal::LastSignInMethod);
    }
    Ok(IdentityPlan {
        identity: identity.clone(),
        account: identities_write(gate, account, identities, now),
    })
}

/// The subject of `account`'s identity of `provider`, to read its claim by.
pub fn linked_subject(account: &Account, provider: Provider) -> Result<&Subject, SocialRefusal> {
    account
        .identities
        .get(&provider)
        .ok_or(SocialRefusal::NotLinked(provider))
}

fn identities_write(
    gate: &Gate,
    account: &Account,
    identities: BTreeMap<Provider, Subject>,
    now: OffsetDateTime,
) -> AccountWrite {
    AccountWrite {
        account_id: account.id.clone(),
        update: AccountUpdate {
            identities: Some(identities),
            updated_at: Some(Timestamp::at(now)),
            ..Default::default()
        },
        requires: vec![
            AccountCondition::Gate(gate.clone()),
            AccountCondition::IdentitiesAsRead(account.identities.clone()),
            // A password set or changed meanwhile changes what "last method" means.
            AccountCondition::PasswordHashAsRead(account.password_hash.clone()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use crate::domain::{AccountStatus, Role};

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2027-02-01 12:00 UTC)
    }

    #[test]
    fn a_provider_whose_exchange_takes_the_device_id_is_refused_without_one() {
        let device = DeviceId::parse("dev-1").unwrap();
        let cases = [
            (
                true,
                None,
                Err(SocialRefusal::DeviceIdRequired(Provider::Vk)),
            ),
            (true, Some(&device), Ok(())),
            (false, None, Ok(())),
            (false, Some(&device), Ok(())),
        ];
        for (needs, device_id, expected) in cases {
            assert_eq!(
                require_device_id(Provider::Vk, needs, device_id),
                expected,
                "{needs} {device_id:?}"
            );
        }
    }

    /// A case, the profile, the claim read (with its account), the holder of the
    /// address, and the outcome expected.
    type SignInCase<'a> = (
        &'a str,
        ProviderProfile,
        Option<(&'a Identity, Option<&'a Account>)>,
        Option<&'a Account>,
        &'a str,
    );

    /// A case, the account, whether the password is right, the claim read, the outcome.
    type LinkCase<'a> = (
        &'a str,
        &'a Account,
        bool,
        Option<&'a Identity>,
        Result<(), SocialRefusal>,
    );

    fn profile(provider: Provider, email: &str, verified: bool) -> ProviderProfile {
        ProviderProfile {
            provider,
            subject: Subject::parse("1234567890").unwrap(),
            email: Some(Email::parse(email).unwrap()),
            email_verified: verified,
            name: Some("Ada L.".into()),
        }
    }

    fn with_password() -> Account {
        let mut account = account(&[]);
        account.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into();
        account
    }

    fn state(provider: Provider) -> AuthorizationState {
        authorization(
            provider,
            "http://127.0.0.1:3000/callback".into(),
            "s".into(),
            "v".into(),
            "n".into(),
            now(),
        )
    }

    #[test]
    fn only_configured_or_local_loopback_redirect_uris_are_accepted() {
        let configured = vec!["https://natives.chat/auth/callback".to_owned()];
        let cases = [
            ("https://natives.chat/auth/callback", false, true),
            ("https://natives.chat/auth/callback/", false, false),
            ("https://evil.example/auth/callback", false, false),
            ("http://127.0.0.1:3000/auth/callback", false, false),
            ("http://127.0.0.1:3000/auth/callback", true, true),
            ("http://localhost:8080/cb", true, true),
            ("http://127.0.0.1:3000@evil.example/cb", true, false),
            ("http://127.0.0.1.evil.example:80/cb", true, false),
            ("https://127.0.0.1:3000/cb", true, false),
            ("http://127.0.0.1/cb", true, false),
            ("http://localhost:3000/cb#fragment", true, false),
            ("https://natives.chat/auth/callback", true, false),
        ];
        for (uri, local, allowed) in cases {
            assert_eq!(
                redirect_uri_allowed(uri, &configured, local),
                allowed,
                "{uri} local={local}"
            );
        }
        assert!(is_state_token("Q2xpZW50U3RhdGU-_x"));
        for bad in ["", "a b", "x#", &"a".repeat(129), "ÿ"] {
            assert!(!is_state_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_state_is_good_once_for_its_provider_until_it_expires() {
        let cases = [
            (Some(state(Provider::Google)), Provider::Google, 0, true),
            (Some(state(Provider::Google)), Provider::Google, 599, true),
            (Some(state(Provider::Google)), Provider::Google, 600, false),
            (Some(state(Provider::Google)), Provider::Vk, 0, false),
            // Used up (the conditional delete found nothing) or never made.
            (None, Provider::Google, 0, false),
        ];
        for (taken, provider, after, usable) in cases {
            let at = now() + Duration::seconds(after);
            assert_eq!(
                use_state(taken.clone(), provider, at).is_ok(),
                usable,
                "{taken:?} {provider} +{after}s"
            );
        }
    }

    #[test]
    fn an_identity_leads_to_a_session_a_link_or_a_registration() {
        let owner = with_password();
        let claim = Identity {
            provider: Provider::Google,
            subject: Subject::parse("1234567890").unwrap(),
            account_id: owner.id.clone(),
            email: None,
            name: None,
            linked_at: Timestamp::at(now()),
        };
        let mut blocked = owner.clone();
        blocked.status = AccountStatus::Blocked;
        let mut closed = owner.clone();
        closed.status = AccountStatus::Closed;
        let other = account(&[Role::Moderator]);
        let lifetime = Duration::days(30);
        let google = |verified| profile(Provider::Google, "ada@example.com", verified);
        let cases: [SignInCase<'_>; 8] = [
            (
                "known identity",
                google(true),
                Some((&claim, Some(&owner))),
                None,
                "session",
            ),
            (
                "known identity, unverified e-mail",
                google(false),
                Some((&claim, Some(&owner))),
                None,
                "session",
            ),
            (
                "known identity of a blocked account",
                google(true),
                Some((&claim, Some(&blocked))),
                None,
                "blocked",
            ),
            (
                "claim naming an account that is not its owner",
                google(true),
                Some((&claim, Some(&other))),
                None,
                "invalid",
            ),
            (
                "verified e-mail of an account",
                google(true),
                None,
                Some(&owner),
                "link_required",
            ),
            (
                "unverified e-mail of an account: no takeover",
                google(false),
                None,
                Some(&owner),
                "register",
            ),
            (
                "verified e-mail of a closed account",
                google(true),
                None,
                Some(&closed),
                "register",
            ),
            ("nobody's e-mail", google(true), None, None, "register"),
        ];
        for (case, profile, claimed, holder, expected) in cases {
            let outcome = match sign_in(profile, claimed, holder, lifetime, now()) {
                Ok(SignIn::Session(session)) => {
                    assert_eq!(session.0.id, owner.id, "{case}");
                    "session"
                }
                Ok(SignIn::Register(_)) => "register",
                Err(SocialRefusal::LinkRequired) => "link_required",
                Err(SocialRefusal::Login(LoginRefusal::Blocked { .. })) => "blocked",
                Err(SocialRefusal::Login(LoginRefusal::InvalidCredentials)) => "invalid",
                Err(other) => panic!("{case}: {other:?}"),
            };
            assert_eq!(outcome, expected, "{case}");
        }
    }

    #[test]
    fn a_registration_verifies_only_the_address_the_provider_verified() {
        let mut registered = account(&[]);
        registered.email = Email::parse("ada@example.com").unwrap();
        let cases = [
            ("ada@example.com", true, true),
            ("ada@example.com", false, false),
            ("someone@example.com", true, false),
        ];
        for (email, verified, expected) in cases {
            let profile = profile(Provider::Vk, email, verified);
            let (identity, verified_at) = registered_identity(&profile, &registered, now());
            assert_eq!(verified_at.is_some(), expected, "{email} {verified}");
            assert_eq!(identity.account_id, registered.id);
            assert_eq!(identity.provider, Provider::Vk);
        }
        let profile = profile(Provider::Vk, "ada@example.com", true);
        assert_eq!(
            registration_email(None, &profile),
            Some(Email::parse("ada@example.com").unwrap())
        );
        let given = Email::parse("other@example.com").unwrap();
        assert_eq!(
            registration_email(Some(given.clone()), &profile),
            Some(given)
        );
    }

    #[test]
    fn linking_needs_the_password_and_an_unclaimed_identity() {
        let owner = with_password();
        let facebook = profile(Provider::Facebook, "ada@example.com", true);
        let own_claim = identity_of(&facebook, &owner, now());
        let foreign = account(&[]);
        let foreign_claim = identity_of(&facebook, &foreign, now());
        let mut already = owner.clone();
        already
            .identities
            .insert(Provider::Facebook, Subject::parse("other").unwrap());
        let no_password = account(&[]);
        let cases: [LinkCase<'_>; 6] = [
            ("right password", &owner, true, None, Ok(())),
            (
                "wrong password",
                &owner,
                false,
                None,
                Err(SocialRefusal::WrongPassword),
            ),
            (
                "no password at all",
                &no_password,
                true,
                None,
                Err(SocialRefusal::WrongPassword),
            ),
            (
                "claimed by another account",
                &owner,
                true,
                Some(&foreign_claim),
                Err(SocialRefusal::IdentityTaken),
            ),
            (
                "claimed by this account",
                &owner,
                true,
                Some(&own_claim),
                Err(SocialRefusal::AlreadyLinked(Provider::Facebook)),
            ),
            (
                "another identity of the provider",
                &already,
                true,
                None,
                Err(SocialRefusal::AlreadyLinked(Provider::Facebook)),
            ),
        ];
        for (case, account, password_ok, claimed, expected) in cases {
            let proved = if password_ok {
                account.password_hash.clone()
            } else {
                "$argon2id$another".into()
            };
            let plan = link(
                &gate_of(account),
                Some(account),
                &proved,
                &facebook,
                claimed,
                now(),
            );
            assert_eq!(
                plan.as_ref().map(|_| ()).map_err(Clone::clone),
                expected,
                "{case}"
            );
            if let Ok(plan) = plan {
                let identities = plan.account.update.identities.unwrap();
                assert_eq!(identities.get(&Provider::Facebook), Some(&facebook.subject));
                assert!(
                    plan.account
                        .requires
                        .contains(&AccountCondition::IdentitiesAsRead(
                            account.identities.clone()
                        ))
                );
            }
        }
    }

    #[test]
    fn the_last_way_to_sign_in_cannot_be_unlinked() {
        let google = profile(Provider::Google, "ada@example.com", true);
        let vk = profile(Provider::Vk, "ada@example.com", true);
        let linked = |mut account: Account, profiles: &[&ProviderProfile]| {
            for p in profiles {
                account.identities.insert(p.provider, p.subject.clone());
            }
            account
        };
        let only_google = linked(account(&[]), &[&google]);
        let two = linked(account(&[]), &[&google, &vk]);
        let google_and_password = linked(with_password(), &[&google]);
        let cases = [
            (
                "only identity, no password",
                &only_google,
                Err(SocialRefusal::LastSignInMethod),
            ),
            ("another identity remains", &two, Ok(())),
            ("the password remains", &google_and_password, Ok(())),
        ];
        for (case, account, expected) in cases {
            let claim = identity_of(&google, account, now());
            let plan = unlink(
                &gate_of(account),
                Some(account),
                Provider::Google,
                Some(&claim),
                now(),
            );
            assert_eq!(
                plan.as_ref().map(|_| ()).map_err(Clone::clone),
                expected,
                "{case}"
            );
        }
        let not_linked = with_password();
        let claim = identity_of(&google, &not_linked, now());
        assert_eq!(
            unlink(
                &gate_of(&not_linked),
                Some(&not_linked),
                Provider::Google,
                Some(&claim),
                now()
            ),
            Err(SocialRefusal::NotLinked(Provider::Google))
        );
        let foreign_claim = identity_of(&google, &with_password(), now());
        assert_eq!(
            unlink(
                &gate_of(&google_and_password),
                Some(&google_and_password),
                Provider::Google,
                Some(&foreign_claim),
                now()
            ),
            Err(SocialRefusal::NotLinked(Provider::Google)),
            "a claim of another account is not this account's to remove"
        );
    }
}

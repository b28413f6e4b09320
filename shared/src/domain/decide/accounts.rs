//! Opening an account, and the changes a caller makes to their own account:
//! rectifying the profile, ending every session, blocking it. Each change is one write of
//! the account item that carries the gate in its condition; it is decided blind first,
//! and on the account as read when the write was refused (the gate then says why).

use time::{Duration, OffsetDateTime};

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, BirthDate,
    City, ConsentChange, ConsentSource, Consents, CountryCode, DisplayName, Email, FullName,
    Gender, Guardian, LanguageList, OutboxEmail, ProfileChanges, Role, TermsAcceptance, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

/// Below this age a guardian must consent to the registration (the age of majority).
pub const MAJORITY_AGE: i32 = 18;

/// A registration whose every field has been parsed at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: Email,
    pub display_name: DisplayName,
    pub full_name: Option<FullName>,
    pub gender: Option<Gender>,
    pub date_of_birth: BirthDate,
    pub country: CountryCode,
    pub city: Option<City>,
    pub native_languages: LanguageList,
    pub learning_languages: LanguageList,
    pub guardian: Option<Guardian>,
    pub consents: Consents,
    pub accepted_terms_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterRefusal {
    /// The registration did not accept the current terms version.
    TermsNotAccepted { current: String },
    /// A minor registers with a guardian who consents.
    GuardianRequired,
    /// Another account has this e-mail address.
    EmailTaken,
    /// The provider identity registering is linked to an account already (registered
    /// twice with one registration token, or linked meanwhile).
    IdentityTaken,
    /// The registration token is not ours, or has expired.
    InvalidRegistrationToken,
    /// The invitation code names no invitation that can be joined (unknown, joined
    /// already, or expired).
    InvalidInvitationCode,
}

/// Whether `new` may register at `now`: it accepts the `current` terms version, and
/// below the age of majority it comes with a guardian who consents. Decided before the
/// password is hashed, so a refused registration costs no hashing.
pub fn may_register(
    new: &NewAccount,
    current: &str,
    now: OffsetDateTime,
) -> Result<(), RegisterRefusal> {
    if new.accepted_terms_version != current {
        return Err(RegisterRefusal::TermsNotAccepted {
            current: current.to_owned(),
        });
    }
    let minor = new.date_of_birth.age_on(now.date()) < MAJORITY_AGE;
    if minor && !new.guardian.as_ref().is_some_and(|g| g.consent) {
        return Err(RegisterRefusal::GuardianRequired);
    }
    Ok(())
}

/// A new account, and the first entries of its terms and consent histories, written
/// with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub account: Account,
    pub terms: TermsAcceptance,
    pub consents: ConsentChange,
    /// A minor's guardian's e-mail with the consent link ([`ask_guardian_consent`]).
    pub guardian_email: Option<OutboxEmail>,
}

/// The account `new` opens (an active user, no credits, its first token generation),
/// with the password hash made for it.
pub fn register(new: NewAccount, password_hash: String, now: OffsetDateTime) -> Registration {
    let at = Timestamp::at(now);
    let id = AccountId::new();
    let terms = TermsAcceptance {
        id: new_id(),
        account_id: id.clone(),
        version: new.accepted_terms_version.clone(),
        accepted_at: at,
    };
    let consents = ConsentChange {
        id: new_id(),
        account_id: id.clone(),
        marketing_emails: new.consents.marketing_emails,
        notification_emails: new.consents.notification_emails,
        source: ConsentSource::Registration,
        changed_at: at,
    };
    let account = Account {
        id,
        email: new.email,
        email_verified_at: None,
        password_hash,
        identities: Default::default(),
        display_name: new.display_name,
        full_name: new.full_name,
        gender: new.gender,
        date_of_birth: Some(new.date_of_birth),
        country: Some(new.country),
        city: new.city,
        native_languages: new.native_languages,
        learning_languages: new.learning_languages,
        learning_levels: Default::default(),
        skype: None,
        photo: None,
        guardian: new.guardian,
        consents: new.consents,
        accepted_terms_version: new.accepted_terms_version,
        terms_accepted_at: at,
        roles: vec![Role::User],
        status: AccountStatus::Active,
        blocked_until: None,
        block_reason: None,
        balance_credits: 0,
        corporate: false,
        stripe_customer: None,
        ledger_head: None,
        token_generation: 0,
        ended_sessions: Default::default(),
        moderation_record: Default::default(),
        complaint_window: None,
        complaints_in_window: 0,
        complained_authors: Default::default(),
        upload_window: None,
        uploads_in_window: 0,
        invitation_window: None,
        invitations_in_window: 0,
        failed_logins: 0,
        login_locked_until: None,
        created_at: at,
        updated_at: at,
        restricted_at: None,
        objected_at: None,
        erased_at: None,
    };
    Registration {
        account,
        terms,
        consents,
        guardian_email: None,
    }
}

/// How long a guardian's consent link proves anything after it was e-mailed: long
/// enough for a parent to find it, short enough that a forwarded or leaked old e-mail
/// stops mattering.
pub const GUARDIAN_CONSENT_LINK_LIFETIME: Duration = Duration::days(30);

/// A minor's registration asks the guardian it names to confirm: the guardian is marked
/// as asked (so the account neither pays nor posts until they confirm) and one e-mail
/// to the guardian's address carries the consent link. `token` is the link's proof for
/// the account and that guardian as asked (address and time); `web_origin` where the
/// page is. An adult's registration is left as it is.
pub fn ask_guardian_consent(
    registration: &mut Registration,
    token: impl FnOnce(&AccountId, &Guardian) -> String,
    web_origin: &str,
    now: OffsetDateTime,
) {
    let account = &mut registration.account;
    let minor = account
        .date_of_birth
        .is_some_and(|born| born.age_on(now.date()) < MAJORITY_AGE);
    let Some(guardian) = account.guardian.as_mut().filter(|_| minor) else {
        return;
    };
    let at = Timestamp::at(now);
    guardian.consent_requested_at = Some(at);
    let token = token(&account.id, guardian);
    let link = format!(
        "{web_origin}/guardian-consent?account={}&token={token}",
        account.id
    );
    let subject = "Please confirm your consent for a Natives.Chat account".to_owned();
    let body = format!(
        "Hello {name},\n\n\
         {display} registered on Natives.Chat, a site where people learn languages by \
         talking with native speakers, and named you as their parent or guardian. Under 18, \
         they need your consent. Until you confirm, their account can be read but cannot \
         pay or post.\n\n\
         To confirm your consent, open (within {days} days):\n{link}\n\n\
         If you do not know this registration, ignore this e-mail: nothing changes.",
        name = guardian.name,
        display = account.display_name,
        days = GUARDIAN_CONSENT_LINK_LIFETIME.whole_days(),
    );
    registration.guardian_email = Some(OutboxEmail {
        to: Some(guardian.email.clone()),
        ..OutboxEmail::queued(
            &account.id,
            format!("guardian-consent-{}", account.id),
            crate::domain::EmailKind::Security,
            subject,
            body,
            at,
        )
    });
}

/// Why a guardian's consent was not confirmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardianConsentRefusal {
    /// The link does not prove a guardian asked for an account: unknown account, no
    /// guardian asked, another address, a wrong or forged token, a closed account all
    /// look the same, so the answer tells no more than the token proves.
    #[error("the consent link is not valid")]
    InvalidLink,
    /// The link is the one e-mailed, but longer ago than the link's lifetime.
    #[error("the consent link expired at {expired_at}")]
    Expired { expired_at: Timestamp },
    /// The link is the one e-mailed and was followed before: a link confirms once.
    #[error("consent was confirmed already, at {confirmed_at}")]
    AlreadyConfirmed { confirmed_at: Timestamp },
}

/// What confirming writes: the guardian's `confirmed_at`, on condition that the account
/// still names this guardian's address (the token proved it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianConsentPlan {
    pub write: AccountWrite,
    pub confirmed_at: Timestamp,
}

/// A guardian follows the consent link for `account` (as read): `proves` says whether
/// the link's token is the one for a guardian as asked. A link proves nothing first
/// (whatever else is true), then confirms once, within its lifetime.
pub fn confirm_guardian_consent(
    account: Option<&Account>,
    proves: impl Fn(&Guardian) -> bool,
    now: OffsetDateTime,
) -> Result<GuardianConsentPlan, GuardianConsentRefusal> {
    let (account, guardian, requested_at) = account
        .filter(|a| a.status != AccountStatus::Closed)
        .and_then(|a| a.guardian.as_ref().map(|g| (a, g)))
        .and_then(|(a, g)| g.consent_requested_at.map(|at| (a, g, at)))
        .filter(|(_, g, _)| proves(g))
        .ok_or(GuardianConsentRefusal::InvalidLink)?;
    if let Some(confirmed_at) = guardian.confirmed_at {
        return Err(GuardianConsentRefusal::AlreadyConfirmed { confirmed_at });
    }
    let expired_at = requested_at + GUARDIAN_CONSENT_LINK_LIFETIME;
    if expired_at <= now {
        return Err(GuardianConsentRefusal::Expired { expired_at });
    }
    let at = Timestamp::at(now);
    Ok(GuardianConsentPlan {
        write: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate {
                guardian_confirmed_at: Some(at),
                ..Default::default()
            },
            requires: vec![
                AccountCondition::NotClosed,
                AccountCondition::GuardianAsRead(guardian.email.clone()),
                AccountCondition::GuardianNotConfirmed,
            ],
        },
        confirmed_at: at,
    })
}

/// What a block at the owner's own request records as its reason.
pub const OWN_BLOCK_REASON: &str = "own request";

/// `update` to the caller's account, on the gate's condition, once the account read (if
/// it was) passes the gate.
fn own_account_write(
    gate: &Gate,
    seen: Seen<Account>,
    update: AccountUpdate,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    if let Seen::Read(account) = &seen {
        gate.admit(account.as_ref(), now)?;
    }
    Ok(AccountWrite {
        account_id: gate.account_id.clone(),
        update: AccountUpdate {
            updated_at: Some(Timestamp::at(now)),
            ..update
        },
        requires: vec![AccountCondition::Gate(gate.clone())],
    })
}

/// The owner rectifies profile fields.
pub fn update_profile(
    gate: &Gate,
    seen: Seen<Account>,
    changes: &ProfileChanges,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        profile: changes.clone(),
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

/// Every token issued so far stops working ("someone else used my account").
pub fn revoke_all_sessions(
    gate: &Gate,
    seen: Seen<Account>,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        end_every_session: true,
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

/// The owner blocks their own account, for good, and every session ends.
pub fn block_own_account(
    gate: &Gate,
    seen: Seen<Account>,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        status: Some(AccountStatus::Blocked),
        blocked_until: Some(None),
        block_reason: Some(Some(OWN_BLOCK_REASON.into())),
        end_every_session: true,
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PersonName;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::{date, datetime};

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn new_account(born: &str, guardian: Option<bool>) -> NewAccount {
        NewAccount {
            email: Email::parse("ada@example.com").unwrap(),
            display_name: DisplayName::parse("Ada", &crate::domain::ContentRules::default())
                .unwrap(),
            full_name: None,
            gender: None,
            date_of_birth: BirthDate::parse(born, date!(2027 - 03 - 01)).unwrap(),
            country: CountryCode::parse("GB").unwrap(),
            city: None,
            native_languages: LanguageList::parse(&["en".to_owned()], 1).unwrap(),
            learning_languages: LanguageList::none(),
            guardian: guardian.map(|consent| Guardian {
                name: PersonName::parse("Anne").unwrap(),
                email: Email::parse("anne@example.com").unwrap(),
                consent,
                consent_requested_at: None,
                confirmed_at: None,
            }),
            consents: Consents::default(),
            accepted_terms_version: "2026-11-01".into(),
        }
    }

    #[test]
    fn minors_register_with_a_consenting_guardian_and_everyone_accepts_the_current_terms() {
        let cases = [
            ("1990-12-10", None, Ok(()), "an adult"),
            ("2009-03-01", None, Ok(()), "eighteen today"),
            (
                "2009-03-02",
                None,
                Err(RegisterRefusal::GuardianRequired),
                "eighteen tomorrow",
            ),
            (
                "2015-06-01",
                Some(false),
                Err(RegisterRefusal::GuardianRequired),
                "no consent",
            ),
            ("2015-06-01", Some(true), Ok(()), "a guardian consents"),
        ];
        for (born, guardian, expected, why) in cases {
            assert_eq!(
                may_register(&new_account(born, guardian), "2026-11-01", NOW),
                expected,
                "{why}"
            );
        }
        assert_eq!(
            may_register(&new_account("1990-12-10", None), "2027-02-01", NOW),
            Err(RegisterRefusal::TermsNotAccepted {
                current: "2027-02-01".into()
            })
        );
    }

    #[test]
    fn a_new_account_is_an_active_user_with_its_histories_started() {
        let registration = register(new_account("1990-12-10", None), "hash".into(), NOW);
        let account = &registration.account;
        assert_eq!(account.roles, [Role::User]);
        assert_eq!(account.status, AccountStatus::Active);
        assert_eq!((account.balance_credits, account.token_generation), (0, 0));
        assert_eq!(account.password_hash, "hash");
        assert_eq!(account.created_at, Timestamp::at(NOW));
        assert_eq!(registration.terms.account_id, account.id);
        assert_eq!(registration.terms.version, "2026-11-01");
        assert_eq!(registration.consents.source, ConsentSource::Registration);
        assert_eq!(registration.consents.account_id, account.id);
    }

    #[test]
    fn a_blind_write_carries_the_gate_and_a_read_one_is_judged_by_it() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        let admin_gate = Gate {
            required_role: Some(Role::Admin),
            ..gate.clone()
        };
        let cases = [
            (
                &gate,
                Seen::Unread,
                Ok(()),
                "not read: the condition decides",
            ),
            (
                &gate,
                Seen::Read(Some(ada.clone())),
                Ok(()),
                "read and admitted",
            ),
            (
                &gate,
                Seen::Read(None),
                Err(Refusal::Unauthenticated),
                "no account",
            ),
            (
                &gate,
                Seen::Read(Some(blocked)),
                Err(Refusal::Unauthenticated),
                "blocked",
            ),
            (
                &admin_gate,
                Seen::Read(Some(ada.clone())),
                Err(Refusal::Forbidden { role: Role::Admin }),
                "lacks the role",
            ),
        ];
        for (gate, seen, expected, why) in cases {
            let decided = revoke_all_sessions(gate, seen, NOW);
            match expected {
                Ok(()) => {
                    let write = decided.unwrap();
                    assert_eq!(
                        write.requires,
                        [AccountCondition::Gate(gate.clone())],
                        "{why}"
                    );
                    assert!(write.update.end_every_session, "{why}");
                    assert_eq!(write.account_id, ada.id, "{why}");
                }
                Err(refusal) => assert_eq!(decided, Err(refusal), "{why}"),
            }
        }
    }

    #[test]
    fn blocking_ones_own_account_is_for_good_and_ends_every_session() {
        let ada = account(&[]);
        let write = block_own_account(&gate_of(&ada), Seen::Unread, NOW).unwrap();
        assert_eq!(write.update.status, Some(AccountStatus::Blocked));
        assert_eq!(write.update.blocked_until, Some(None));
        assert_eq!(write.update.block_reason, Some(Some("own request".into())));
        assert!(write.update.end_every_session);
        assert_eq!(write.update.updated_at, Some(Timestamp::at(NOW)));
    }

    #[test]
    fn a_rectification_writes_exactly_the_fields_given() {
        let ada = account(&[]);
        let changes = ProfileChanges {
            display_name: Some(
                DisplayName::parse("Ada L.", &crate::domain::ContentRules::default()).unwrap(),
            ),
            city: Some(None),
            ..Default::default()
        };
        let write = update_profile(&gate_of(&ada), Seen::Unread, &changes, NOW).unwrap();
        assert_eq!(write.update.profile, changes);
        assert_eq!(
            write.update,
            AccountUpdate {
                profile: changes.clone(),
                updated_at: Some(Timestamp::at(NOW)),
                ..Default::default()
            }
        );
    }

    /// A minor's registration asking "Anne" (so the account's guardian is pending).
    fn asked(born: &str) -> Registration {
        let mut registration = register(new_account(born, Some(true)), "hash".into(), NOW);
        ask_guardian_consent(
            &mut registration,
            |account, guardian| format!("token-for-{account}-{}", guardian.email),
            "https://natives.chat",
            NOW,
        );
        registration
    }

    #[test]
    fn only_a_minors_registration_asks_the_guardian_by_e_mail() {
        let adult = asked("1990-12-10");
        assert_eq!(
            adult.guardian_email, None,
            "an adult's guardian is not asked"
        );
        let guardian = adult.account.guardian.as_ref().unwrap();
        assert_eq!(guardian.consent_requested_at, None);

        let minor = asked("2015-06-01");
        let guardian = minor.account.guardian.as_ref().unwrap();
        assert_eq!(guardian.consent_requested_at, Some(Timestamp::at(NOW)));
        assert!(guardian.consent_pending());
        let email = minor
            .guardian_email
            .as_ref()
            .expect("the guardian is e-mailed");
        assert_eq!(
            email.to.as_ref().map(Email::to_string).as_deref(),
            Some("anne@example.com")
        );
        let id = &minor.account.id;
        let link = format!(
            "https://natives.chat/guardian-consent?account={id}&token=token-for-{id}-anne@example.com"
        );
        assert!(
            email.body.lines().any(|line| line == link),
            "{}",
            email.body
        );
        assert!(email.body.contains("within 30 days"), "{}", email.body);
    }

    #[test]
    fn a_consent_link_confirms_once_within_its_lifetime_for_the_guardian_asked() {
        let minor = asked("2015-06-01").account;
        let mut confirmed = minor.clone();
        confirmed.guardian.as_mut().unwrap().confirmed_at = Some(Timestamp::at(NOW));
        let mut closed = minor.clone();
        closed.status = AccountStatus::Closed;
        let mut never_asked = minor.clone();
        never_asked.guardian.as_mut().unwrap().consent_requested_at = None;
        let no_guardian = account(&[]);
        let lifetime = GUARDIAN_CONSENT_LINK_LIFETIME;
        let expired_at = Timestamp::at(NOW + lifetime);
        let confirmed_at = Timestamp::at(NOW);
        type Case<'a> = (
            &'a str,
            Option<&'a Account>,
            bool,
            OffsetDateTime,
            Result<(), GuardianConsentRefusal>,
        );
        let invalid = Err(GuardianConsentRefusal::InvalidLink);
        let cases: [Case; 11] = [
            (
                "no guardian",
                Some(&no_guardian),
                true,
                NOW,
                invalid.clone(),
            ),
            ("the link as sent", Some(&minor), true, NOW, Ok(())),
            (
                "a second before it expires",
                Some(&minor),
                true,
                NOW + lifetime - time::Duration::seconds(1),
                Ok(()),
            ),
            (
                "when it expires",
                Some(&minor),
                true,
                NOW + lifetime,
                Err(GuardianConsentRefusal::Expired { expired_at }),
            ),
            ("a forged token", Some(&minor), false, NOW, invalid.clone()),
            (
                "a forged token, expired",
                Some(&minor),
                false,
                NOW + lifetime,
                invalid.clone(),
            ),
            (
                "a forged token, confirmed",
                Some(&confirmed),
                false,
                NOW,
                invalid.clone(),
            ),
            (
                "followed again",
                Some(&confirmed),
                true,
                NOW,
                Err(GuardianConsentRefusal::AlreadyConfirmed { confirmed_at }),
            ),
            ("an unknown account", None, true, NOW, invalid.clone()),
            (
                "a closed account",
                Some(&closed),
                true,
                NOW,
                invalid.clone(),
            ),
            (
                "a guardian never asked",
                Some(&never_asked),
                true,
                NOW,
                invalid.clone(),
            ),
        ];
        for (name, account, proves, now, expected) in cases {
            let decided = confirm_guardian_consent(account, |_| proves, now);
            match (decided, expected) {
                (Ok(plan), Ok(())) => {
                    let account = account.unwrap();
                    assert_eq!(plan.confirmed_at, Timestamp::at(now), "{name}");
                    assert_eq!(plan.write.account_id, account.id, "{name}");
                    assert_eq!(
                        plan.write.update,
                        AccountUpdate {
                            guardian_confirmed_at: Some(Timestamp::at(now)),
                            ..Default::default()
                        },
                        "{name}"
                    );
                    assert_eq!(
                        plan.write.requires,
                        [
                            AccountCondition::NotClosed,
                            AccountCondition::GuardianAsRead(
                                Email::parse("anne@example.com").unwrap()
                            ),
                            AccountCondition::GuardianNotConfirmed,
                        ],
                        "{name}"
                    );
                }
                (decided, expected) => assert_eq!(decided.map(|_| ()), expected, "{name}"),
            }
        }
        // The store's proof is handed the guardian as read.
        let seen = std::cell::RefCell::new(None);
        let _ = confirm_guardian_consent(
            Some(&minor),
            |g| {
                *seen.borrow_mut() = Some(g.clone());
                true
            },
            NOW,
        );
        assert_eq!(seen.into_inner().as_ref(), minor.guardian.as_ref());
    }

    #[test]
    fn a_pending_guardian_holds_back_paid_routes_only() {
        let minor = asked("2015-06-01").account;
        let mut confirmed = minor.clone();
        confirmed.guardian.as_mut().unwrap().confirmed_at = Some(Timestamp::at(NOW));
        let mut never_asked = minor.clone();
        never_asked.guardian.as_mut().unwrap().consent_requested_at = None;
        let adult = account(&[]);
        let cases = [
            ("pending, a free route", &minor, false, Ok(())),
            (
                "pending, a paid route",
                &minor,
                true,
                Err(Refusal::GuardianConsentPending),
            ),
            ("confirmed, a paid route", &confirmed, true, Ok(())),
            ("never asked, a paid route", &never_asked, true, Ok(())),
            ("no guardian, a paid route", &adult, true, Ok(())),
        ];
        for (name, account, paid, expected) in cases {
            let mut gate = gate_of(account);
            gate.required_terms = paid.then(|| account.accepted_terms_version.clone());
            assert_eq!(gate.admit(Some(account), NOW), expected, "{name}");
        }
        // Terms come first: a pending minor on old terms is told to accept them.
        let mut gate = gate_of(&minor);
        gate.required_terms = Some("2099-01-01".into());
        assert_eq!(
            gate.admit(Some(&minor), NOW),
            Err(Refusal::TermsNotAccepted {
                version: "2099-01-01".into()
            })
        );
    }
}

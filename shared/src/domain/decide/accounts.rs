//! Opening an account, and the changes a caller makes to their own account:
//! rectifying the profile, ending every session, blocking it. Each change is one write of
//! the account item that carries the gate in its condition; it is decided blind first,
//! and on the account as read when the write was refused (the gate then says why).

use time::OffsetDateTime;

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, BirthDate,
    City, ConsentChange, ConsentSource, Consents, CountryCode, DisplayName, Email, FullName,
    Gender, Guardian, LanguageList, ProfileChanges, Role, TermsAcceptance, Timestamp,
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
    }
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
}

//! Credits as decisions: every change of a balance (who may make it, whether the balance
//! covers a debit, the entry it appends and which ledger head it follows), tariffs,
//! checkouts and their settlement, and admins' grants.

use time::OffsetDateTime;

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite,
    AppliedPromotion, AuditEntry, AuditEntryId, Currency, LedgerEntry, LedgerKind,
    LocalPromotionCode, Money, PromotionCodeText, Purchase, PurchaseStatus, StripePromotion,
    Tariff, TariffId, TariffName, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id_after;

/// A change of one account's balance, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceChange {
    pub account_id: AccountId,
    /// Positive for purchases and grants, negative for spending.
    pub delta: i64,
    pub kind: LedgerKind,
    /// What the change was for: a Checkout Session, a message, a grant's audit entry.
    pub reference: String,
    pub reason: Option<String>,
}

/// Whether a balance change must know the balance it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knowing {
    /// Written without a read first (a paid post: one request); the head condition
    /// only keeps entries in commit order.
    Blind,
    /// Decided on the account as read and conditioned on its ledger not having moved
    /// since, so the balance after it is known (a grant's answer shows it).
    BalanceAfter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BalanceRefusal {
    /// The gate refused the caller whose balance it is.
    Gate(Refusal),
    NoAccount,
    Insufficient {
        available: i64,
    },
}

/// A balance change as one write of the account (the balance moves by the change, its
/// ledger head advances to the new entry, on the conditions below) and the entry it
/// appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPlan {
    pub entry: LedgerEntry,
    pub account: AccountWrite,
    /// Known when the change was decided on the account as read.
    pub balance_after: Option<i64>,
}

/// Decides `change`: on the account as read, or blind (`Seen::Unread`), which only a
/// [`Knowing::Blind`] change may be. When `gate` is given the account is the caller's
/// and the gate must admit them. A debit is covered by the balance (a condition on the
/// write, so a blind debit is refused by DynamoDB and decided again on the account
/// read). The entry's id sorts after the account's ledger head, and the write requires
/// that head (as read), or any head below the new id (blind), so entries commit in id
/// order: the balance read with a head is exactly the sum of the entries up to it.
pub fn change_balance(
    change: &BalanceChange,
    seen: Seen<Account>,
    gate: Option<&Gate>,
    knowing: Knowing,
    now: OffsetDateTime,
) -> Result<LedgerPlan, BalanceRefusal> {
    let account = match seen {
        Seen::Unread => None,
        Seen::Read(account) => {
            let account = account.ok_or(BalanceRefusal::NoAccount)?;
            if let Some(gate) = gate {
                gate.admit(Some(&account), now)
                    .map_err(BalanceRefusal::Gate)?;
            }
            if account.balance_credits + change.delta < 0 {
                return Err(BalanceRefusal::Insufficient {
                    available: account.balance_credits,
                });
            }
            Some(account)
        }
    };
    let head = account.as_ref().and_then(|a| a.ledger_head.clone());
    let entry = LedgerEntry {
        id: new_id_after(head.as_deref()),
        account_id: change.account_id.clone(),
        kind: change.kind,
        credits: change.delta,
        created_at: Timestamp::at(now),
        reference: change.reference.clone(),
        reason: change.reason.clone(),
    };
    let mut requires = vec![match (knowing, &account) {
        (Knowing::BalanceAfter, Some(_)) => AccountCondition::LedgerHeadIs(head),
        (Knowing::BalanceAfter, None) => {
            unreachable!("a change that must know its balance is read first")
        }
        (Knowing::Blind, _) => AccountCondition::LedgerHeadBelow(entry.id.clone()),
    }];
    if change.delta < 0 {
        requires.push(AccountCondition::Covers(-change.delta));
    }
    requires.extend(gate.map(|gate| AccountCondition::Gate(gate.clone())));
    let balance_after = account
        .filter(|_| knowing == Knowing::BalanceAfter)
        .map(|a| a.balance_credits + change.delta);
    Ok(LedgerPlan {
        account: AccountWrite {
            account_id: change.account_id.clone(),
            update: AccountUpdate {
                balance_change: Some((change.delta, entry.id.clone())),
                ..Default::default()
            },
            requires,
        },
        entry,
        balance_after,
    })
}

/// What an admin sends for a tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffInput {
    pub id: TariffId,
    pub name: TariffName,
    pub credits: i64,
    pub price: Money,
    pub active: bool,
}

/// A tariff as it will be, its audit entry, and the gate's check on the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffPlan {
    pub tariff: Tariff,
    pub audit: AuditEntry,
    pub admin: AccountWrite,
}

/// An admin creates or changes a tariff. Purchases already made keep the price they
/// were made at: they carry their own copy.
pub fn put_tariff(
    gate: &Gate,
    seen: Seen<Account>,
    input: &TariffInput,
    now: OffsetDateTime,
) -> Result<TariffPlan, Refusal> {
    if let Seen::Read(admin) = &seen {
        gate.admit(admin.as_ref(), now)?;
    }
    let at = Timestamp::at(now);
    let tariff = Tariff {
        id: input.id.clone(),
        name: input.name.clone(),
        credits: input.credits,
        price: input.price.clone(),
        active: input.active,
        updated_at: at,
    };
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: "tariff.put".into(),
        target: format!("tariff:{}", tariff.id),
        target_account_id: None,
        reason: format!(
            "{}: {} credits for {} {} (minor units), {}",
            tariff.name,
            tariff.credits,
            tariff.price.amount_minor,
            tariff.price.currency,
            if tariff.active { "active" } else { "inactive" }
        ),
        created_at: at,
    };
    Ok(TariffPlan {
        tariff,
        audit,
        admin: AccountWrite::gate_check(gate),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutRefusal {
    Gate(Refusal),
    /// No such tariff, or it is not sold any more.
    UnknownTariff,
    /// The promotion code is unknown, expired or used up.
    InvalidPromotionCode,
}

/// A local promotion code as read, for the price of the tariff checked out: the
/// promotion (with the discount it gives) if the code may still be redeemed now.
/// Redemptions are counted when a purchase is paid, on condition that the maximum is not
/// reached then, so a code checked here may still be refused at payment.
pub fn local_promotion(
    found: Option<LocalPromotionCode>,
    price: &Money,
    now: OffsetDateTime,
) -> Result<AppliedPromotion, CheckoutRefusal> {
    let code = found.ok_or(CheckoutRefusal::InvalidPromotionCode)?;
    let expired = code.expires_at.is_some_and(|at| at.time() <= now);
    let used_up = code
        .max_redemptions
        .is_some_and(|max| code.times_redeemed >= max);
    if expired || used_up {
        return Err(CheckoutRefusal::InvalidPromotionCode);
    }
    Ok(AppliedPromotion {
        expected_discount_minor: Some(discount_of(price, code.percent_off)),
        code: code.code,
        stripe_id: None,
    })
}

/// Stripe's answer to a look-up of `code` (the first active promotion code it lists): the
/// promotion, if it may be redeemed now (Stripe lists a code as active until it is
/// deactivated; its expiry and redemption count are checked here too).
pub fn stripe_promotion(
    code: &PromotionCodeText,
    found: Option<StripePromotion>,
    now: OffsetDateTime,
) -> Result<AppliedPromotion, CheckoutRefusal> {
    let promotion = found
        .filter(|p| p.active)
        .filter(|p| p.expires_at.is_none_or(|at| at > now.unix_timestamp()))
        .filter(|p| p.max_redemptions.is_none_or(|max| p.times_redeemed < max))
        .ok_or(CheckoutRefusal::InvalidPromotionCode)?;
    Ok(AppliedPromotion {
        code: code.clone(),
        stripe_id: Some(promotion.id),
        expected_discount_minor: None,
    })
}

/// `percent_off` of `price`, rounded half up to the currency's smallest amount (Stripe
/// rounds a percentage discount to the nearest minor unit).
pub fn discount_of(price: &Money, percent_off: u8) -> i64 {
    let step = Currency::parse(&price.currency)
        .map(|c| c.amount_step())
        .unwrap_or(1);
    let exact = price.amount_minor * i64::from(percent_off);
    let minor = (exact + 50) / 100;
    (minor + step / 2) / step * step
}

/// Whether the caller may open a checkout of the tariff read (with their account, read
/// together): only an active tariff is sold.
pub fn may_check_out(
    gate: &Gate,
    account: Option<&Account>,
    tariff: Option<Tariff>,
    now: OffsetDateTime,
) -> Result<Tariff, CheckoutRefusal> {
    gate.admit(account, now).map_err(CheckoutRefusal::Gate)?;
    tariff
        .filter(|t| t.active)
        .ok_or(CheckoutRefusal::UnknownTariff)
}

/// The pending purchase a checkout opened, at the tariff's price now, with the promotion
/// it was opened with.
pub fn purchase(
    purchase_id: &str,
    account_id: &AccountId,
    tariff: &Tariff,
    promotion: Option<AppliedPromotion>,
    checkout_session_id: &str,
    now: OffsetDateTime,
) -> Purchase {
    Purchase {
        purchase_id: Some(purchase_id.to_owned()),
        promotion,
        amount_total: None,
        amount_discount: None,
        checkout_session_id: checkout_session_id.to_owned(),
        account_id: account_id.clone(),
        tariff_id: tariff.id.clone(),
        credits: tariff.credits,
        price: tariff.price.clone(),
        status: PurchaseStatus::Pending,
        created_at: Timestamp::at(now),
        settled_at: None,
    }
}

/// What a verified payment event says was paid for one Checkout Session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutPayment {
    pub checkout_session_id: String,
    pub account_id: AccountId,
    pub credits: i64,
    pub amount_minor: i64,
    /// What a promotion took off the price.
    pub amount_discount: i64,
    /// Upper case, as purchases store it.
    pub currency: String,
    /// The local stack's promotion code the purchase was opened with (counted as
    /// redeemed in the transaction that credits it); Stripe counts its own.
    pub local_promotion_code: Option<PromotionCodeText>,
}

impl CheckoutPayment {
    /// The purchase's id: a local Checkout Session's id is `cs_local_` and the purchase's
    /// id; a Stripe session is named by its own id.
    pub fn purchase_id(&self) -> &str {
        self.checkout_session_id
            .strip_prefix("cs_local_")
            .unwrap_or(&self.checkout_session_id)
    }

    /// The price the payment was for: what was paid plus what the promotion took off.
    pub fn price_paid_for(&self) -> i64 {
        self.amount_minor + self.amount_discount
    }

    /// The fields in which this payment differs from `purchase`. A discount is only
    /// accepted on a purchase opened with a promotion (and a local one, of its size).
    pub fn differences(&self, purchase: &Purchase) -> Vec<&'static str> {
        let promotion = purchase.promotion.as_ref();
        let discount_allowed = match promotion.and_then(|p| p.expected_discount_minor) {
            Some(expected) => self.amount_discount == expected,
            None => promotion.is_some() || self.amount_discount == 0,
        };
        let local_code = promotion.filter(|p| p.stripe_id.is_none()).map(|p| &p.code);
        [
            ("account_id", purchase.account_id == self.account_id),
            ("credits", purchase.credits == self.credits),
            (
                "amount",
                purchase.price.amount_minor == self.price_paid_for()
                    && self.amount_discount >= 0
                    && discount_allowed,
            ),
            ("currency", purchase.price.currency == self.currency),
            (
                "promotion_code",
                local_code == self.local_promotion_code.as_ref(),
            ),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(field, _)| field)
        .collect()
    }

    /// The credit it pays for: the purchase's credits, once (the purchase turns paid in
    /// the same transaction, on condition that it is unpaid and is what was paid for).
    pub fn credit(&self) -> BalanceChange {
        BalanceChange {
            account_id: self.account_id.clone(),
            delta: self.credits,
            kind: LedgerKind::Purchase,
            reference: self.checkout_session_id.clone(),
            reason: None,
        }
    }
}

/// What crediting a paid Checkout Session came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutSettlement {
    Credited(LedgerEntry),
    AlreadySettled,
    UnknownSession,
    /// The payment names a purchase of ours but not what it recorded: these fields
    /// differ. Nothing was written.
    Mismatch(Vec<&'static str>),
    /// The local promotion code it was opened with reached its maximum of redemptions
    /// before this payment. Nothing was written.
    PromotionUsedUp,
}

/// Why a paid session's credit was refused, from the purchase read after the refusal:
/// a payment that does not match it is a mismatch, never taken for a duplicate.
pub fn unsettled(payment: &CheckoutPayment, purchase: Option<&Purchase>) -> CheckoutSettlement {
    let Some(purchase) = purchase else {
        return CheckoutSettlement::UnknownSession;
    };
    let differences = payment.differences(purchase);
    if !differences.is_empty() {
        CheckoutSettlement::Mismatch(differences)
    } else if purchase.status == PurchaseStatus::Paid {
        CheckoutSettlement::AlreadySettled
    } else {
        // The purchase matches and is unpaid, so its account is gone.
        CheckoutSettlement::UnknownSession
    }
}

/// A step of a purchase's status: from the statuses it may be in, to the next, settled
/// at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseStep {
    pub from: Vec<PurchaseStatus>,
    pub to: PurchaseStatus,
    pub at: Timestamp,
}

/// A pending purchase that will not be paid (expired, or its payment failed); a paid
/// one stays paid.
pub fn fail_checkout(now: OffsetDateTime) -> PurchaseStep {
    PurchaseStep {
        from: vec![PurchaseStatus::Pending],
        to: PurchaseStatus::Failed,
        at: Timestamp::at(now),
    }
}

/// A payment settles its purchase once: pending (or failed, when the payment came
/// after all) turns paid.
pub fn settle_checkout(now: OffsetDateTime) -> PurchaseStep {
    PurchaseStep {
        from: vec![PurchaseStatus::Pending, PurchaseStatus::Failed],
        to: PurchaseStatus::Paid,
        at: Timestamp::at(now),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantRefusal {
    Gate(Refusal),
    NoSuchAccount,
    /// Separation of duties: an admin grants nothing to their own account.
    OwnAccount,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
    /// The account was erased: closed for good, it is given nothing again.
    Closed,
}

/// What a grant is decided on: the admin's account and the target's, read together.
#[derive(Debug, Clone)]
pub struct GrantState {
    pub admin: Option<Account>,
    pub target: Option<Account>,
}

/// A grant: the balance change (conditioned on the target's ledger not having moved
/// since it was read, so the answer shows the exact balance it left), its audit entry,
/// and the gate's check on the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantPlan {
    pub ledger: LedgerPlan,
    pub audit: AuditEntry,
    pub admin: AccountWrite,
}

/// An admin grants `credits` to `target` for `reason` (the Terms' "special
/// conditions"): in the ledger and in the audit log.
pub fn grant_credits(
    gate: &Gate,
    state: GrantState,
    target: &AccountId,
    credits: i64,
    reason: &str,
    now: OffsetDateTime,
) -> Result<GrantPlan, GrantRefusal> {
    gate.admit(state.admin.as_ref(), now)
        .map_err(GrantRefusal::Gate)?;
    if *target == gate.account_id {
        return Err(GrantRefusal::OwnAccount);
    }
    let target_status = state.target.as_ref().map(|account| account.status);
    if target_status == Some(AccountStatus::Closed) {
        return Err(GrantRefusal::Closed);
    }
    let at = Timestamp::at(now);
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: "credits.grant".into(),
        target: format!("account:{target}"),
        target_account_id: Some(target.clone()),
        reason: format!("{credits} credits: {reason}"),
        created_at: at,
    };
    let change = BalanceChange {
        account_id: target.clone(),
        delta: credits,
        kind: LedgerKind::Grant,
        reference: audit.id.to_string(),
        reason: Some(reason.to_owned()),
    };
    let mut ledger = change_balance(
        &change,
        Seen::Read(state.target),
        None,
        Knowing::BalanceAfter,
        now,
    )
    .map_err(|refusal| match refusal {
        BalanceRefusal::NoAccount => GrantRefusal::NoSuchAccount,
        BalanceRefusal::Gate(refusal) => GrantRefusal::Gate(refusal),
        BalanceRefusal::Insufficient { .. } => unreachable!("a grant adds credits"),
    })?;
    if let Some(status) = target_status {
        // Not erased since it was read: erased is final.
        ledger
            .account
            .requires
            .push(AccountCondition::StatusAsRead(status));
    }
    Ok(GrantPlan {
        ledger,
        audit,
        admin: AccountWrite::gate_check(gate),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn spend(account: &Account, credits: i64) -> BalanceChange {
        BalanceChange {
            account_id: account.id.clone(),
            delta: -credits,
            kind: LedgerKind::Spend,
            reference: "a message".into(),
            reason: None,
        }
    }

    #[test]
    fn a_balance_never_goes_below_zero_and_entries_follow_the_head() {
        let mut ada = account(&[]);
        ada.balance_credits = 5;
        ada.ledger_head = Some("01J0000000000000000000000A".into());
        let gate = gate_of(&ada);
        // blind: the conditions decide
        let blind = change_balance(
            &spend(&ada, 3),
            Seen::Unread,
            Some(&gate),
            Knowing::Blind,
            NOW,
        )
        .unwrap();
        assert_eq!(blind.balance_after, None);
        assert_eq!(
            blind.account.requires,
            [
                AccountCondition::LedgerHeadBelow(blind.entry.id.clone()),
                AccountCondition::Covers(3),
                AccountCondition::Gate(gate.clone()),
            ]
        );
        assert_eq!(
            blind.account.update.balance_change,
            Some((-3, blind.entry.id.clone()))
        );
        // read: the account decides
        let cases = [
            (5, Ok(())),
            (6, Err(BalanceRefusal::Insufficient { available: 5 })),
        ];
        for (credits, expected) in cases {
            let decided = change_balance(
                &spend(&ada, credits),
                Seen::Read(Some(ada.clone())),
                Some(&gate),
                Knowing::Blind,
                NOW,
            );
            assert_eq!(decided.clone().map(|_| ()), expected);
            if let Ok(plan) = decided {
                assert!(plan.entry.id.as_str() > "01J0000000000000000000000A");
            }
        }
        let exact = change_balance(
            &BalanceChange {
                delta: 10,
                kind: LedgerKind::Grant,
                ..spend(&ada, 0)
            },
            Seen::Read(Some(ada.clone())),
            None,
            Knowing::BalanceAfter,
            NOW,
        )
        .unwrap();
        assert_eq!(exact.balance_after, Some(15));
        assert_eq!(
            exact.account.requires,
            [AccountCondition::LedgerHeadIs(ada.ledger_head.clone())]
        );
        let blocked = Account {
            status: crate::domain::AccountStatus::Blocked,
            ..ada.clone()
        };
        assert_eq!(
            change_balance(
                &spend(&ada, 1),
                Seen::Read(Some(blocked)),
                Some(&gate),
                Knowing::Blind,
                NOW
            )
            .err(),
            Some(BalanceRefusal::Gate(Refusal::Unauthenticated))
        );
        assert_eq!(
            change_balance(&spend(&ada, 1), Seen::Read(None), None, Knowing::Blind, NOW).err(),
            Some(BalanceRefusal::NoAccount)
        );
    }

    #[test]
    fn admins_grant_to_others_only_and_see_the_balance_it_leaves() {
        let admin = account(&[Role::Admin]);
        let gate = Gate {
            required_role: Some(Role::Admin),
            ..gate_of(&admin)
        };
        let mut ada = account(&[]);
        ada.balance_credits = 7;
        let state = |target: Option<Account>| GrantState {
            admin: Some(admin.clone()),
            target,
        };
        let plan = grant_credits(
            &gate,
            state(Some(ada.clone())),
            &ada.id,
            50,
            "Teacher programme",
            NOW,
        )
        .unwrap();
        assert_eq!(plan.ledger.balance_after, Some(57));
        assert_eq!(plan.ledger.entry.kind, LedgerKind::Grant);
        assert_eq!(plan.ledger.entry.reference, plan.audit.id.to_string());
        assert_eq!(plan.audit.reason, "50 credits: Teacher programme");
        assert_eq!(plan.audit.action, "credits.grant");
        assert_eq!(
            grant_credits(&gate, state(Some(admin.clone())), &admin.id, 5, "x", NOW).err(),
            Some(GrantRefusal::OwnAccount)
        );
        assert_eq!(
            grant_credits(&gate, state(None), &ada.id, 5, "x", NOW).err(),
            Some(GrantRefusal::NoSuchAccount)
        );
        assert!(
            plan.ledger
                .account
                .requires
                .contains(&AccountCondition::StatusAsRead(AccountStatus::Active)),
            "an erasure between the read and the write refuses the grant"
        );
        // erased is final: no credits for a closed account
        let erased = Account {
            status: AccountStatus::Closed,
            ..ada.clone()
        };
        assert_eq!(
            grant_credits(&gate, state(Some(erased)), &ada.id, 5, "x", NOW).err(),
            Some(GrantRefusal::Closed)
        );
    }

    #[test]
    fn a_payment_credits_its_purchase_once_and_a_mismatch_is_never_a_duplicate() {
        let ada = account(&[]);
        let tariff = Tariff {
            id: TariffId::parse("starter").unwrap(),
            name: TariffName::parse("Starter", &crate::domain::ContentRules::default()).unwrap(),
            credits: 100,
            price: Money::parse(990, "EUR").unwrap(),
            active: true,
            updated_at: Timestamp::at(NOW),
        };
        let pending = purchase("p1", &ada.id, &tariff, None, "cs_1", NOW);
        let payment = CheckoutPayment {
            checkout_session_id: "cs_1".into(),
            account_id: ada.id.clone(),
            credits: 100,
            amount_minor: 990,
            amount_discount: 0,
            currency: "EUR".into(),
            local_promotion_code: None,
        };
        assert_eq!(
            unsettled(&payment, None),
            CheckoutSettlement::UnknownSession
        );
        assert_eq!(
            unsettled(&payment, Some(&pending)),
            CheckoutSettlement::UnknownSession,
            "matching and unpaid: its account is gone"
        );
        let paid = Purchase {
            status: PurchaseStatus::Paid,
            ..pending.clone()
        };
        assert_eq!(
            unsettled(&payment, Some(&paid)),
            CheckoutSettlement::AlreadySettled
        );
        let cheaper = CheckoutPayment {
            amount_minor: 1,
            credits: 1000,
            ..payment.clone()
        };
        assert_eq!(
            unsettled(&cheaper, Some(&paid)),
            CheckoutSettlement::Mismatch(vec!["credits", "amount"])
        );
        assert_eq!(payment.credit().delta, 100);
        let discounted = CheckoutPayment {
            amount_minor: 891,
            amount_discount: 99,
            ..payment.clone()
        };
        assert_eq!(
            unsettled(&discounted, Some(&paid)),
            CheckoutSettlement::Mismatch(vec!["amount"]),
            "a discount on a purchase opened without a promotion"
        );
        let code = PromotionCodeText::parse("spring10").unwrap();
        let promoted = Purchase {
            promotion: Some(AppliedPromotion {
                code: code.clone(),
                stripe_id: None,
                expected_discount_minor: Some(99),
            }),
            ..paid.clone()
        };
        let with_code = CheckoutPayment {
            local_promotion_code: Some(code),
            ..discounted.clone()
        };
        assert_eq!(
            unsettled(&with_code, Some(&promoted)),
            CheckoutSettlement::AlreadySettled
        );
        assert_eq!(
            unsettled(&discounted, Some(&promoted)),
            CheckoutSettlement::Mismatch(vec!["promotion_code"])
        );
        let inactive = Tariff {
            active: false,
            ..tariff.clone()
        };
        let gate = gate_of(&ada);
        assert_eq!(
            may_check_out(&gate, Some(&ada), Some(inactive), NOW),
            Err(CheckoutRefusal::UnknownTariff)
        );
        assert_eq!(
            may_check_out(&gate, Some(&ada), Some(tariff.clone()), NOW),
            Ok(tariff)
        );
        assert_eq!(
            fail_checkout(NOW).from,
            [PurchaseStatus::Pending],
            "a paid purchase stays paid"
        );
        assert!(
            !settle_checkout(NOW).from.contains(&PurchaseStatus::Paid),
            "once"
        );
    }

    #[test]
    fn a_promotion_code_is_refused_when_unknown_expired_or_used_up() {
        let price = Money::parse(990, "EUR").unwrap();
        let code = LocalPromotionCode {
            code: PromotionCodeText::parse("SPRING10").unwrap(),
            percent_off: 10,
            expires_at: Some(Timestamp::at(NOW + time::Duration::days(1))),
            max_redemptions: Some(2),
            times_redeemed: 1,
            created_at: Timestamp::at(NOW),
        };
        let applied = local_promotion(Some(code.clone()), &price, NOW).unwrap();
        assert_eq!(applied.expected_discount_minor, Some(99));
        let refused = Err(CheckoutRefusal::InvalidPromotionCode);
        assert_eq!(local_promotion(None, &price, NOW), refused);
        let expired = LocalPromotionCode {
            expires_at: Some(Timestamp::at(NOW)),
            ..code.clone()
        };
        assert_eq!(local_promotion(Some(expired), &price, NOW), refused);
        let used_up = LocalPromotionCode {
            times_redeemed: 2,
            ..code.clone()
        };
        assert_eq!(local_promotion(Some(used_up), &price, NOW), refused);

        let text = PromotionCodeText::parse("SPRING10").unwrap();
        let stripe = StripePromotion {
            id: "promo_1".into(),
            active: true,
            expires_at: None,
            max_redemptions: Some(5),
            times_redeemed: 4,
        };
        assert_eq!(
            stripe_promotion(&text, Some(stripe.clone()), NOW)
                .unwrap()
                .stripe_id
                .as_deref(),
            Some("promo_1")
        );
        for bad in [
            None,
            Some(StripePromotion {
                active: false,
                ..stripe.clone()
            }),
            Some(StripePromotion {
                times_redeemed: 5,
                ..stripe.clone()
            }),
            Some(StripePromotion {
                expires_at: Some(NOW.unix_timestamp()),
                ..stripe.clone()
            }),
        ] {
            assert_eq!(stripe_promotion(&text, bad, NOW), refused);
        }
    }

    #[test]
    fn discounts_round_to_the_currencys_smallest_amount() {
        let price = |amount, currency| Money::parse(amount, currency).unwrap();
        assert_eq!(discount_of(&price(990, "EUR"), 10), 99);
        assert_eq!(discount_of(&price(995, "EUR"), 10), 100, "99.5 rounds up");
        assert_eq!(discount_of(&price(990, "EUR"), 100), 990);
        assert_eq!(discount_of(&price(1500, "JPY"), 15), 225);
        assert_eq!(
            discount_of(&price(500, "ISK"), 10),
            100,
            "ISK in whole krónur"
        );
        assert_eq!(discount_of(&price(500, "ISK"), 5), 0);
    }
}

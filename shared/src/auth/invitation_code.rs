//! The code an invitation e-mail carries: the inviter's account id, the invitation's id
//! and 256 random bits, `<account>.<invitation>.<secret>`. The ids find the invitation
//! with one read; only the SHA-256 of the secret is stored, so the table alone does not
//! give a working code away.

use std::fmt;

use aws_lc_rs::digest;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::domain::{AccountId, InvitationId};
use crate::random::random_bytes;

#[derive(Clone, PartialEq, Eq)]
pub struct InvitationCode {
    pub inviter_id: AccountId,
    pub invitation_id: InvitationId,
    secret: String,
}

impl InvitationCode {
    const SECRET_BYTES: usize = 32;
    const SECRET_LEN: usize = 43;

    pub fn generate(inviter_id: &AccountId, invitation_id: &InvitationId) -> Self {
        Self {
            inviter_id: inviter_id.clone(),
            invitation_id: invitation_id.clone(),
            secret: URL_SAFE_NO_PAD.encode(random_bytes::<{ Self::SECRET_BYTES }>()),
        }
    }

    /// Accepts only strings shaped like a code we issue.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().split('.');
        let (inviter, invitation, secret) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || secret.len() != Self::SECRET_LEN {
            return None;
        }
        let decoded = URL_SAFE_NO_PAD.decode(secret).ok()?;
        (decoded.len() == Self::SECRET_BYTES).then_some(())?;
        Some(Self {
            inviter_id: AccountId::parse(inviter).ok()?,
            invitation_id: InvitationId::parse(invitation).ok()?,
            secret: secret.to_owned(),
        })
    }

    /// The code as the e-mail's links carry it (URL-safe as it is).
    pub fn expose(&self) -> String {
        format!("{}.{}.{}", self.inviter_id, self.invitation_id, self.secret)
    }

    /// Lower-case hex SHA-256 of the secret: the only form in which it is stored.
    pub fn digest_hex(&self) -> String {
        digest::digest(&digest::SHA256, self.secret.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl fmt::Debug for InvitationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "InvitationCode({}.{}.***)",
            self.inviter_id, self.invitation_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_codes_we_issue_parse() {
        let (ada, invitation) = (AccountId::new(), InvitationId::new());
        let code = InvitationCode::generate(&ada, &invitation);
        let parsed = InvitationCode::parse(&code.expose()).unwrap();
        assert_eq!(parsed, code);
        assert_eq!(parsed.digest_hex(), code.digest_hex());
        assert_ne!(
            InvitationCode::generate(&ada, &invitation).digest_hex(),
            code.digest_hex(),
            "random"
        );
        assert!(!format!("{code:?}").contains(&code.secret));
        let exposed = code.expose();
        let bad = [
            "",
            "nonsense",
            &exposed[..exposed.len() - 1],
            &format!("{exposed}.x"),
            &exposed.replacen('.', ":", 1),
            &exposed.to_lowercase(),
        ];
        for raw in bad {
            assert_eq!(InvitationCode::parse(raw), None, "{raw}");
        }
    }
}

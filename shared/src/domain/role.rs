use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Consultant,
    Mentor,
    Moderator,
    Admin,
    /// Reads corporate clients' company details (and nobody else does).
    PartnerManager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Consultant => "consultant",
            Self::Mentor => "mentor",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
            Self::PartnerManager => "partner_manager",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "user" => Ok(Self::User),
            "consultant" => Ok(Self::Consultant),
            "mentor" => Ok(Self::Mentor),
            "moderator" => Ok(Self::Moderator),
            "admin" => Ok(Self::Admin),
            "partner_manager" => Ok(Self::PartnerManager),
            other => Err(format!(
                "unknown role {other:?}: expected user, consultant, mentor, moderator, admin or partner_manager"
            )),
        }
    }
}

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Consultant,
    Mentor,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Consultant => "consultant",
            Self::Mentor => "mentor",
            Self::Moderator => "moderator",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "user" => Ok(Self::User),
            "consultant" => Ok(Self::Consultant),
            "mentor" => Ok(Self::Mentor),
            "moderator" => Ok(Self::Moderator),
            "admin" => Ok(Self::Admin),
            other => Err(format!(
                "unknown role {other:?}: expected user, consultant, mentor, moderator or admin"
            )),
        }
    }
}

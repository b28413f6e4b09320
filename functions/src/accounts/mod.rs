pub mod confirm_guardian_consent;
pub mod get_profile;
pub mod register;

pub mod get_profile;
pub mod register;

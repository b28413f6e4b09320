//! Natives.Chat shared library: domain types, authentication, the DynamoDB adapter
//! and the HTTP edge helpers every function uses. It knows nothing about routing.

pub mod archive;
pub mod auth;
pub mod aws;
pub mod clock;
pub mod config;
pub mod domain;
pub mod gate;
pub mod http;
pub mod ids;
pub mod mail;
pub mod payments;
pub mod random;
pub mod secrets;
pub mod social;
pub mod store;

//! API journeys: the local stack on a random port, with a fresh data folder per test,
//! driven over real HTTP as a client would.

mod accounts;
mod authorization;
mod budget;
mod content_rules;
mod conversations;
mod credits;
mod gate;
mod helpers;
mod idempotency;
mod me;
mod moderation;
mod privacy;
mod security;
mod sessions;
mod soak;
mod stack;
mod stripe_stub;

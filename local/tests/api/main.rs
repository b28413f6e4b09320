//! API journeys: the local stack on a random port, with a fresh data folder per test,
//! driven over real HTTP as a client would.

mod accounts;
mod answers;
mod authorization;
mod browser_sessions;
mod budget;
mod cli;
mod companies;
mod content_rules;
mod conversations;
mod correction_moderation;
mod corrections;
mod credits;
mod faults;
mod gate;
mod helpers;
mod idempotency;
mod index_lag;
mod invitations;
mod lifecycle;
mod live;
mod me;
mod moderation;
mod privacy;
mod profiles;
mod progress;
mod promotions;
mod readme;
mod security;
mod sessions;
mod soak;
mod social;
mod stack;
mod stripe_stub;
mod voice;
mod web_client;

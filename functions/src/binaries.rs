//! The deployed binaries. Every row of the function table names the binary its function
//! deploys (`binary:`); each binary serves only its own rows, and links only the clients
//! those rows use (S3, SSM, SES, Stripe). That is decided at compile time: the binary's
//! `main` names its [`Deployment`], the dispatch leaves out every other row's handler, and
//! [`App`](crate::App) builds (and so links) a client only where the binary's rows need
//! it. With fat LTO, what a binary cannot reach is not in its zip and not in its link,
//! which is what keeps each zip small and lets cargo link the binaries side by side
//! (docs/performance.md, "Release build").

use natives_shared::config::Secret;

use crate::Function;
use crate::spec::{FunctionSpec, Resource};

/// A binary the functions deploy (`functions/src/bin/<name>.rs`). The groups follow what
/// their functions link beyond DynamoDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Binary {
    /// DynamoDB only.
    Core,
    /// The functions that sign tokens: the private key comes from SSM.
    Sessions,
    /// Stripe's client and the Stripe secrets from SSM.
    Payments,
    /// The voice buckets (S3).
    Voice,
    /// The outbox's e-mail (SES).
    Outbox,
    /// The WebSocket API's connections (the API Gateway Management API): the functions
    /// that push frames to them or close them.
    Live,
}

impl Binary {
    pub const ALL: [Binary; 6] = [
        Binary::Core,
        Binary::Sessions,
        Binary::Payments,
        Binary::Voice,
        Binary::Outbox,
        Binary::Live,
    ];

    /// The cargo binary, and the template's `BuildProperties: Binary:`.
    pub const fn name(self) -> &'static str {
        match self {
            Binary::Core => "natives-core",
            Binary::Sessions => "natives-sessions",
            Binary::Payments => "natives-payments",
            Binary::Voice => "natives-voice",
            Binary::Outbox => "natives-outbox",
            Binary::Live => "natives-live",
        }
    }

    pub const fn clients(self) -> Clients {
        Clients::of(Some(self))
    }

    /// The rows this binary serves.
    pub fn functions(self) -> impl Iterator<Item = &'static FunctionSpec> {
        crate::FUNCTIONS
            .iter()
            .filter(move |spec| spec.binary == self)
    }
}

/// The clients beyond DynamoDB that a binary builds, and so links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clients {
    pub s3: bool,
    pub ssm: bool,
    pub ses: bool,
    pub stripe: bool,
    /// The API Gateway Management API (the WebSocket API's connections).
    pub connections: bool,
}

impl Clients {
    pub const ALL: Clients = Clients {
        s3: true,
        ssm: true,
        ses: true,
        stripe: true,
        connections: true,
    };

    /// What the rows of `binary` (every row: `None`) use, read from their permissions:
    /// a bucket needs S3, a secret SSM, the e-mail identity SES, the Stripe key Stripe,
    /// the WebSocket API's connections the Management API.
    pub const fn of(binary: Option<Binary>) -> Clients {
        let mut clients = Clients {
            s3: false,
            ssm: false,
            ses: false,
            stripe: false,
            connections: false,
        };
        let mut row = 0;
        while row < crate::FUNCTIONS.len() {
            let spec = &crate::FUNCTIONS[row];
            if serves(binary, spec.function) {
                let mut p = 0;
                while p < spec.permissions.len() {
                    match spec.permissions[p].resource {
                        Resource::Objects { .. } | Resource::Bucket(_) => clients.s3 = true,
                        Resource::EmailIdentity => clients.ses = true,
                        Resource::Connections => clients.connections = true,
                        Resource::Parameter(secret) => {
                            clients.ssm = true;
                            if matches!(secret, Secret::StripeSecretKey) {
                                clients.stripe = true;
                            }
                        }
                        Resource::Table | Resource::Index(_) | Resource::TableStream => {}
                    }
                    p += 1;
                }
            }
            row += 1;
        }
        clients
    }
}

/// Whether `binary` (every binary: `None`) serves `function`.
pub const fn serves(binary: Option<Binary>, function: Function) -> bool {
    match binary {
        None => true,
        Some(binary) => function.binary() as u8 == binary as u8,
    }
}

/// What a build serves, as a type, so the dispatch and `App` leave the rest out at
/// compile time: [`Deployed`] for a binary, [`Whole`] for the local stack and the tests.
pub trait Deployment {
    const BINARY: Option<Binary>;
    const CLIENTS: Clients = Clients::of(Self::BINARY);
}

/// Every row: the local stack serves the whole table from one process.
pub struct Whole;

impl Deployment for Whole {
    const BINARY: Option<Binary> = None;
}

/// One binary's rows: `Deployed<{ Binary::Voice as usize }>`.
pub struct Deployed<const BINARY: usize>;

impl<const BINARY: usize> Deployment for Deployed<BINARY> {
    const BINARY: Option<Binary> = Some(Binary::ALL[BINARY]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_indices_name_their_variants() {
        for (index, binary) in Binary::ALL.into_iter().enumerate() {
            assert_eq!(binary as usize, index);
        }
    }

    #[test]
    fn each_binary_links_exactly_the_clients_its_rows_use() {
        assert_eq!(Binary::Core.clients(), Clients::default());
        assert_eq!(
            Binary::Sessions.clients(),
            Clients {
                ssm: true,
                ..Clients::default()
            }
        );
        assert_eq!(
            Binary::Payments.clients(),
            Clients {
                ssm: true,
                stripe: true,
                ..Clients::default()
            }
        );
        assert_eq!(
            Binary::Voice.clients(),
            Clients {
                s3: true,
                // the voice route signs CDN URLs with a key from SSM
                ssm: true,
                ..Clients::default()
            }
        );
        assert_eq!(
            Binary::Outbox.clients(),
            Clients {
                ses: true,
                ..Clients::default()
            }
        );
        assert_eq!(
            Binary::Live.clients(),
            Clients {
                connections: true,
                ..Clients::default()
            }
        );
        assert_eq!(Whole::CLIENTS, Clients::ALL);
    }

    #[test]
    fn every_binary_serves_a_function() {
        for binary in Binary::ALL {
            assert!(binary.functions().next().is_some(), "{binary:?}");
        }
    }
}

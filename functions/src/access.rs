//! Who may call a function, declared once: by the type its handler takes. The gate's
//! token step hands a handler what its parameter type asks for, and the function table
//! reads the same type's [`FromGate::ACCESS`] for the row (the authorization matrix, the
//! examples, the token step), so a row and its handler cannot disagree.
//!
//! | handler takes | access |
//! |---|---|
//! | [`Visitor`] | `Public` |
//! | `Option<Caller>` | `Viewer` |
//! | [`Bearer`] | `Bearer` |
//! | `Caller` | `User` |
//! | [`Payer`] | `Paid` |
//! | [`Staff<Moderator>`], [`Staff<Admin>`]… | `Role(…)` |

use std::future::Future;
use std::marker::PhantomData;

use lambda_http::Request;
use natives_shared::domain::Role;
use natives_shared::gate::Caller;
use natives_shared::http::ApiError;

use crate::spec::Access;
use crate::{App, HandlerResult};

/// What the gate hands a handler, by the type the handler asks for, and the access that
/// type stands for.
pub trait FromGate: Sized + Send {
    const ACCESS: Access;
    /// From the token step's caller (none when the route reads no token, or a viewer
    /// sent none).
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError>;
}

/// What a handler of a public route receives instead of a caller: identity is never read.
pub struct Visitor;

impl FromGate for Visitor {
    const ACCESS: Access = Access::Public;
    fn from_gate(_: Option<Caller>) -> Result<Self, ApiError> {
        Ok(Visitor)
    }
}

/// Anyone; a valid token may show the caller more.
impl FromGate for Option<Caller> {
    const ACCESS: Access = Access::Viewer;
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError> {
        Ok(caller)
    }
}

/// A registered account.
impl FromGate for Caller {
    const ACCESS: Access = Access::User;
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError> {
        caller.ok_or_else(|| ApiError::unauthorized("An access token is required."))
    }
}

macro_rules! caller_wrapper {
    ($(#[$doc:meta])* $name:ident $(<$param:ident: $bound:ident>)?, $access:expr) => {
        $(#[$doc])*
        pub struct $name$(<$param: $bound>)?(Caller $(, PhantomData<$param>)?);

        impl$(<$param: $bound>)? std::ops::Deref for $name$(<$param>)? {
            type Target = Caller;
            fn deref(&self) -> &Caller {
                &self.0
            }
        }

        impl$(<$param: $bound>)? FromGate for $name$(<$param>)? {
            const ACCESS: Access = $access;
            fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError> {
                Caller::from_gate(caller).map(|caller| Self(caller $(, PhantomData::<$param>)?))
            }
        }
    };
}

caller_wrapper!(
    /// A verified access token, not checked against the account: routes that make no
    /// DynamoDB request and write nothing durable (what they lead to is checked when it
    /// is used).
    Bearer,
    Access::Bearer
);
caller_wrapper!(
    /// A registered account that must have accepted the current terms version: the paid
    /// actions.
    Payer,
    Access::Paid
);
caller_wrapper!(
    /// An account that must hold the role `R` names.
    Staff<R: StaffRole>,
    Access::Role(R::ROLE)
);

/// A role a route may require, as a type.
pub trait StaffRole: Send + Sync + 'static {
    const ROLE: Role;
}

/// The moderator role.
pub struct Moderator;
impl StaffRole for Moderator {
    const ROLE: Role = Role::Moderator;
}

/// The admin role.
pub struct Admin;
impl StaffRole for Admin {
    const ROLE: Role = Role::Admin;
}

/// The partner manager role (corporate clients' company details).
pub struct PartnerManager;
impl StaffRole for PartnerManager {
    const ROLE: Role = Role::PartnerManager;
}

/// An HTTP handler that takes `C` from the gate.
pub trait Handler<C> {}

impl<F, Fut, C> Handler<C> for F
where
    F: Fn(&'static App, Request, C) -> Fut,
    Fut: Future<Output = HandlerResult>,
    C: FromGate,
{
}

/// The access of `handler`, read off the type of its caller parameter (the table's
/// rows use it: a row states no access of its own).
pub const fn of<C: FromGate, F: Handler<C>>(_handler: &F) -> Access {
    C::ACCESS
}

//! What a row of the function table says, and the macro that turns the table into the
//! `Function` enum and its dispatch. A function deploys the binary its row names
//! (`crate::binaries`); the function's name, its `Handler:` in the template, selects its
//! row in that binary.

use natives_shared::config::Secret;
use natives_shared::domain::Role;
use natives_shared::store::KeyAccess;

/// What invokes a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A route of the HTTP API (payload 2.0).
    Http {
        method: &'static str,
        /// API Gateway path template, e.g. `/v1/threads/{thread_id}`; or `$default`
        /// (method `ANY`), the route of every request no other route matches.
        path: &'static str,
    },
    /// The table's DynamoDB stream: the changes one of `filters` lets through. The event
    /// source mapping filters with their patterns on AWS, the local pump with the same
    /// patterns; the handler takes `aws_lambda_events`' DynamoDB event.
    TableStream { filters: &'static [StreamFilter] },
    /// A route of the WebSocket API (`$connect`, `$disconnect` or `$default`, the route of
    /// every frame): the handler takes API Gateway's WebSocket event and answers
    /// `{statusCode, body}` (for `$default`, the body is the frame sent back).
    WebSocket { route: &'static str },
    /// An EventBridge schedule (`rate(...)` or `cron(...)`).
    Schedule { expression: &'static str },
    /// Objects created in a bucket under a prefix.
    ObjectCreated {
        bucket: Bucket,
        prefix: &'static str,
    },
}

/// Who may call a function: the gate's first step (the token). Whether the account
/// accepts the token and holds the role is decided against the account item by the
/// request the route makes anyway (`natives_shared::gate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; identity is never read (a token, valid or not, changes nothing).
    Public,
    /// Anyone; a valid token may show the caller more (their own hidden content, a
    /// moderator's view). An invalid token is a 401.
    Viewer,
    /// A verified access token, not checked against the account: for routes that make
    /// no DynamoDB request and write nothing durable (a voice upload URL). What it
    /// leads to is checked by the gate when it is used.
    Bearer,
    /// A registered account.
    User,
    /// A registered account's privacy rights: what `User` admits, and also a privacy
    /// session's token (a blocked account's included). Every other access refuses such a
    /// token with 403 `account_blocked`.
    DataSubject,
    /// A registered account that has accepted the current terms version: the paid
    /// actions (403 `terms_not_accepted` after a terms change until it accepts).
    Paid,
    /// An account with this role.
    Role(Role),
    /// Not called over HTTP (streams, schedules, bucket events).
    Internal,
}

impl Access {
    /// Whether a privacy session's token reaches a route of this access.
    pub fn takes_privacy_scope(self) -> bool {
        self == Access::DataSubject
    }
}

impl Trigger {
    /// Whether the table's stream hands this function `record` (a stream record as Lambda
    /// delivers it): what its event source mapping's filter lets through on AWS, and what
    /// the local pump delivers.
    pub fn takes_stream_record(&self, record: &serde_json::Value) -> bool {
        match self {
            Trigger::TableStream { filters } => {
                filters.iter().any(|filter| filter.lets_through(record))
            }
            _ => false,
        }
    }
}

pub use crate::stream_filter::{SortKey, StreamEvent, StreamFilter, stream_prefix};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Uploads before they are published; expire after a day.
    Staging,
    /// Published recordings; never overwritten, deleted only by the break-glass function
    /// (`destroy-recording`).
    Archive,
    /// Profile photos, re-encoded; deleted with their replacement, removal or erasure.
    Photos,
}

/// What a permission's actions apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Table,
    /// A global secondary index of the table.
    Index(&'static str),
    TableStream,
    /// The SES identity e-mails are sent from (template parameter `EmailSenderIdentity`).
    EmailIdentity,
    /// Objects of a bucket under a key prefix.
    Objects {
        bucket: Bucket,
        prefix: &'static str,
    },
    /// A bucket itself (listing it, or its object versions).
    Bucket(Bucket),
    /// The SSM SecureString parameter that holds a secret (its name is a template
    /// parameter; the function's environment names it in `<SECRET>_PARAMETER`).
    Parameter(Secret),
    /// The connections of the WebSocket API (`execute-api:ManageConnections` on its
    /// `@connections`): pushing frames to them and closing them, with the API Gateway
    /// Management API. The function's environment names the API's endpoint.
    Connections,
}

/// One IAM statement of a function's policy: these actions on this resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub actions: &'static [&'static str],
    pub resource: Resource,
    /// On the table or an index: the partition keys (IAM `StringLike` patterns from
    /// `natives_shared::store::keys::leading`) the actions may touch, the statement's
    /// `ForAllValues:StringLike` condition on `dynamodb:LeadingKeys`. Empty only for a
    /// scan, which names no key.
    pub leading_keys: &'static [&'static str],
}

impl Permission {
    fn grants(&self, access: &KeyAccess) -> bool {
        let resource_matches = match (&self.resource, &access.index) {
            (Resource::Table, None) => true,
            (Resource::Index(name), Some(index)) => name == index,
            _ => false,
        };
        resource_matches
            && self.actions.contains(&access.action.as_str())
            && match &access.leading_key {
                Some(key) => self
                    .leading_keys
                    .iter()
                    .any(|pattern| string_like(pattern, key)),
                None => self.leading_keys.is_empty(),
            }
    }

    /// These actions, only on items whose partition key matches one of `patterns`.
    pub const fn on(self, patterns: &'static [&'static str]) -> Self {
        Self {
            leading_keys: patterns,
            ..self
        }
    }
}

pub const GSI1: &str = "gsi1";

pub const fn dynamodb(actions: &'static [&'static str]) -> Permission {
    Permission {
        actions,
        resource: Resource::Table,
        leading_keys: &[],
    }
}

pub const fn index(name: &'static str, actions: &'static [&'static str]) -> Permission {
    Permission {
        actions,
        resource: Resource::Index(name),
        leading_keys: &[],
    }
}

pub const fn stream(actions: &'static [&'static str]) -> Permission {
    Permission {
        actions,
        resource: Resource::TableStream,
        leading_keys: &[],
    }
}

pub const fn email(actions: &'static [&'static str]) -> Permission {
    Permission {
        actions,
        resource: Resource::EmailIdentity,
        leading_keys: &[],
    }
}

pub const fn objects(
    bucket: Bucket,
    prefix: &'static str,
    actions: &'static [&'static str],
) -> Permission {
    Permission {
        actions,
        resource: Resource::Objects { bucket, prefix },
        leading_keys: &[],
    }
}

/// Bucket-level `actions` on `bucket` (its listings).
pub const fn bucket(bucket: Bucket, actions: &'static [&'static str]) -> Permission {
    Permission {
        actions,
        resource: Resource::Bucket(bucket),
        leading_keys: &[],
    }
}

/// Reading `secret` at cold start (SSM `GetParameter`, decrypted with the AWS managed
/// key `aws/ssm`, whose key policy admits callers through SSM: no `kms:Decrypt` needed).
pub const fn secret(secret: Secret) -> Permission {
    Permission {
        actions: &["ssm:GetParameter"],
        resource: Resource::Parameter(secret),
        leading_keys: &[],
    }
}

/// IAM's `StringLike`: `*` matches any run of characters, `?` any one.
pub fn string_like(pattern: &str, value: &str) -> bool {
    match pattern.chars().next() {
        None => value.is_empty(),
        Some('*') => (0..=value.len())
            .filter(|&i| value.is_char_boundary(i))
            .any(|i| string_like(&pattern[1..], &value[i..])),
        Some(p) => value.chars().next().is_some_and(|v| {
            (p == '?' || p == v) && string_like(&pattern[p.len_utf8()..], &value[v.len_utf8()..])
        }),
    }
}

/// `execute-api:ManageConnections` on the WebSocket API's connections (`PostToConnection`,
/// `DeleteConnection`, `GetConnection`: IAM has one action for the three).
pub const fn connections() -> Permission {
    Permission {
        actions: &["execute-api:ManageConnections"],
        resource: Resource::Connections,
        leading_keys: &[],
    }
}

/// Records a stream function gets at most per invocation (the event source mapping's
/// `BatchSize`; the local pump's batches too).
pub const STREAM_BATCH_SIZE: u32 = 25;

/// How a function runs beyond what its trigger and permissions decide: most rows take
/// [`Deploy::DEFAULT`]; a row that differs names one of the profiles below (`deploy:`).
/// The template's function resources are generated from it (`natives-codegen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deploy {
    /// Lambda memory in MB; CPU grows with it (1769 MB is one full vCPU).
    pub memory_mb: u32,
    pub timeout_seconds: u32,
    /// The gateway throttles the route and the function has reserved concurrency, both
    /// from template parameters named after the function (`<Name>RateLimit`,
    /// `<Name>BurstLimit`, `<Name>ReservedConcurrency`, `<Name>` its SAM resource's name
    /// without `Function`): a flood is refused with 429 before it costs CPU.
    pub limited: bool,
    /// Environment variables of its own, beyond the template's `Globals` and what its
    /// permissions bring (a secret's parameter name, the e-mail sender).
    pub environment: &'static [(&'static str, &'static str)],
}

impl Deploy {
    /// 128 MB is plenty for a small Rust binary; 10 s is far above any route's work.
    pub const DEFAULT: Deploy = Deploy {
        memory_mb: 128,
        timeout_seconds: 10,
        limited: false,
        environment: &[],
    };

    /// argon2id is CPU-bound: one full vCPU. Its 19 MiB blocks come from mmap and go back
    /// on free, so peak RSS stays near 30 MiB instead of growing past 160 MiB in glibc's
    /// arenas.
    pub const PASSWORD_HASHING: Deploy = Deploy {
        memory_mb: 1769,
        environment: &[("MALLOC_MMAP_THRESHOLD_", "131072")],
        ..Deploy::DEFAULT
    };

    /// Decoding a photo of up to 40 megapixels (160 MB of pixels at most, by the limits
    /// set before decoding) and scaling it: room for that buffer, and the CPU of 0.58 vCPU
    /// (docs/performance.md measures it).
    pub const PHOTO_PROCESSING: Deploy = Deploy {
        memory_mb: 1024,
        ..Deploy::DEFAULT
    };

    /// Password hashing that anyone may start (login, registration): also throttled and
    /// reserved, which bounds what a flood of guesses or sign-ups can cost
    /// (docs/security.md).
    pub const PASSWORD_GUESSES: Deploy = Deploy {
        limited: true,
        ..Deploy::PASSWORD_HASHING
    };

    /// A sign-in through a provider, which anyone may start and which calls the
    /// provider: throttled and reserved like the password routes (docs/security.md),
    /// without the hashing's memory.
    pub const SIGN_IN: Deploy = Deploy {
        limited: true,
        ..Deploy::DEFAULT
    };

    /// The outbox sender: a batch of e-mails sent one after another.
    pub const OUTBOX: Deploy = Deploy {
        timeout_seconds: 60,
        ..Deploy::DEFAULT
    };

    /// The progress counters: a batch of posts, one transaction each.
    pub const COUNTERS: Deploy = Deploy {
        timeout_seconds: 60,
        ..Deploy::DEFAULT
    };

    /// The live fan-out: a batch of changes, each pushed to every connection that listens,
    /// many pushes in flight at once (docs/scaling.md, "Live updates"). More memory is
    /// more CPU and network for the TLS of those pushes.
    pub const FAN_OUT: Deploy = Deploy {
        memory_mb: 512,
        timeout_seconds: 60,
        ..Deploy::DEFAULT
    };
}

/// One row of the function table.
#[derive(Debug)]
pub struct FunctionSpec {
    pub function: crate::Function,
    /// The handler name (the template's `Handler:`, which selects this row in its
    /// binary), the event file (`events/<name>.json`) and, in CamelCase plus
    /// `Function`, the SAM resource.
    pub name: &'static str,
    /// The binary it deploys (`src/bin/<binary>.rs`).
    pub binary: crate::binaries::Binary,
    /// The handler's path in this crate, as the table writes it (`crate::me::get::handle`).
    pub handler: &'static str,
    pub trigger: Trigger,
    /// Who may call it: read off the type its handler takes (`crate::access`).
    pub access: Access,
    /// DynamoDB requests on the successful path: a test holds every function to it.
    pub dynamodb_requests: u32,
    pub permissions: &'static [Permission],
    pub deploy: Deploy,
}

impl FunctionSpec {
    /// Functions that touch a bucket get an S3 client at cold start; the others do not
    /// pay for building one.
    pub fn uses_s3(&self) -> bool {
        self.permissions
            .iter()
            .any(|p| matches!(p.resource, Resource::Objects { .. } | Resource::Bucket(_)))
    }

    /// The secrets this function reads at cold start.
    pub fn secrets(&self) -> impl Iterator<Item = Secret> + '_ {
        self.permissions.iter().filter_map(|p| match p.resource {
            Resource::Parameter(secret) => Some(secret),
            _ => None,
        })
    }

    /// The item actions among `accesses` that this function's IAM policy would refuse
    /// (item by item; IAM checks a request's keys against one statement, which agrees
    /// because a row has one keyed statement per table or index, a test in
    /// `tests/function_table.rs`):
    /// no statement of its row grants that action on that table or index for that
    /// partition key (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`; a scan, which
    /// names no key, only by a statement without the condition).
    pub fn refused<'a>(&self, accesses: &'a [KeyAccess]) -> Vec<&'a KeyAccess> {
        accesses
            .iter()
            .filter(|access| !self.permissions.iter().any(|p| p.grants(access)))
            .collect()
    }

    /// `Err` naming the item actions among `accesses` that this function's IAM policy
    /// would refuse: on AWS its role would get AccessDeniedException (a 500) before
    /// anything was written, so the local stack fails the work the same way, loudly.
    pub fn grants_all(&self, accesses: &[KeyAccess]) -> Result<(), String> {
        let refused = self.refused(accesses);
        if refused.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} made item actions its IAM policy does not grant: {refused:?}",
            self.name
        ))
    }

    /// Whether this function reads a secret at cold start (and so builds an SSM client).
    pub fn reads_secrets(&self) -> bool {
        self.secrets().next().is_some()
    }

    /// The route this function serves: its method and path template. `None` for a
    /// function that is not invoked over HTTP, and for the `$default` route.
    pub fn route(&self) -> Option<(&'static str, &'static str)> {
        match self.trigger {
            Trigger::Http { method, path } if path != crate::routing::DEFAULT_ROUTE => {
                Some((method, path))
            }
            _ => None,
        }
    }

    /// The WebSocket API's route this function serves (`$connect`, `$disconnect`,
    /// `$default`), if it serves one.
    pub fn websocket_route(&self) -> Option<&'static str> {
        match self.trigger {
            Trigger::WebSocket { route } => Some(route),
            _ => None,
        }
    }

    /// Whether this function pushes to, or closes, the WebSocket API's connections (and
    /// so builds an API Gateway Management API client).
    pub fn manages_connections(&self) -> bool {
        self.permissions
            .iter()
            .any(|p| matches!(p.resource, Resource::Connections))
    }

    /// Whether API Gateway invokes this function over HTTP: a route, or the `$default`
    /// route.
    pub fn is_http(&self) -> bool {
        matches!(self.trigger, Trigger::Http { .. })
    }

    /// Whether this function is the `$default` route's: it gets every request no route
    /// matches (`crate::routing`).
    pub fn is_default_route(&self) -> bool {
        matches!(self.trigger, Trigger::Http { path, .. } if path == crate::routing::DEFAULT_ROUTE)
    }

    /// The SAM resource's logical id: `get-me` → `GetMeFunction`.
    pub fn logical_id(&self) -> String {
        let camel: String = self
            .name
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
                    .collect::<String>()
            })
            .collect();
        format!("{camel}Function")
    }
}

/// Generates from the table: `enum Function`, `FUNCTIONS` (the rows) and the dispatch of
/// an invocation to its handler (`http_entry` / `event_entry` for the rows a build serves,
/// `handle_http` / `handle_event` over them all), which the deployed binaries
/// (`crate::lambda::main`) and the local stack both run.
macro_rules! function_table {
    (
        http { $(
            $http:ident {
                name: $http_name:literal,
                binary: $http_binary:ident,
                route: ($method:literal, $path:literal),
                handler: $http_handler:path,
                dynamodb_requests: $http_budget:expr,
                permissions: $http_permissions:expr
                $(, deploy: $http_deploy:expr)? $(,)?
            }
        ),* $(,)? }
        events { $(
            $event:ident {
                name: $event_name:literal,
                binary: $event_binary:ident,
                trigger: $trigger:expr,
                handler: $event_handler:path,
                dynamodb_requests: $event_budget:expr,
                permissions: $event_permissions:expr
                $(, deploy: $event_deploy:expr)? $(,)?
            }
        ),* $(,)? }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Function {
            $($http,)*
            $($event,)*
        }

        pub const FUNCTIONS: &[$crate::spec::FunctionSpec] = &[
            $($crate::spec::FunctionSpec {
                function: Function::$http,
                name: $http_name,
                binary: $crate::binaries::Binary::$http_binary,
                handler: stringify!($http_handler),
                trigger: $crate::spec::Trigger::Http { method: $method, path: $path },
                access: $crate::access::of(&$http_handler),
                dynamodb_requests: $http_budget,
                permissions: $http_permissions,
                // The row's profile if it names one, else the default.
                deploy: [$($http_deploy,)? $crate::spec::Deploy::DEFAULT][0],
            },)*
            $($crate::spec::FunctionSpec {
                function: Function::$event,
                name: $event_name,
                binary: $crate::binaries::Binary::$event_binary,
                handler: stringify!($event_handler),
                trigger: $trigger,
                access: $crate::spec::Access::Internal,
                dynamodb_requests: $event_budget,
                permissions: $event_permissions,
                // The row's profile if it names one, else the default.
                deploy: [$($event_deploy,)? $crate::spec::Deploy::DEFAULT][0],
            },)*
        ];

        impl Function {
            /// The binary this function deploys.
            pub const fn binary(self) -> $crate::binaries::Binary {
                match self {
                    $(Self::$http => $crate::binaries::Binary::$http_binary,)*
                    $(Self::$event => $crate::binaries::Binary::$event_binary,)*
                }
            }

            /// This HTTP function's entry in a build that serves `D`: `None` for an event
            /// function, or one `D` leaves out, whose handler the build does not link.
            pub fn http_entry<D: $crate::binaries::Deployment>(self) -> Option<$crate::lambda::HttpEntry> {
                #[allow(unreachable_patterns)]
                match self {
                    $(Self::$http if const { $crate::binaries::serves(D::BINARY, Self::$http) } => {
                        Some(|app, request| {
                            Box::pin($crate::lambda::respond(app, request, $http_handler))
                        })
                    })*
                    _ => None,
                }
            }

            /// This event function's entry in a build that serves `D` (as `http_entry`).
            pub fn event_entry<D: $crate::binaries::Deployment>(self) -> Option<$crate::lambda::EventEntry> {
                #[allow(unreachable_patterns)]
                match self {
                    $(Self::$event if const { $crate::binaries::serves(D::BINARY, Self::$event) } => {
                        Some(|app, event| Box::pin($crate::lambda::deliver(app, event, $event_handler)))
                    })*
                    _ => None,
                }
            }

            /// Serves one HTTP request the way this function's Lambda would (the local
            /// stack, which serves every row).
            pub async fn handle_http(
                self,
                app: &$crate::App,
                request: lambda_http::Request,
            ) -> lambda_http::Response<lambda_http::Body> {
                match self.http_entry::<$crate::binaries::Whole>() {
                    Some(entry) => entry(app, request).await,
                    None => $crate::lambda::not_an_http_function(self),
                }
            }

            /// Handles one event of a function that is not an HTTP route: the JSON Lambda
            /// delivers, parsed into the event type its handler takes.
            pub async fn handle_event(
                self,
                app: &$crate::App,
                event: serde_json::Value,
            ) -> Result<serde_json::Value, lambda_http::Error> {
                match self.event_entry::<$crate::binaries::Whole>() {
                    Some(entry) => entry(app, event).await,
                    None => Err(format!("{} is not an event function", self.name()).into()),
                }
            }
        }
    };
}
pub(crate) use function_table;

impl crate::Function {
    pub fn spec(self) -> &'static FunctionSpec {
        crate::FUNCTIONS
            .iter()
            .find(|spec| spec.function == self)
            .expect("every function has a row")
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Self> {
        crate::FUNCTIONS
            .iter()
            .find(|spec| spec.name == name)
            .map(|spec| spec.function)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_like_matches_as_iam_does() {
        assert!(string_like("ACCOUNT#*", "ACCOUNT#01ABC"));
        assert!(string_like("ACCOUNT#*", "ACCOUNT#"));
        assert!(string_like("CATALOG", "CATALOG"));
        assert!(!string_like("CATALOG", "CATALOGUE"));
        assert!(!string_like("ACCOUNT#*", "ACCOUNTS#1"));
        assert!(!string_like("THREAD#*", "THREADS#de#0"));
        assert!(string_like("a?c", "abc"));
        assert!(string_like("*#é", "x#é"));
    }

    #[test]
    fn stream_triggers_name_key_prefixes() {
        for spec in crate::FUNCTIONS {
            if let Trigger::TableStream { filters } = spec.trigger {
                assert!(!filters.is_empty(), "{}", spec.name);
                for filter in filters {
                    let pattern = filter.partition;
                    let prefix = pattern.strip_suffix('*');
                    assert!(
                        prefix.is_some_and(|p| !p.is_empty() && !p.contains(['*', '?'])),
                        "{}: {pattern} is not a prefix and one trailing *",
                        spec.name
                    );
                    assert!(!filter.events.is_empty(), "{}", spec.name);
                }
            }
        }
    }

    #[test]
    fn a_stream_trigger_takes_the_changes_its_filters_let_through_only() {
        use crate::stream_filter::tests::record;
        const FILTERS: &[StreamFilter] = &[
            StreamFilter::inserted("OUTBOX#*"),
            StreamFilter::inserted("BREACH#*"),
        ];
        let trigger = Trigger::TableStream { filters: FILTERS };
        assert!(trigger.takes_stream_record(&record("INSERT", "OUTBOX#01J", "OUTBOX", None)));
        assert!(trigger.takes_stream_record(&record("INSERT", "BREACH#x", "BREACH", None)));
        assert!(!trigger.takes_stream_record(&record("MODIFY", "OUTBOX#01J", "OUTBOX", None)));
        assert!(!trigger.takes_stream_record(&record("INSERT", "ACCOUNT#01J", "ACCOUNT", None)));
        assert!(!trigger.takes_stream_record(&record("INSERT", "OUTBOX", "OUTBOX", None)));
        let route = Trigger::Http {
            method: "GET",
            path: "/v1/me",
        };
        assert!(!route.takes_stream_record(&record("INSERT", "OUTBOX#01J", "OUTBOX", None)));
    }
}

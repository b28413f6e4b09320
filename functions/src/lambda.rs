//! Running one handler as a Lambda function: the gate's token step, and the single place
//! where handler errors become problem+json responses.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use natives_shared::gate::{Caller, scope_reaches};
use natives_shared::http::{ApiError, authenticate};

use crate::access::FromGate;
use crate::binaries::{Binary, Deployment};
use crate::spec::Access;
use crate::{App, Function};

pub type HandlerResult = Result<Response<Body>, ApiError>;

/// An HTTP function's entry: the gate and its handler, as a pointer a build takes only
/// for the rows it serves (`Function::http_entry`).
pub type HttpEntry = for<'a> fn(&'a App, Request) -> HttpFuture<'a>;
pub type HttpFuture<'a> = Pin<Box<dyn Future<Output = Response<Body>> + Send + 'a>>;

/// An event function's entry (streams, schedules, bucket events): the event as Lambda
/// delivers it, which [`deliver`] parses into the type its handler takes.
pub type EventEntry = for<'a> fn(&'a App, serde_json::Value) -> EventFuture<'a>;
pub type EventFuture<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, lambda_http::Error>> + Send + 'a>>;

/// The gate's first step, from the route's access and the request's token alone (no
/// DynamoDB request): a missing or invalid token where one is needed is a 401 here.
pub fn gate_token(
    app: &App,
    request: &Request,
    access: Access,
) -> Result<Option<TokenStep>, ApiError> {
    let required_role = match access {
        Access::Public | Access::Internal => return Ok(None),
        Access::Viewer if !request.headers().contains_key(http::header::AUTHORIZATION) => {
            return Ok(None);
        }
        Access::Viewer | Access::Bearer | Access::User | Access::DataSubject | Access::Paid => None,
        Access::Role(role) => Some(role),
    };
    let token = authenticate(request, app.verifier(), app.now())?;
    scope_reaches(token.scope, access.takes_privacy_scope())?;
    let claims_role = required_role.is_none_or(|role| token.roles.contains(&role));
    let caller = Caller::new(token, required_role);
    Ok(Some(TokenStep {
        caller: match access {
            Access::Paid => caller.with_required_terms(&app.settings.terms_version),
            _ => caller,
        },
        claims_role,
    }))
}

/// What the token step found: the caller, and whether its token claims the role the
/// route needs (a token's roles are never trusted to grant anything: the route's own
/// read of the account decides; they only say which callers may skip the early check).
pub struct TokenStep {
    pub caller: Caller,
    pub claims_role: bool,
}

/// The role check before anything else: a caller whose token does not claim the route's
/// role (every plain user's) is judged against its account item before the handler reads
/// the path or the body, so a 403 `forbidden` tells it nothing about ids or schemas. A
/// role given since the token was issued still opens the route (the account has it).
async fn role_first(app: &App, step: Option<TokenStep>) -> Result<Option<Caller>, ApiError> {
    match step {
        None => Ok(None),
        Some(TokenStep {
            caller,
            claims_role: true,
        }) => Ok(Some(caller)),
        Some(TokenStep { caller, .. }) => {
            app.store.caller_account(&caller, app.now()).await?;
            Ok(Some(caller))
        }
    }
}

/// The environment variable that names the function when `_HANDLER` does not: for running
/// the binary outside Lambda (a debugger, a container of one's own).
pub const FUNCTION_VARIABLE: &str = "NATIVES_FUNCTION";

/// The `main` of a deployed binary (`src/bin/<binary>.rs`), which serves the rows of
/// `D`. Lambda gives a `provided.al2023` bootstrap its function's `Handler:` as
/// `_HANDLER`; the template sets it to the function's name, which selects its row. A
/// missing name, or one this binary does not serve, fails the init with a message naming
/// the ones it does.
pub fn main<D: Deployment>() -> Result<(), lambda_http::Error> {
    let name = std::env::var("_HANDLER")
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var(FUNCTION_VARIABLE).ok());
    let Some(name) = name else {
        return Err(unknown_function::<D>("no _HANDLER"));
    };
    match Function::from_name(&name) {
        Some(function) if crate::binaries::serves(D::BINARY, function) => run::<D>(function),
        Some(function) => Err(unknown_function::<D>(&format!(
            "handler {name:?} is a function of {}, not of this binary",
            function.binary().name()
        ))),
        None => Err(unknown_function::<D>(&format!("handler {name:?}"))),
    }
}

fn unknown_function<D: Deployment>(what: &str) -> lambda_http::Error {
    let names: Vec<&str> = crate::FUNCTIONS
        .iter()
        .filter(|spec| crate::binaries::serves(D::BINARY, spec.function))
        .map(|spec| spec.name)
        .collect();
    let binary = D::BINARY.map_or("this binary", Binary::name);
    let message = format!(
        "{what}: the function's Handler (or {FUNCTION_VARIABLE}) must name a function {binary} serves: {}",
        names.join(", ")
    );
    eprintln!("{message}");
    message.into()
}

/// Runs `function` as a Lambda until the sandbox ends: build its `App` once, then serve
/// each invocation through its entry (the dispatch the local stack runs too).
pub fn run<D: Deployment>(function: Function) -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, LambdaEvent};
    if let Some(entry) = function.http_entry::<D>() {
        with_app::<D, _, _>(function, move |app| {
            lambda_http::run(service_fn(move |request: Request| async move {
                Ok::<_, Infallible>(entry(app, request).await)
            }))
        })
    } else if let Some(entry) = function.event_entry::<D>() {
        with_app::<D, _, _>(function, move |app| {
            lambda_runtime::run(lambda_runtime::service_fn(
                move |event: LambdaEvent<serde_json::Value>| async move {
                    entry(app, event.payload).await
                },
            ))
        })
    } else {
        Err(unknown_function::<D>(&format!(
            "{} is not served here",
            function.name()
        )))
    }
}

/// Logging, a one-thread runtime (a sandbox serves one invocation at a time) and the
/// function's `App`, built once; then `serve` until the sandbox ends.
fn with_app<D: Deployment, S, Fut>(function: Function, serve: S) -> Result<(), lambda_http::Error>
where
    S: FnOnce(&'static App) -> Fut,
    Fut: Future<Output = Result<(), lambda_http::Error>>,
{
    init_tracing();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app: &'static App = Box::leak(Box::new(App::from_env::<D>(function.spec()).await?));
        serve(app).await
    })
}

/// Runs the gate's token step (for the access `handler`'s caller type stands for) and
/// `handler`, and turns an error into a problem response.
pub async fn respond<'a, F, Fut, C>(app: &'a App, request: Request, handler: F) -> Response<Body>
where
    F: FnOnce(&'a App, Request, C) -> Fut,
    Fut: Future<Output = HandlerResult>,
    C: FromGate,
{
    let request_id = request_id(&request);
    let caller = match gate_token(app, &request, C::ACCESS) {
        Ok(step) => role_first(app, step).await.and_then(C::from_gate),
        Err(error) => Err(error),
    };
    let result = match caller {
        Ok(caller) => handler(app, request, caller).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(response) => response,
        Err(error) => error.into_response(&request_id),
    }
}

/// Parses `event` into the event type `handler` takes (for the table's stream,
/// `aws_lambda_events`' DynamoDB event), runs it, and returns its answer as JSON. An event
/// that is not what the trigger delivers fails the invocation, naming what is wrong.
pub async fn deliver<'a, F, Fut, E, A>(
    app: &'a App,
    event: serde_json::Value,
    handler: F,
) -> Result<serde_json::Value, lambda_http::Error>
where
    F: FnOnce(&'a App, E) -> Fut,
    Fut: Future<Output = Result<A, lambda_http::Error>>,
    E: serde::de::DeserializeOwned,
    A: serde::Serialize,
{
    let event: E = serde_json::from_value(event)
        .map_err(|e| format!("the event is not what this function's trigger delivers: {e}"))?;
    let answer = handler(app, event).await?;
    Ok(serde_json::to_value(answer)?)
}

/// The answer if an event function is asked to serve HTTP (a wiring mistake).
pub fn not_an_http_function(function: Function) -> Response<Body> {
    ApiError::Internal(format!("{} is not an HTTP function", function.name())).into_response("")
}

fn request_id(request: &Request) -> String {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => {
            context.request_id.clone().unwrap_or_default()
        }
        _ => String::new(),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line
        .init();
}

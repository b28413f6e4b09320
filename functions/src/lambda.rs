//! Running one handler as a Lambda function: the gate's token step, and the single place
//! where handler errors become problem+json responses.

use std::convert::Infallible;
use std::future::Future;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, authenticate};

use crate::spec::Access;
use crate::{App, Function};

pub type HandlerResult = Result<Response<Body>, ApiError>;

/// What a handler of a public route receives instead of a caller.
pub struct Visitor;

/// What the gate hands a handler, by the type the handler asks for: [`Caller`] on
/// routes that need an account, `Option<Caller>` on [`Access::Viewer`] routes,
/// [`Visitor`] on public ones.
pub trait FromGate: Sized + Send {
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError>;
}

impl FromGate for Caller {
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError> {
        caller.ok_or_else(|| ApiError::unauthorized("An access token is required."))
    }
}

impl FromGate for Option<Caller> {
    fn from_gate(caller: Option<Caller>) -> Result<Self, ApiError> {
        Ok(caller)
    }
}

impl FromGate for Visitor {
    fn from_gate(_: Option<Caller>) -> Result<Self, ApiError> {
        Ok(Visitor)
    }
}

/// The gate's first step, from the route's access and the request's token alone (no
/// DynamoDB request): a missing or invalid token where one is needed is a 401 here.
pub fn gate_token(
    app: &App,
    request: &Request,
    access: Access,
) -> Result<Option<Caller>, ApiError> {
    let required_role = match access {
        Access::Public | Access::Internal => return Ok(None),
        Access::Viewer if !request.headers().contains_key(http::header::AUTHORIZATION) => {
            return Ok(None);
        }
        Access::Viewer | Access::Bearer | Access::User | Access::Paid => None,
        Access::Role(role) => Some(role),
    };
    let token = authenticate(request, app.verifier(), app.now())?;
    let caller = Caller::new(token, required_role);
    Ok(Some(match access {
        Access::Paid => caller.with_required_terms(&app.settings.terms_version),
        _ => caller,
    }))
}

/// The environment variable that names the function when `_HANDLER` does not: for running
/// the binary outside Lambda (a debugger, a container of one's own).
pub const FUNCTION_VARIABLE: &str = "NATIVES_FUNCTION";

/// The `main` of the one binary every function deploys (`src/main.rs`). Lambda gives a
/// `provided.al2023` bootstrap its function's `Handler:` as `_HANDLER`; the template sets
/// it to the function's name, which selects its row of the function table. An unknown or
/// missing name fails the init with a message naming the valid ones.
pub fn main() -> Result<(), lambda_http::Error> {
    let name = std::env::var("_HANDLER")
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var(FUNCTION_VARIABLE).ok());
    let function = match name
        .as_deref()
        .map(|name| (name, Function::from_name(name)))
    {
        Some((_, Some(function))) => function,
        Some((name, None)) => return Err(unknown_function(&format!("handler {name:?}"))),
        None => return Err(unknown_function("no _HANDLER")),
    };
    run(function)
}

fn unknown_function(what: &str) -> lambda_http::Error {
    let names: Vec<&str> = crate::FUNCTIONS.iter().map(|spec| spec.name).collect();
    let message = format!(
        "{what}: the function's Handler (or {FUNCTION_VARIABLE}) must name a function of the table: {}",
        names.join(", ")
    );
    eprintln!("{message}");
    message.into()
}

/// Runs `function` as a Lambda until the sandbox ends: build its `App` once, then serve
/// each invocation through the table's dispatch (the same the local stack runs).
pub fn run(function: Function) -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, LambdaEvent};
    if function.spec().route().is_some() {
        with_app(function, move |app| {
            lambda_http::run(service_fn(move |request: Request| async move {
                Ok::<_, Infallible>(function.handle_http(app, request).await)
            }))
        })
    } else {
        with_app(function, move |app| {
            lambda_runtime::run(lambda_runtime::service_fn(
                move |event: LambdaEvent<serde_json::Value>| async move {
                    function.handle_event(app, event.payload).await
                },
            ))
        })
    }
}

/// Logging, a one-thread runtime (a sandbox serves one invocation at a time) and the
/// function's `App`, built once; then `serve` until the sandbox ends.
fn with_app<S, Fut>(function: Function, serve: S) -> Result<(), lambda_http::Error>
where
    S: FnOnce(&'static App) -> Fut,
    Fut: Future<Output = Result<(), lambda_http::Error>>,
{
    init_tracing();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app: &'static App = Box::leak(Box::new(App::from_env(function.spec()).await?));
        serve(app).await
    })
}

/// Runs the gate's token step and `handler`, and turns an error into a problem response.
pub async fn respond<'a, F, Fut, C>(
    app: &'a App,
    request: Request,
    access: Access,
    handler: F,
) -> Response<Body>
where
    F: FnOnce(&'a App, Request, C) -> Fut,
    Fut: Future<Output = HandlerResult>,
    C: FromGate,
{
    let request_id = request_id(&request);
    let caller = gate_token(app, &request, access).and_then(C::from_gate);
    let result = match caller {
        Ok(caller) => handler(app, request, caller).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(response) => response,
        Err(error) => error.into_response(&request_id),
    }
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

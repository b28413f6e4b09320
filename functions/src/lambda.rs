//! Running one handler as a Lambda function, and the single place where handler
//! errors become problem+json responses.

use std::convert::Infallible;
use std::future::Future;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response, service_fn};

use crate::App;
use natives_shared::http::ApiError;

pub type HandlerResult = Result<Response<Body>, ApiError>;

/// The whole `main` of a function binary: build the `App` once, then serve invocations.
pub fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(&'static App, Request) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = HandlerResult> + Send,
{
    init_tracing();
    // A Lambda sandbox serves one request at a time: one thread is all it needs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app: &'static App = Box::leak(Box::new(App::from_env().await?));
        lambda_http::run(service_fn(move |request: Request| async move {
            Ok::<_, Infallible>(respond(app, request, handler).await)
        }))
        .await
    })
}

/// Runs `handler` and turns its error, if any, into a problem response.
pub async fn respond<'a, F, Fut>(app: &'a App, request: Request, handler: F) -> Response<Body>
where
    F: FnOnce(&'a App, Request) -> Fut,
    Fut: Future<Output = HandlerResult>,
{
    let request_id = request_id(&request);
    match handler(app, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(&request_id),
    }
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

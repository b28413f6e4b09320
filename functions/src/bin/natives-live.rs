//! A deployed binary: the functions that push frames to the WebSocket API's connections
//! or close them (the API Gateway Management API). The function's `Handler:` in
//! `infra/template.yaml` (its name in the function table) selects the handler it runs.
use natives_functions::binaries::{Binary, Deployed};

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::main::<Deployed<{ Binary::Live as usize }>>()
}

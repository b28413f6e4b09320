//! The one binary every Lambda function deploys: the function's `Handler:` in
//! `infra/template.yaml` (its name in the function table) selects the handler it runs.
fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::main()
}

//! Lambda function `register`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::accounts::register::handle)
}

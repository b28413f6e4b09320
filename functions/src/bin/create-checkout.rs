//! Lambda function `create-checkout`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::create_checkout::handle)
}

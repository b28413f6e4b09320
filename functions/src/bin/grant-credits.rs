//! Lambda function `grant-credits`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::grant_credits::handle)
}

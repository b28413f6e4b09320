//! Lambda function `get-balance`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::get_balance::handle)
}

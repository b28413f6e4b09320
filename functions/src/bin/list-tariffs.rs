//! Lambda function `list-tariffs`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::list_tariffs::handle)
}

//! Lambda function `put-tariff`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::put_tariff::handle)
}

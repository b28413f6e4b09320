//! Lambda function `stripe-webhook`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::credits::stripe_webhook::handle)
}

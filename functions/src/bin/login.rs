//! Lambda function `login`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::sessions::login::handle)
}

//! Lambda function `refresh-session`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::sessions::refresh::handle)
}

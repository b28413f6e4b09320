//! Lambda function `logout`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::sessions::logout::handle)
}

//! Lambda function `revoke-all-sessions`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::sessions::revoke_all::handle)
}

//! Lambda function `block-me`.

fn main() -> Result<(), lambda_http::Error> {
    natives_functions::lambda::run(natives_functions::me::block::handle)
}

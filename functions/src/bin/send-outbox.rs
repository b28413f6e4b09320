//! Lambda function `send-outbox`: its entry point is generated from its row of the function table.
fn main() -> Result<(), lambda_http::Error> {
    natives_functions::entries::SendOutbox::main()
}

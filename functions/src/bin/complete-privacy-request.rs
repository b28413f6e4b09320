//! Lambda function `complete-privacy-request`: its entry point is generated from its row of the function table.
fn main() -> Result<(), lambda_http::Error> {
    natives_functions::entries::CompletePrivacyRequest::main()
}

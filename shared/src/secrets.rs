//! Secrets from AWS Systems Manager Parameter Store. A deployed function's environment
//! holds the *name* of an SSM SecureString parameter (`JWT_PRIVATE_KEY_PARAMETER`…), never
//! the secret; the function reads it once at cold start with `GetParameter`
//! (`WithDecryption`), and its IAM policy allows exactly that parameter. A function given
//! no parameter name builds no SSM client and pays nothing; locally the secrets are plain
//! environment variables as before. `AWS_ENDPOINT_URL_SSM` points the client elsewhere
//! (tests use moto).

use aws_config::SdkConfig;

use crate::config::{ConfigError, Settings};

/// Reads every secret `settings` names a parameter for, and puts its value in place.
pub async fn resolve(sdk: &SdkConfig, settings: &mut Settings) -> Result<(), ConfigError> {
    if settings.secret_parameters.is_empty() {
        return Ok(());
    }
    let client = aws_sdk_ssm::Client::new(sdk);
    for (secret, name) in settings.secret_parameters.clone() {
        let output = client
            .get_parameter()
            .name(&name)
            .with_decryption(true)
            .send()
            .await
            .map_err(|error| {
                ConfigError(format!(
                    "reading {} from SSM parameter {name}: {}",
                    secret.variable(),
                    crate::store::error_chain(&error)
                ))
            })?;
        let value = output
            .parameter
            .and_then(|parameter| parameter.value)
            .filter(|value| !value.trim().is_empty())
            .ok_or_else(|| ConfigError(format!("SSM parameter {name} has no value")))?;
        settings.set_secret(secret, value.trim().to_owned());
    }
    Ok(())
}

//! Where the stack's table and buckets live: the embedded DynamoDB and S3 (the default),
//! or other endpoints named on the command line (`--dynamodb-endpoint`, `--table`,
//! `--s3-endpoint`): DynamoDB Local, moto's server, or a table in an AWS account.
//!
//! An endpoint on this machine (`localhost`, `127.0.0.0/8`, `[::1]`) is an emulator: it is
//! signed for with fixed local credentials in `us-east-1`, whatever the environment holds.
//! Any other endpoint is AWS: the default credential chain and region (`AWS_PROFILE`,
//! `AWS_REGION`, …), the region read from the endpoint's name when it names one.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::{TABLE_NAME, embedded};

/// The services a stack or an operator command uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    /// Another DynamoDB instead of the embedded one.
    pub dynamodb_endpoint: Option<String>,
    /// The table (made, with its index, stream and TTL, where it is missing).
    pub table: String,
    /// Another S3 instead of the embedded one.
    pub s3_endpoint: Option<String>,
}

impl Default for Services {
    fn default() -> Self {
        Self {
            dynamodb_endpoint: None,
            table: TABLE_NAME.to_owned(),
            s3_endpoint: None,
        }
    }
}

impl Services {
    /// Whether every service this names is on this machine (the fault proxy can stand
    /// only in front of those: a request signed for the proxy's address is not AWS's).
    pub fn all_on_this_machine(&self) -> bool {
        [&self.dynamodb_endpoint, &self.s3_endpoint]
            .into_iter()
            .flatten()
            .all(|endpoint| on_this_machine(endpoint))
    }
}

/// Whether `endpoint`'s host is this machine.
pub fn on_this_machine(endpoint: &str) -> bool {
    let Ok(uri) = endpoint.parse::<http::Uri>() else {
        return false;
    };
    match uri.host() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// Checks an endpoint given on the command line: an absolute http(s) URL.
pub fn endpoint_argument(raw: &str) -> Result<String, String> {
    let uri: http::Uri = raw
        .parse()
        .map_err(|_| "a URL such as http://127.0.0.1:8000".to_owned())?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(raw.trim_end_matches('/').to_owned()),
        _ => Err("an http:// or https:// URL such as http://127.0.0.1:8000".into()),
    }
}

/// SDK configuration for the service at `endpoint`, signed as this module says.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    if on_this_machine(endpoint) {
        return embedded::sdk_config(endpoint).await;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .retry_config(natives_shared::aws::retry_config())
        .timeout_config(natives_shared::aws::timeout_config());
    if let Some(region) = aws_region_of(endpoint) {
        loader = loader.region(Region::new(region));
    }
    loader.load().await
}

/// Where the DynamoDB Streams API of the DynamoDB at `endpoint` answers: an emulator
/// serves it on the same address; AWS on `streams.dynamodb.<region>.amazonaws.com`.
pub fn streams_endpoint(endpoint: &str) -> String {
    match endpoint.split_once("://dynamodb.") {
        Some((scheme, rest)) if aws_region_of(endpoint).is_some() => {
            format!("{scheme}://streams.dynamodb.{rest}")
        }
        _ => endpoint.to_owned(),
    }
}

/// The region an AWS endpoint's name carries (`dynamodb.eu-central-1.amazonaws.com`).
fn aws_region_of(endpoint: &str) -> Option<String> {
    let uri: http::Uri = endpoint.parse().ok()?;
    let host = uri.host()?;
    let rest = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let mut labels = rest.split('.');
    let (_service, region) = (labels.next()?, labels.next()?);
    (labels.next().is_none() && !region.is_empty()).then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_this_machine_and_others_are_not() {
        for endpoint in [
            "http://127.0.0.1:8000",
            "http://127.0.0.2:1",
            "http://localhost:4566",
            "http://[::1]:8000",
        ] {
            assert!(on_this_machine(endpoint), "{endpoint}");
        }
        for endpoint in [
            "https://dynamodb.eu-central-1.amazonaws.com",
            "http://10.0.0.5:8000",
            "http://dynamodb-local:8000",
            "not a url",
        ] {
            assert!(!on_this_machine(endpoint), "{endpoint}");
        }
    }

    #[test]
    fn the_streams_api_of_aws_has_its_own_host_and_an_emulator_serves_it_on_its_own() {
        assert_eq!(
            streams_endpoint("https://dynamodb.eu-central-1.amazonaws.com"),
            "https://streams.dynamodb.eu-central-1.amazonaws.com"
        );
        assert_eq!(
            streams_endpoint("http://127.0.0.1:8000"),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            aws_region_of("https://dynamodb.eu-central-1.amazonaws.com").as_deref(),
            Some("eu-central-1")
        );
        assert_eq!(aws_region_of("http://127.0.0.1:8000"), None);
    }

    #[test]
    fn an_endpoint_argument_is_an_http_url() {
        assert_eq!(
            endpoint_argument("http://127.0.0.1:8000/").unwrap(),
            "http://127.0.0.1:8000"
        );
        assert!(endpoint_argument("127.0.0.1:8000").is_err());
        assert!(endpoint_argument("ftp://x").is_err());
    }
}

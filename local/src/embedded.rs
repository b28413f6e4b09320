//! The embedded DynamoDB and S3, each on its own loopback port, and SDK configuration
//! that points the real AWS SDK at them.

use std::path::Path;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::{BoxError, data_dir, web};

const ACCESS_KEY: &str = "natives-local";
const SECRET_KEY: &str = "natives-local-secret";

/// Starts the embedded DynamoDB on a free loopback port; it stops when `shutdown` says so.
/// Returns its URL and the database itself (whose stream the local stack reads).
pub async fn start_dynamodb(
    data_dir: &Path,
    shutdown: watch::Receiver<bool>,
) -> Result<(String, dynoxide::Database), BoxError> {
    let file = data_dir::dynamodb_file(data_dir);
    let database = dynoxide::Database::new(file.to_str().ok_or("data folder path is not UTF-8")?)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let handle = database.clone();
    tokio::spawn(async move {
        if let Err(error) =
            dynoxide::server::serve_with_shutdown(listener, database, stopped(shutdown)).await
        {
            tracing::error!(%error, "embedded DynamoDB stopped");
        }
    });
    Ok((url, handle))
}

/// Starts the embedded S3 (files under `<data dir>/s3`) with SigV4 authentication on,
/// so presigned URLs are checked as AWS checks them.
pub async fn start_s3(
    data_dir: &Path,
    shutdown: watch::Receiver<bool>,
) -> Result<String, BoxError> {
    let root = data_dir::s3_root(data_dir);
    std::fs::create_dir_all(&root)?;
    let filesystem = s3s_fs::FileSystem::new(root).map_err(|e| format!("embedded S3: {e:?}"))?;
    let mut builder = S3ServiceBuilder::new(filesystem);
    builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = TowerToHyperService::new(web::with_upload_cors(builder.build()));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let mut shutdown = shutdown;
        loop {
            let (socket, _) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(connection) => connection,
                    Err(_) => continue,
                },
                _ = shutdown.changed() => break,
            };
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    Ok(url)
}

async fn stopped(mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// AWS SDK configuration for the embedded services: fixed local credentials and region.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            ACCESS_KEY,
            SECRET_KEY,
            None,
            None,
            "natives-local",
        ))
        .endpoint_url(endpoint)
        .retry_config(natives_shared::aws::retry_config())
        .timeout_config(natives_shared::aws::timeout_config())
        .load()
        .await
}

/// Creates the archive bucket, versioned, if it is not there yet.
pub async fn ensure_bucket(s3_endpoint: &str, bucket: &str) -> Result<(), BoxError> {
    let sdk = sdk_config(s3_endpoint).await;
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    if client.head_bucket().bucket(bucket).send().await.is_ok() {
        return Ok(());
    }
    client.create_bucket().bucket(bucket).send().await?;
    Ok(())
}

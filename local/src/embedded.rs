//! The embedded DynamoDB and S3, each on its own loopback port, and SDK configuration
//! that points the real AWS SDK at them.

use std::path::{Component, Path, PathBuf};

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

/// Starts the embedded DynamoDB (with its Streams API) on a free loopback port; it stops
/// when `shutdown` says so. Returns its URL.
pub async fn start_dynamodb(
    data_dir: &Path,
    shutdown: watch::Receiver<bool>,
) -> Result<String, BoxError> {
    let file = data_dir::dynamodb_file(data_dir);
    let database = dynoxide::Database::new(file.to_str().ok_or("data folder path is not UTF-8")?)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) =
            dynoxide::server::serve_with_shutdown(listener, database, stopped(shutdown)).await
        {
            tracing::error!(%error, "embedded DynamoDB stopped");
        }
    });
    Ok(url)
}

/// Starts the embedded S3 (files under `<data dir>/s3`) with SigV4 authentication on,
/// so presigned URLs are checked as AWS checks them.
pub async fn start_s3(
    data_dir: &Path,
    shutdown: watch::Receiver<bool>,
) -> Result<String, BoxError> {
    let root = data_dir::s3_root(data_dir);
    std::fs::create_dir_all(&root)?;
    let root = std::fs::canonicalize(&root)?;
    let filesystem = s3s_fs::FileSystem::new(&root).map_err(|e| format!("embedded S3: {e:?}"))?;
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
            let (service, root) = (service.clone(), root.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let (service, undo) = (service.clone(), RefusedPut::before(&root, &request));
                    async move {
                        let response = hyper::service::Service::call(&service, request).await;
                        if let Some(undo) = undo {
                            undo.after(response.as_ref().is_ok_and(|r| r.status().is_success()));
                        }
                        response
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    Ok(url)
}

/// What S3 does and s3s-fs does not: keep nothing of a PUT it refuses. s3s-fs writes a
/// PUT's bytes in place before it checks them against the signed checksum, so a refused
/// upload would leave its bytes (without their type or checksum) or replace the object
/// that was there. This keeps what was there before each object PUT and puts it back (or
/// removes the bytes) when the answer is not a success.
struct RefusedPut {
    object: PathBuf,
    /// A second name of the object that was there, if any.
    kept: Option<PathBuf>,
}

impl RefusedPut {
    /// For a PUT of a whole object (not a bucket, not a part of a multipart upload) under
    /// `root`, on a path-style URL.
    fn before<B>(root: &Path, request: &hyper::Request<B>) -> Option<Self> {
        if request.method() != hyper::Method::PUT {
            return None;
        }
        let query = request.uri().query().unwrap_or_default();
        if query
            .split('&')
            .any(|pair| pair.starts_with("uploadId=") || pair.starts_with("partNumber="))
        {
            return None;
        }
        let path = percent_encoding::percent_decode_str(request.uri().path())
            .decode_utf8()
            .ok()?;
        let (bucket, key) = path.strip_prefix('/')?.split_once('/')?;
        let relative = Path::new(bucket).join(key);
        // Only a plain path below the root: nothing else is ever touched.
        if key.is_empty()
            || !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let object = root.join(relative);
        let kept = object.is_file().then(|| {
            // (named as s3s-fs names its temporary files, which it clears at start)
            root.join(format!(
                ".tmp.natives-kept-{}.internal.part",
                ulid::Ulid::new()
            ))
        });
        let kept = kept.filter(|kept| std::fs::hard_link(&object, kept).is_ok());
        Some(Self { object, kept })
    }

    fn after(self, stored: bool) {
        let result = match (stored, &self.kept) {
            (true, Some(kept)) => std::fs::remove_file(kept),
            (true, None) => Ok(()),
            (false, Some(kept)) => std::fs::rename(kept, &self.object),
            (false, None) => match std::fs::remove_file(&self.object) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            },
        };
        if let Err(error) = result {
            tracing::error!(%error, object = %self.object.display(), "embedded S3: undoing a refused PUT failed");
        }
    }
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

/// Creates a bucket if it is not there yet.
pub async fn ensure_bucket(s3_endpoint: &str, bucket: &str) -> Result<(), BoxError> {
    let sdk = crate::services::sdk_config(s3_endpoint).await;
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

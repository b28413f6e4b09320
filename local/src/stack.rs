//! Starting the whole local stack: its services (embedded, or other endpoints), table
//! and buckets, the gateway.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use natives_functions::App;
use natives_shared::clock::{Clock, SystemClock};
use natives_shared::config::Settings;
use natives_shared::store::ensure_table;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::data_dir::{self, Endpoints, FolderLock, Held, Holder, LockError};
use crate::faults::{self, FaultCounts, FaultPlan, Service};
use crate::services::{self, Services};
use crate::stream::StreamPump;
use crate::{ARCHIVE_BUCKET, BoxError, PHOTOS_BUCKET, STAGING_BUCKET, embedded, gateway, seed};

/// How long the local voice route's presigned link to a recording stays valid.
pub const LOCAL_VOICE_URL_SECONDS: u64 = 5;

/// A change to the settings before the `App` is built.
pub type SettingsHook = Box<dyn FnOnce(&mut Settings) + Send>;

pub struct StackOptions {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Changes to the settings (tests point Stripe at a stub this way).
    pub configure: Option<SettingsHook>,
    /// Faults injected between the functions and DynamoDB and S3 (services on this
    /// machine only).
    pub faults: Option<FaultPlan>,
    /// The embedded DynamoDB and S3, or other endpoints, and the table.
    pub services: Services,
    /// Whether the stack reads the table's stream by itself, every
    /// [`crate::stream::POLL_INTERVAL`] (`serve`); tests deliver it when they choose,
    /// with [`Stack::process_stream`].
    pub poll_stream: bool,
}

pub struct Stack {
    pub endpoints: Endpoints,
    pub app: Arc<App>,
    /// What the fault proxies injected (zero without them).
    pub faults: Arc<FaultCounts>,
    /// The table's stream, handed to the stream functions (`send-outbox`).
    pub stream: Arc<StreamPump>,
    shutdown: watch::Sender<bool>,
    gateway: JoinHandle<()>,
    pump: JoinHandle<()>,
    /// This stack runs the folder's services until it stops.
    _lock: FolderLock,
}

/// Why a stack did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another process (or stack) runs this data folder's services.
    #[error("the data folder {} is in use by {held}", folder.display())]
    FolderInUse { folder: PathBuf, held: Held },
    /// The API's address cannot be listened on (in use, or not this machine's).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Other(#[from] BoxError),
}

impl From<std::io::Error> for StartError {
    fn from(error: std::io::Error) -> Self {
        Self::Other(error.into())
    }
}

impl Stack {
    pub async fn start(options: StackOptions) -> Result<Self, StartError> {
        std::fs::create_dir_all(&options.data_dir)?;
        let mut lock = match FolderLock::try_acquire(&options.data_dir, &Holder::this("serve")) {
            Ok(lock) => lock,
            Err(LockError::Held(held)) => {
                return Err(StartError::FolderInUse {
                    folder: options.data_dir,
                    held,
                });
            }
            Err(error) => return Err(StartError::Other(error.into())),
        };
        // A serve that ended without tidying up left its addresses: they answer nothing.
        data_dir::remove_endpoints(&options.data_dir);
        let listener =
            TcpListener::bind(options.addr)
                .await
                .map_err(|source| StartError::Listen {
                    addr: options.addr,
                    source,
                })?;
        let api = format!("http://{}", listener.local_addr()?);
        lock.describe(&Holder {
            api: Some(api.clone()),
            ..Holder::this("serve")
        })?;
        Ok(Self::serve_on(options, listener, api, lock).await?)
    }

    async fn serve_on(
        options: StackOptions,
        listener: TcpListener,
        api: String,
        lock: FolderLock,
    ) -> Result<Self, BoxError> {
        if options.faults.is_some() && !options.services.all_on_this_machine() {
            return Err("faults are injected only in front of services on this machine".into());
        }
        let (shutdown, stopped) = watch::channel(false);
        let endpoints =
            start_services(&options.data_dir, &options.services, api, stopped.clone()).await?;
        prepare_data(&endpoints, options.clock.now()).await?;
        let faults = Arc::new(FaultCounts::default());
        // The functions reach the services through the fault proxies, if any; operator
        // commands and tests that check the data use the services themselves.
        let functions = match options.faults {
            Some(plan) => Endpoints {
                dynamodb: faults::start(
                    &endpoints.dynamodb,
                    Service::DynamoDb,
                    plan,
                    faults.clone(),
                    stopped.clone(),
                )
                .await?,
                s3: faults::start(
                    &endpoints.s3,
                    Service::S3,
                    plan,
                    faults.clone(),
                    stopped.clone(),
                )
                .await?,
                ..endpoints.clone()
            },
            None => endpoints.clone(),
        };
        // The embedded DynamoDB updates its index with the write; the fault proxy's lag
        // is what there is to wait for; another DynamoDB's (AWS's) as configured.
        let index_settle = match (
            options.faults.and_then(|plan| plan.index_lag),
            options.services.dynamodb_endpoint.is_none(),
        ) {
            (Some(lag), _) => Some(lag),
            (None, true) => Some(std::time::Duration::ZERO),
            (None, false) => None,
        };
        let app = local_app(
            &options.data_dir,
            &functions,
            options.clock,
            index_settle,
            options.configure,
        )
        .await?;
        let app = Arc::new(app);
        let stream = Arc::new(StreamPump::connect(&endpoints.dynamodb, &endpoints.table).await);
        let pump = {
            let (app, stream, stopped) = (app.clone(), stream.clone(), stopped.clone());
            let poll = options.poll_stream;
            tokio::spawn(async move {
                if poll {
                    stream.run(&app, stopped).await;
                }
            })
        };
        let gateway = tokio::spawn(gateway::serve(listener, app.clone(), stopped));
        Ok(Self {
            endpoints,
            app,
            faults,
            stream,
            shutdown,
            gateway,
            pump,
            _lock: lock,
        })
    }

    /// Delivers what the table's stream holds now to the stream functions, and waits
    /// for them (tests use it instead of waiting for the next poll).
    pub async fn process_stream(&self) -> Result<usize, BoxError> {
        self.stream.drain(&self.app).await
    }

    /// Stops accepting requests and shuts the embedded services down.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.gateway.await;
        let _ = self.pump.await;
    }
}

/// The services `services` names, the embedded ones started (on `data_dir`'s files)
/// where it names none; they stop when `stopped` says so.
async fn start_services(
    data_dir: &Path,
    services: &Services,
    api: String,
    stopped: watch::Receiver<bool>,
) -> Result<Endpoints, BoxError> {
    let dynamodb = match &services.dynamodb_endpoint {
        Some(endpoint) => endpoint.clone(),
        None => embedded::start_dynamodb(data_dir, stopped.clone()).await?,
    };
    let s3 = match &services.s3_endpoint {
        Some(endpoint) => endpoint.clone(),
        None => embedded::start_s3(data_dir, stopped).await?,
    };
    Ok(Endpoints {
        api,
        dynamodb,
        s3,
        table: services.table.clone(),
    })
}

/// The `App` every function gets, configured for a local data folder whose table, S3
/// and API are at `endpoints`.
pub async fn local_app(
    data_dir: &Path,
    endpoints: &Endpoints,
    clock: Arc<dyn Clock>,
    index_settle: Option<std::time::Duration>,
    configure: Option<SettingsHook>,
) -> Result<App, BoxError> {
    let sdk = services::sdk_config(&endpoints.dynamodb).await;
    let keys = data_dir::signing_keys(data_dir)?;
    // The same environment settings as the functions read (TERMS_VERSION, token
    // lifetimes, prices…), with this folder's keys; Stripe's test mode when
    // STRIPE_SECRET_KEY is set, the local checkout page otherwise.
    let mut settings = Settings::with_keys_from_env(&endpoints.table, &keys)?;
    if settings.payments.stripe_webhook_secret.is_none() {
        settings.payments.stripe_webhook_secret = Some(data_dir::webhook_secret(data_dir)?);
    }
    settings.payments.local_checkout_base = Some(endpoints.api.clone());
    // Providers without credentials are played by the stack itself, with its own key.
    settings.social.local_idp = Some(natives_shared::social::LocalIdp {
        base_url: format!(
            "{}{}",
            endpoints.api,
            crate::local_idp::PREFIX.trim_end_matches('/')
        ),
        secret: settings.email_code_key.clone().unwrap_or_default(),
        signing_key: data_dir::local_idp_key(data_dir)?,
    });
    settings.archive.staging_bucket = STAGING_BUCKET.into();
    settings.archive.archive_bucket = ARCHIVE_BUCKET.into();
    settings.archive.photos_bucket = PHOTOS_BUCKET.into();
    settings.archive.force_path_style = true;
    // s3s-fs keeps one version of an object and has no Object Lock or legal holds.
    settings.archive.versioned = false;
    // No CDN here: the voice route's presigned link lives a few seconds, so a link
    // handed out before a message was hidden stops working almost at once (the route
    // checks visibility on every request; S3 checks nothing but the signature).
    if std::env::var_os("VOICE_URL_SECONDS").is_none() {
        settings.conversations.voice_url_seconds = LOCAL_VOICE_URL_SECONDS;
    }
    if let Some(settle) = index_settle {
        settings.index_settle = settle;
    }
    if let Some(configure) = configure {
        configure(&mut settings);
    }
    let s3_sdk = services::sdk_config(&endpoints.s3).await;
    // The Management API of the live WebSocket API is the stack's own address.
    let live_sdk = services::sdk_config(&endpoints.api).await;
    Ok(App::new(&sdk, settings, clock, Some(&s3_sdk))?.with_connections(&live_sdk))
}

/// Makes what a data folder's services must hold where it is missing: the table (and
/// waits until it is active), the default catalogue and the buckets, on the services
/// themselves (not through a fault proxy). `serve` and every operator command that
/// opens a folder run it.
pub async fn prepare_data(
    endpoints: &Endpoints,
    now: time::OffsetDateTime,
) -> Result<(), BoxError> {
    let dynamodb = |error: BoxError| -> BoxError {
        format!("DynamoDB at {}: {error}", endpoints.dynamodb).into()
    };
    let sdk = services::sdk_config(&endpoints.dynamodb).await;
    ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), &endpoints.table)
        .await
        .map_err(|e| dynamodb(e.into()))?;
    natives_shared::store::Store::connect(&sdk, &endpoints.table)
        .seed_catalog(&seed::default_tariffs(now))
        .await
        .map_err(|e| dynamodb(e.into()))?;
    let s3 = |error: BoxError| -> BoxError { format!("S3 at {}: {error}", endpoints.s3).into() };
    for bucket in [STAGING_BUCKET, ARCHIVE_BUCKET, PHOTOS_BUCKET] {
        embedded::ensure_bucket(&endpoints.s3, bucket)
            .await
            .map_err(s3)?;
    }
    Ok(())
}

/// How long an operator command waits for a folder held by another process that is
/// not (yet) a running `serve`: a `serve` starting, or another command.
const ATTACH_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// What an attached command keeps alive while it uses its `App`: the services it runs
/// itself, and the folder's lock, when no `serve` runs the folder.
pub struct Attachment {
    _shutdown: watch::Sender<bool>,
    _lock: Option<FolderLock>,
}

/// For commands that run beside `serve` (`command` names the command, for whoever finds
/// the folder locked): an `App` on the running stack's services if a `serve` runs this
/// folder, otherwise on the services `services` names (embedded ones of its own on the
/// same files where it names none), prepared as `serve` prepares them, the folder
/// locked meanwhile. Keep the [`Attachment`] alive while the `App` is used.
pub async fn attach(
    data_dir: &Path,
    command: &str,
    services: &Services,
) -> Result<(App, Attachment), BoxError> {
    let (shutdown, stopped) = watch::channel(false);
    let waited = std::time::Instant::now();
    let (endpoints, lock) = loop {
        match FolderLock::try_acquire(data_dir, &Holder::this(command)) {
            Ok(lock) => {
                data_dir::remove_endpoints(data_dir);
                let api = "http://127.0.0.1:3000".to_owned();
                let endpoints = start_services(data_dir, services, api, stopped.clone()).await?;
                prepare_data(&endpoints, SystemClock.now()).await?;
                break (endpoints, Some(lock));
            }
            Err(LockError::Held(held)) => {
                if let Some(endpoints) = data_dir::running_endpoints(data_dir) {
                    if *services != Services::default() && !endpoints.named_by(services) {
                        return Err(format!(
                            "the data folder {} is served by {held} on DynamoDB {} (table {}) and S3 {}: leave out --dynamodb-endpoint, --table and --s3-endpoint to use them, or stop it",
                            data_dir.display(),
                            endpoints.dynamodb,
                            endpoints.table,
                            endpoints.s3
                        )
                        .into());
                    }
                    break (endpoints, None);
                }
                if waited.elapsed() > ATTACH_WAIT {
                    return Err(format!(
                        "the data folder {} is in use by {held}, which does not serve it: wait for it to end, or stop it",
                        data_dir.display()
                    )
                    .into());
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => return Err(error.into()),
        }
    };
    let app = local_app(data_dir, &endpoints, Arc::new(SystemClock), None, None).await?;
    Ok((
        app,
        Attachment {
            _shutdown: shutdown,
            _lock: lock,
        },
    ))
}

//! Starting the whole local stack: embedded services, table and bucket, the gateway.

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
use crate::faults::{self, FaultCounts, Service};
use crate::stream::StreamPump;
use crate::{ARCHIVE_BUCKET, BoxError, STAGING_BUCKET, TABLE_NAME, embedded, gateway, seed};

/// A change to the settings before the `App` is built.
pub type SettingsHook = Box<dyn FnOnce(&mut Settings) + Send>;

pub struct StackOptions {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Changes to the settings (tests point Stripe at a stub this way).
    pub configure: Option<SettingsHook>,
    /// Inject faults between the functions and DynamoDB and S3 at this rate (0 to 1).
    pub fault_rate: Option<f64>,
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
        let (shutdown, stopped) = watch::channel(false);
        let (dynamodb, database) =
            embedded::start_dynamodb(&options.data_dir, stopped.clone()).await?;
        let s3 = embedded::start_s3(&options.data_dir, stopped.clone()).await?;
        prepare_data(&dynamodb, &s3, options.clock.now()).await?;
        let faults = Arc::new(FaultCounts::default());
        // The functions reach the services through the fault proxies, if any; operator
        // commands and tests that check the data use the services themselves.
        let (functions_dynamodb, functions_s3) = match options.fault_rate {
            Some(rate) => (
                faults::start(
                    &dynamodb,
                    Service::DynamoDb,
                    rate,
                    faults.clone(),
                    stopped.clone(),
                )
                .await?,
                faults::start(&s3, Service::S3, rate, faults.clone(), stopped.clone()).await?,
            ),
            None => (dynamodb.clone(), s3.clone()),
        };
        let app = local_app(
            &options.data_dir,
            &functions_dynamodb,
            &functions_s3,
            &api,
            options.clock,
            options.configure,
        )
        .await?;
        let app = Arc::new(app);
        let stream = Arc::new(StreamPump::new(database, TABLE_NAME));
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
            endpoints: Endpoints { api, dynamodb, s3 },
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

/// The `App` every function gets, configured for a local data folder whose DynamoDB
/// and S3 answer at `dynamodb` and `s3` and whose API is `api`. Creates the table and
/// the default catalogue if they are missing.
pub async fn local_app(
    data_dir: &Path,
    dynamodb: &str,
    s3: &str,
    api: &str,
    clock: Arc<dyn Clock>,
    configure: Option<SettingsHook>,
) -> Result<App, BoxError> {
    let sdk = embedded::sdk_config(dynamodb).await;
    let keys = data_dir::signing_keys(data_dir)?;
    // The same environment settings as the functions read (TERMS_VERSION, token
    // lifetimes, prices…), with this folder's keys; Stripe's test mode when
    // STRIPE_SECRET_KEY is set, the local checkout page otherwise.
    let mut settings = Settings::with_keys_from_env(TABLE_NAME, &keys)?;
    if settings.payments.stripe_webhook_secret.is_none() {
        settings.payments.stripe_webhook_secret = Some(data_dir::webhook_secret(data_dir)?);
    }
    settings.payments.local_checkout_base = Some(api.to_owned());
    settings.archive.staging_bucket = STAGING_BUCKET.into();
    settings.archive.archive_bucket = ARCHIVE_BUCKET.into();
    settings.archive.force_path_style = true;
    if let Some(configure) = configure {
        configure(&mut settings);
    }
    let s3_sdk = embedded::sdk_config(s3).await;
    // The Management API of the live WebSocket API is the stack's own address.
    let live_sdk = embedded::sdk_config(api).await;
    Ok(App::new(&sdk, settings, clock, Some(&s3_sdk))?.with_connections(&live_sdk))
}

/// Makes what a data folder's services must hold where it is missing: the table, the
/// default catalogue and the buckets, on the services themselves (not through a fault
/// proxy). `serve` and every operator command that opens a folder run it.
pub async fn prepare_data(
    dynamodb: &str,
    s3: &str,
    now: time::OffsetDateTime,
) -> Result<(), BoxError> {
    let sdk = embedded::sdk_config(dynamodb).await;
    ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), TABLE_NAME).await?;
    natives_shared::store::Store::connect(&sdk, TABLE_NAME)
        .seed_catalog(&seed::default_tariffs(now))
        .await?;
    embedded::ensure_bucket(s3, STAGING_BUCKET).await?;
    embedded::ensure_bucket(s3, ARCHIVE_BUCKET).await?;
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
/// folder, otherwise on embedded services of its own on the same files, prepared as
/// `serve` prepares them, the folder locked meanwhile. Keep the [`Attachment`] alive
/// while the `App` is used.
pub async fn attach(data_dir: &Path, command: &str) -> Result<(App, Attachment), BoxError> {
    let (shutdown, stopped) = watch::channel(false);
    let waited = std::time::Instant::now();
    let (endpoints, lock) = loop {
        match FolderLock::try_acquire(data_dir, &Holder::this(command)) {
            Ok(lock) => {
                data_dir::remove_endpoints(data_dir);
                let endpoints = Endpoints {
                    dynamodb: embedded::start_dynamodb(data_dir, stopped.clone()).await?.0,
                    s3: embedded::start_s3(data_dir, stopped.clone()).await?,
                    api: "http://127.0.0.1:3000".to_owned(),
                };
                prepare_data(&endpoints.dynamodb, &endpoints.s3, SystemClock.now()).await?;
                break (endpoints, Some(lock));
            }
            Err(LockError::Held(held)) => {
                if let Some(endpoints) = data_dir::running_endpoints(data_dir) {
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
    let app = local_app(
        data_dir,
        &endpoints.dynamodb,
        &endpoints.s3,
        &endpoints.api,
        Arc::new(SystemClock),
        None,
    )
    .await?;
    Ok((
        app,
        Attachment {
            _shutdown: shutdown,
            _lock: lock,
        },
    ))
}

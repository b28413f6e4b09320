//! The table's stream, locally: what Lambda's event source mapping does in AWS. The
//! embedded DynamoDB keeps a stream of every write; this pump reads it from the start
//! (`TRIM_HORIZON`) and hands each batch, as the DynamoDB event Lambda would deliver, to
//! every function of the table whose trigger is the stream, with only the records its
//! trigger's filter lets through (`Trigger::takes_stream_record`). A batch whose function
//! fails is delivered again on the next turn, as Lambda retries it; the functions are
//! written so a batch delivered twice does nothing twice (the first `serve` after a
//! restart delivers the whole history again, to the same effect).

use std::time::Duration;

use dynoxide::actions::describe_stream::DescribeStreamRequest;
use dynoxide::actions::get_records::GetRecordsRequest;
use dynoxide::actions::get_shard_iterator::GetShardIteratorRequest;
use dynoxide::actions::list_streams::ListStreamsRequest;
use natives_functions::spec::STREAM_BATCH_SIZE;
use natives_functions::{App, FUNCTIONS};
use natives_shared::store::count_requests;
use serde_json::{Value, json};
use tokio::sync::{Mutex, watch};

use crate::BoxError;

/// How often `serve` looks at the stream.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

pub struct StreamPump {
    database: dynoxide::Database,
    table: String,
    /// Where the next batch starts; `None` until the stream is found.
    iterator: Mutex<Option<String>>,
}

impl StreamPump {
    pub fn new(database: dynoxide::Database, table: &str) -> Self {
        Self {
            database,
            table: table.to_owned(),
            iterator: Mutex::new(None),
        }
    }

    /// Delivers every record written so far, batch by batch; returns how many. Stops at
    /// the first batch a function fails (it is delivered again next time).
    pub async fn drain(&self, app: &App) -> Result<usize, BoxError> {
        let mut iterator = self.iterator.lock().await;
        let mut delivered = 0;
        loop {
            if iterator.is_none() {
                *iterator = self.first_iterator().await?;
            }
            let Some(current) = iterator.clone() else {
                return Ok(delivered);
            };
            let database = self.database.clone();
            let response = blocking(move || {
                database.get_records(GetRecordsRequest {
                    shard_iterator: current,
                    limit: Some(STREAM_BATCH_SIZE as usize),
                })
            })
            .await?;
            if response.records.is_empty() {
                return Ok(delivered);
            }
            let records: Vec<Value> = response
                .records
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            for spec in FUNCTIONS {
                let taken: Vec<&Value> = records
                    .iter()
                    .filter(|record| spec.trigger.takes_stream_record(record))
                    .collect();
                if taken.is_empty() {
                    continue;
                }
                let event = json!({ "Records": taken });
                let (handled, sent) = count_requests(spec.function.handle_event(app, event)).await;
                handled.map_err(|e| format!("{}: {e}", spec.name))?;
                // As the gateway does for routes: what IAM would refuse fails loudly.
                spec.grants_all(&sent.accesses)?;
            }
            delivered += response.records.len();
            *iterator = response.next_shard_iterator;
        }
    }

    /// An iterator at the start of the table's stream, if the table has one.
    async fn first_iterator(&self) -> Result<Option<String>, BoxError> {
        let database = self.database.clone();
        let table = self.table.clone();
        let iterator = blocking(move || -> Result<Option<String>, BoxError> {
            let streams = database.list_streams(ListStreamsRequest {
                table_name: Some(table),
                ..Default::default()
            })?;
            let Some(stream) = streams.streams.into_iter().next() else {
                return Ok(None);
            };
            let description = database.describe_stream(DescribeStreamRequest {
                stream_arn: stream.stream_arn.clone(),
                ..Default::default()
            })?;
            let Some(shard) = description.stream_description.shards.into_iter().next() else {
                return Ok(None);
            };
            let iterator = database.get_shard_iterator(GetShardIteratorRequest {
                stream_arn: stream.stream_arn,
                shard_id: shard.shard_id,
                shard_iterator_type: "TRIM_HORIZON".into(),
                sequence_number: None,
            })?;
            Ok(iterator.shard_iterator)
        })
        .await?;
        Ok(iterator)
    }

    /// Drains the stream every [`POLL_INTERVAL`] until `shutdown`.
    pub async fn run(&self, app: &App, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.drain(app).await {
                tracing::warn!(%error, "a stream batch failed; it is delivered again");
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

/// One stream record of an inserted item with these keys, shaped as Lambda's event source
/// mapping delivers it (for handing a stream function a batch of one's own making).
pub fn inserted(pk: &str, sk: &str) -> Value {
    json!({
        "eventID": ulid::Ulid::new().to_string(),
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "local",
        "dynamodb": {
            "Keys": { "pk": { "S": pk }, "sk": { "S": sk } },
            "SequenceNumber": "0",
            "SizeBytes": 0,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    })
}

/// `work` on a thread that may block (the embedded database's calls), and its result.
async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, BoxError>
where
    T: Send + 'static,
    E: Into<BoxError> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await?.map_err(Into::into)
}

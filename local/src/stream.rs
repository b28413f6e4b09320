//! The table's stream, locally: what Lambda's event source mapping does in AWS. This
//! pump reads the table's stream through the DynamoDB Streams API (the embedded
//! DynamoDB serves it, as do DynamoDB Local, moto's server and AWS): every shard from
//! `TRIM_HORIZON`, a shard's children only once it is read to its end (so the records
//! of one item stay in order across a shard split), and hands each batch, as the
//! DynamoDB event Lambda would deliver, to every function of the table whose trigger is
//! the stream, with only the records its trigger's filter lets through
//! (`Trigger::takes_stream_record`). A batch whose function fails is delivered again on
//! the next turn, as Lambda retries it; the functions are written so a batch delivered
//! twice does nothing twice (the first `serve` after a restart delivers the whole
//! history again, to the same effect).

use std::time::Duration;

use aws_lambda_events::event::dynamodb::{EventRecord, StreamRecord, StreamViewType};
use aws_sdk_dynamodbstreams::operation::get_records::GetRecordsError;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use natives_functions::spec::STREAM_BATCH_SIZE;
use natives_functions::{App, FUNCTIONS};
use natives_shared::store::count_requests;
use serde_json::{Value, json};
use tokio::sync::{Mutex, watch};

use crate::{BoxError, services};

/// How often `serve` looks at the stream.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

pub struct StreamPump {
    dynamodb: aws_sdk_dynamodb::Client,
    streams: aws_sdk_dynamodbstreams::Client,
    table: String,
    reading: Mutex<Reading>,
}

/// How far the pump has read.
#[derive(Debug, Default)]
struct Reading {
    /// The table's stream, once it is found.
    stream_arn: Option<String>,
    /// Every shard seen, in the order the stream lists them.
    shards: Vec<Shard>,
}

#[derive(Debug)]
struct Shard {
    id: String,
    parent: Option<String>,
    /// Where the next batch starts, while this pump holds one.
    iterator: Option<String>,
    /// The last record delivered, to start again after it when an iterator expires.
    last_sequence: Option<String>,
    /// Closed and read to its end.
    finished: bool,
}

impl Reading {
    /// The shards to read now: not finished, and whose parent is finished or no longer
    /// listed (trimmed away).
    fn ready(&self) -> Vec<String> {
        let finished = |id: &str| {
            self.shards
                .iter()
                .find(|shard| shard.id == id)
                .is_none_or(|shard| shard.finished)
        };
        self.shards
            .iter()
            .filter(|shard| !shard.finished && shard.parent.as_deref().is_none_or(finished))
            .map(|shard| shard.id.clone())
            .collect()
    }

    fn learn(&mut self, id: &str, parent: Option<&str>) {
        if !self.shards.iter().any(|shard| shard.id == id) {
            self.shards.push(Shard {
                id: id.to_owned(),
                parent: parent.map(str::to_owned),
                iterator: None,
                last_sequence: None,
                finished: false,
            });
        }
    }

    fn shard(&mut self, id: &str) -> &mut Shard {
        self.shards
            .iter_mut()
            .find(|shard| shard.id == id)
            .expect("a shard the pump listed")
    }
}

impl StreamPump {
    /// A pump for `table`'s stream, found with `dynamodb` and read with `streams`.
    pub fn new(
        dynamodb: aws_sdk_dynamodb::Client,
        streams: aws_sdk_dynamodbstreams::Client,
        table: &str,
    ) -> Self {
        Self {
            dynamodb,
            streams,
            table: table.to_owned(),
            reading: Mutex::new(Reading::default()),
        }
    }

    /// A pump for `table` on the DynamoDB at `endpoint`, read through its Streams API
    /// (where [`services::streams_endpoint`] says it answers).
    pub async fn connect(endpoint: &str, table: &str) -> Self {
        let sdk = services::sdk_config(endpoint).await;
        let streams = aws_sdk_dynamodbstreams::config::Builder::from(&sdk)
            .endpoint_url(services::streams_endpoint(endpoint))
            .build();
        Self::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            aws_sdk_dynamodbstreams::Client::from_conf(streams),
            table,
        )
    }

    /// Delivers every record written so far, batch by batch; returns how many. Stops at
    /// the first batch a function fails (it is delivered again next time).
    pub async fn drain(&self, app: &App) -> Result<usize, BoxError> {
        let mut reading = self.reading.lock().await;
        if reading.stream_arn.is_none() {
            reading.stream_arn = self.latest_stream().await?;
        }
        let Some(stream_arn) = reading.stream_arn.clone() else {
            return Ok(0);
        };
        let mut delivered = 0;
        loop {
            self.list_shards(&stream_arn, &mut reading).await?;
            let mut finished_one = false;
            for id in reading.ready() {
                let (count, finished) =
                    self.read_shard(app, &stream_arn, &id, &mut reading).await?;
                delivered += count;
                finished_one |= finished;
            }
            // A shard read to its end lets its children start.
            if !finished_one {
                return Ok(delivered);
            }
        }
    }

    /// The table's current stream, if the table has one.
    async fn latest_stream(&self) -> Result<Option<String>, BoxError> {
        let described = self
            .dynamodb
            .describe_table()
            .table_name(&self.table)
            .send()
            .await?;
        Ok(described
            .table()
            .and_then(|table| table.latest_stream_arn())
            .map(str::to_owned))
    }

    /// Adds the shards the stream lists that the pump has not seen, every page.
    async fn list_shards(&self, stream_arn: &str, reading: &mut Reading) -> Result<(), BoxError> {
        let mut start = None;
        loop {
            let described = self
                .streams
                .describe_stream()
                .stream_arn(stream_arn)
                .set_exclusive_start_shard_id(start)
                .send()
                .await?;
            let Some(description) = described.stream_description() else {
                return Ok(());
            };
            for shard in description.shards() {
                if let Some(id) = shard.shard_id() {
                    reading.learn(id, shard.parent_shard_id());
                }
            }
            match description.last_evaluated_shard_id() {
                Some(last) => start = Some(last.to_owned()),
                None => return Ok(()),
            }
        }
    }

    /// Delivers one shard's records from where the pump stopped up to what it holds now;
    /// returns how many, and whether the shard is closed and read to its end.
    async fn read_shard(
        &self,
        app: &App,
        stream_arn: &str,
        id: &str,
        reading: &mut Reading,
    ) -> Result<(usize, bool), BoxError> {
        let mut delivered = 0;
        let mut renewed = false;
        loop {
            let shard = reading.shard(id);
            let iterator = match shard.iterator.clone() {
                Some(iterator) => iterator,
                None => {
                    let iterator = self.iterator(stream_arn, shard).await?;
                    shard.iterator = iterator.clone();
                    match iterator {
                        Some(iterator) => iterator,
                        None => {
                            shard.finished = true;
                            return Ok((delivered, true));
                        }
                    }
                }
            };
            let page = match self
                .streams
                .get_records()
                .shard_iterator(iterator)
                .limit(STREAM_BATCH_SIZE as i32)
                .send()
                .await
            {
                Ok(page) => page,
                // An iterator lives 15 minutes on AWS: a new one starts after the last
                // record delivered.
                Err(error)
                    if !renewed
                        && matches!(
                            error.as_service_error(),
                            Some(GetRecordsError::ExpiredIteratorException(_))
                        ) =>
                {
                    renewed = true;
                    shard.iterator = None;
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            let next = page.next_shard_iterator().map(str::to_owned);
            let records = page.records;
            if let Some(records) = records.filter(|records| !records.is_empty()) {
                let last = records
                    .last()
                    .and_then(|record| record.dynamodb())
                    .and_then(|change| change.sequence_number())
                    .map(str::to_owned);
                deliver(app, stream_arn, &self.table, records.clone()).await?;
                delivered += records.len();
                let shard = reading.shard(id);
                shard.last_sequence = last.or(shard.last_sequence.take());
                shard.iterator = next.clone();
                if next.is_none() {
                    shard.finished = true;
                    return Ok((delivered, true));
                }
                continue;
            }
            let shard = reading.shard(id);
            shard.iterator = next.clone();
            shard.finished = next.is_none();
            return Ok((delivered, shard.finished));
        }
    }

    /// An iterator after the last record delivered from `shard`, or at its start.
    async fn iterator(&self, stream_arn: &str, shard: &Shard) -> Result<Option<String>, BoxError> {
        let request = self
            .streams
            .get_shard_iterator()
            .stream_arn(stream_arn)
            .shard_id(&shard.id);
        let request = match &shard.last_sequence {
            Some(sequence) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(sequence),
            None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
        };
        Ok(request.send().await?.shard_iterator().map(str::to_owned))
    }

    /// Drops every shard iterator the pump holds, as if each had expired (tests: the next
    /// batch starts after the last record delivered, not at the start again).
    #[doc(hidden)]
    pub async fn expire_iterators(&self) {
        for shard in &mut self.reading.lock().await.shards {
            shard.iterator = None;
        }
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

/// Hands one batch to every stream function whose filter takes some of its records.
async fn deliver(
    app: &App,
    stream_arn: &str,
    table: &str,
    records: Vec<Record>,
) -> Result<(), BoxError> {
    let records: Vec<Value> = records
        .into_iter()
        .map(|record| serde_json::to_value(lambda_record(record, stream_arn, table)))
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
    Ok(())
}

/// A Streams API record as Lambda's event source mapping delivers it.
fn lambda_record(record: Record, stream_arn: &str, table: &str) -> EventRecord {
    let item = |image: Option<std::collections::HashMap<String, _>>| {
        serde_dynamo::Item::from(image.unwrap_or_default())
    };
    let mut change = StreamRecord::default();
    if let Some(stream) = record.dynamodb {
        if let Some(at) = stream.approximate_creation_date_time {
            change.approximate_creation_date_time =
                chrono::DateTime::from_timestamp(at.secs(), at.subsec_nanos()).unwrap_or_default();
        }
        change.keys = item(stream.keys);
        change.new_image = item(stream.new_image);
        change.old_image = item(stream.old_image);
        change.sequence_number = stream.sequence_number;
        change.size_bytes = stream.size_bytes.unwrap_or_default();
        change.stream_view_type = stream
            .stream_view_type
            .and_then(|view| serde_json::from_value::<StreamViewType>(json!(view.as_str())).ok());
    }
    let mut event = EventRecord::default();
    event.aws_region = record.aws_region.unwrap_or_default();
    event.change = change;
    event.event_id = record.event_id.unwrap_or_default();
    event.event_name = record
        .event_name
        .map(|name| name.as_str().to_owned())
        .unwrap_or_default();
    event.event_source = record.event_source;
    event.event_version = record.event_version;
    event.event_source_arn = Some(stream_arn.to_owned());
    event.table_name = Some(table.to_owned());
    event
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

/// One stream record of an inserted item (its keys and its new image, as stored), shaped
/// as Lambda's event source mapping delivers it.
pub fn inserted_item(
    item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> Value {
    let keys: std::collections::HashMap<_, _> = item
        .iter()
        .filter(|(name, _)| *name == "pk" || *name == "sk")
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let mut change = StreamRecord::default();
    change.keys = serde_dynamo::Item::from(keys);
    change.new_image = serde_dynamo::Item::from(item);
    change.stream_view_type = Some(StreamViewType::NewAndOldImages);
    let mut record = EventRecord::default();
    record.event_id = ulid::Ulid::new().to_string();
    record.event_name = "INSERT".into();
    record.event_source = Some("aws:dynamodb".into());
    record.change = change;
    serde_json::to_value(record).expect("a record serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(shards: &[(&str, Option<&str>, bool)]) -> Reading {
        let mut reading = Reading::default();
        for (id, parent, finished) in shards {
            reading.learn(id, *parent);
            reading.shard(id).finished = *finished;
        }
        reading
    }

    #[test]
    fn a_child_shard_waits_until_its_parent_is_read_to_its_end() {
        let split = reading(&[
            ("a", None, false),
            ("b", Some("a"), false),
            ("c", Some("a"), false),
        ]);
        assert_eq!(split.ready(), ["a"]);
        let parent_done = reading(&[
            ("a", None, true),
            ("b", Some("a"), false),
            ("c", Some("a"), false),
        ]);
        assert_eq!(parent_done.ready(), ["b", "c"]);
    }

    #[test]
    fn a_shard_whose_parent_was_trimmed_away_is_read() {
        let orphan = reading(&[("b", Some("gone"), false), ("d", Some("b"), false)]);
        assert_eq!(orphan.ready(), ["b"]);
    }

    #[test]
    fn a_record_of_the_streams_api_becomes_the_record_lambda_delivers() {
        use aws_sdk_dynamodbstreams::types::{AttributeValue, OperationType};
        let key = |pk: &str| {
            std::collections::HashMap::from([
                ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
                ("sk".to_owned(), AttributeValue::S("EMAIL".to_owned())),
            ])
        };
        let mut image = key("OUTBOX#1");
        image.insert("attempts".into(), AttributeValue::N("2".into()));
        let record = Record::builder()
            .event_id("e1")
            .event_name(OperationType::Insert)
            .event_source("aws:dynamodb")
            .event_version("1.1")
            .aws_region("us-east-1")
            .dynamodb(
                aws_sdk_dynamodbstreams::types::StreamRecord::builder()
                    .set_keys(Some(key("OUTBOX#1")))
                    .set_new_image(Some(image))
                    .sequence_number("100")
                    .size_bytes(40)
                    .stream_view_type(aws_sdk_dynamodbstreams::types::StreamViewType::NewImage)
                    .approximate_creation_date_time(
                        aws_sdk_dynamodbstreams::primitives::DateTime::from_secs(1_796_579_278),
                    )
                    .build(),
            )
            .build();
        let json = serde_json::to_value(lambda_record(record, "arn:stream", "natives")).unwrap();
        assert_eq!(json["eventName"], "INSERT");
        assert_eq!(json["eventSourceARN"], "arn:stream");
        assert_eq!(json["dynamodb"]["Keys"]["pk"], json!({ "S": "OUTBOX#1" }));
        assert_eq!(
            json["dynamodb"]["NewImage"]["attempts"],
            json!({ "N": "2" })
        );
        assert_eq!(json["dynamodb"]["SequenceNumber"], "100");
        assert_eq!(json["dynamodb"]["StreamViewType"], "NEW_IMAGE");
        assert_eq!(
            json["dynamodb"]["ApproximateCreationDateTime"],
            1_796_579_278.0
        );
        // and it is what the stream functions read
        let event: aws_lambda_events::event::dynamodb::Event =
            serde_json::from_value(json!({ "Records": [json] })).unwrap();
        assert_eq!(event.records[0].change.keys.len(), 2);
    }
}

//! Counting the DynamoDB requests one piece of work makes: each route has a budget
//! (see docs/performance.md), and the local stack reports the count per request, and
//! which operations they were.

use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;

tokio::task_local! {
    static REQUESTS: Arc<Mutex<Vec<String>>>;
}

/// An SDK interceptor that records every HTTP attempt (retries included) made inside
/// [`count_requests`], by operation name. Outside it, it does nothing.
#[derive(Debug)]
pub(crate) struct RequestMeter;

impl Intercept for RequestMeter {
    fn name(&self) -> &'static str {
        "RequestMeter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // DynamoDB names the operation in `X-Amz-Target: DynamoDB_20120810.GetItem`.
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or("unknown")
            .to_owned();
        let _ = REQUESTS.try_with(|requests| {
            requests
                .lock()
                .expect("the meter's lock is never poisoned")
                .push(operation)
        });
        Ok(())
    }
}

/// The DynamoDB requests some work sent, in order, by operation name (`GetItem`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests(pub Vec<String>);

impl Requests {
    pub fn count(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }
}

/// Runs `work` and tells which DynamoDB requests it sent.
pub async fn count_requests<F: Future>(work: F) -> (F::Output, Requests) {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let output = REQUESTS.scope(requests.clone(), work).await;
    let sent = std::mem::take(&mut *requests.lock().expect("not poisoned"));
    (output, Requests(sent))
}

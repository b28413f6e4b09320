//! Counting the DynamoDB requests one piece of work makes: each route has a budget
//! (see docs/performance.md), and the local stack reports the count per request.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;

tokio::task_local! {
    static REQUESTS: Arc<AtomicU32>;
}

/// An SDK interceptor that counts every HTTP attempt (retries included) made inside
/// [`count_requests`]. Outside it, it does nothing.
#[derive(Debug)]
pub(crate) struct RequestMeter;

impl Intercept for RequestMeter {
    fn name(&self) -> &'static str {
        "RequestMeter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let _ = REQUESTS.try_with(|count| count.fetch_add(1, Ordering::Relaxed));
        Ok(())
    }
}

/// Runs `work` and tells how many DynamoDB requests it sent.
pub async fn count_requests<F: Future>(work: F) -> (F::Output, u32) {
    let count = Arc::new(AtomicU32::new(0));
    let output = REQUESTS.scope(count.clone(), work).await;
    (output, count.load(Ordering::Relaxed))
}

//! The floor's shape (`bin/hello.rs`) answering with what `answer` makes of the request's
//! content type and body: a size probe links exactly one call beside the floor.

use lambda_http::{Body, Error, Request, Response, service_fn};

pub fn serve(answer: fn(Option<&str>, &[u8]) -> Vec<u8>) -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_http::run(service_fn(
            move |request: Request| async move {
                let content_type = request
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok());
                let body = answer(content_type, request.body());
                Ok::<_, Error>(Response::builder().status(200).body(Body::from(body))?)
            },
        )))
}

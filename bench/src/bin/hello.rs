//! The floor: the smallest `lambda_http` function, built with the functions' release profile.

use lambda_http::{Body, Error, Request, Response, service_fn};

fn main() -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_http::run(service_fn(|_request: Request| async {
            Ok::<_, Error>(
                Response::builder()
                    .status(200)
                    .header("content-type", "text/plain")
                    .body(Body::from("hello"))?,
            )
        })))
}

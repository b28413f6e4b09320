use lambda_http::{Body, Response};
use serde::Serialize;

pub fn json(status: u16, value: &impl Serialize) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(
            serde_json::to_string(value).expect("response bodies serialise"),
        ))
        .expect("a JSON response is well-formed")
}

pub fn no_content() -> Response<Body> {
    Response::builder()
        .status(204)
        .body(Body::Empty)
        .expect("an empty response is well-formed")
}

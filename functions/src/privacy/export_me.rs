//! `GET /v1/me/export`: everything held about the caller, as one JSON document
//! (access and portability; schema in `docs/export-format.md`). Built from the
//! ownership list's walk of the account's items; secrets never leave.

use natives_shared::domain::export::ExportContext;
use natives_shared::http::json;
use natives_shared::store::export_document;

use crate::access::DataSubject;
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    _request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let now = app.now();
    let plan = app.store.caller_items(&caller, now).await?;
    let context = ExportContext {
        // The CDN serves only signed URLs, which the voice route issues after checking
        // the message is still visible: the export links the route.
        voice_base_url: None,
        index_settle: app.store.index_settle(),
    };
    let document = export_document(&caller.account_id, plan.into_items(), &context, now)?;
    let mut response = json(200, &document);
    let headers = response.headers_mut();
    headers.insert(
        "content-disposition",
        format!(
            "attachment; filename=\"natives-chat-export-{}.json\"",
            caller.account_id
        )
        .parse()
        .expect("a file name of id characters is a header value"),
    );
    headers.insert(
        "cache-control",
        http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

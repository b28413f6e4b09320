//! `POST /v1/threads/{thread_id}/messages`: reply with text or voice, optionally to a
//! message of the thread; costs `text_message` or `voice_message`, paid in the same
//! single DynamoDB request that writes the message.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::decide::posting::{NewPost, PostContent, PostRefusal, cost};
use natives_shared::domain::{Message, Thread, ThreadId, Validator};
use natives_shared::http::{ApiError, json_body, not_null, path_id};
use natives_shared::store::{Failure, PostAnswer};
use serde::Deserialize;

use super::posting::{self, RawContent};
use super::views::MessageView;
use crate::access::Payer;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostMessageRequest {
    #[serde(default, deserialize_with = "not_null")]
    text: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    voice_upload_id: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    reply_to: Option<String>,
}

pub async fn handle(app: &App, request: Request, caller: Payer) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let body: PostMessageRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reply_to = posting::parse_reply_to(body.reply_to, &mut v);
    let raw = RawContent {
        text: body.text,
        voice_upload_id: body.voice_upload_id,
    };
    let content = posting::content(app, &caller, raw, &mut v).await?;
    let content = v.finish(|| content.expect("checked"))?;
    let cost = cost(&content, &app.settings.conversations.action_costs);
    let post = NewPost { content, reply_to };
    let key = idempotency::request_under_key(&request, &caller)?;
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    let render = |message: &Message, _: Option<&Thread>| {
        idempotency::answer(201, &MessageView::new(message, &authors, None))
    };
    let remember = key.as_ref().map(|request| PostAnswer {
        request,
        answer: &render,
    });
    let posted = app
        .store
        .reply(
            &caller,
            &thread_id,
            &post,
            cost,
            remember.as_ref(),
            app.now(),
        )
        .await;
    let message = match posted {
        Ok(plan) => {
            if let PostContent::Voice {
                upload_id, etag, ..
            } = &post.content
            {
                posting::archive_recording(app, &caller, upload_id, etag, &plan.message).await?;
            }
            plan.message
        }
        Err(Failure::Refused(PostRefusal::UploadAlreadyAttached)) => {
            let PostContent::Voice {
                upload_id, etag, ..
            } = &post.content
            else {
                return Err(ApiError::Internal("a text post claimed an upload".into()));
            };
            posting::retry_archive(app, &caller, upload_id, etag).await?
        }
        Err(Failure::Refused(PostRefusal::KeyUsed)) => {
            let replayed =
                idempotency::replay(app, &caller, key.as_ref().expect("a key was used")).await?;
            if let PostContent::Voice {
                upload_id, etag, ..
            } = &post.content
            {
                posting::complete_archive(app, &caller, upload_id, etag).await?;
            }
            return Ok(replayed);
        }
        Err(failure) => return Err(failure.into()),
    };
    let mut response = idempotency::respond(&render(&message, None), false);
    response.headers_mut().insert(
        "location",
        format!("/v1/messages/{}", message.id)
            .parse()
            .expect("a path is a header value"),
    );
    Ok(response)
}

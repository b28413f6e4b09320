//! `POST /v1/threads`: open a thread with its first message (text or voice); costs
//! `new_thread`, paid in the same single DynamoDB request that writes the thread.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::decide::posting::{NewPost, NewThread, PostContent, PostRefusal};
use natives_shared::domain::{LanguageTag, Message, Thread, ThreadTitle, Validator};
use natives_shared::http::{ApiError, json_body, not_null};
use natives_shared::store::{Failure, PostAnswer};
use serde::{Deserialize, Serialize};

use super::posting::{self, RawContent};
use super::views::{MessageView, ThreadView};
use crate::access::Payer;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateThreadRequest {
    language: String,
    title: String,
    #[serde(default, deserialize_with = "not_null")]
    text: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    voice_upload_id: Option<String>,
}

#[derive(Serialize)]
struct CreatedThread<'a> {
    #[serde(flatten)]
    thread: ThreadView<'a>,
    first_message: MessageView<'a>,
}

pub async fn handle(app: &App, request: Request, caller: Payer) -> HandlerResult {
    let body: CreateThreadRequest = json_body(&request)?;
    let mut v = Validator::new();
    let language = v.check("language", LanguageTag::parse(&body.language));
    let rules = &app.settings.conversations.content_rules;
    let title = v.check_published("title", ThreadTitle::parse(&body.title, rules));
    let raw = RawContent {
        text: body.text,
        voice_upload_id: body.voice_upload_id,
    };
    let content = posting::content(app, &caller, raw, &mut v).await?;
    let (language, title, content) = v.finish(|| {
        (
            language.expect("checked"),
            title.expect("checked"),
            content.expect("checked"),
        )
    })?;
    let settings = &app.settings.conversations;
    let cost = settings.action_costs.new_thread;
    let list_shards = settings.thread_list_shards(language.as_ref());
    let new = NewThread { language, title };
    let post = NewPost {
        content,
        reply_to: None,
    };
    let key = idempotency::request_under_key(&request, &caller)?;
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    let render = |message: &Message, thread: Option<&Thread>| {
        let thread = thread.expect("a new thread's post renders with its thread");
        idempotency::answer(
            201,
            &CreatedThread {
                thread: ThreadView::new(thread, &authors),
                first_message: MessageView::new(message, &authors, None),
            },
        )
    };
    let remember = key.as_ref().map(|request| PostAnswer {
        request,
        answer: &render,
    });
    let posted = app
        .store
        .start_thread(
            &caller,
            &new,
            &post,
            cost,
            list_shards,
            remember.as_ref(),
            app.now(),
        )
        .await;
    let (thread, message) = match posted {
        Ok(plan) => {
            let thread = plan.thread.ok_or_else(|| {
                ApiError::Internal("a new thread's post without its thread".into())
            })?;
            if let PostContent::Voice {
                upload_id, etag, ..
            } = &post.content
            {
                posting::archive_recording(app, &caller, upload_id, etag, &plan.message).await?;
            }
            (thread, plan.message)
        }
        Err(Failure::Refused(PostRefusal::UploadAlreadyAttached)) => {
            let PostContent::Voice {
                upload_id, etag, ..
            } = &post.content
            else {
                return Err(ApiError::Internal("a text post claimed an upload".into()));
            };
            let message = posting::retry_archive(app, &caller, upload_id, etag).await?;
            let thread = app
                .store
                .thread(&message.thread_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            (thread, message)
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
    let mut response = idempotency::respond(&render(&message, Some(&thread)), false);
    response.headers_mut().insert(
        "location",
        format!("/v1/threads/{}", thread.id)
            .parse()
            .expect("a path is a header value"),
    );
    Ok(response)
}

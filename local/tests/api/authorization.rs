//! The authorization matrix, generated from the function table: every HTTP function is
//! called by a visitor, a plain user, each role and a blocked account, each with the
//! function's example event, and the answer must be what the row's access allows. A
//! function added later is covered by its row and its event.

use natives_functions::FUNCTIONS;
use natives_functions::spec::Access;
use natives_local::examples::{Who, event_file, fill};
use natives_shared::domain::Role;
use serde_json::Value;

use crate::helpers::spawn_app;

const CALLERS: &[(&str, Who)] = &[
    ("visitor", Who::Visitor),
    ("user", Who::Account(&[])),
    ("consultant", Who::Account(&[Role::Consultant])),
    ("mentor", Who::Account(&[Role::Mentor])),
    ("moderator", Who::Account(&[Role::Moderator])),
    ("admin", Who::Account(&[Role::Admin])),
    ("partner manager", Who::Account(&[Role::PartnerManager])),
    ("blocked", Who::Blocked),
];

#[derive(Debug, PartialEq)]
enum Expected {
    Served,
    Unauthorized,
    Forbidden,
}

fn expected(access: Access, who: Who) -> Expected {
    match (access, who) {
        (Access::Public | Access::Internal, _) => Expected::Served,
        (Access::Bearer, Who::Visitor) => Expected::Unauthorized,
        // A token alone: its account is checked when what it hands out is used.
        (Access::Bearer, _) => Expected::Served,
        (_, Who::Blocked) => Expected::Unauthorized,
        (Access::Viewer, _) => Expected::Served,
        (_, Who::Visitor) => Expected::Unauthorized,
        // Example accounts have accepted the current terms (a terms change is tested
        // with the paid routes).
        (Access::User | Access::Paid, Who::Account(_)) => Expected::Served,
        (Access::Role(role), Who::Account(roles)) if roles.contains(&role) => Expected::Served,
        (Access::Role(_), Who::Account(_)) => Expected::Forbidden,
    }
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_its_row_says() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let mut checked = 0;
    for spec in FUNCTIONS.iter().filter(|f| f.route().is_some()) {
        for (name, who) in CALLERS {
            // Who calls a public route changes nothing the row decides; its own rules
            // (a blocked account's login) are tested with the route.
            if spec.access == Access::Public && *who != Who::Visitor {
                continue;
            }
            let event = fill(&app.stack.app, &keys, &event_file(spec).unwrap(), *who)
                .await
                .unwrap();
            let response = app.send_event(&event).await;
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let context = format!(
                "{} as {name}: {status} {body} {}",
                spec.name, event["rawPath"]
            );
            match expected(spec.access, *who) {
                Expected::Served => assert!((200..400).contains(&status), "{context}"),
                Expected::Unauthorized => {
                    assert_eq!(status, 401, "{context}");
                    assert_eq!(body["code"], "unauthorized", "{context}");
                }
                Expected::Forbidden => {
                    assert_eq!(status, 403, "{context}");
                    assert_eq!(body["code"], "forbidden", "{context}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > FUNCTIONS.len(), "{checked} calls");
}

/// A plain user on a staff route learns nothing but 403: every path parameter malformed,
/// the query and the body garbage, the answer is still `forbidden`, before any of them is
/// read. A user whose token predates a role given since is let through by the same check.
#[tokio::test]
async fn a_plain_user_gets_403_on_every_staff_route_whatever_its_path_or_body() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let mut checked = 0;
    for spec in FUNCTIONS
        .iter()
        .filter(|f| f.route().is_some() && matches!(f.access, Access::Role(_)))
    {
        let mut event = fill(
            &app.stack.app,
            &keys,
            &event_file(spec).unwrap(),
            Who::Account(&[]),
        )
        .await
        .unwrap();
        let mut path = event["rawPath"].as_str().unwrap().to_owned();
        if let Some(parameters) = event["pathParameters"].as_object() {
            for value in parameters.values() {
                path = path.replace(value.as_str().unwrap(), "not%20an%20id");
            }
        }
        event["rawPath"] = Value::from(path);
        event["rawQueryString"] = Value::from("limit=-1&cursor=%FF%FF&bogus=1");
        if event["body"].is_string() {
            event["body"] = Value::from("{\"roles\": [\"emperor\"], \"unexpected\": ");
        }
        let response = app.send_event(&event).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 403, "{}: {body} {}", spec.name, event["rawPath"]);
        assert_eq!(body["code"], "forbidden", "{}: {body}", spec.name);
        checked += 1;
    }
    assert!(checked >= 10, "{checked} staff routes");
}

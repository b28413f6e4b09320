//! Finding the function for a request, as API Gateway's HTTP API does (the local
//! stack's gateway; tests), and the answer of the `$default` route, which gets every
//! request no route matches: a problem, 405 with `Allow` where the path has other
//! methods, else 404, so the deployed API and the local stack answer alike.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::http::ApiError;

use crate::spec::FunctionSpec;
use crate::{FUNCTIONS, HandlerResult, Visitor};

/// API Gateway's route key (and the template's `Path:`) of the route that gets every
/// request no other route matches.
pub const DEFAULT_ROUTE: &str = "$default";

pub enum RouteMatch {
    Found {
        spec: &'static FunctionSpec,
        path_parameters: HashMap<String, String>,
    },
    /// The path exists, with other methods (listed for the `Allow` header).
    MethodNotAllowed {
        allow: Vec<&'static str>,
    },
    NotFound,
}

/// The route whose method and path template match: exactly, as API Gateway matches
/// (case-sensitive, no trailing slash, every `{parameter}` a non-empty segment).
pub fn match_route(method: &str, path: &str) -> RouteMatch {
    let mut allow = Vec::new();
    for spec in FUNCTIONS {
        let Some((route_method, template)) = spec.route() else {
            continue;
        };
        let Some(path_parameters) = match_template(template, path) else {
            continue;
        };
        if route_method.eq_ignore_ascii_case(method) {
            return RouteMatch::Found {
                spec,
                path_parameters,
            };
        }
        allow.push(route_method);
    }
    if allow.is_empty() {
        RouteMatch::NotFound
    } else {
        RouteMatch::MethodNotAllowed { allow }
    }
}

/// The function API Gateway invokes for a request: its route's, else the `$default`
/// route's (with no path parameters).
pub fn select(method: &str, path: &str) -> (&'static FunctionSpec, HashMap<String, String>) {
    match match_route(method, path) {
        RouteMatch::Found {
            spec,
            path_parameters,
        } => (spec, path_parameters),
        RouteMatch::MethodNotAllowed { .. } | RouteMatch::NotFound => {
            (default_route(), HashMap::new())
        }
    }
}

/// The row of the `$default` route.
pub fn default_route() -> &'static FunctionSpec {
    FUNCTIONS
        .iter()
        .find(|spec| spec.is_default_route())
        .expect("the function table has a $default route")
}

/// The `$default` route's handler: what no route matched is a 405 naming the methods
/// the path has, or a 404.
pub async fn answer_unmatched(_app: &crate::App, request: Request, _: Visitor) -> HandlerResult {
    match match_route(request.method().as_str(), request.uri().path()) {
        RouteMatch::MethodNotAllowed { allow } => Err(ApiError::MethodNotAllowed {
            allow: allow.join(", "),
        }),
        // (`Found` only if the API lacks a route of the table: still nothing here.)
        RouteMatch::NotFound | RouteMatch::Found { .. } => Err(ApiError::NotFound),
    }
}

fn match_template(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let mut template_segments = template.trim_start_matches('/').split('/');
    let mut path_segments = path.strip_prefix('/')?.split('/');
    let mut parameters = HashMap::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(parameters),
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => {
                parameters.insert(t[1..t.len() - 1].to_owned(), p.to_owned());
            }
            (Some(t), Some(p)) if t == p && !p.is_empty() => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Function;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
        for spec in FUNCTIONS {
            assert_eq!(Function::from_name(spec.name), Some(spec.function));
            assert_eq!(spec.function.spec().name, spec.name);
        }
    }

    #[test]
    fn routes_are_unique() {
        let mut routes: Vec<_> = FUNCTIONS.iter().filter_map(|f| f.route()).collect();
        let count = routes.len();
        routes.sort();
        routes.dedup();
        assert_eq!(routes.len(), count);
    }

    #[test]
    fn matches_templates_methods_and_parameters() {
        let found = |method, path| match match_route(method, path) {
            RouteMatch::Found { spec, .. } => Some(spec.function),
            _ => None,
        };
        assert_eq!(found("GET", "/v1/me"), Some(Function::GetMe));
        assert_eq!(found("PATCH", "/v1/me"), Some(Function::UpdateMe));
        // API Gateway matches the path exactly: a trailing slash, an empty or a
        // differently cased segment is another path.
        assert_eq!(found("PATCH", "/v1/me/"), None);
        assert_eq!(found("GET", "/v1/tariffs/"), None);
        assert_eq!(found("GET", "/v1//tariffs"), None);
        assert_eq!(found("GET", "/V1/tariffs"), None);
        assert_eq!(found("GET", "v1/tariffs"), None);
        assert!(matches!(
            match_route("HEAD", "/v1/tariffs"),
            RouteMatch::MethodNotAllowed { allow } if allow == ["GET"]
        ));
        assert!(
            matches!(match_route("DELETE", "/v1/me"), RouteMatch::MethodNotAllowed { allow } if allow == ["GET", "PATCH"])
        );
        assert!(matches!(
            match_route("GET", "/v1/nothing"),
            RouteMatch::NotFound
        ));
        assert!(matches!(
            match_route("GET", "/v1/me/block/x"),
            RouteMatch::NotFound
        ));
        let parameters = match_template(
            "/v1/threads/{thread_id}/messages",
            "/v1/threads/T1/messages",
        )
        .unwrap();
        assert_eq!(parameters["thread_id"], "T1");
        assert!(match_template("/v1/threads/{thread_id}", "/v1/threads/").is_none());
    }

    #[test]
    fn what_no_route_matches_goes_to_the_default_route() {
        let (spec, parameters) = select("DELETE", "/v1/me");
        assert!(spec.is_default_route());
        assert!(parameters.is_empty());
        assert_eq!(select("GET", "/v1/nowhere").0.name, default_route().name);
        assert_eq!(select("GET", "/v1/me").0.function, Function::GetMe);
        assert!(
            !FUNCTIONS
                .iter()
                .any(|spec| spec.route().is_some_and(|(_, path)| path == DEFAULT_ROUTE)),
            "the default route is no path template"
        );
    }
}

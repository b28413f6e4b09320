//! Finding the function for a request path, as API Gateway does (the local stack's
//! gateway; tests).

use std::collections::HashMap;

use crate::FUNCTIONS;
use crate::spec::FunctionSpec;

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

fn match_template(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let mut template_segments = template.trim_matches('/').split('/');
    let mut path_segments = path
        .trim_end_matches('/')
        .trim_start_matches('/')
        .split('/');
    let mut parameters = HashMap::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(parameters),
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => {
                parameters.insert(t[1..t.len() - 1].to_owned(), p.to_owned());
            }
            (Some(t), Some(p)) if t == p => {}
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
        assert_eq!(found("PATCH", "/v1/me/"), Some(Function::UpdateMe));
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
}

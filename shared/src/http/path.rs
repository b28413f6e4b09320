//! Path parameters, parsed at the edge: a missing or malformed one names nothing that
//! exists, so it is a 404, like an id that does not exist.

use lambda_http::{Request, RequestExt};

use super::ApiError;
use crate::domain::ParseId;

pub fn path_param<'a>(request: &'a Request, name: &str) -> Result<&'a str, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|parameters| parameters.first(name))
        .filter(|value| !value.is_empty())
        .ok_or(ApiError::NotFound)
}

pub fn path_id<T: ParseId>(request: &Request, name: &str) -> Result<T, ApiError> {
    T::parse_id(path_param(request, name)?).ok_or(ApiError::NotFound)
}

//! A Graph API request's parameters, however the client sent them: in the query string, as a
//! form body (nested objects as JSON text) or as a JSON body; the token as `access_token` or
//! an `Authorization: Bearer` header.

use super::GraphError;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug)]
pub(crate) struct GraphRequest {
    pub params: Map<String, Value>,
    pub token: String,
}

impl GraphRequest {
    pub fn parse(
        version: &str,
        query: HashMap<String, String>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, GraphError> {
        if !is_version(version) {
            return Err(GraphError::unknown_path(version));
        }
        let mut params: Map<String, Value> = query.into_iter().map(|(k, v)| (k, text_value(v))).collect();
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if content_type.starts_with("application/json") && !body.is_empty() {
            let Value::Object(json) = serde_json::from_slice(body)
                .map_err(|_| GraphError::invalid_parameter("Invalid JSON in request body"))?
            else {
                return Err(GraphError::invalid_parameter("The request body must be an object"));
            };
            params.extend(json);
        } else if !body.is_empty() {
            let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
            params.extend(form.into_iter().map(|(k, v)| (k, text_value(v))));
        }
        let bearer = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let token = bearer
            .or_else(|| params.get("access_token").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(GraphError::missing_token)?;
        Ok(Self { params, token })
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Value::as_str)
    }

    pub fn object(&self, name: &str) -> Option<&Map<String, Value>> {
        self.params.get(name).and_then(Value::as_object)
    }

    pub fn limit(&self, default: usize, max: usize) -> Result<usize, GraphError> {
        match self.params.get("limit") {
            None => Ok(default),
            Some(Value::Number(n)) => Ok((n.as_u64().unwrap_or(0) as usize).clamp(1, max)),
            Some(Value::String(s)) => s
                .parse::<usize>()
                .map(|n| n.clamp(1, max))
                .map_err(|_| GraphError::invalid_parameter("(#100) Param limit must be a number")),
            Some(_) => Err(GraphError::invalid_parameter("(#100) Param limit must be a number")),
        }
    }
}

/// `v23.0`, `v19.0` …: any recent version is accepted, as the Graph API does.
pub(crate) fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .and_then(|rest| rest.strip_suffix(".0"))
        .is_some_and(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
}

/// Form and query values holding JSON objects or arrays (`recipient={"id":"…"}`) are objects.
fn text_value(text: String) -> Value {
    if (text.starts_with('{') || text.starts_with('['))
        && let Ok(value) = serde_json::from_str(&text)
    {
        return value;
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_look_like_the_graph_api_s() {
        assert!(is_version("v23.0"));
        assert!(!is_version("v23.1"));
        assert!(!is_version("23.0"));
        assert!(!is_version("v.0"));
    }

    #[test]
    fn form_values_holding_json_become_objects() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap());
        let body = b"recipient=%7B%22id%22%3A%22123%22%7D&messaging_type=RESPONSE&access_token=T";
        let request = GraphRequest::parse("v23.0", HashMap::new(), &headers, body).unwrap();
        assert_eq!(request.object("recipient").unwrap()["id"], "123");
        assert_eq!(request.str("messaging_type"), Some("RESPONSE"));
        assert_eq!(request.token, "T");
    }

    #[test]
    fn a_request_without_a_token_is_refused_with_code_104() {
        let error = GraphRequest::parse("v23.0", HashMap::new(), &HeaderMap::new(), b"").unwrap_err();
        assert_eq!(error.code, 104);
    }
}

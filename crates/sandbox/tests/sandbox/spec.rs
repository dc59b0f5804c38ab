//! Twilio's OpenAPI document as a JSON Schema validator for its response bodies.

use serde_json::{Value, json};
use std::sync::OnceLock;

fn document() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("fixtures/twilio_api_v2010.json");
        let mut spec: Value = serde_json::from_str(text).expect("the spec is JSON");
        openapi_nullable(&mut spec);
        spec
    })
}

/// OpenAPI 3.0's `nullable: true` is JSON Schema's `type: [T, "null"]`.
fn openapi_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(kind)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([kind, "null"]));
                } else if let Some(reference) = map.remove("$ref") {
                    map.insert("anyOf".into(), json!([{ "$ref": reference }, { "type": "null" }]));
                }
            }
            map.values_mut().for_each(openapi_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_nullable),
        _ => {}
    }
}

/// The response schema of `method path` for `status`, as the spec writes it.
pub fn response_schema(path: &str, method: &str, status: &str) -> Value {
    document()["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
}

/// The spec's named examples of a response.
pub fn examples(path: &str, method: &str, status: &str) -> Vec<(String, Value)> {
    let examples =
        &document()["paths"][path][method]["responses"][status]["content"]["application/json"]["examples"];
    examples
        .as_object()
        .map(|all| all.iter().map(|(name, e)| (name.clone(), e["value"].clone())).collect())
        .unwrap_or_default()
}

/// Panics, listing every violation, unless `instance` is valid against `method path`'s response.
pub fn assert_conforms(path: &str, method: &str, status: &str, instance: &Value) {
    let schema = response_schema(path, method, status);
    assert!(!schema.is_null(), "the spec has no {status} response for {method} {path}");
    // The spec is the root document so that its `#/components/…` references resolve.
    let mut root = document().clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$defs"] = json!({ "response": schema });
    root["$ref"] = json!("#/$defs/response");
    let validator = jsonschema::validator_for(&root).expect("the spec compiles as JSON Schema");
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "{method} {path} → {status} does not conform to Twilio's spec:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_validator_rejects_what_twilio_would_not_send() {
    let path = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
    let (_, example) = examples(path, "get", "200").into_iter().next().expect("the spec has an example");
    assert_conforms(path, "get", "200", &example);
    for (field, wrong) in
        [("status", json!("exploded")), ("num_media", json!(0)), ("error_code", json!("63016"))]
    {
        let mut bad = example.clone();
        bad[field] = wrong;
        let outcome = std::panic::catch_unwind(|| assert_conforms(path, "get", "200", &bad));
        assert!(outcome.is_err(), "a wrong {field} must not conform");
    }
}

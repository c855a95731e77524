//! The OpenAPI document as served: the handlers' annotations, completed with what holds for
//! every operation alike, so the contract cannot drift handler by handler (issue 11 #17):
//!
//! - the error statuses the shared machinery answers: 400 for a parameter or body that does
//!   not parse, 401 for a missing or unknown token, 403 when no grant allows the action, 404
//!   for an unknown path id, 413 for a body over the edge's limit — all with [`ErrorBody`];
//! - what the edge refuses in text (`crate::edge`): no control character in parameters and
//!   field names, none but tab and line breaks in JSON strings, as `pattern`s;
//! - a required string of a request body must hold something besides spaces.
//!
//! [`ErrorBody`]: crate::error::ErrorBody

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use super::ApiDoc;

/// A parameter value or a field name: no control character (C0, DEL, C1).
pub const LINE: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
/// A JSON string value: no control character except tab, line feed and carriage return.
pub const TEXT: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";
/// A required JSON string: as [`TEXT`], with at least one character that is not a space.
pub const NON_BLANK: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";

/// An integer field of a request body: JSON `2.0` is the same integer as `2`, and the
/// schema's `integer` admits both, so both are read (within `i64`).
pub fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    // 2^63 is exactly representable; anything at or past it does not fit.
    const FITS: std::ops::Range<f64> = -9.223_372_036_854_776e18..9.223_372_036_854_776e18;
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && FITS.contains(&f) => Ok(f as i64),
        _ => Err(D::Error::custom(format!("{n} is not a 64-bit integer"))),
    }
}

/// An optional integer field of a request body: as [`whole`], or `null`/absent.
pub fn opt_whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "whole")] i64);
    Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
}

/// A list of record ids of a request body, each as [`whole`] and from 1 (beyond `i64`, a
/// float reads as its bound: refused with the rest).
pub fn id_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    use serde::de::Error;
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "whole")] i64);
    Vec::<W>::deserialize(d)?
        .into_iter()
        .map(|w| match w.0 {
            id @ 1.. => Ok(id),
            id => Err(D::Error::custom(format!("{id} is not an id"))),
        })
        .collect()
}

/// The document served at `/api/openapi.json`, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        complete(&mut doc);
        super::contract_fields::refine(&mut doc);
        split_delivery_addresses(&mut doc);
        stored_file_types(&mut doc);
        doc
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// Adds the shared statuses and text rules to every operation of `doc`.
pub fn complete(doc: &mut Value) {
    let mut request_schemas = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                complete_operation(path, op, &mut request_schemas);
            }
        }
    }
    // Request bodies refer to component schemas, which may refer to others.
    let mut done = BTreeSet::new();
    while let Some(name) = request_schemas.pop_first() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(schema) = doc
            .pointer_mut(&format!("/components/schemas/{name}"))
            .filter(|s| s.is_object())
        else {
            continue;
        };
        constrain_body(schema, false, &mut request_schemas);
    }
}

fn complete_operation(path: &str, op: &mut Value, request_schemas: &mut BTreeSet<String>) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    let security = op
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let any_auth = security
        .iter()
        .any(|r| r.as_object().is_some_and(|o| !o.is_empty()));
    let auth_optional = security
        .iter()
        .any(|r| r.as_object().is_some_and(Map::is_empty));
    let mut has_path_param = false;
    let mut has_params = false;
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut() {
            has_params = true;
            has_path_param |= p.get("in").and_then(Value::as_str) == Some("path");
            let in_query = p.get("in").and_then(Value::as_str) == Some("query");
            if p.get("name").and_then(Value::as_str) == Some("channel") {
                p["schema"] = json!({"type": "string", "enum": ["email", "sms"]});
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if let Some(schema) = p.get_mut("schema") {
                if in_query {
                    shared_query_parameter(path, &name, schema);
                }
                constrain_string(schema, LINE);
            }
        }
    }
    let has_body = match op.get_mut("requestBody") {
        Some(body) => {
            if let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) {
                for media in content.values_mut() {
                    if let Some(schema) = media.get_mut("schema") {
                        constrain_body(schema, false, request_schemas);
                    }
                }
            }
            true
        }
        None => false,
    };
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description));
    };
    if has_params || has_body {
        add(
            "400",
            "A parameter or the body is malformed; `field` names it where it can",
        );
    }
    if any_auth {
        add("401", "No valid token: missing, unknown or revoked");
        if !auth_optional {
            add("403", "No grant of the caller allows this here");
        }
    }
    if has_path_param || has_params || has_body {
        add(
            "404",
            "Not found, or not visible to the caller: a path id, or a unit or record that a \
             parameter or the body names",
        );
    }
    if has_params || has_body {
        add(
            "422",
            "Well formed, but refused by a rule between fields or records (a period too long, \
             an end before its start, a move to the same unit); `field` names the field",
        );
    }
    if has_body {
        add("413", "The body is larger than the server accepts");
    }
}

/// A unit code: a province (2 digits), a commune (5) or a residential unit below one.
pub const UNIT_CODE: &str = r"^[0-9]{2}$|^[0-9]{5}(-[a-z0-9]{1,12})*$";
/// A month, `YYYY-MM`.
pub const MONTH: &str = r"^20[0-9]{2}-(0[1-9]|1[0-2])$";

/// The query parameters that mean the same on every list: their values as the server parses
/// them, so a client (and schemathesis) knows what is well formed.
fn shared_query_parameter(path: &str, name: &str, schema: &mut Value) {
    use tuquan_domain::feedback::{Status, DEFAULT_CATEGORIES};
    use tuquan_domain::groups::{GroupKind, GroupStatus};
    let values = |v: Vec<&str>| json!({"type": "string", "enum": v});
    let groups = path.ends_with("/groups");
    // A list whose own `status` is typed at its handler (action items) keeps it.
    if name == "status" && ["enum", "pattern"].iter().any(|k| schema.get(*k).is_some()) {
        return;
    }
    *schema = match name {
        "status" if groups => values(vec![
            GroupStatus::Pending.as_str(),
            GroupStatus::Active.as_str(),
            GroupStatus::Dissolved.as_str(),
        ]),
        "status" => values(Status::ALL.iter().map(|s| s.as_str()).collect()),
        "kind" if groups => values(GroupKind::ALL.iter().map(|k| k.as_str()).collect()),
        // Blank counts as absent.
        "limit" => json!({"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": tuquan_domain::page::MAX_LIMIT},
            {"type": "string", "maxLength": 0}]}),
        "unit" | "parent" => json!({"type": "string", "pattern": UNIT_CODE}),
        // The audit log's bounds are days; blank counts as absent.
        "from" | "to" if path == "/api/v1/audit" => json!({"anyOf": [
            {"type": "string", "format": "date"},
            {"type": "string", "maxLength": 0}]}),
        "from" | "to" => json!({"anyOf": [
            {"type": "string", "pattern": MONTH},
            {"type": "string", "pattern": "^ *$"}]}),
        // The tree as of a day (issue 16); blank counts as absent.
        "as_of" => json!({"anyOf": [
            {"type": "string", "format": "date"},
            {"type": "string", "pattern": "^ *$"}]}),
        "kind" if path == "/api/v1/audit" => json!({"anyOf": [
            {"type": "string", "enum": ["changes", "reads", "all"]},
            {"type": "string", "pattern": "^ *$"}]}),
        "category" => values(DEFAULT_CATEGORIES.iter().map(|c| c.0).collect()),
        "format" => values(vec!["csv", "xlsx"]),
        _ => return,
    };
}

/// A string schema without its own rule gets `pattern`.
fn constrain_string(schema: &mut Value, pattern: &str) {
    let Some(o) = schema.as_object_mut() else {
        return;
    };
    let is_string = match o.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    let ruled = ["enum", "pattern", "format", "const"]
        .iter()
        .any(|k| o.contains_key(*k));
    if is_string && !ruled {
        o.insert("pattern".into(), Value::String(pattern.into()));
    }
}

fn is_nullable(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
        _ => false,
    }
}

/// The text rules on a request body's schema; `required`: a string here must not be blank.
fn constrain_body(schema: &mut Value, required: bool, refs: &mut BTreeSet<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(name) = r.strip_prefix("#/components/schemas/") {
            refs.insert(name.to_owned());
        }
        return;
    }
    let nullable = is_nullable(schema);
    constrain_string(
        schema,
        if required && !nullable {
            NON_BLANK
        } else {
            TEXT
        },
    );
    let Some(o) = schema.as_object_mut() else {
        return;
    };
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = o.get_mut(key).and_then(Value::as_array_mut) {
            for p in parts {
                constrain_body(p, required, refs);
            }
        }
    }
    if let Some(items) = o.get_mut("items") {
        constrain_body(items, true, refs);
    }
    let req: BTreeSet<String> = o
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(props) = o.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, p) in props.iter_mut() {
        constrain_body(p, req.contains(name), refs);
    }
    o.entry("propertyNames")
        .or_insert_with(|| json!({"pattern": LINE}));
}

/// A stored file is answered with its checked type: PDF, JPEG, PNG or WebP.
fn stored_file_types(doc: &mut Value) {
    let Some(ok) = doc.pointer_mut("/paths/~1api~1v1~1files~1{id}/get/responses/200") else {
        return;
    };
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    ok["content"] = json!({
        "application/pdf": binary, "image/jpeg": binary, "image/png": binary,
        "image/webp": binary,
    });
}

/// What a delivery address looks like depends on the channel in the path: the document
/// describes `PUT /api/v1/me/delivery-addresses/email` and `/sms` as two operations, each
/// with its own address (blank removes it).
fn split_delivery_addresses(doc: &mut Value) {
    const PATH: &str = "/api/v1/me/delivery-addresses/{channel}";
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(item) = paths.remove(PATH) else {
        return;
    };
    for (channel, address) in [
        (
            "email",
            r"^ *([A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)? *$",
        ),
        ("sms", r"^ *[0-9+]* *$"),
    ] {
        let mut item = item.clone();
        if let Some(op) = item.get_mut("put").and_then(Value::as_object_mut) {
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                params.retain(|p| p.get("name").and_then(Value::as_str) != Some("channel"));
            }
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                let id = format!("{id}_{channel}");
                op.insert("operationId".into(), Value::String(id));
            }
        }
        let schema = json!({"type": "object", "additionalProperties": false,
            "propertyNames": {"pattern": LINE},
            "properties": {"address": {"anyOf": [
                {"type": "string", "pattern": address}, {"type": "null"}]}}});
        if let Some(media) = item.pointer_mut("/put/requestBody/content/application~1json") {
            media["schema"] = schema;
        }
        paths.insert(format!("/api/v1/me/delivery-addresses/{channel}"), item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the `ToSchema` types declared in the Rust files under `dir` (their
    /// `#[schema(as = …)]` name where given), with the file of each.
    fn schema_names(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                schema_names(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut pending = false;
            let mut alias = None;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    (pending, alias) = (true, None);
                } else if pending && line.starts_with("#[schema(") && line.contains("as = ") {
                    let after = line.split("as = ").nth(1).unwrap_or("");
                    let name: String = after
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    alias = name.rsplit("::").next().map(str::to_owned);
                } else if pending {
                    let rest = line
                        .strip_prefix("pub struct ")
                        .or_else(|| line.strip_prefix("pub enum "));
                    if let Some(rest) = rest {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push((alias.take().unwrap_or(name), path.display().to_string()));
                        pending = false;
                    }
                }
            }
        }
    }

    /// Two schemas of one name are one entry of the document: the later replaces the
    /// other, and an operation is then described with another's body (the households'
    /// status once took the meetings' `StatusBody`, the consultations' paper comments the
    /// votes' `PaperBody`).
    #[test]
    fn schema_names_are_unique() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut names = Vec::new();
        schema_names(&dir, &mut names);
        assert!(names.len() > 100, "{names:?}");
        names.sort();
        for w in names.windows(2) {
            assert_ne!(w[0].0, w[1].0, "{} and {}", w[0].1, w[1].1);
        }
    }

    /// What schemathesis once found refused although the document admitted it.
    #[test]
    fn bodies_are_typed_as_the_server_reads_them() {
        let doc = document();
        let schema = |name: &str| &doc["components"]["schemas"][name];
        let status = &schema("HouseholdStatusBody")["properties"]["status"];
        let code = status["$ref"]
            .as_str()
            .map_or(status, |r| doc.pointer(r.trim_start_matches('#')).unwrap());
        assert_eq!(
            code["enum"],
            json!(["active", "moved_away", "dissolved"]),
            "{status}"
        );
        for body in [
            "ItemBody",
            "ProgressBody",
            "PaperCommentsBody",
            "ScanUpload",
        ] {
            assert_eq!(schema(body)["additionalProperties"], false, "{body}");
        }
        let scan = doc.pointer("/paths/~1api~1v1~1meetings~1{id}~1minutes~1scan/post/requestBody/content/multipart~1form-data/schema");
        assert!(scan.is_some(), "the scan's body is documented");
        assert_eq!(
            schema("PublishUpload")["required"],
            json!(["title", "body", "category"])
        );
        assert!(schema("PublishUpload")["properties"]["category"]["enum"].is_array());
    }

    #[test]
    fn secured_operations_document_401_and_403() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let responses = op["responses"].as_object().unwrap();
                if op.get("security").is_some_and(|s| {
                    s.as_array()
                        .unwrap()
                        .iter()
                        .any(|r| !r.as_object().unwrap().is_empty())
                }) {
                    assert!(responses.contains_key("401"), "{method} {path}");
                }
                if path.contains('{') {
                    assert!(responses.contains_key("404"), "{method} {path}");
                    assert!(responses.contains_key("400"), "{method} {path}");
                }
            }
        }
    }
}

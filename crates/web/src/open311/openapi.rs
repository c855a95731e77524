//! The OpenAPI 3.1 document of the Open311 GeoReport v2 interface, served at
//! `/open311/v2/openapi.json` (issue 11 #17, docs/open311.md) and driven by schemathesis in
//! the contract test. It describes the JSON resources; each has an `.xml` twin with the same
//! parameters and the specification's element names.
//!
//! Parameters are described as the server reads them: blank means absent, and text is trimmed
//! of spaces, so the patterns admit surrounding spaces and the empty value.

use std::sync::OnceLock;

use serde_json::{json, Value};

use super::{MAX_DAYS, MAX_REQUESTS};
use crate::api::contract::LINE;

/// A unit code as `attribute[unit_code]` takes it: a commune or a residential unit below it.
const UNIT: &str = r"^ *([0-9]{5}(-[a-z0-9]{1,12})*)? *$";
/// `jurisdiction_id`: a commune code, 5 digits.
const JURISDICTION: &str = r"^ *([0-9]{5})? *$";
/// A comma list of `open` and `closed`, blanks between commas allowed.
const STATUS: &str = r"^[ ,]*((open|closed) *(,[ ,]*(open|closed) *)*)?[ ,]*$";
/// A whole number from 1 to 1,000 (also with leading zeros).
const PAGE_SIZE: &str = r"^ *0*([1-9][0-9]{0,2}|1000) *$";
/// A whole number from 1 to 1,000,000.
const PAGE: &str = r"^ *0*([1-9][0-9]{0,5}|1000000) *$";

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

fn text(description: &str) -> Value {
    json!({"type": "string", "pattern": LINE, "description": description})
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description,
           "schema": schema})
}

fn path(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": "string", "pattern": r"^[^\u0000-\u001f\u007f-\u009f/.]+$"}})
}

/// `start_date`, `end_date`: a W3C datetime, a bare date, or blank (absent).
fn moment() -> Value {
    json!({"anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": "^ *$"}]})
}

fn jurisdiction() -> Value {
    query(
        "jurisdiction_id",
        json!({"type": "string", "pattern": JURISDICTION}),
        "A commune code (5 digits); an unknown one is 404.",
    )
}

fn ok(description: &str, schema: &str) -> Value {
    json!({"description": description,
           "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn errors(statuses: &[&str]) -> serde_json::Map<String, Value> {
    statuses
        .iter()
        .map(|s| {
            let d = match *s {
                "400" => "A parameter is not valid; the description names it",
                "403" => "`api_key` is missing or not valid",
                "404" => "No such resource, service, request or jurisdiction",
                "413" => "The body is larger than the server accepts",
                "429" => "Too many requests from this client, contact or unit (`Retry-After`)",
                _ => "Error",
            };
            ((*s).to_owned(), ok(d, "Errors"))
        })
        .collect()
}

fn responses(success: Value, statuses: &[&str]) -> Value {
    let mut r = errors(statuses);
    r.insert("200".into(), success);
    Value::Object(r)
}

fn string_props(names: &[&str]) -> Value {
    Value::Object(
        names
            .iter()
            .map(|n| ((*n).to_owned(), json!({"type": "string"})))
            .collect(),
    )
}

fn schemas() -> Value {
    let request_fields = [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "media_url",
    ];
    let mut request = string_props(&request_fields);
    request["status"] = json!({"type": "string", "enum": ["open", "closed"]});
    request["lat"] = json!({"type": "number"});
    request["long"] = json!({"type": "number"});
    json!({
        "Errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}},
        "Discovery": {"type": "object",
            "required": ["changeset", "contact", "key_service", "endpoints"],
            "properties": {
                "changeset": {"type": "string"}, "contact": {"type": "string"},
                "key_service": {"type": "string"},
                "endpoints": {"type": "array", "items": {"type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"}, "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}}}}}}},
        "Services": {"type": "array", "items": {"type": "object",
            "required": ["service_code", "service_name", "metadata", "type"],
            "properties": {
                "service_code": {"type": "string"}, "service_name": {"type": "string"},
                "description": {"type": "string"}, "metadata": {"type": "boolean"},
                "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                "keywords": {"type": "string"}, "group": {"type": "string"}}}},
        "ServiceDefinition": {"type": "object", "required": ["service_code", "attributes"],
            "properties": {
                "service_code": {"type": "string"},
                "attributes": {"type": "array", "items": {"type": "object",
                    "required": ["variable", "code", "datatype", "required", "order"],
                    "properties": {
                        "variable": {"type": "boolean"}, "code": {"type": "string"},
                        "datatype": {"type": "string", "enum": ["string", "number", "datetime",
                            "text", "singlevaluelist", "multivaluelist"]},
                        "required": {"type": "boolean"},
                        "datatype_description": {"type": "string"},
                        "order": {"type": "integer"}, "description": {"type": "string"}}}}}},
        "Requests": {"type": "array", "items": {"type": "object",
            "required": ["service_request_id", "status", "service_code", "requested_datetime"],
            "properties": request}},
        "Tokens": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "object",
            "required": ["service_request_id", "token"],
            "properties": string_props(&["service_request_id", "token"])}},
        "Filed": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "object",
            "required": ["service_request_id", "service_notice"],
            "properties": string_props(&["service_request_id", "service_notice", "account_id"])}},
        "NewRequest": new_request(),
    })
}

/// The form of `POST requests`: what the server reads (other fields are ignored, as the
/// specification's `address_id`, `device_id`, `account_id` and `media_url`).
fn new_request() -> Value {
    json!({"type": "object", "required": ["api_key", "service_code"],
    "properties": {
        "api_key": text("An API token of a Tự Quản account"),
        "jurisdiction_id": {"type": "string", "pattern": JURISDICTION},
        "service_code": text("A service code from `services`"),
        "attribute[unit_code]": {"type": "string", "pattern": UNIT,
            "description": "The commune or residential unit; `jurisdiction_id` when absent"},
        "attribute[contact_name]": text("The sender's name (never published)"),
        "description": {"type": "string", "maxLength": 4000, "pattern": LINE},
        "lat": text("Latitude, decimal degrees"),
        "long": text("Longitude, decimal degrees"),
        "address_string": text("Where, in words"),
        "email": text("The sender's e-mail (never published)"),
        "phone": text("The sender's phone (never published)"),
        "first_name": text("Given name"),
        "last_name": text("Family name"),
    },
    // Other fields are ignored, but their names and text pass the edge's rules like any
    // other (no control character; in text, none but tab and line breaks).
    "propertyNames": {"pattern": LINE},
    "additionalProperties": {"type": "string", "pattern": crate::api::contract::TEXT}})
}

fn build() -> Value {
    let j = jurisdiction;
    let list_params = vec![
        j(),
        query(
            "service_request_id",
            json!({"type": "string", "pattern": LINE}),
            "A comma list of ids; overrides every other filter (unknown ones are left out).",
        ),
        query(
            "service_code",
            json!({"type": "string", "pattern": LINE}),
            "A comma list of service codes.",
        ),
        query(
            "start_date",
            moment(),
            "W3C datetime (a bare date is the start of that day in Vietnam).",
        ),
        query(
            "end_date",
            moment(),
            &format!("W3C datetime (a bare date: the end of that day); at most {MAX_DAYS} days after `start_date`."),
        ),
        query(
            "status",
            json!({"type": "string", "pattern": STATUS}),
            "`open`, `closed`, or both as a comma list.",
        ),
        query(
            "page",
            json!({"type": "string", "pattern": PAGE}),
            "Page number, from 1 (extension).",
        ),
        query(
            "page_size",
            json!({"type": "string", "pattern": PAGE_SIZE}),
            &format!("Requests per page, 1 to {MAX_REQUESTS} (extension)."),
        ),
    ];
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tự Quản Open311 GeoReport v2", "version": "2",
            "description": "Resident feedback as Open311 GeoReport v2 service requests \
                (docs/open311.md). Every resource also answers in XML with the `.xml` suffix. \
                Errors are the specification's list of `{code, description}`."},
        "paths": {
            "/open311/v2/discovery.json": {"get": {"operationId": "discovery",
                "responses": responses(ok("Where and how to use this interface", "Discovery"), &[])}},
            "/open311/v2/services.json": {"get": {"operationId": "services",
                "parameters": [j()],
                "responses": responses(ok("The services (feedback categories)", "Services"),
                    &["400", "404"])}},
            "/open311/v2/services/{service_code}.json": {"get": {
                "operationId": "serviceDefinition",
                "parameters": [path("service_code", "A service code"), j()],
                "responses": responses(ok("The service's definition", "ServiceDefinition"),
                    &["400", "404"])}},
            "/open311/v2/requests.json": {
                "get": {"operationId": "requests", "parameters": list_params,
                    "responses": responses(ok("Requests, newest first", "Requests"),
                        &["400", "404"])},
                "post": {"operationId": "fileRequest",
                    "requestBody": {"required": true, "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"$ref": "#/components/schemas/NewRequest"}}}},
                    "responses": responses(ok("The new request's id", "Filed"),
                        &["400", "403", "404", "413", "429"])}},
            "/open311/v2/requests/{service_request_id}.json": {"get": {
                "operationId": "request",
                "parameters": [path("service_request_id", "A request's id"), j()],
                "responses": responses(ok("A list of one request", "Requests"),
                    &["400", "404"])}},
            "/open311/v2/tokens/{token}.json": {"get": {"operationId": "token",
                "parameters": [path("token", "The token a POST answered"), j()],
                "responses": responses(ok("A list of one: the token's request id", "Tokens"),
                    &["400", "404"])}},
        },
        "components": {"schemas": schemas()},
    })
}

//! Open311 GeoReport v2 conformance at `/open311/v2/`: every endpoint in XML and JSON, the
//! error lists, filters and paging, and that no contact or street address leaks.

use serde_json::Value;

use crate::harness::{exec, Server, TestDb};
use crate::on_both_backends;

const UNIT: &str = "26743-kp01";
const COMMUNE: &str = "26743";

/// Checks the XML is well formed as far as this API writes it (declaration, balanced
/// elements, no raw `<` or `&` in text) and returns the element names in document order.
fn xml_elements(xml: &str) -> Vec<String> {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        .unwrap_or_else(|| panic!("no XML declaration: {xml}"));
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(!text.contains('>'), "raw > in text: {xml}");
        for (i, _) in text.match_indices('&') {
            let ent = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "bad entity in {xml}"
            );
        }
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced: {xml}");
        } else {
            assert!(!tag.ends_with('/') && !tag.contains(' '), "odd tag {tag}");
            stack.push(tag.to_owned());
            names.push(tag.to_owned());
        }
        rest = &rest[close + 1..];
        if stack.is_empty() {
            assert!(rest.trim().is_empty(), "content after the root: {xml}");
            break;
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    names
}

/// The text of every `<name>` element.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    xml.split(&open)
        .skip(1)
        .map(|p| p.split(&close).next().unwrap().to_owned())
        .collect()
}

async fn get(server: &Server, path: &str) -> (u16, String, String) {
    let r = server.get(path).await;
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

async fn get_json(server: &Server, path: &str) -> (u16, Value) {
    let (status, ct, body) = get(server, path).await;
    assert!(ct.starts_with("application/json"), "{path}: {ct}");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}"));
    assert!(v.is_array(), "{path}: the JSON root is not an array: {v}");
    (status, v)
}

/// A JSON answer whose root is an object (the discovery, a service definition).
async fn get_object(server: &Server, path: &str) -> (u16, Value) {
    let (status, ct, body) = get(server, path).await;
    assert!(ct.starts_with("application/json"), "{path}: {ct}");
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}"));
    assert!(v.is_object(), "{path}: the JSON root is not an object: {v}");
    (status, v)
}

async fn get_xml(server: &Server, path: &str) -> (u16, String) {
    let (status, ct, body) = get(server, path).await;
    assert!(ct.starts_with("text/xml"), "{path}: {ct}");
    xml_elements(&body);
    (status, body)
}

async fn post(server: &Server, fmt: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = server
        .post_form(&server.http, &format!("/open311/v2/requests.{fmt}"), form)
        .await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// Files a request in JSON and returns its id.
async fn file(server: &Server, service: &str, description: &str) -> String {
    let (status, body) = post(
        server,
        "json",
        &[
            ("api_key", server.token.as_str()),
            ("service_code", service),
            ("attribute[unit_code]", UNIT),
            ("description", description),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v[0]["service_request_id"].as_str().unwrap().to_owned()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_error(status: u16, body: &str, fmt: &str, expected: u16, mentions: &str) {
    assert_eq!(status, expected, "{body}");
    match fmt {
        "xml" => {
            let names = xml_elements(body);
            assert_eq!(names, ["errors", "error", "code", "description"], "{body}");
            assert_eq!(xml_texts(body, "code"), [expected.to_string()]);
            assert!(
                xml_texts(body, "description")[0].contains(mentions),
                "{body}"
            );
        }
        _ => {
            let v: Value = serde_json::from_str(body).unwrap();
            assert!(v.is_array(), "{body}");
            assert_eq!(v[0]["code"], expected, "{body}");
            assert!(
                v[0]["description"].as_str().unwrap().contains(mentions),
                "{body}"
            );
        }
    }
}

on_both_backends!(discovery_and_services_in_both_formats);
async fn discovery_and_services_in_both_formats(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // Discovery.
    let (status, xml) = get_xml(&server, "/open311/v2/discovery.xml").await;
    assert_eq!(status, 200);
    let names = xml_elements(&xml);
    assert_eq!(names[0], "discovery");
    for n in [
        "changeset",
        "contact",
        "key_service",
        "endpoints",
        "endpoint",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} in {xml}");
    }
    assert!(xml
        .contains("<formats><format>text/xml</format><format>application/json</format></formats>"));
    assert!(xml.contains("<specification>http://wiki.open311.org/GeoReport_v2</specification>"));
    assert_eq!(xml_texts(&xml, "type"), ["production"]);
    let host = server.base.trim_start_matches("http://");
    assert_eq!(
        xml_texts(&xml, "url"),
        [format!("http://{host}/open311/v2/")]
    );
    // The discovery is an object in JSON (issue 11, #18: was a list of one).
    let (status, v) = get_object(&server, "/open311/v2/discovery.json").await;
    assert_eq!(status, 200);
    assert_eq!(v["endpoints"][0]["formats"][1], "application/json");
    assert_eq!(
        v["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(v["changeset"].as_str().unwrap().ends_with("+07:00"));

    // Services: the defaults without a jurisdiction, a commune's with one.
    for q in ["", "?jurisdiction_id=26743", "?jurisdiction_id="] {
        let (status, xml) = get_xml(&server, &format!("/open311/v2/services.xml{q}")).await;
        assert_eq!(status, 200);
        let names = xml_elements(&xml);
        assert_eq!(&names[..3], ["services", "service", "service_code"]);
        assert!(xml_texts(&xml, "service_code").contains(&"traffic".to_owned()));
        assert!(
            xml.contains("<service_name>Giao thông</service_name>"),
            "{xml}"
        );
        assert!(xml.contains("<metadata>true</metadata><type>realtime</type>"));
        let (status, v) = get_json(&server, &format!("/open311/v2/services.json{q}")).await;
        assert_eq!(status, 200);
        let traffic = v
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service_code"] == "traffic")
            .unwrap();
        assert_eq!(traffic["service_name"], "Giao thông");
        assert_eq!(traffic["metadata"], true);
        assert_eq!(traffic["type"], "realtime");
        for k in ["description", "keywords", "group"] {
            assert!(traffic[k].is_string(), "{k}");
        }
    }
    // English names on request.
    let r = server
        .http
        .get(server.url("/open311/v2/services.json"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["service_name"] == "Traffic"));

    // One service definition.
    let (status, xml) = get_xml(&server, "/open311/v2/services/traffic.xml").await;
    assert_eq!(status, 200);
    let names = xml_elements(&xml);
    assert_eq!(
        &names[..4],
        [
            "service_definition",
            "service_code",
            "attributes",
            "attribute"
        ]
    );
    assert!(xml.contains(
        "<attribute><variable>true</variable><code>unit_code</code><datatype>string</datatype><required>true</required>"
    ), "{xml}");
    assert!(xml.contains(
        "<code>contact_name</code><datatype>string</datatype><required>false</required>"
    ));
    // A service definition is an object in JSON (issue 11, #18: was a list of one).
    let (status, v) = get_object(
        &server,
        "/open311/v2/services/traffic.json?jurisdiction_id=26743",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["service_code"], "traffic");
    assert_eq!(v["attributes"][0]["code"], "unit_code");
    assert_eq!(v["attributes"][0]["required"], true);
    assert_eq!(v["attributes"][0]["datatype"], "string");

    // 404s in the error list form.
    let (status, xml) = get_xml(&server, "/open311/v2/services/nope.xml").await;
    assert_error(status, &xml, "xml", 404, "service_code");
    let (status, _, body) = get(&server, "/open311/v2/services/nope.json").await;
    assert_error(status, &body, "json", 404, "service_code");
    let (status, _, body) = get(&server, "/open311/v2/services.json?jurisdiction_id=99999").await;
    assert_error(status, &body, "json", 404, "jurisdiction_id");
    let (status, xml) = get_xml(
        &server,
        "/open311/v2/services.xml?jurisdiction_id=26743-kp01",
    )
    .await;
    assert_error(status, &xml, "xml", 404, "jurisdiction_id");
    // Unknown or missing format suffix.
    for path in [
        "/open311/v2/services.html",
        "/open311/v2/services",
        "/open311/v2/requests/PA-ABCD2345.yaml",
    ] {
        assert_eq!(server.get(path).await.status(), 404, "{path}");
    }
}

on_both_backends!(posting_requests_needs_a_key_a_service_and_a_unit);
async fn posting_requests_needs_a_key_a_service_and_a_unit(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let token = server.token.clone();
    for fmt in ["xml", "json"] {
        // Valid.
        let (status, body) = post(
            &server,
            fmt,
            &[
                ("api_key", token.as_str()),
                ("service_code", "environment"),
                ("attribute[unit_code]", UNIT),
                ("description", "Rác ùn ứ đầu hẻm 12"),
                ("lat", "10.77234"),
                ("long", "106.69812"),
                ("email", ""),
                ("media_url", "https://example.org/x.jpg"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let id = if fmt == "xml" {
            assert_eq!(
                xml_elements(&body),
                [
                    "service_requests",
                    "request",
                    "service_request_id",
                    "service_notice",
                    "account_id"
                ]
            );
            xml_texts(&body, "service_request_id")[0].clone()
        } else {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v.as_array().unwrap().len(), 1);
            assert!(v[0].get("token").is_none(), "never both");
            assert_eq!(v[0]["account_id"], "");
            v[0]["service_request_id"].as_str().unwrap().to_owned()
        };
        assert!(id.starts_with("PA-") && id.len() == 11, "{id}");
        assert_eq!(
            db.count(&format!(
                "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{id}' AND unit_code = '{UNIT}'"
            ))
            .await,
            1
        );

        // The key: missing, blank or wrong.
        for key in [None, Some(""), Some("not-a-token")] {
            let mut form = vec![
                ("service_code", "traffic"),
                ("attribute[unit_code]", UNIT),
                ("description", "x"),
            ];
            if let Some(k) = key {
                form.push(("api_key", k));
            }
            let (status, body) = post(&server, fmt, &form).await;
            assert_error(status, &body, fmt, 403, "api_key");
        }
        // Refused, naming the field.
        let key = ("api_key", token.as_str());
        let refusals = [
            // A service that does not exist.
            (
                vec![
                    key,
                    ("service_code", "nope"),
                    ("attribute[unit_code]", UNIT),
                ],
                400,
                "service_code",
            ),
            // No service at all.
            (
                vec![key, ("attribute[unit_code]", UNIT)],
                400,
                "service_code",
            ),
            // No unit.
            (
                vec![key, ("service_code", "traffic")],
                400,
                "attribute[unit_code]",
            ),
            // An unknown unit.
            (
                vec![
                    key,
                    ("service_code", "traffic"),
                    ("attribute[unit_code]", "26743-zz99"),
                ],
                400,
                "attribute[unit_code]",
            ),
            // An unknown jurisdiction.
            (
                vec![
                    key,
                    ("jurisdiction_id", "99999"),
                    ("service_code", "traffic"),
                ],
                404,
                "jurisdiction_id",
            ),
        ];
        for (mut form, status, field) in refusals {
            form.push(("description", "x"));
            let (got, body) = post(&server, fmt, &form).await;
            assert_error(got, &body, fmt, status, field);
        }
        // The commune from jurisdiction_id.
        let (status, body) = post(
            &server,
            fmt,
            &[
                ("api_key", token.as_str()),
                ("jurisdiction_id", COMMUNE),
                ("service_code", "traffic"),
                ("description", "Đèn tín hiệu hỏng"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    // Another user's token files as that user.
    let other = db.user_with_token(
        "ungdung.open311",
        "resident",
        Some(UNIT),
        "a-long-password-1",
    );
    let (status, body) = post(
        &server,
        "json",
        &[
            ("api_key", other.as_str()),
            ("service_code", "traffic"),
            ("attribute[unit_code]", UNIT),
            ("description", "Ổ gà trước số 5"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let uid = db
        .count("SELECT id FROM users WHERE username = 'ungdung.open311'")
        .await;
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE submitter_id = {uid}"
        ))
        .await,
        1
    );
}

on_both_backends!(listing_requests_filters_pages_and_keeps_contacts_private);
async fn listing_requests_filters_pages_and_keeps_contacts_private(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    // The oldest, to be backdated (ids grow with time, which the date filter relies on).
    let b = file(&server, "environment", "Cống nghẹt").await;
    // A request with every personal detail.
    let (status, body) = post(
        &server,
        "json",
        &[
            ("api_key", server.token.as_str()),
            ("service_code", "security_order"),
            ("attribute[unit_code]", UNIT),
            ("description", "Tụ tập gây ồn ào sau 23 giờ"),
            ("first_name", "Bình"),
            ("last_name", "Trần Thị"),
            ("phone", "0912345678"),
            ("email", "binh.tran@example.org"),
            ("address_string", "18 Lê Thánh Tôn"),
            ("lat", "10.7762345"),
            ("long", "106.7012345"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let private: Value = serde_json::from_str(&body).unwrap();
    let private = private[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM feedback WHERE tracking_code = '{private}' \
             AND contact_name = 'Trần Thị Bình'"
        ))
        .await,
        1,
        "family name first"
    );
    let a = file(&server, "traffic", "Đèn đường tắt").await;
    let c = file(&server, "traffic", "Xe đậu chắn lối").await;
    // `c` closed; `b` filed 120 days ago.
    exec(
        db,
        &format!("UPDATE feedback SET status = 'resolved' WHERE tracking_code = '{c}'"),
    )
    .await;
    let old =
        tuquan_store::stamp(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 120));
    exec(
        db,
        &format!("UPDATE feedback SET created_at = '{old}' WHERE tracking_code = '{b}'"),
    )
    .await;

    // Default: the last 90 days, newest first.
    let (status, v) = get_json(&server, "/open311/v2/requests.json").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&v), [c.clone(), a.clone(), private.clone()]);
    let closed = &v[0];
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["status_notes"], "resolved");
    assert_eq!(v[1]["status"], "open");
    assert_eq!(v[1]["status_notes"], "new");
    assert_eq!(v[1]["service_code"], "traffic");
    assert_eq!(v[1]["service_name"], "Giao thông");
    assert_eq!(v[1]["address_id"], UNIT);
    assert_eq!(v[1]["zipcode"], "");
    assert_eq!(v[1]["media_url"], "");
    assert!(v[1]["agency_responsible"].as_str().unwrap().contains('/'));
    for k in [
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
    ] {
        assert!(
            v[1][k].as_str().unwrap().ends_with("+07:00"),
            "{k}: {}",
            v[1][k]
        );
    }
    assert!(
        v[1].get("lat").is_none(),
        "no coordinates given, none shown"
    );
    // Coordinates rounded; the address is the unit's name.
    let p = &v[2];
    assert_eq!(p["lat"], 10.776);
    assert_eq!(p["long"], 106.701);
    let unit_name = p["address"].as_str().unwrap().to_owned();
    assert!(!unit_name.is_empty() && !unit_name.contains("Lê Thánh Tôn"));

    // The same in XML.
    let (status, xml) = get_xml(&server, "/open311/v2/requests.xml").await;
    assert_eq!(status, 200);
    let names = xml_elements(&xml);
    assert_eq!(
        &names[..3],
        ["service_requests", "request", "service_request_id"]
    );
    assert_eq!(xml_texts(&xml, "service_request_id"), ids(&v));
    assert!(xml_texts(&xml, "requested_datetime")
        .iter()
        .all(|d| d.ends_with("+07:00")));
    assert_eq!(xml_texts(&xml, "lat"), ["10.776"]);

    // Nothing personal anywhere.
    let everything = [
        server
            .get("/open311/v2/requests.json")
            .await
            .text()
            .await
            .unwrap(),
        xml.clone(),
        server
            .get(&format!("/open311/v2/requests/{private}.json"))
            .await
            .text()
            .await
            .unwrap(),
        server
            .get(&format!("/open311/v2/requests/{private}.xml"))
            .await
            .text()
            .await
            .unwrap(),
        server
            .get(&format!(
                "/open311/v2/requests.json?service_request_id={private}"
            ))
            .await
            .text()
            .await
            .unwrap(),
        server
            .get(&format!("/open311/v2/tokens/{private}.xml"))
            .await
            .text()
            .await
            .unwrap(),
    ];
    for body in &everything {
        for secret in [
            "Bình",
            "Trần Thị",
            "0912345678",
            "binh.tran",
            "Lê Thánh Tôn",
            "10.7762345",
            "106.7012345",
        ] {
            assert!(!body.contains(secret), "{secret} leaked: {body}");
        }
    }

    // service_request_id: a comma list, overriding the other filters (even the dates).
    let (_, v) = get_json(
        &server,
        &format!(
            "/open311/v2/requests.json?service_request_id={a},{b},PA-ZZZZZZZZ,bad&status=closed"
        ),
    )
    .await;
    let mut got = ids(&v);
    got.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(got, want);
    let (_, xml) = get_xml(
        &server,
        &format!("/open311/v2/requests.xml?service_request_id={c}"),
    )
    .await;
    assert_eq!(xml_texts(&xml, "service_request_id"), [c.as_str()]);

    // service_code, one or a list.
    let (_, v) = get_json(&server, "/open311/v2/requests.json?service_code=traffic").await;
    assert_eq!(ids(&v), [c.clone(), a.clone()]);
    let (_, v) = get_json(
        &server,
        "/open311/v2/requests.json?service_code=traffic,security_order",
    )
    .await;
    assert_eq!(ids(&v), [c.clone(), a.clone(), private.clone()]);
    let (_, xml) = get_xml(
        &server,
        "/open311/v2/requests.xml?service_code=security_order",
    )
    .await;
    assert_eq!(xml_texts(&xml, "service_request_id"), [private.as_str()]);

    // status.
    let (_, v) = get_json(&server, "/open311/v2/requests.json?status=open").await;
    assert_eq!(ids(&v), [a.clone(), private.clone()]);
    let (_, xml) = get_xml(&server, "/open311/v2/requests.xml?status=closed").await;
    assert_eq!(xml_texts(&xml, "service_request_id"), [c.as_str()]);
    let (_, v) = get_json(
        &server,
        "/open311/v2/requests.json?status=open,closed&status=",
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 3);
    let (status, _, body) = get(&server, "/open311/v2/requests.json?status=pending").await;
    assert_error(status, &body, "json", 400, "status");

    // start_date / end_date.
    let vn = |days: i64| {
        (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days))
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
            .replace('+', "%2B")
    };
    let (_, v) = get_json(
        &server,
        &format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            vn(125),
            vn(100)
        ),
    )
    .await;
    assert_eq!(ids(&v), [b.as_str()]);
    let (_, xml) = get_xml(
        &server,
        &format!("/open311/v2/requests.xml?start_date={}", vn(121)),
    )
    .await;
    assert_eq!(
        xml_texts(&xml, "service_request_id"),
        [b.as_str()],
        "90 days from the start"
    );
    let (_, v) = get_json(
        &server,
        &format!("/open311/v2/requests.json?end_date={}", vn(110)),
    )
    .await;
    assert_eq!(ids(&v), [b.as_str()]);
    let (_, v) = get_json(
        &server,
        &format!("/open311/v2/requests.json?start_date={}&end_date=", vn(1)),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 3);
    let (status, _, body) = get(
        &server,
        &format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            vn(200),
            vn(1)
        ),
    )
    .await;
    assert_error(status, &body, "json", 400, "end_date");
    let (status, xml) = get_xml(&server, "/open311/v2/requests.xml?start_date=yesterday").await;
    assert_error(status, &xml, "xml", 400, "start_date");

    // page / page_size.
    let (_, v) = get_json(&server, "/open311/v2/requests.json?page_size=2").await;
    assert_eq!(ids(&v), [c.clone(), a.clone()]);
    let (_, v) = get_json(&server, "/open311/v2/requests.json?page_size=2&page=2").await;
    assert_eq!(ids(&v), [private.as_str()]);
    let (_, xml) = get_xml(&server, "/open311/v2/requests.xml?page_size=1&page=3").await;
    assert_eq!(xml_texts(&xml, "service_request_id"), [private.as_str()]);
    let (_, v) = get_json(&server, "/open311/v2/requests.json?page_size=2&page=3").await;
    assert!(v.as_array().unwrap().is_empty());
    let (status, _, body) = get(&server, "/open311/v2/requests.json?page=0").await;
    assert_error(status, &body, "json", 400, "page");

    // jurisdiction.
    let (_, v) = get_json(&server, "/open311/v2/requests.json?jurisdiction_id=26743").await;
    assert_eq!(v.as_array().unwrap().len(), 3);
    let (status, _, body) = get(&server, "/open311/v2/requests.json?jurisdiction_id=99999").await;
    assert_error(status, &body, "json", 404, "jurisdiction_id");
}

on_both_backends!(one_request_and_tokens);
async fn one_request_and_tokens(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let id = file(&server, "infrastructure", "Nắp cống vỡ <nguy hiểm> & trơn").await;
    let (status, v) = get_json(&server, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(status, 200);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["service_request_id"], id.as_str());
    // The description is the staff's public summary, empty until written (issue 11, #9).
    assert_eq!(v[0]["description"], "");
    let head = db.user_with_token("truong.o311", "unit_head", Some(UNIT), "head-pass-123");
    let r = server
        .http
        .post(server.url(&format!("/api/v1/feedback/{id}/steps")))
        .bearer_auth(&head)
        .json(&serde_json::json!({"action": "summary",
                                  "public_summary": "Nắp cống vỡ <nguy hiểm> & trơn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, v) = get_json(&server, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(v[0]["description"], "Nắp cống vỡ <nguy hiểm> & trơn");
    assert_eq!(v[0]["status"], "open");
    let (status, xml) = get_xml(&server, &format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(status, 200);
    let names = xml_elements(&xml);
    assert_eq!(
        &names[..3],
        ["service_requests", "request", "service_request_id"]
    );
    for n in [
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
    ] {
        assert_eq!(names.iter().filter(|x| *x == n).count(), 1, "{n} in {xml}");
    }
    assert_eq!(
        xml_texts(&xml, "description"),
        ["Nắp cống vỡ &lt;nguy hiểm&gt; &amp; trơn"]
    );
    // Lower case is the same code; the jurisdiction must match.
    let (status, _) = get_json(
        &server,
        &format!("/open311/v2/requests/{}.json", id.to_lowercase()),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = get_json(
        &server,
        &format!("/open311/v2/requests/{id}.json?jurisdiction_id=26743"),
    )
    .await;
    assert_eq!(status, 200);
    // Unknown.
    for missing in ["PA-ZZZZZZZZ", "nonsense"] {
        let (status, xml) = get_xml(&server, &format!("/open311/v2/requests/{missing}.xml")).await;
        assert_error(status, &xml, "xml", 404, "service_request_id");
        let (status, _, body) = get(&server, &format!("/open311/v2/requests/{missing}.json")).await;
        assert_error(status, &body, "json", 404, "service_request_id");
    }
    // Tokens: the tracking code is the token.
    let (status, xml) = get_xml(&server, &format!("/open311/v2/tokens/{id}.xml")).await;
    assert_eq!(status, 200);
    assert_eq!(
        xml_elements(&xml),
        ["service_requests", "request", "service_request_id", "token"]
    );
    assert_eq!(xml_texts(&xml, "service_request_id"), [id.as_str()]);
    let (status, v) = get_json(&server, &format!("/open311/v2/tokens/{id}.json")).await;
    assert_eq!(status, 200);
    assert_eq!(v[0]["service_request_id"], id.as_str());
    assert_eq!(v[0]["token"], id.as_str());
    let (status, _, body) = get(&server, "/open311/v2/tokens/PA-ZZZZZZZZ.json").await;
    assert_error(status, &body, "json", 404, "service_request_id");
}

/// For `access::every_mutating_route_writes_an_audit_row`: a successful request on this
/// module's state-changing route, with the given request id.
pub async fn audit_probe(
    server: &Server,
    _db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    _admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    if !tuquan_web::open311::MUTATING.contains(&(method, path)) {
        return None;
    }
    Some(
        server
            .http
            .post(server.url("/open311/v2/requests.json"))
            .header("x-request-id", rid)
            .form(&[
                ("api_key", server.token.as_str()),
                ("service_code", "traffic"),
                ("attribute[unit_code]", UNIT),
                ("description", "Kiểm tra nhật ký"),
            ]),
    )
}

/// A request filed with the server's administrator key, for the contract test's path ids.
pub async fn submit_for_contract(server: &Server) -> String {
    file(server, "traffic", "Ổ gà trước số 12, xe máy dễ ngã").await
}

//! The values request body fields take, as the server parses them (issue 11 #17): codes as
//! enums from the domain, dates, unit codes. Written down here, in one table, so that the
//! schema neither refuses what the server accepts nor allows what it refuses; schemathesis
//! checks both directions.

use serde_json::{json, Value};
use tuquan_domain::access::Role;
use tuquan_domain::announcements::{AckChannel, Category, Urgency};
use tuquan_domain::consultations::Kind as ConsultationKind;
use tuquan_domain::feedback::DEFAULT_CATEGORIES;
use tuquan_domain::groups::{DecisionKind, GroupKind};
use tuquan_domain::meetings::MeetingKind;
use tuquan_domain::territory::{Tier, UnitKind};

use super::contract::UNIT_CODE;

fn one_of(values: Vec<&str>) -> Value {
    json!({"type": "string", "enum": values})
}

/// `schema` with an example (the first request of schemathesis' examples phase), so that a
/// well-formed request meets a real parent, not only generated codes that name nothing.
fn example(mut schema: Value, value: &str) -> Value {
    schema["example"] = json!(value);
    schema
}

/// An optional value: as `schema`, blank (spaces only) or `null`, both meaning absent.
fn optional(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "string", "pattern": "^ *$"}, {"type": "null"}]})
}

/// An optional multipart field: as `schema`, or blank (a form has no `null`).
fn optional_field(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "string", "pattern": "^ *$"}]})
}

/// Decimal degrees within ±`max_int` (±90 or ±180), as `str::parse::<f64>` reads them.
fn degrees(max_int: &str) -> Value {
    json!({"type": "string",
           "pattern": format!("^ *(-?{max_int}(\\.[0-9]{{1,8}})?)? *$")})
}

/// A Vietnamese phone number: 10 digits from 0, or 11 for a landline from 02.
fn phone() -> Value {
    json!({"type": "string", "pattern": "^ *(0[0-9]{9}|02[0-9]{9}) *$"})
}

fn email() -> Value {
    // As the server checks it: something, `@`, then a domain with a dot.
    // (No control character but tab and line breaks: the edge refuses the others.)
    json!({"type": "string", "maxLength": 200, "pattern":
        r"^[^@\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+@[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*\.[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"})
}

/// Record ids, from 1.
fn ids() -> Value {
    json!({"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": i64::MAX}})
}

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

fn unit_code() -> Value {
    json!({"type": "string", "pattern": UNIT_CODE})
}

fn categories() -> Value {
    one_of(DEFAULT_CATEGORIES.iter().map(|c| c.0).collect())
}

/// (component schema, property, its schema).
type Row = (&'static str, &'static str, Value);

fn group_kinds() -> Value {
    one_of(GroupKind::ALL.iter().map(|k| k.as_str()).collect())
}

fn roles() -> Value {
    one_of(Role::ALL.iter().map(|r| r.as_str()).collect())
}

/// Every typed property, area by area.
fn table() -> Vec<Row> {
    let mut t = feedback_rows();
    t.extend(group_rows());
    t.extend(announcement_rows());
    t.extend(meeting_rows());
    t.extend(people_rows());
    t.extend(restructuring_rows());
    t
}

/// New feedback (JSON and multipart), its steps and its routes.
fn feedback_rows() -> Vec<Row> {
    vec![
        ("NewFeedbackInputDoc", "category", categories()),
        ("NewFeedbackInputDoc", "unit_code", unit_code()),
        (
            "NewFeedbackInputDoc",
            "description",
            json!({"type": "string", "pattern": super::contract::NON_BLANK,
                   "maxLength": tuquan_domain::feedback::DESCRIPTION_MAX}),
        ),
        ("SubmitUpload", "category", categories()),
        ("SubmitUpload", "unit_code", unit_code()),
        ("NewFeedbackInputDoc", "lat", degrees("[0-8]?[0-9]")),
        (
            "NewFeedbackInputDoc",
            "lng",
            degrees("(1[0-7][0-9]|[0-9]{1,2})"),
        ),
        ("SubmitUpload", "lat", degrees("[0-8]?[0-9]")),
        ("NewFeedbackInputDoc", "contact_phone", optional(phone())),
        ("NewFeedbackInputDoc", "contact_email", optional(email())),
        ("SubmitUpload", "contact_phone", optional_field(phone())),
        ("SubmitUpload", "contact_email", optional_field(email())),
        ("SubmitUpload", "lng", degrees("(1[0-7][0-9]|[0-9]{1,2})")),
        (
            "StepBody",
            "action",
            one_of(vec![
                "acknowledge",
                "start",
                "resolve",
                "reject",
                "duplicate",
                "refer",
                "note",
                "assign",
                "summary",
            ]),
        ),
        (
            "RouteItem",
            "category",
            json!({"anyOf": [categories(), {"type": "string", "maxLength": 0}]}),
        ),
        (
            "RouteItem",
            "level",
            optional(one_of(vec!["unit", "commune", "province"])),
        ),
        (
            "RouteItem",
            "role",
            optional(one_of(
                Role::ALL
                    .iter()
                    .filter(|r| tuquan_domain::feedback::policy::role_handles_feedback(**r))
                    .map(|r| r.as_str())
                    .collect(),
            )),
        ),
    ]
}

/// Community groups: decisions, positions, consents, the unit's creation.
fn group_rows() -> Vec<Row> {
    // A unit's head and deputy come with the unit (`POST .../leadership`), not created.
    let creatable = one_of(
        GroupKind::ALL
            .iter()
            .filter(|k| **k != GroupKind::UnitLeadership)
            .map(|k| k.as_str())
            .collect(),
    );
    vec![
        (
            "DecisionUpload",
            "kind",
            one_of(vec![
                DecisionKind::Establishment.as_str(),
                DecisionKind::Dissolution.as_str(),
            ]),
        ),
        ("DecisionUpload", "issued_on", date()),
        ("DecisionUpload", "effective_on", optional_field(date())),
        ("AppointBody", "starts_on", optional(date())),
        ("EndBody", "ended_on", optional(date())),
        ("ConsentBody", "given_on", optional(date())),
        ("CreateGroup", "kind", creatable),
        (
            "CreateGroup",
            "unit_codes",
            json!({"type": "array", "items": unit_code()}),
        ),
        ("SignBody", "signed_on", date()),
        ("ReviewBody", "reviewed_on", date()),
    ]
}

/// Announcements (JSON and multipart) and their acknowledgement on behalf of a household.
fn announcement_rows() -> Vec<Row> {
    vec![
        (
            "PublishBody",
            "category",
            one_of(Category::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "PublishBody",
            "urgency",
            optional(one_of(Urgency::ALL.iter().map(|u| u.as_str()).collect())),
        ),
        ("PublishBody", "valid_from", optional(date())),
        ("PublishBody", "valid_until", optional(date())),
        (
            "PublishBody",
            "group_kinds",
            json!({"type": "array", "items": group_kinds()}),
        ),
        (
            "PublishBody",
            "roles",
            json!({"type": "array", "items": roles()}),
        ),
        (
            "OnBehalfBody",
            "channel",
            one_of(AckChannel::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "TermYearsBody",
            "years",
            one_of(vec!["2.5", "2,5", "5", "5.0", "5,0"]),
        ),
        (
            "PublishUpload",
            "category",
            one_of(Category::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "PublishUpload",
            "urgency",
            optional_field(one_of(Urgency::ALL.iter().map(|u| u.as_str()).collect())),
        ),
        ("PublishUpload", "valid_from", optional_field(date())),
        ("PublishUpload", "valid_until", optional_field(date())),
        (
            "PublishUpload",
            "group_kinds",
            json!({"type": "array", "items": group_kinds()}),
        ),
        (
            "PublishUpload",
            "roles",
            json!({"type": "array", "items": roles()}),
        ),
        ("EditBody", "remove_files", ids()),
        ("EditUpload", "remove_files", ids()),
    ]
}

/// Meetings, their attendance (JSON and the proxy's multipart form), action items,
/// consultations, and ballot tally sheets.
fn meeting_rows() -> Vec<Row> {
    use tuquan_domain::meetings::{AttendanceSource, AttendeeKind, ATTENDEE_NAME_MAX};
    let kinds = || one_of(AttendeeKind::ALL.iter().map(|k| k.as_str()).collect());
    let sources = || one_of(AttendanceSource::ALL.iter().map(|k| k.as_str()).collect());
    // A meeting is held in at most 20 clusters; beyond its own number: a rule (422).
    let cluster = || json!({"type": "integer", "minimum": 1, "maximum": 20});
    let record = || json!({"type": "integer", "minimum": 1, "maximum": i64::MAX});
    let name = text(ATTENDEE_NAME_MAX);
    vec![
        (
            "ItemBody",
            "owner_role",
            optional(one_of(vec!["head", "deputy", "secretary"])),
        ),
        (
            "ConsultationBody",
            "kind",
            one_of(ConsultationKind::ALL.iter().map(|k| k.as_str()).collect()),
        ),
        ("ConsultationBody", "opens_on", optional(date())),
        ("ConsultationBody", "closes_on", date()),
        (
            "ScheduleBody",
            "kind",
            one_of(MeetingKind::ALL.iter().map(|k| k.as_str()).collect()),
        ),
        ("ScheduleBody", "date", date()),
        (
            "ScheduleBody",
            "time",
            json!({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
        ),
        (
            "ScheduleBody",
            "clusters",
            json!({"type": ["integer", "null"], "minimum": 1, "maximum": 20}),
        ),
        (
            "ScheduleBody",
            "group_id",
            json!({"type": ["integer", "null"], "minimum": 1}),
        ),
        ("AttendBody", "kind", optional(kinds())),
        ("AttendBody", "source", optional(sources())),
        (
            "AttendBody",
            "cluster",
            json!({"type": ["integer", "null"], "minimum": 1, "maximum": 20}),
        ),
        ("AttendBody", "name", optional(name.clone())),
        ("ProxyUpload", "kind", optional_field(kinds())),
        ("ProxyUpload", "source", optional_field(sources())),
        ("ProxyUpload", "cluster", optional_field(cluster())),
        ("ProxyUpload", "household_id", optional_field(record())),
        ("ProxyUpload", "resident_id", optional_field(record())),
        ("ProxyUpload", "name", non_blank(ATTENDEE_NAME_MAX)),
        ("ProxyUpload", "code", text(40)),
    ]
}

/// Residents, households and the units they move between.
fn people_rows() -> Vec<Row> {
    let mut t = vec![
        (
            "CreateUnit",
            "kind",
            example(
                one_of(
                    UnitKind::ALL
                        .iter()
                        .filter(|k| k.tier() == Tier::Residential)
                        .map(|k| k.as_str())
                        .collect(),
                ),
                "khu_pho",
            ),
        ),
        ("CreateUnit", "valid_from", optional(date())),
        ("AssignBody", "households", ids()),
        (
            "AssignBody",
            "part_id",
            json!({"type": ["integer", "null"], "minimum": 1}),
        ),
        ("MoveBody", "unit_code", unit_code()),
        ("MoveBody", "moved_on", optional(date())),
    ];
    for body in ["ResidentBody", "ResidentUpdateBody"] {
        t.push((body, "gender", one_of(vec!["male", "female"])));
        // The 4th digit gives the century and the gender; that it matches the birth date
        // and the gender is a rule between fields (422).
        t.push((
            body,
            "cccd",
            optional(json!({"type": "string", "pattern": "^[0-9]{3}[0-589][0-9]{8}$"})),
        ));
        t.push((body, "residence_since", optional(date())));
    }
    t
}

/// Text of at most `max` characters, as the edge admits it.
fn text(max: usize) -> Value {
    json!({"type": "string", "pattern": super::contract::TEXT, "maxLength": max})
}

/// Required text of at most `max` characters: something besides spaces.
fn non_blank(max: usize) -> Value {
    json!({"type": "string", "pattern": super::contract::NON_BLANK, "maxLength": max})
}

/// A unit code as a body names it (at most 40 characters).
fn unit_code_field() -> Value {
    json!({"type": "string", "pattern": UNIT_CODE, "maxLength": 40})
}

/// Restructuring schemes, size standards and freezes; police beats and militia heads.
fn restructuring_rows() -> Vec<Row> {
    use tuquan_domain::restructuring::beats::NAME_MAX as BEAT_NAME_MAX;
    use tuquan_domain::restructuring::scheme::{REASON_MAX, TITLE_MAX};
    let residential = one_of(
        UnitKind::ALL
            .iter()
            .filter(|k| k.tier() == Tier::Residential)
            .map(|k| k.as_str())
            .collect(),
    );
    vec![
        ("SchemeBody", "title", non_blank(TITLE_MAX)),
        ("SchemeBody", "reason", non_blank(REASON_MAX)),
        ("SchemeBody", "effective_on", date()),
        ("SchemeBody", "basis_number", text(100)),
        ("SchemeBody", "basis_date", optional_field(date())),
        ("SchemeBody", "basis_signer", text(200)),
        ("OverrideBody", "reason", non_blank(REASON_MAX)),
        ("OverrideBody", "number", non_blank(100)),
        ("OverrideBody", "date", date()),
        ("OverrideBody", "signer", non_blank(200)),
        ("StandardBody", "kind", residential),
        (
            "StandardBody",
            "min_households",
            json!({"type": "integer", "minimum": 1, "maximum": 10_000}),
        ),
        ("StandardBody", "effective_from", date()),
        ("StandardBody", "basis", text(300)),
        ("FreezeBody", "scope", one_of(vec!["national", "province"])),
        ("FreezeBody", "starts_on", date()),
        ("FreezeBody", "ends_on", optional_field(date())),
        ("FreezeBody", "basis", non_blank(300)),
        ("BeatBody", "name", non_blank(BEAT_NAME_MAX)),
        ("BeatBody", "officer_username", optional(text(100))),
        ("BeatBody", "officer_name", optional(text(BEAT_NAME_MAX))),
        ("BeatBody", "officer_phone", optional(phone())),
        ("BeatBody", "valid_from", optional(date())),
        ("BeatAssignBody", "unit_code", unit_code_field()),
        ("BeatAssignBody", "valid_from", optional(date())),
        ("BeatEndBody", "valid_to", optional(date())),
        ("MilitiaBody", "unit_code", unit_code_field()),
        ("MilitiaBody", "full_name", non_blank(BEAT_NAME_MAX)),
        ("MilitiaBody", "phone", optional(phone())),
        ("MilitiaBody", "valid_from", optional(date())),
    ]
}

/// Fields a body requires although its Rust type lets them default.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "NewFeedbackInputDoc",
        &["category", "description", "unit_code"],
    ),
    // A 422 of an appointment is either the ineligibility, with its `reason`, or another
    // rule (a start date out of place), without.
    ("IneligibleDetail", &["code", "message"]),
    // The multipart bodies: repeated parts (lists) may be left out.
    ("PublishUpload", &["title", "body", "category"]),
    ("EditUpload", &["title", "body"]),
    ("ProxyUpload", &["name", "authorisation"]),
];

/// Applies the table to `doc`'s component schemas.
pub fn refine(doc: &mut Value) {
    for (schema, prop, value) in table() {
        if let Some(p) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{prop}"))
        {
            let description = p.get("description").cloned();
            *p = value;
            if let (Some(d), Some(o)) = (description, p.as_object_mut()) {
                o.insert("description".into(), d);
            }
        }
    }
    // The feedback form's other fields are ignored, but their text passes the edge's
    // rules like any other (no control character but tab and line breaks).
    // So are the other multipart forms' (decision scans, uploads) that do not refuse them.
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, u) in schemas.iter_mut() {
            if name.ends_with("Upload") && u.get("additionalProperties").is_none() {
                u["additionalProperties"] =
                    json!({"type": "string", "pattern": super::contract::TEXT});
            }
        }
    }
    // An empty file is not a file.
    for file in [
        "/components/schemas/FileBytes",
        "/components/schemas/ScanUpload/properties/scan",
        "/components/schemas/PublishUpload/properties/attachment/items",
        "/components/schemas/EditUpload/properties/attachment/items",
        "/components/schemas/SubmitUpload/properties/photo/items",
        "/components/schemas/ProxyUpload/properties/authorisation",
        "/components/schemas/SheetUpload/properties/sheet",
    ] {
        if let Some(f) = doc.pointer_mut(file) {
            f["minLength"] = json!(1);
        }
    }
    for (schema, fields) in REQUIRED {
        if let Some(s) = doc.pointer_mut(&format!("/components/schemas/{schema}")) {
            s["required"] = json!(fields);
        }
    }
    // The JSON body of new feedback is the input's fields and `on_behalf`, one flat object
    // (serde's `flatten`): written as such, so that it can refuse other fields.
    let input = doc
        .pointer("/components/schemas/NewFeedbackInputDoc")
        .cloned();
    if let (Some(mut flat), Some(body)) = (input, doc.pointer_mut("/components/schemas/SubmitBody"))
    {
        if let Some(props) = flat.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert(
                "on_behalf".into(),
                json!({"type": "boolean",
                       "description": "Filed by a unit head or official for a resident who came in person."}),
            );
        }
        flat["additionalProperties"] = json!(false);
        *body = flat;
    }
}

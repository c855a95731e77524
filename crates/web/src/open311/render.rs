//! The two Open311 formats from one small tree: XML with the specification's element names
//! and nesting, and JSON as its mechanical mapping (the root always an array). A tiny
//! hand-written escaper: no XML crate is needed to write five entities.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `.xml` or `.json`, the suffix of the last path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Xml,
    Json,
}

impl Fmt {
    /// Splits `requests.json` into (`requests`, Json); `None` for a missing or unknown suffix.
    pub fn split(segment: &str) -> Option<(&str, Fmt)> {
        let (name, ext) = segment.rsplit_once('.')?;
        let fmt = match ext {
            "xml" => Fmt::Xml,
            "json" => Fmt::Json,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, fmt))
    }
}

/// A value of an element.
#[derive(Debug, Clone)]
pub enum V {
    S(String),
    I(i64),
    F(f64),
    B(bool),
    /// A list of objects, each in an element of this name (`attributes` → `attribute`).
    L(&'static str, Vec<Obj>),
    /// A list of texts, each in an element of this name (`formats` → `format`).
    T(&'static str, Vec<String>),
}

/// An element's children, in the specification's order.
pub type Obj = Vec<(&'static str, V)>;

pub fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

/// XML 1.0 text: the five entities escaped, characters XML cannot carry dropped.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn xml_obj(obj: &Obj, out: &mut String) {
    for (name, v) in obj {
        out.push('<');
        out.push_str(name);
        out.push('>');
        match v {
            V::S(t) => escape(t, out),
            V::I(n) => out.push_str(&n.to_string()),
            V::F(f) => out.push_str(&f.to_string()),
            V::B(b) => out.push_str(if *b { "true" } else { "false" }),
            V::L(item, objs) => {
                for o in objs {
                    out.push_str(&format!("<{item}>"));
                    xml_obj(o, out);
                    out.push_str(&format!("</{item}>"));
                }
            }
            V::T(item, texts) => {
                for t in texts {
                    out.push_str(&format!("<{item}>"));
                    escape(t, out);
                    out.push_str(&format!("</{item}>"));
                }
            }
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
}

fn json_obj(obj: &Obj) -> serde_json::Value {
    use serde_json::Value as J;
    let mut m = serde_json::Map::new();
    for (name, v) in obj {
        let j = match v {
            V::S(t) => J::String(t.clone()),
            V::I(n) => J::from(*n),
            V::F(f) => J::from(*f),
            V::B(b) => J::Bool(*b),
            V::L(_, objs) => J::Array(objs.iter().map(json_obj).collect()),
            V::T(_, texts) => J::Array(texts.iter().cloned().map(J::String).collect()),
        };
        m.insert((*name).to_owned(), j);
    }
    J::Object(m)
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

fn respond(status: StatusCode, fmt: Fmt, body: String) -> Response {
    let ct = match fmt {
        Fmt::Xml => "text/xml; charset=utf-8",
        Fmt::Json => "application/json; charset=utf-8",
    };
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r
}

/// A list: `<root><item>…</item>…</root>` or `[{…}, …]`.
pub fn list(status: StatusCode, fmt: Fmt, root: &str, item: &str, items: &[Obj]) -> Response {
    let body = match fmt {
        Fmt::Xml => {
            let mut out = String::from(XML_DECL);
            out.push_str(&format!("<{root}>"));
            for o in items {
                out.push_str(&format!("<{item}>"));
                xml_obj(o, &mut out);
                out.push_str(&format!("</{item}>"));
            }
            out.push_str(&format!("</{root}>"));
            out
        }
        Fmt::Json => serde_json::Value::Array(items.iter().map(json_obj).collect()).to_string(),
    };
    respond(status, fmt, body)
}

/// One object: `<root>…</root>` or `{…}` (GeoReport v2's JSON form of the discovery and
/// of a service definition is the object itself, not a list of one).
pub fn one(fmt: Fmt, root: &str, obj: &Obj) -> Response {
    let body = match fmt {
        Fmt::Xml => {
            let mut out = String::from(XML_DECL);
            out.push_str(&format!("<{root}>"));
            xml_obj(obj, &mut out);
            out.push_str(&format!("</{root}>"));
            out
        }
        Fmt::Json => json_obj(obj).to_string(),
    };
    respond(StatusCode::OK, fmt, body)
}

/// The specification's error list with one error.
pub fn error(fmt: Fmt, status: StatusCode, description: &str) -> Response {
    let obj: Obj = vec![
        ("code", V::I(i64::from(status.as_u16()))),
        ("description", s(description)),
    ];
    list(status, fmt, "errors", "error", &[obj])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_what_xml_cannot_carry() {
        let mut out = String::new();
        escape("a<b>&\"c'\u{1}d\n", &mut out);
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;d\n");
    }

    #[test]
    fn suffixes() {
        assert_eq!(Fmt::split("requests.json"), Some(("requests", Fmt::Json)));
        assert_eq!(
            Fmt::split("PA-ABCD2345.xml"),
            Some(("PA-ABCD2345", Fmt::Xml))
        );
        assert_eq!(Fmt::split("requests.html"), None);
        assert_eq!(Fmt::split("requests"), None);
        assert_eq!(Fmt::split(".xml"), None);
    }

    #[test]
    fn nesting() {
        let o: Obj = vec![
            ("service_code", s("traffic")),
            ("formats", V::T("format", vec!["text/xml".into()])),
        ];
        let mut out = String::new();
        xml_obj(&o, &mut out);
        assert_eq!(
            out,
            "<service_code>traffic</service_code><formats><format>text/xml</format></formats>"
        );
        assert_eq!(
            json_obj(&o),
            serde_json::json!({"service_code": "traffic", "formats": ["text/xml"]})
        );
    }
}

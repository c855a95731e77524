//! The documented shapes of two multipart bodies whose handlers read them part by part (a
//! proxy's written authorisation at a meeting, a ballot's tally sheet): the schema says what
//! the handlers accept, so that the contract run sends them well-formed requests. The values
//! of the parts are typed in `contract_fields::table`.
// `deny_unknown_fields` only for the schema: the handlers refuse undocumented parts.
#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// A proxy who came for a household, with the photographed written authorisation, as
/// `multipart/form-data`: the fields of the JSON attendance body as text parts (`kind`
/// defaults to `proxy`) and one file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyUpload {
    /// The row's short code from the sign-in sheet …
    pub code: Option<String>,
    /// … or the household.
    pub household_id: Option<i64>,
    /// The member who came, when a resident (a proxy usually is not).
    pub resident_id: Option<i64>,
    /// `proxy` (default); a file comes only with a proxy.
    pub kind: Option<String>,
    /// Who came.
    pub name: String,
    /// The cluster (Art 18) attended; 1 when blank. Beyond the meeting's clusters: 422
    /// naming `cluster`.
    pub cluster: Option<i64>,
    /// `live` (default) or `paper`.
    pub source: Option<String>,
    /// One PDF, JPEG, PNG or WebP file (told by its first bytes), at most 10 MB; images lose
    /// their embedded metadata. Another type, or a larger file: 422 naming `authorisation`.
    #[schema(value_type = String, format = Binary)]
    pub authorisation: Vec<u8>,
}

/// The parts of [`ProxyUpload`].
pub const PROXY_PARTS: &[&str] = &[
    "code",
    "household_id",
    "resident_id",
    "kind",
    "name",
    "cluster",
    "source",
    tuquan_app::meetings::PROXY_FIELD,
];

/// The photo of a paper entry's tally sheet, as `multipart/form-data`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SheetUpload {
    /// One PDF, JPEG, PNG or WebP file (told by its first bytes), at most 10 MB; images lose
    /// their embedded metadata. Another type, or a larger file: 422 naming `sheet`.
    #[schema(value_type = String, format = Binary)]
    pub sheet: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The two bodies are documented as the handlers read them (they were left out of the
    /// contract run until they were).
    #[test]
    fn proxy_and_sheet_bodies_are_documented() {
        let doc = crate::api::contract::document();
        for (path, schema) in [
            ("/api/v1/meetings/{id}/attendance/proxy", "ProxyUpload"),
            ("/api/v1/votes/{id}/paper/{entry}/sheet", "SheetUpload"),
        ] {
            let op = &doc["paths"][path]["post"];
            let media = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
            assert_eq!(
                media["$ref"],
                json!(format!("#/components/schemas/{schema}")),
                "{path}"
            );
            assert!(op["responses"]["422"].is_object(), "{path}");
            let s = &doc["components"]["schemas"][schema];
            assert_eq!(s["additionalProperties"], false, "{schema}");
        }
        let proxy = &doc["components"]["schemas"]["ProxyUpload"];
        assert_eq!(proxy["required"], json!(["name", "authorisation"]));
        assert_eq!(proxy["properties"]["authorisation"]["minLength"], 1);
        let mut names: Vec<&str> = proxy["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut parts = super::PROXY_PARTS.to_vec();
        parts.sort_unstable();
        names.sort_unstable();
        assert_eq!(names, parts);
        let attend = &doc["components"]["schemas"]["AttendBody"]["properties"]["cluster"];
        assert_eq!(attend["maximum"], 20, "{attend}");
    }
}

//! The official list of provinces and communes (`vn-divisions-2025.json` format): an array of
//! provinces, each with `name`, numeric `code`, `codename`, `division_type` and `wards`.

use std::collections::HashSet;

use serde_json::Value;

use super::{Tier, UnitCode, UnitKind};
use crate::text;

/// The two-tier government and its codes took effect on this date.
pub const TERRITORY_VALID_FROM: &str = "2025-07-01";

/// One province or commune, checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionRecord {
    pub code: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub path: String,
    pub level: i64,
    pub kind: UnitKind,
    pub name: String,
    pub name_folded: String,
    pub sort_key: Vec<u8>,
    pub codename: String,
}

/// A file that cannot be imported, naming the record at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {record}: {reason}")]
pub struct DivisionsError {
    /// Where the record is, e.g. `provinces[27].wards[4] (code 26743)`.
    pub record: String,
    pub reason: String,
}

fn err(record: &str, reason: impl Into<String>) -> DivisionsError {
    DivisionsError {
        record: record.to_owned(),
        reason: reason.into(),
    }
}

/// Parses and checks the whole file; any broken record rejects it whole.
/// Provinces come before their communes in the result.
pub fn parse_divisions(json: &[u8]) -> Result<Vec<DivisionRecord>, DivisionsError> {
    let root: Value =
        serde_json::from_slice(json).map_err(|e| err("(file)", format!("not valid JSON: {e}")))?;
    let provinces = root
        .as_array()
        .ok_or_else(|| err("(file)", "the top level must be an array of provinces"))?;
    if provinces.is_empty() {
        return Err(err("(file)", "no provinces"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(3400);
    for (pi, p) in provinces.iter().enumerate() {
        let at = format!("provinces[{pi}]");
        let (p_at, province) = record(p, &at, None, &mut seen)?;
        let wards = p
            .get("wards")
            .and_then(Value::as_array)
            .ok_or_else(|| err(&p_at, "field `wards` must be an array"))?;
        let mut communes = Vec::with_capacity(wards.len());
        for (wi, w) in wards.iter().enumerate() {
            let at = format!("{at}.wards[{wi}]");
            communes.push(record(w, &at, Some(&province), &mut seen)?.1);
        }
        out.push(province);
        out.append(&mut communes);
    }
    Ok(out)
}

fn record(
    v: &Value,
    at: &str,
    province: Option<&DivisionRecord>,
    seen: &mut HashSet<String>,
) -> Result<(String, DivisionRecord), DivisionsError> {
    let obj = v.as_object().ok_or_else(|| err(at, "must be an object"))?;
    let code_num = obj
        .get("code")
        .and_then(Value::as_u64)
        .ok_or_else(|| err(at, "field `code` must be a positive integer"))?;
    let max = if province.is_none() { 99 } else { 99_999 };
    let code_num = u32::try_from(code_num)
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| err(at, format!("field `code` must be between 1 and {max}")))?;
    let code = match province {
        None => UnitCode::province(code_num),
        Some(_) => UnitCode::commune(code_num),
    }
    .into_string();
    let at = format!("{at} (code {code})");
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .map(text::clean)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| err(&at, "field `name` must be a non-empty string"))?;
    let codename = obj
        .get("codename")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let dtype = obj
        .get("division_type")
        .and_then(Value::as_str)
        .ok_or_else(|| err(&at, "field `division_type` must be a string"))?;
    let kind = UnitKind::from_division_type(dtype)
        .ok_or_else(|| err(&at, format!("unknown `division_type` {dtype:?}")))?;
    let expected = if province.is_none() {
        Tier::Province
    } else {
        Tier::Commune
    };
    if kind.tier() != expected {
        return Err(err(
            &at,
            format!("`division_type` {dtype:?} does not belong at this level"),
        ));
    }
    if !seen.insert(code.clone()) {
        return Err(err(&at, format!("code {code} appears twice")));
    }
    let (parent_code, province_code, path, level) = match province {
        None => (None, code.clone(), code.clone(), 1),
        Some(p) => (
            Some(p.code.clone()),
            p.code.clone(),
            format!("{}/{code}", p.code),
            2,
        ),
    };
    let rec = DivisionRecord {
        name_folded: text::fold(&name),
        sort_key: text::sort_key(&name),
        code,
        parent_code,
        province_code,
        path,
        level,
        kind,
        name,
        codename,
    };
    Ok((at, rec))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"[
      {"name": "Thành phố Hồ Chí Minh", "code": 79, "codename": "ho_chi_minh",
       "division_type": "thành phố trung ương", "phone_code": 28,
       "wards": [
         {"name": "Phường Bến Thành", "code": 26743, "codename": "phuong_ben_thanh",
          "division_type": "phường", "short_codename": "ben_thanh"},
         {"name": "Xã Bình Chánh", "code": 26599, "codename": "xa_binh_chanh",
          "division_type": "xã", "short_codename": "binh_chanh"}
       ]},
      {"name": "Cao Bằng", "code": 4, "codename": "cao_bang", "division_type": "tỉnh",
       "wards": [{"name": "Phường Thục Phán", "code": 1273, "codename": "phuong_thuc_phan",
                  "division_type": "phường"}]}
    ]"#;

    #[test]
    fn parses_provinces_then_their_communes_with_padded_codes() {
        let recs = parse_divisions(SAMPLE.as_bytes()).unwrap();
        let codes: Vec<_> = recs.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["79", "26743", "26599", "04", "01273"]);
        assert_eq!(recs[4].path, "04/01273");
        assert_eq!(recs[4].parent_code.as_deref(), Some("04"));
        assert_eq!(recs[1].name_folded, "phuong ben thanh");
        assert_eq!(recs[3].kind, UnitKind::Province);
        assert_eq!(recs[0].kind, UnitKind::CentralCity);
    }

    #[test]
    fn a_broken_record_is_named() {
        let broken = SAMPLE.replace(r#""name": "Xã Bình Chánh", "#, "");
        let e = parse_divisions(broken.as_bytes()).unwrap_err();
        assert_eq!(e.record, "provinces[0].wards[1] (code 26599)");
        assert!(e.reason.contains("name"), "{e}");

        let dup = SAMPLE.replace("1273", "26743");
        let e = parse_divisions(dup.as_bytes()).unwrap_err();
        assert!(e.reason.contains("twice"), "{e}");

        let bad_type = SAMPLE.replace(r#""division_type": "xã""#, r#""division_type": "huyện""#);
        let e = parse_divisions(bad_type.as_bytes()).unwrap_err();
        assert!(e.record.starts_with("provinces[0].wards[1]"), "{e}");

        let bad_code = SAMPLE.replace("\"code\": 4,", "\"code\": \"4\",");
        let e = parse_divisions(bad_code.as_bytes()).unwrap_err();
        assert_eq!(e.record, "provinces[1]");

        assert!(parse_divisions(b"{}").is_err());
        assert!(parse_divisions(b"not json").is_err());
    }
}

//! Import and export of households and residents: CSV and XLSX, the dry run, all or nothing,
//! errors by line and column, scope, encrypted identity numbers, masked exports.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::harness::{Server, TestDb};
use crate::on_both_backends;

const UNIT: &str = "26743-kp01";
const HEADER: &str = "Mã hộ,Địa chỉ,Điện thoại hộ,Họ và tên,Ngày sinh,Giới tính,Điện thoại,\
                      Loại cư trú,Cư trú từ ngày,Số CCCD,Mã đơn vị";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Two households, three people; identity numbers built from `tag` (3 digits) so that
/// several files can be imported into one database.
fn good_rows(tag: &str) -> Vec<String> {
    vec![
        format!("H1,12 Đề Thám,0909123456,Nguyễn Thị Mai,12/03/1985,Nữ,0912345678,Thường trú,01/01/2010,{tag}185001234,"),
        "H1,,,Trần Văn Bình,1983-07-02,Nam,,Thường trú,,,".to_owned(),
        format!("H2,5 Bùi Viện,,Lê Văn An,01/01/2000,nam,,tam tru,,{tag}200001111,{UNIT}"),
    ]
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

async fn api_import(
    server: &Server,
    token: &str,
    unit: &str,
    body: Vec<u8>,
    content_type: &str,
    dry_run: bool,
    lang: &str,
) -> (u16, Value) {
    let r = server
        .http
        .post(server.url(&format!("/api/v1/units/{unit}/import?dry_run={dry_run}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .header("accept-language", lang)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn counts(db: &TestDb) -> (i64, i64) {
    (
        db.count("SELECT COUNT(*) FROM households").await,
        db.count("SELECT COUNT(*) FROM residents").await,
    )
}

/// An XLSX as people make them: real date cells, an identity number typed as a number (its
/// leading zero lost), a header without diacritics.
fn xlsx_file(tag: &str) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "ma_ho",
        "dia chi",
        "Ho va ten",
        "NGAY SINH",
        "gioi tinh",
        "loai cu tru",
        "so cccd",
    ];
    for (i, h) in header.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let people = [
        (
            "X1",
            "7 Lê Lợi",
            "Phạm Thu Hà",
            (1990, 5, 20),
            "Nữ",
            "Tạm trú",
            Some("190001001"),
        ),
        (
            "X1",
            "",
            "Phạm Minh Khang",
            (2015, 9, 1),
            "Nam",
            "Tạm trú",
            None,
        ),
    ];
    for (r, (key, addr, name, (y, m, d), g, res, cccd)) in people.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *key).unwrap();
        if !addr.is_empty() {
            sheet.write_string(r, 1, *addr).unwrap();
        }
        sheet.write_string(r, 2, *name).unwrap();
        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet.write_datetime_with_format(r, 3, &dt, &date).unwrap();
        sheet.write_string(r, 4, *g).unwrap();
        sheet.write_string(r, 5, *res).unwrap();
        if let Some(c) = cccd {
            // "0" + tag + "190001001" would be 12 digits; written as a number it loses the 0.
            let n: f64 = format!("{tag}{c}").parse().unwrap();
            sheet.write_number(r, 6, n).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

on_both_backends!(csv_and_xlsx_files_import_every_row);
async fn csv_and_xlsx_files_import_every_row(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let before = counts(db).await;

    // The dry run reports what would be created and writes nothing.
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        csv(&good_rows("079")),
        "text/csv",
        true,
        "vi",
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["created_households"], 2);
    assert_eq!(r["created_residents"], 3);
    assert_eq!(r["errors"].as_array().unwrap().len(), 0);
    assert_eq!(counts(db).await, before, "a dry run writes nothing");

    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        csv(&good_rows("079")),
        "text/csv",
        false,
        "vi",
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (
            r["created_households"].as_i64(),
            r["created_residents"].as_i64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(counts(db).await, (before.0 + 2, before.1 + 3));
    // The first row of a household is its representative, and the members are counted.
    let rep = db
        .count("SELECT h.member_count FROM households h JOIN residents r ON r.id = h.representative_id \
                WHERE r.full_name = 'Nguyễn Thị Mai' AND h.address = '12 Đề Thám'")
        .await;
    assert_eq!(rep, 2);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'household.import'")
            .await,
        2
    );
    // Identity numbers are stored encrypted and masked, never in the clear.
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM residents WHERE cccd_cipher LIKE '%079185001234%' \
                  OR cccd_masked LIKE '%079185001234%' OR cccd_index LIKE '%079185001234%'"
        )
        .await,
        0
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM residents WHERE full_name = 'Nguyễn Thị Mai' \
                  AND birth_date = '1985-03-12' AND cccd_masked = '0791••••••34' \
                  AND cccd_cipher IS NOT NULL AND cccd_index IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%079185001234%'")
            .await,
        0,
        "audit rows hold masked numbers only"
    );

    // The same file again: every identity number is already registered, nothing written.
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        csv(&good_rows("079")),
        "text/csv",
        true,
        "vi",
    )
    .await;
    assert_eq!(s, 400, "{r}");
    let codes: Vec<(i64, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, vec![(2, "cccd_exists"), (4, "cccd_exists")]);

    // XLSX with real date cells and a number that lost its leading zero.
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        xlsx_file("08"),
        XLSX,
        false,
        "vi",
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (
            r["created_households"].as_i64(),
            r["created_residents"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(r["file_type"], "xlsx");
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM residents WHERE full_name = 'Phạm Thu Hà' \
                  AND birth_date = '1990-05-20' AND residence_type = 'temporary' \
                  AND cccd_masked = '0081••••••01'"
        )
        .await,
        1
    );
}

on_both_backends!(one_bad_row_writes_nothing_and_is_reported);
async fn one_bad_row_writes_nothing_and_is_reported(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let before = counts(db).await;
    let mut rows = good_rows("079");
    // Line 3 (the header is line 1): a birth date that does not exist.
    rows[1] = "H1,,,Trần Văn Bình,31/02/1983,Nam,,Thường trú,,,".to_owned();
    // Line 5: the identity number of line 2 again, and an unknown gender.
    rows.push(
        "H3,9 Lý Tự Trọng,,Võ Thị Lan,12/03/1985,Không rõ,,Thường trú,,079185001234,".to_owned(),
    );
    for dry_run in [true, false] {
        let (s, r) = api_import(
            &server,
            &server.token,
            UNIT,
            csv(&rows),
            "text/csv",
            dry_run,
            "vi",
        )
        .await;
        assert_eq!(s, 400, "{r}");
        assert_eq!(r["created_households"], 0);
        let errors = r["errors"].as_array().unwrap();
        let found: Vec<(i64, &str, &str, &str)> = errors
            .iter()
            .map(|e| {
                (
                    e["line"].as_i64().unwrap(),
                    e["column"].as_str().unwrap(),
                    e["field"].as_str().unwrap(),
                    e["code"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "E", "ngay_sinh", "invalid_format"),
                (5, "F", "gioi_tinh", "unknown_value"),
            ],
            "{r}"
        );
        let msg = errors[0]["message"].as_str().unwrap();
        assert!(
            msg.contains("Ngày sinh") && msg.contains("không đúng định dạng"),
            "{msg}"
        );
        assert_eq!(counts(db).await, before, "nothing written");
    }
    // Fix the gender: the duplicate identity number in the file is now found too.
    rows[3] = rows[3].replace("Không rõ", "Nữ");
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        csv(&rows),
        "text/csv",
        false,
        "en",
    )
    .await;
    assert_eq!(s, 400, "{r}");
    let dup = &r["errors"][1];
    assert_eq!(
        (dup["line"].as_i64(), dup["column"].as_str()),
        (Some(5), Some("J"))
    );
    assert_eq!(dup["code"], "duplicate_in_file");
    assert!(dup["message"].as_str().unwrap().contains("line 2"), "{dup}");
    assert!(r["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not in a valid format"));
    assert_eq!(counts(db).await, before);

    // Files that are not lists at all.
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        b"%PDF-1.7 ...".to_vec(),
        "application/pdf",
        true,
        "vi",
    )
    .await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (415, Some("file_type")),
        "{r}"
    );
    let big = vec![b'a'; 5 * 1024 * 1024 + 10];
    let (s, r) = api_import(&server, &server.token, UNIT, big, "text/csv", true, "vi").await;
    assert_eq!(
        (s, r["error"]["code"].as_str()),
        (413, Some("file_too_large")),
        "{r}"
    );
    let (s, r) = api_import(
        &server,
        &server.token,
        UNIT,
        b"ho,nghe nghiep\n1,2\n".to_vec(),
        "text/csv",
        true,
        "vi",
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(r["errors"][0]["code"], "unknown_column", "{r}");
    assert_eq!(counts(db).await, before);
}

/// The rows of an export read back: CSV text or the cells of an XLSX's first sheet.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn multipart(
    csrf: &str,
    mode: &str,
    file: Option<(&str, Vec<u8>)>,
    b64: Option<&str>,
) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("mode", mode.to_owned());
    if let Some((name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    if let Some(b) = b64 {
        form = form.text("file_b64", b.to_owned());
    }
    form
}

on_both_backends!(pages_check_confirm_import_and_export);
async fn pages_check_confirm_import_and_export(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let page = format!("/units/{UNIT}/import");
    let r = b.get(server.url(&page)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("/import/template.xlsx") && html.contains("export.csv"));
    for t in ["/import/template.xlsx", "/import/template.csv"] {
        let r = server.get(t).await;
        assert_eq!(r.status(), 200, "{t}");
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment"));
    }

    // Without the form's token: refused.
    let r = b
        .post(server.url(&page))
        .multipart(multipart(
            "wrong",
            "dry_run",
            Some(("ds.csv", csv(&good_rows("079")))),
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The dry run lists what would be created and writes nothing.
    let before = counts(db).await;
    let r = b
        .post(server.url(&page))
        .multipart(multipart(
            &csrf,
            "dry_run",
            Some(("ds.csv", csv(&good_rows("079")))),
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("sẽ tạo 2 hộ với 3 nhân khẩu"), "{html}");
    assert!(html.contains("Nguyễn Thị Mai") && html.contains("0791••••••34"));
    assert!(
        !html.contains("079185001234"),
        "the page shows masked numbers only"
    );
    assert_eq!(counts(db).await, before);

    // A bad file: every error with its line, column and Vietnamese reason.
    let mut rows = good_rows("079");
    rows[1] = "H1,,,Trần Văn Bình,02/07/1983,Nam,,Ở nhờ,,,".to_owned();
    let r = b
        .post(server.url(&page))
        .multipart(multipart(
            &csrf,
            "apply",
            Some(("ds.csv", csv(&rows))),
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let bad = r.text().await.unwrap();
    assert!(bad.contains("<td>3</td><td>H</td>"), "{bad}");
    assert!(bad.contains("Ghi Thường trú hoặc Tạm trú."), "{bad}");
    assert_eq!(counts(db).await, before);
    // A file that cannot be read: the reason beside the file control, linked from the
    // summary (pages::form).
    let r = b
        .post(server.url(&page))
        .multipart(multipart(
            &csrf,
            "dry_run",
            Some(("ds.csv", Vec::new())),
            None,
        ))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let unreadable = r.text().await.unwrap();
    assert!(
        unreadable.contains("href=\"#file\"") && unreadable.contains("id=\"file-error\""),
        "{unreadable}"
    );
    assert!(unreadable.contains("aria-invalid=\"true\""));
    assert_eq!(counts(db).await, before);

    // Confirming re-posts the checked file; the summary follows a redirect.
    let b64 = html
        .split("name=\"file_b64\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = server
        .post_multipart_form(&b, &page, multipart(&csrf, "apply", None, Some(&b64)))
        .await;
    let (to, done) = server.follow(&b, r).await;
    assert_eq!(to, format!("{page}?households=2&residents=3"));
    assert_eq!(counts(db).await, (before.0 + 2, before.1 + 3));
    assert!(done.contains("Đã nhập 2 hộ với 3 nhân khẩu."), "{done}");

    // Exports: the imported names, identity numbers masked only.
    let r = b
        .get(server.url(&format!("/units/{UNIT}/export.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let text = r.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    for s in [
        "Nguyễn Thị Mai",
        "Trần Văn Bình",
        "Lê Văn An",
        "0791••••••34",
        "12/03/1985",
    ] {
        assert!(text.contains(s), "{s} missing in the CSV export");
    }
    assert!(!text.contains("079185001234"));
    let r = b
        .get(server.url(&format!("/units/{UNIT}/export.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let text = xlsx_text(&bytes);
    for s in ["Mã hộ", "Nguyễn Thị Mai", "Lê Văn An", "0792••••••11"] {
        assert!(text.contains(s), "{s} missing in the XLSX export");
    }
    assert!(!text.contains("079185001234") && !text.contains("079200001111"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'household.export'")
            .await,
        2
    );
    // The API export too.
    let r = server
        .get_with_token(
            &server.token,
            &format!("/api/v1/units/{UNIT}/export?format=csv"),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Lê Văn An"));
}

on_both_backends!(the_head_of_another_unit_is_refused);
async fn the_head_of_another_unit_is_refused(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let other = db.user_with_token(
        "truong.kp02",
        "unit_head",
        Some("26743-kp02"),
        "kp02-password-1",
    );
    let before = counts(db).await;
    let (s, _) = api_import(
        &server,
        &other,
        UNIT,
        csv(&good_rows("079")),
        "text/csv",
        false,
        "vi",
    )
    .await;
    assert_eq!(s, 403);
    let r = server
        .get_with_token(&other, &format!("/api/v1/units/{UNIT}/export?format=xlsx"))
        .await;
    assert_eq!(r.status(), 403);
    let (b, csrf) = server.sign_in("truong.kp02", "kp02-password-1").await;
    for path in [
        format!("/units/{UNIT}/import"),
        format!("/units/{UNIT}/export.csv"),
    ] {
        let r = b.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    let r = b
        .post(server.url(&format!("/units/{UNIT}/import")))
        .multipart(multipart(
            &csrf,
            "apply",
            Some(("ds.csv", csv(&good_rows("079")))),
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Within their own unit, a row aimed at another unit is an error on that row.
    let rows = vec![format!(
        "H9,3 Trương Định,,Đỗ Văn Nam,01/02/1970,Nam,,Thường trú,,,{UNIT}"
    )];
    let (s, r) = api_import(
        &server,
        &other,
        "26743-kp02",
        csv(&rows),
        "text/csv",
        false,
        "vi",
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        (
            r["errors"][0]["line"].as_i64(),
            r["errors"][0]["column"].as_str(),
            r["errors"][0]["code"].as_str()
        ),
        (Some(2), Some("K"), Some("outside_unit")),
        "{r}"
    );
    assert_eq!(counts(db).await, before);
}

/// A successful request for one of this area's state-changing routes, sent with the request
/// id `rid`, for the audit-completeness test; `None` if the route is not this area's.
/// `admin` is a signed-in system administrator's browser and CSRF token.
pub async fn audit_probe(
    server: &Server,
    db: &TestDb,
    method: &str,
    path: &str,
    rid: &str,
    admin: &(reqwest::Client, String),
) -> Option<reqwest::RequestBuilder> {
    let _ = db;
    match (method, path) {
        ("POST", "/api/v1/units/{code}/import") => Some(
            server
                .http
                .post(server.url(&format!("/api/v1/units/{UNIT}/import?dry_run=false")))
                .header("x-request-id", rid)
                .header("content-type", "text/csv")
                .bearer_auth(&server.token)
                .body(csv(&good_rows("001"))),
        ),
        ("POST", "/units/{code}/import") => Some(
            admin
                .0
                .post(server.url(&format!("/units/{UNIT}/import")))
                .header("x-request-id", rid)
                .multipart(multipart(
                    &admin.1,
                    "apply",
                    Some(("ds.csv", csv(&good_rows("002")))),
                    None,
                )),
        ),
        _ => None,
    }
}

on_both_backends!(import_probes_write_audit_rows);
/// This area's share of `every_mutating_route_writes_an_audit_row`, runnable on its own.
async fn import_probes_write_audit_rows(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let admin = server
        .sign_in(crate::harness::ADMIN_USER, crate::harness::ADMIN_PASSWORD)
        .await;
    let mine = tuquan_web::api::import::MUTATING
        .iter()
        .chain(tuquan_web::pages::import::MUTATING);
    for (i, (method, path)) in mine.enumerate() {
        let rid = format!("import-probe-{i}");
        let r = audit_probe(&server, db, method, path, &rid, &admin)
            .await
            .unwrap_or_else(|| panic!("no probe for {method} {path}"))
            .send()
            .await
            .unwrap();
        assert!(
            matches!(r.status().as_u16(), 201 | 303),
            "{method} {path}: {}",
            r.status()
        );
        let rows = db
            .count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE request_id = '{rid}' AND action = 'household.import'"
            ))
            .await;
        assert_eq!(rows, 2, "{method} {path}");
    }
}

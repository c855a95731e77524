//! Form errors the GOV.UK way (issue 12, point 3): every error at once beside its field in
//! the field's label, a summary linking to the fields, values kept, "Saved" after a save;
//! the JSON API keeps its codes and field names. And tracking codes typed as people type them.

use serde_json::json;

use crate::harness::{
    add_member, error_summary, new_household, page, post_json, summary_links, Server, TestDb,
};
use crate::on_both_backends;

/// The fields of the add-household form, all valid.
fn household_fields(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("unit", "26743-kp01".into()),
        ("address", "12 Hàng Bài".into()),
        ("household_phone", "0281234567".into()),
        ("full_name", "Lý Văn Đúng".into()),
        ("birth_date", "1975-06-01".into()),
        ("gender", "male".into()),
        ("residence_type", "permanent".into()),
        ("phone", "".into()),
        ("cccd", "".into()),
    ]
}

fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    for f in fields.iter_mut().filter(|f| f.0 == name) {
        f.1 = value.to_owned();
    }
}

on_both_backends!(every_error_beside_its_field_in_plain_words);
async fn every_error_beside_its_field_in_plain_words(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let (b, csrf) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let (s, blank) = page(&b, &server, "/households/new?unit=26743-kp01").await;
    assert_eq!(s, 200);
    // The server's checks are the ones shown: no browser bubbles; required fields marked.
    assert!(blank.contains("novalidate"), "{blank}");
    assert!(blank.contains("(bắt buộc)"));
    assert!(!blank.contains("error-summary"));

    let mut fields = household_fields(&csrf);
    set(&mut fields, "address", "  ");
    set(&mut fields, "birth_date", "2090-05-04");
    set(&mut fields, "phone", "12345");
    let r = server.post_form(&b, "/households", &fields).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    // A summary at the top that links to each field, in the form's order.
    let summary = error_summary(&html).expect("an error summary");
    assert!(html.contains("role=\"alert\""));
    let links = summary_links(&html);
    assert_eq!(links, ["address", "birth_date", "phone"], "{summary}");
    // Each error beside its field, in the field's label and plain words, the field marked.
    for (id, message) in [
        ("address", "Hãy nhập địa chỉ"),
        ("birth_date", "Ngày sinh không được sau hôm nay"),
        ("phone", "Số điện thoại chưa đúng, ví dụ 0912 345 678"),
    ] {
        assert!(
            html.contains(&format!(
                "<p class=\"field-error\" id=\"{id}-error\">{message}</p>"
            )),
            "{id}: {html}"
        );
        let control = html
            .split(&format!("id=\"{id}\" name=\"{id}\""))
            .nth(1)
            .and_then(|s| s.split('>').next())
            .expect("the control");
        assert!(
            control.contains("aria-invalid=\"true\"") && control.contains(&format!("{id}-error")),
            "{id}: {control}"
        );
    }
    // No internal names, no self-contradicting range, and the values as typed.
    assert!(
        !html.contains("Trường") && !html.contains("1900–"),
        "{html}"
    );
    for kept in [
        "value=\"2090-05-04\"",
        "value=\"12345\"",
        "value=\"Lý Văn Đúng\"",
    ] {
        assert!(html.contains(kept), "{kept}");
    }
    assert!(!html.contains("full_name-error"));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM residents WHERE full_name = 'Lý Văn Đúng'")
            .await,
        0
    );

    // In English, the same errors in English labels.
    let (en, _) = server.sign_in("totruong.kp01", "tuquan-demo").await;
    let _ = en
        .get(server.url("/lang?to=en&next=/"))
        .send()
        .await
        .unwrap();
    let csrf_en = crate::harness::csrf_in(
        &page(&en, &server, "/households/new?unit=26743-kp01")
            .await
            .1,
    );
    let mut fields = household_fields(&csrf_en);
    set(&mut fields, "birth_date", "2090-05-04");
    let r = server.post_form(&en, "/households", &fields).await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Date of birth cannot be after today"));

    // A save says so on the next page, once.
    let r = server
        .post_form(&b, "/households", &household_fields(&csrf))
        .await;
    let (to, saved) = server.follow(&b, r).await;
    assert!(
        saved.contains("id=\"saved\"") && saved.contains("Đã lưu."),
        "{saved}"
    );
    let (_, again) = page(&b, &server, &to).await;
    assert!(!again.contains("id=\"saved\""));
}

on_both_backends!(the_api_keeps_its_codes_and_names_the_first_field);
async fn the_api_keeps_its_codes_and_names_the_first_field(db: &TestDb) {
    let server = Server::start(db);
    let (s, h) = post_json(
        &server,
        &server.token,
        "/api/v1/units",
        json!({"parent_code": "26743", "local_code": "fx1", "name": "Tổ biểu mẫu",
               "kind": "khu_pho"}),
    )
    .await;
    assert_eq!(s, 201, "{h}");
    let hid = new_household(&server, "26743-fx1", json!({"address": "1 Thử"})).await;
    let (s, e) = add_member(
        &server,
        hid,
        json!({"full_name": "", "birth_date": "2090-01-01", "gender": "female",
               "residence_type": "permanent"}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["code"], "invalid_parameter");
    assert_eq!(e["error"]["field"], "full_name");
}

on_both_backends!(tracking_codes_with_or_without_pa);
async fn tracking_codes_with_or_without_pa(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let code = crate::harness::submit_feedback(
        &server,
        json!({"category": "traffic", "description": "Đèn tín hiệu hỏng",
               "unit_code": "26743-kp01"}),
    )
    .await;
    let body = &code[3..];
    let anon = crate::harness::browser();
    for typed in [
        code.clone(),
        body.to_owned(),
        body.to_lowercase(),
        format!("pa-{}", body.to_lowercase()),
        format!("PA {body}"),
    ] {
        let r = anon
            .get(server.url("/feedback"))
            .query(&[("code", typed.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{typed}");
        assert_eq!(
            r.headers()["location"],
            format!("/feedback/{code}").as_str()
        );
        // The tracking page itself answers to the bare code too.
        let (s, _) = page(&anon, &server, &format!("/feedback/{body}")).await;
        assert_eq!(s, 200, "{typed}");
    }
}

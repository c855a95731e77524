use super::*;

#[test]
fn copy_text_escapes_and_types() {
    let mut rows = Rows::new("t", &["a", "b", "c", "d", "e"]);
    rows.push([
        Value::Int(Some(7)),
        Value::Text(Some("a\tb\\c\nd".into())),
        Value::Text(None),
        Value::Blob(vec![0, 255]),
        Value::Bool(true),
    ]);
    assert_eq!(
        String::from_utf8(encode_copy(&rows)).unwrap(),
        "7\ta\\tb\\\\c\\nd\t\\N\t\\\\x00ff\tt\n"
    );
}

#[test]
fn insert_sql_numbers_every_value() {
    assert_eq!(
        insert_sql("t", &["a", "b"], 2, true),
        "INSERT INTO t (a, b) OVERRIDING SYSTEM VALUE VALUES ($1, $2), ($3, $4)"
    );
    assert_eq!(
        insert_sql("t", &["a", "b"], 2, false),
        "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
    );
}

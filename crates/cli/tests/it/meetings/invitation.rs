//! A group's meeting invites the group's members only, not every household of the unit.

use crate::harness::{get_json as get, Server, TestDb};

/// The invitation of group meeting `id` is narrowed to the group's kind, says it invites the
/// group's members, and reaches fewer households than the unit has.
pub async fn group_members_only(db: &TestDb, server: &Server, token: &str, id: i64) {
    let (s, m) = get(server, token, &format!("/api/v1/meetings/{id}")).await;
    assert_eq!(s, 200, "{m}");
    let ann = m["meeting"]["announcement_id"]
        .as_i64()
        .expect("invitation sent");
    let narrowed = db
        .count(&format!(
            "SELECT COUNT(*) FROM announcements WHERE id = {ann} \
             AND group_kinds = 'to_nhan_dan_tu_quan' AND roles = ''"
        ))
        .await;
    assert_eq!(narrowed, 1, "the invitation goes to the group's members");
    let (_, a) = get(server, token, &format!("/api/v1/announcements/{ann}")).await;
    let body = a["announcement"]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("Kính mời các thành viên Tổ nhân dân số 7"),
        "{a}"
    );
    // A community meeting's invitation stays with every household.
    let community = db
        .count(
            "SELECT COUNT(*) FROM announcements a JOIN meetings m ON m.announcement_id = a.id \
             WHERE m.group_id IS NULL AND a.group_kinds <> ''",
        )
        .await;
    assert_eq!(community, 0);
}

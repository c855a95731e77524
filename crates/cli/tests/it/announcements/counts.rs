//! The acknowledgement counts kept by roll-ups (issue 14, scale): after random
//! acknowledgements through the API, by hand in SQL, a household leaving and a new version,
//! every unit's "x of y" equals the plain COUNT over the base tables, per unit and subtree,
//! and a rebuild finds nothing to correct.

use rand::{Rng, SeedableRng};
use serde_json::json;
use tuquan_domain::announcements::AnnouncementId;
use tuquan_store::{ConnectOptions, Store};

use super::{post, publish};
use crate::harness::{exec, Backend, Server, TestDb};
use crate::on_both_backends;

async fn store(db: &TestDb) -> Store {
    let url = match db.backend {
        Backend::Postgres => db.database_url().unwrap(),
        Backend::Sqlite => format!("sqlite://{}", db.data_dir().join("tuquan.db").display()),
    };
    Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap()
}

/// Compares the roll-up dashboard with the naive count at every unit from the country down.
async fn check(store: &Store, id: i64, units: &[String], label: &str) -> i64 {
    let a = store.announcement(AnnouncementId(id)).await.unwrap();
    let mut acknowledged = 0;
    for unit in units {
        let fast = store.ack_counts(&a, unit).await.unwrap();
        let naive = store.ack_counts_naive(&a, unit).await.unwrap();
        assert_eq!(fast, naive, "{label}: {unit}");
        if unit == "26743" {
            acknowledged = fast[0].acknowledged;
        }
    }
    acknowledged
}

on_both_backends!(ack_counts_equal_the_naive_count);
async fn ack_counts_equal_the_naive_count(db: &TestDb) {
    let server = Server::start_with(db, &["--demo"]);
    let admin = server.token.clone();
    let store = store(db).await;
    let id = publish(&server, &admin, "26743", "Tổng vệ sinh môi trường").await;
    let kps: Vec<String> = (1..=4).map(|i| format!("26743-kp{i:02}")).collect();
    for kp in &kps {
        let path = format!("/api/v1/announcements/{id}/units/{kp}/pass-on");
        let (s, b) = post(&server, &admin, &path, json!({})).await;
        assert_eq!(s, 200, "{b}");
    }
    let mut units: Vec<String> = vec!["79".into(), "26743".into()];
    units.extend(kps.iter().cloned());
    let a = store.announcement(AnnouncementId(id)).await.unwrap();
    let households: Vec<i64> = store
        .not_reached(&a, &a.unit_path, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| kps.contains(&h.unit_code))
        .map(|h| h.household_id.get())
        .collect();
    assert!(
        households.len() >= 8,
        "demo households: {}",
        households.len()
    );

    // Random acknowledgements through the API (some twice: counted once).
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
    let channels = ["in_person", "meeting", "loudspeaker", "phone", "zalo"];
    let mut acked = std::collections::BTreeSet::new();
    for _ in 0..households.len() {
        let h = households[rng.random_range(0..households.len())];
        let channel = channels[rng.random_range(0..channels.len())];
        let (s, b) = post(
            &server,
            &admin,
            &format!("/api/v1/announcements/{id}/acknowledgements"),
            json!({"household_id": h, "channel": channel}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        acked.insert(h);
    }
    let n = check(&store, id, &units, "after API acknowledgements").await;
    assert_eq!(n, acked.len() as i64);

    // By hand: a household leaves, one comes back, an acknowledgement is deleted.
    let gone = *acked.iter().next().unwrap();
    exec(
        db,
        &format!("UPDATE households SET status = 'moved' WHERE id = {gone}"),
    )
    .await;
    check(&store, id, &units, "after a household left").await;
    exec(
        db,
        &format!("UPDATE households SET status = 'active' WHERE id = {gone}"),
    )
    .await;
    let last = *acked.iter().last().unwrap();
    exec(
        db,
        &format!(
            "DELETE FROM announcement_acks WHERE announcement_id = {id} AND household_id = {last}"
        ),
    )
    .await;
    let n = check(&store, id, &units, "after a deletion").await;
    assert_eq!(n, acked.len() as i64 - 1);

    // A new version starts from zero; acknowledging it moves households over.
    let (s, b) = post(
        &server,
        &admin,
        &format!("/api/v1/announcements/{id}/versions"),
        json!({"title": "Tổng vệ sinh môi trường (sửa)", "body": "Thứ Bảy, 7 giờ."}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(check(&store, id, &units, "new version").await, 0);
    for h in households.iter().step_by(3) {
        let (s, b) = post(
            &server,
            &admin,
            &format!("/api/v1/announcements/{id}/acknowledgements"),
            json!({"household_id": h, "channel": "meeting"}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let n = check(&store, id, &units, "version 2 acknowledged").await;
    assert_eq!(n, households.iter().step_by(3).count() as i64);

    // The dashboard API reads the same numbers.
    let (s, d) = super::get(
        &server,
        &admin,
        &format!("/api/v1/announcements/{id}/units/26743/dashboard"),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert!(
        d.to_string().contains(&format!("\"acknowledged\":{n}")),
        "{d}"
    );

    // Corrupted by hand, the rebuild puts it right; rebuilding all roll-ups does too.
    exec(
        db,
        "UPDATE announcement_ack_rollup SET acknowledged = acknowledged + 5",
    )
    .await;
    store.rebuild_ack_rollup().await.unwrap();
    assert_eq!(check(&store, id, &units, "rebuilt").await, n);
    exec(db, "DELETE FROM announcement_ack_rollup").await;
    store.rebuild_rollups().await.unwrap();
    assert_eq!(check(&store, id, &units, "all rebuilt").await, n);
    store.close().await;
}

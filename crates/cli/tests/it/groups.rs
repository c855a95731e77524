//! Integration tests of this area.

use crate::harness::{Server, TestDb};

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
    let _ = (server, db, method, path, rid, admin);
    None
}

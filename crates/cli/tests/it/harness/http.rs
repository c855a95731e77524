//! HTTP helpers shared by the test modules: JSON calls with a token, pages and forms with a
//! signed-in browser.

use serde_json::Value;

use super::Server;

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a csrf field on the page")
        .to_owned()
}

impl Server {
    /// Signs in through the login form with a fresh browser; returns it and the page's
    /// CSRF token for further forms.
    pub async fn sign_in(&self, username: &str, password: &str) -> (reqwest::Client, String) {
        let b = browser();
        let csrf = login_csrf(self, &b).await;
        let r = b
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/account"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            303,
            "sign-in of {username} failed: {}",
            r.text().await.unwrap_or_default()
        );
        let (_, html) = page(&b, self, "/account").await;
        let csrf = csrf_in(&html);
        (b, csrf)
    }
}

/// The CSRF token of a fresh sign-in form, fetched with the browser `b`.
pub async fn login_csrf(server: &Server, b: &reqwest::Client) -> String {
    let (_, html) = page(b, server, "/login").await;
    csrf_in(&html)
}

/// A JSON body, or `null` when the body is not JSON.
async fn status_and_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `POST path` with a JSON body and a bearer token; the status and the JSON answer.
pub async fn post_json(server: &Server, token: &str, path: &str, body: Value) -> (u16, Value) {
    post_json_opt(server, Some(token), path, body).await
}

/// `GET path` with a bearer token; the status and the JSON answer.
pub async fn get_json(server: &Server, token: &str, path: &str) -> (u16, Value) {
    get_json_opt(server, Some(token), path).await
}

/// `PUT path` with a JSON body and a bearer token; the status and the JSON answer.
pub async fn put_json(server: &Server, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = server
        .http
        .put(server.url(path))
        .bearer_auth(token)
        .json(&body);
    status_and_json(r.send().await.unwrap()).await
}

/// The stable code of an API error answer (`error.code`), if it is one.
pub fn error_code(b: &Value) -> Option<&str> {
    b["error"]["code"].as_str()
}

/// Submits feedback `body` anonymously through the API; asserts it was taken (201) and
/// returns its tracking code.
pub async fn submit_feedback(server: &Server, body: Value) -> String {
    let (s, b) = post_json_opt(server, None, "/api/v1/feedback", body).await;
    assert_eq!(s, 201, "{b}");
    b["tracking_code"].as_str().unwrap().to_owned()
}

/// `POST path` with a JSON body, signed with `token` if there is one.
pub async fn post_json_opt(
    server: &Server,
    token: Option<&str>,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let mut r = server.http.post(server.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    status_and_json(r.send().await.unwrap()).await
}

/// `GET path`, signed with `token` if there is one.
pub async fn get_json_opt(server: &Server, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut r = server.http.get(server.url(path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    status_and_json(r.send().await.unwrap()).await
}

/// A page fetched with the browser `b`: its status and HTML.
pub async fn page(b: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let r = b.get(server.url(path)).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

/// A form posted with the browser `b`: the status, the `Location` header (or "") and the body.
pub async fn form(
    b: &reqwest::Client,
    server: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let r = b.post(server.url(path)).form(fields).send().await.unwrap();
    let s = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (s, location, r.text().await.unwrap())
}

/// For the audit probes: an API request as the administrator, with the request id `rid`.
pub fn audit_api(
    server: &Server,
    rid: &str,
    m: reqwest::Method,
    path: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    server
        .http
        .request(m, server.url(path))
        .header("x-request-id", rid)
        .bearer_auth(&server.token)
        .json(body)
}

/// For the audit probes: a form posted by the signed-in administrator `admin` (browser and
/// CSRF token), with the request id `rid`.
pub fn audit_form(
    server: &Server,
    admin: &(reqwest::Client, String),
    rid: &str,
    path: &str,
    mut fields: Vec<(&'static str, String)>,
) -> reqwest::RequestBuilder {
    fields.push(("csrf", admin.1.clone()));
    admin
        .0
        .post(server.url(path))
        .header("x-request-id", rid)
        .form(&fields)
}

impl Server {
    /// `GET path` with a bearer token, for the tests that look at the raw response.
    pub async fn get_with_token(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// A form posted with the browser `b`, for the tests that look at the raw response.
    pub async fn post_form<T: serde::Serialize + ?Sized>(
        &self,
        b: &reqwest::Client,
        path: &str,
        fields: &T,
    ) -> reqwest::Response {
        b.post(self.url(path)).form(fields).send().await.unwrap()
    }
}

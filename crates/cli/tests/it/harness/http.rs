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

/// The error summary at the top of a form page, if there is one.
pub fn error_summary(html: &str) -> Option<&str> {
    html.split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
}

/// The ids the error summary links to, in order (empty: no summary, or no links).
pub fn summary_links(html: &str) -> Vec<String> {
    error_summary(html)
        .unwrap_or_default()
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
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

/// `POST path` with a multipart body (a file upload) and a bearer token; the status and the
/// JSON answer.
pub async fn post_multipart(
    server: &Server,
    token: &str,
    path: &str,
    form: reqwest::multipart::Form,
) -> (u16, Value) {
    post_multipart_opt(server, Some(token), path, form).await
}

/// `POST path` with a multipart body, signed with `token` if there is one.
pub async fn post_multipart_opt(
    server: &Server,
    token: Option<&str>,
    path: &str,
    form: reqwest::multipart::Form,
) -> (u16, Value) {
    let mut r = server.http.post(server.url(path)).multipart(form);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    status_and_json(r.send().await.unwrap()).await
}

/// `GET path` with a bearer token, answered 200: the body's bytes (a stored file, say).
pub async fn get_bytes(server: &Server, token: &str, path: &str) -> Vec<u8> {
    let r = server.get_with_token(token, path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.unwrap().to_vec()
}

/// The row of unit `code` in an answer's `units` (a dashboard or a roll-up).
pub fn unit_row<'a>(answer: &'a Value, code: &str) -> &'a Value {
    answer["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == code)
        .unwrap_or_else(|| panic!("no row of {code} in {answer}"))
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

/// Submits feedback anonymously through the API as multipart (with photos), the status and
/// the answer.
pub async fn submit_feedback_form(server: &Server, form: reqwest::multipart::Form) -> (u16, Value) {
    post_multipart_opt(server, None, "/api/v1/feedback", form).await
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
    /// Posts the login form with the plain client (no cookie store), sending `cookie` as the
    /// `Cookie` header: for the tests of what happens to a session at sign-in.
    pub async fn login_with_cookie(
        &self,
        cookie: &str,
        csrf: &str,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        self.http
            .post(self.url("/login"))
            .header("cookie", cookie)
            .form(&[
                ("csrf", csrf),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A new API token named `name` for the account signed in with the browser `b` (and its
    /// CSRF token), made on its account page.
    pub async fn token_from_page(&self, b: &reqwest::Client, csrf: &str, name: &str) -> String {
        let html = self
            .post_form(b, "/account/tokens", &[("csrf", csrf), ("name", name)])
            .await
            .text()
            .await
            .unwrap();
        html.split("readonly value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned()
    }

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

    /// A page's multipart form (a file upload) posted with the browser `b`.
    pub async fn post_multipart_form(
        &self,
        b: &reqwest::Client,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        b.post(self.url(path)).multipart(form).send().await.unwrap()
    }

    /// A page's form posted by the signed-in browser `b`, its CSRF token `csrf` first.
    pub async fn submit(
        &self,
        b: &reqwest::Client,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all = Vec::with_capacity(fields.len() + 1);
        all.push(("csrf", csrf));
        all.extend_from_slice(fields);
        self.post_form(b, path, &all).await
    }

    /// A page fetched with the browser `b`: its status and HTML.
    pub async fn page(&self, b: &reqwest::Client, path: &str) -> (u16, String) {
        page(b, self, path).await
    }

    /// The HTML of a page fetched with the browser `b`, whatever its status.
    pub async fn html(&self, b: &reqwest::Client, path: &str) -> String {
        self.page(b, path).await.1
    }

    /// Follows a form's answer, which must be a redirect (303), with the browser `b`: where
    /// it led and that page's HTML.
    pub async fn follow(&self, b: &reqwest::Client, r: reqwest::Response) -> (String, String) {
        assert_eq!(r.status(), 303, "{}", r.url());
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        let html = self.html(b, &to).await;
        (to, html)
    }
}

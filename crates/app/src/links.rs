//! The server's public address (`public_base_url` in the configuration), for the links that
//! leave the server: the CAP alert's `<web>` and resource `<uri>`s, the Atom feed's links and
//! the messages of the outbox. Without it those links stay relative: the address is never
//! guessed from a request's `Host` header, which the client chooses (a forged one would put
//! its own address into messages sent to others).

use tuquan_domain::{FieldError, FieldErrorKind};

/// An absolute `http` or `https` URL without query or fragment, kept without a trailing
/// slash so that a path starting with `/` can be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBaseUrl(String);

impl PublicBaseUrl {
    /// `https://host[:port][/prefix]`; anything else names the field `public_base_url`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad = |detail: &str| {
            FieldError::new(
                "public_base_url",
                FieldErrorKind::InvalidFormat,
                detail.to_owned(),
            )
        };
        let raw = raw.trim();
        let url = reqwest::Url::parse(raw).map_err(|e| bad(&format!("not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("needs a host"));
        }
        if url.query().is_some() || url.fragment().is_some() || raw.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not carry a user name or password"));
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `path` (starting with `/`) at this address.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_http_urls_only() {
        let ok = |s: &str| PublicBaseUrl::parse(s).unwrap().as_str().to_owned();
        assert_eq!(ok("https://tuquan.example.vn"), "https://tuquan.example.vn");
        assert_eq!(
            ok("https://tuquan.example.vn/"),
            "https://tuquan.example.vn"
        );
        assert_eq!(ok("http://10.0.0.5:8080/tq/"), "http://10.0.0.5:8080/tq");
        let base = PublicBaseUrl::parse("https://a.vn/tq").unwrap();
        assert_eq!(base.join("/files/3"), "https://a.vn/tq/files/3");
        for bad in [
            "",
            "tuquan.example.vn",
            "/relative",
            "ftp://a.vn",
            "https://a.vn/?x=1",
            "https://a.vn/?",
            "https://a.vn/#top",
            "https://user:pw@a.vn",
            "javascript:alert(1)",
        ] {
            let e = PublicBaseUrl::parse(bad).unwrap_err();
            assert_eq!(e.field, "public_base_url", "{bad:?}");
        }
    }
}

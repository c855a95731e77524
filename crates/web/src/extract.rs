//! Shared input helpers of the adapters: extractor rejections turned into the one error
//! funnel, so every handler refuses a bad body or query the same way.

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Form, FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::Json;

use crate::error::Failure;

/// A JSON body, or a 400 naming what is wrong with it.
pub fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Failure> {
    b.map(|Json(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

/// Query parameters, or a 400 naming what is wrong with them.
pub fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, Failure> {
    q.map(|Query(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

/// A form body, or a 400 naming what is wrong with it.
pub fn form<T>(f: Result<Form<T>, FormRejection>) -> Result<T, Failure> {
    f.map(|Form(t)| t)
        .map_err(|e| Failure::InvalidBody(e.body_text()))
}

/// A path parameter (an id, a pair of ids), or "not found": a path that does not parse
/// names no record, for pages and the API alike.
pub fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, Failure> {
    p.map(|Path(v)| v).map_err(|_| Failure::NotFound)
}

/// A file format known by its extension.
pub trait FileFormat: Sized {
    fn from_ext(ext: &str) -> Option<Self>;
}

/// The format named by the extension of the request's path (`pdf` in
/// `/groups/5/decision.pdf`), so that one handler serves the routes of every format of a
/// file. An extension the format does not know is "not found".
pub struct PathExt<T>(pub T);

impl<S: Send + Sync, T: FileFormat> FromRequestParts<S> for PathExt<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        let (_, ext) = parts.uri.path().rsplit_once('.').ok_or(Failure::NotFound)?;
        T::from_ext(ext).map(Self).ok_or(Failure::NotFound)
    }
}

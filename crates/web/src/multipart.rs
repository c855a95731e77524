//! The one reader of `multipart/form-data` bodies (the feedback form, forms with files, the
//! groups' scans, the API's multipart variants), with bounded memory: every route gives its
//! limits, and the reader applies the same checks to all of them — the number of parts, the
//! length of text and file parts, text that is UTF-8 without control characters (the edge's
//! rule, also for a text field sent as a file part, which the edge leaves alone), and, on
//! request, no part the body does not document.

use std::collections::HashMap;

use axum::extract::multipart::Field;
use axum::extract::Multipart;
use axum::http::StatusCode;
use tuquan_app::files::UploadedFile;
use tuquan_domain::files::MAX_FILE_BYTES;
use tuquan_domain::{FieldError, FieldErrorKind};

use crate::error::Failure;

/// What a route accepts in one multipart body.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most parts; one more is a 400.
    pub parts: usize,
    /// The longest text part, in bytes.
    pub text_bytes: usize,
    /// What happens to a longer text part.
    pub long_text: LongText,
    /// The largest file: a longer one is cut at one byte more, so that the file checks
    /// refuse it by name without holding all of it.
    pub file_bytes: usize,
    /// The most files checked per field: one more is kept, so that the count check refuses
    /// too many by name; the rest are read and dropped.
    pub files: usize,
}

/// What happens to a text part longer than [`Limits::text_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongText {
    /// Cut there and kept (read lossily): longer than any field may be, so the domain
    /// refuses it naming the field.
    Cut,
    /// The request is refused (400) naming the field.
    Refuse,
}

/// The text fields (every value of a repeated field, in order) and the files of a form.
#[derive(Debug, Default)]
pub struct MultipartForm {
    pub fields: HashMap<String, Vec<String>>,
    /// The files per field name; a file input left empty sends nothing here.
    pub files: HashMap<String, Vec<UploadedFile>>,
    /// The request was larger than the route's limit: reading stopped there.
    pub too_large: bool,
}

impl MultipartForm {
    /// A text field's first value, or the empty string.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    }

    /// A text field's first value, or `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|s| !s.trim().is_empty())
    }

    /// Every value of a repeated field (checkboxes), blanks dropped.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .get(name)
            .map(|v| v.iter().filter(|s| !s.trim().is_empty()).cloned().collect())
            .unwrap_or_default()
    }

    /// Whether a checkbox-like field is set (`true`, `1`, `on`, `yes`).
    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.fields
                .get(name)
                .and_then(|v| v.first())
                .map(|s| s.trim()),
            Some("true" | "1" | "on" | "yes")
        )
    }

    /// Refuses a part the body does not document (`known`): the API's multipart bodies, like
    /// its JSON bodies, refuse unknown fields (a misspelt part is a 400, not ignored).
    pub fn refuse_unknown(&self, known: &[&str]) -> Result<(), Failure> {
        let unknown = self
            .fields
            .keys()
            .chain(self.files.keys())
            .find(|k| !known.contains(&k.as_str()));
        match unknown {
            Some(k) => Err(Failure::InvalidBody(format!("unknown field `{k}`"))),
            None => Ok(()),
        }
    }

    /// Keeps only the last value of each repeated text field: for forms whose later part
    /// overrides an earlier one of the same name (the feedback form, the scan uploads).
    pub fn keep_last(mut self) -> Self {
        for values in self.fields.values_mut() {
            let last = values.pop();
            values.clear();
            values.extend(last);
        }
        self
    }

    /// The files of a field, taken out of the form.
    pub fn take_files(&mut self, name: &str) -> Vec<UploadedFile> {
        self.files.remove(name).unwrap_or_default()
    }

    /// The refusal of a request cut at the body limit: it can only be the files of `field`.
    pub fn too_large_error(field: &'static str) -> Failure {
        Failure::Invalid(FieldError::new(
            field,
            FieldErrorKind::TooLong {
                max: MAX_FILE_BYTES,
            },
            "the files are too large",
        ))
    }
}

/// One part's bytes, at most `keep`.
struct Read {
    bytes: Vec<u8>,
    /// The part was longer than `keep`.
    cut: bool,
}

/// Reads a part up to `keep` bytes (the rest is read and dropped); `None` when the request
/// went over the route's body limit.
async fn read_part(field: &mut Field<'_>, keep: usize) -> Result<Option<Read>, Failure> {
    let mut bytes = Vec::new();
    let mut cut = false;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                let room = keep.saturating_sub(bytes.len());
                cut |= chunk.len() > room;
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) => return Ok(Some(Read { bytes, cut })),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(None),
            Err(e) => return Err(Failure::InvalidBody(e.body_text())),
        }
    }
}

/// A text part's value: UTF-8 (lossy when cut, see [`LongText::Cut`]) without the control
/// characters the edge refuses in body values (tab and line breaks are text).
fn text_of(name: &str, read: Read, limits: &Limits) -> Result<String, Failure> {
    if read.cut && limits.long_text == LongText::Refuse {
        return Err(Failure::InvalidBody(format!(
            "the field {name} is too long"
        )));
    }
    let text = if read.cut {
        String::from_utf8_lossy(&read.bytes).into_owned()
    } else {
        String::from_utf8(read.bytes)
            .map_err(|_| Failure::InvalidBody(format!("the field {name} is not UTF-8")))?
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(Failure::InvalidBody(format!(
            "the field {name} holds a control character"
        )));
    }
    Ok(text)
}

/// Reads every part of a multipart body. Parts named in `file_fields` are files (each cut at
/// [`Limits::file_bytes`] + 1, at most [`Limits::files`] + 1 kept per field); a file input
/// sent empty (no content, no file name) is skipped. A body over the route's limit stops the
/// reading with [`MultipartForm::too_large`] set.
pub async fn read(
    mut mp: Multipart,
    file_fields: &[&str],
    limits: &Limits,
) -> Result<MultipartForm, Failure> {
    let mut form = MultipartForm::default();
    let mut parts = 0;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                form.too_large = true;
                break;
            }
            Err(e) => return Err(Failure::InvalidBody(e.body_text())),
        };
        parts += 1;
        if parts > limits.parts {
            return Err(Failure::InvalidBody("too many fields".into()));
        }
        let name = field.name().unwrap_or("").to_owned();
        let is_file = file_fields.contains(&name.as_str());
        let keep = if is_file {
            limits.file_bytes + 1
        } else {
            limits.text_bytes
        };
        let Some(read) = read_part(&mut field, keep).await? else {
            form.too_large = true;
            return Ok(form);
        };
        if is_file {
            let file_name = field.file_name().unwrap_or("").to_owned();
            if read.bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            let list = form.files.entry(name).or_default();
            if list.len() <= limits.files {
                list.push(UploadedFile {
                    name: file_name,
                    bytes: read.bytes,
                });
            }
        } else {
            let text = text_of(&name, read, limits)?;
            form.fields.entry(name).or_default().push(text);
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::{FromRequest, Request};

    use super::*;

    const LIMITS: Limits = Limits {
        parts: 4,
        text_bytes: 8,
        long_text: LongText::Cut,
        file_bytes: 4,
        files: 1,
    };

    /// A multipart body of `(name, file name, bytes)` parts.
    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Request {
        let mut b = Vec::new();
        for (name, file, bytes) in parts {
            b.extend_from_slice(b"--X\r\nContent-Disposition: form-data; name=\"");
            b.extend_from_slice(name.as_bytes());
            if let Some(f) = file {
                b.extend_from_slice(format!("\"; filename=\"{f}").as_bytes());
            }
            b.extend_from_slice(b"\"\r\n\r\n");
            b.extend_from_slice(bytes);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--X--\r\n");
        Request::builder()
            .method("POST")
            .header("content-type", "multipart/form-data; boundary=X")
            .body(Body::from(b))
            .unwrap()
    }

    fn read_with(
        parts: &[(&str, Option<&str>, &[u8])],
        limits: Limits,
    ) -> Result<MultipartForm, Failure> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mp = Multipart::from_request(body(parts), &()).await.unwrap();
            read(mp, &["file"], &limits).await
        })
    }

    fn refusal<T: std::fmt::Debug>(r: Result<T, Failure>) -> String {
        match r {
            Err(Failure::InvalidBody(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_and_files_within_the_limits() {
        let f = read_with(
            &[
                ("a", None, b"x\ty"),
                ("a", None, b"z"),
                ("file", Some("f.pdf"), b"1234"),
                ("file", None, b""),
            ],
            LIMITS,
        )
        .unwrap();
        assert_eq!(f.fields["a"], vec!["x\ty", "z"]);
        assert_eq!(f.text("a"), "x\ty");
        // The empty file input counts as no file.
        assert_eq!(f.files["file"].len(), 1);
        assert_eq!(f.files["file"][0].name, "f.pdf");
        assert!(!f.too_large);
        assert!(f.refuse_unknown(&["a", "file"]).is_ok());
        assert!(refusal(f.refuse_unknown(&["file"])).contains("`a`"));
    }

    #[test]
    fn files_are_cut_one_past_the_limit_and_one_too_many_kept() {
        let f = read_with(
            &[
                ("file", Some("a"), b"123456789"),
                ("file", Some("b"), b"1"),
                ("file", Some("c"), b"2"),
            ],
            LIMITS,
        )
        .unwrap();
        let files = &f.files["file"];
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].bytes, b"12345");
    }

    #[test]
    fn long_text_is_cut_or_refused() {
        let long: &[u8] = b"0123456789";
        let f = read_with(&[("a", None, long)], LIMITS).unwrap();
        assert_eq!(f.text("a"), "01234567");
        let refuse = Limits {
            long_text: LongText::Refuse,
            ..LIMITS
        };
        assert!(refusal(read_with(&[("a", None, long)], refuse)).contains("too long"));
        // Exactly at the limit is fine either way.
        assert!(read_with(&[("a", None, b"01234567")], refuse).is_ok());
    }

    #[test]
    fn bad_text_and_too_many_parts_are_refused() {
        assert!(refusal(read_with(&[("a", None, b"\xff")], LIMITS)).contains("UTF-8"));
        // A text field sent as a file part passes no edge check: the reader checks it.
        let m = refusal(read_with(&[("a", Some("a.txt"), b"x\x01")], LIMITS));
        assert!(m.contains("control"), "{m}");
        let five: Vec<(&str, Option<&str>, &[u8])> = vec![("a", None, b"1"); 5];
        assert!(refusal(read_with(&five, LIMITS)).contains("too many"));
    }
}

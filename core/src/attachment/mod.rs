//! What an uploaded file may be: the rule the edge applies to an attachment's bytes before it
//! stores anything. The type comes from the bytes (magic numbers, through the `infer` crate),
//! never from the name or the declared type alone; a file whose name or declared type says
//! otherwise is refused, and so is a polyglot (bytes that are a valid image or PDF *and* carry
//! markup or an archive a browser or plug-in could be talked into running).
//!
//! The headers a stored file is served with are [`served_headers`]. Not here: storage (R2) and
//! who may fetch a file (the edge's job).

mod served;
pub use served::served_headers;

use serde::{Deserialize, Serialize};

/// The families of files a site may accept.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// PNG, JPEG, GIF, WebP: shown inline as thumbnails. (SVG is markup, never an image here.)
    Image,
    Pdf,
    /// Plain UTF-8 text without markup.
    Text,
}

/// The largest `max_bytes` a site may choose (25 MB).
pub const MAX_BYTES_LIMIT: u64 = 25 * 1024 * 1024;

/// The limits a site sets (defaults: 10 MB; images, PDF and text).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct AttachmentPolicy {
    pub max_bytes: u64,
    pub allowed: Vec<Family>,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            allowed: vec![Family::Image, Family::Pdf, Family::Text],
        }
    }
}

/// Why a file was refused. Nothing is stored for a refused file.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    /// No bytes at all.
    #[error("the file is empty")]
    Empty,
    /// Larger than the site allows.
    #[error("the file has {len} bytes; this site accepts at most {max}")]
    TooLarge { len: u64, max: u64 },
    /// The bytes are of a kind the site does not accept (or none we recognise as safe).
    #[error("files of type {found} are not accepted here")]
    NotAllowed { found: String },
    /// The name's extension or the declared type says something else than the bytes.
    #[error("the file says it is {claimed} but its content is {found}")]
    Mismatch { claimed: String, found: String },
    /// A valid image or PDF that also carries markup, script or an archive.
    #[error("the file hides other content (markup, script or an archive) and is refused")]
    Polyglot,
    /// The name is empty, too long, or has path or control characters.
    #[error("the file name must be 1–200 characters without '/', '\\\\' or control characters")]
    BadName,
}

/// A file that passed: its type as the bytes tell it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub family: Family,
    /// The MIME type to serve it with (from the bytes).
    pub mime: &'static str,
    /// May be shown inline (a safe raster image); everything else is served as a download.
    pub inline: bool,
    pub name: String,
}

const NAME_MAX: usize = 200;

/// Markers of HTML, SVG or script that no image, PDF or plain text a visitor sends needs, and
/// that make a file dangerous if a browser ever sniffs it as a page. Checked case-insensitively.
const MARKUP: [&[u8]; 8] = [
    b"<script",
    b"<html",
    b"<!doctype",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<object",
    b"javascript:",
];

fn contains_markup(bytes: &[u8]) -> bool {
    // Every marker starts with '<' or 'j': only those positions are compared (a 10 MB upload
    // is scanned in one pass, not once per marker).
    bytes.iter().enumerate().any(|(i, b)| {
        matches!(b, b'<' | b'j' | b'J')
            && MARKUP.iter().any(|m| {
                bytes
                    .get(i..i + m.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(m))
            })
    })
}

/// A ZIP (or JAR) local header anywhere but the start: an archive appended to an image.
fn contains_archive(bytes: &[u8]) -> bool {
    bytes.windows(4).skip(1).any(|w| w == b"PK\x03\x04")
}

fn family_of(mime: &str) -> Option<(Family, &'static str, bool)> {
    Some(match mime {
        "image/png" => (Family::Image, "image/png", true),
        "image/jpeg" => (Family::Image, "image/jpeg", true),
        "image/gif" => (Family::Image, "image/gif", true),
        "image/webp" => (Family::Image, "image/webp", true),
        "application/pdf" => (Family::Pdf, "application/pdf", false),
        _ => return None,
    })
}

/// What the extension of `name` claims, if it is one we know.
fn claimed_by_name(name: &str) -> Option<Family> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" => Family::Image,
        "pdf" => Family::Pdf,
        "txt" | "text" | "log" | "csv" | "md" => Family::Text,
        _ => return None,
    })
}

fn claimed_by_type(declared: &str) -> Option<Family> {
    let t = declared.split(';').next()?.trim().to_ascii_lowercase();
    if t.starts_with("image/") {
        Some(Family::Image)
    } else if t == "application/pdf" {
        Some(Family::Pdf)
    } else if t.starts_with("text/") {
        Some(Family::Text)
    } else {
        None
    }
}

fn name_ok(name: &str) -> Option<String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= NAME_MAX
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        && name != "."
        && name != "..";
    ok.then(|| name.to_string())
}

fn label(family: Family) -> &'static str {
    match family {
        Family::Image => "an image",
        Family::Pdf => "a PDF",
        Family::Text => "text",
    }
}

/// Checks an upload: `name` and `declared_type` as the client sent them, `bytes` the content.
pub fn check(
    bytes: &[u8],
    name: &str,
    declared_type: Option<&str>,
    policy: &AttachmentPolicy,
) -> Result<Checked, AttachmentError> {
    let name = name_ok(name).ok_or(AttachmentError::BadName)?;
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    let len = bytes.len() as u64;
    if len > policy.max_bytes {
        return Err(AttachmentError::TooLarge {
            len,
            max: policy.max_bytes,
        });
    }
    let sniffed = infer::get(bytes).map(|t| t.mime_type());
    let (family, mime, inline) = match sniffed {
        Some(found) => family_of(found).ok_or_else(|| AttachmentError::NotAllowed {
            found: found.to_string(),
        })?,
        // No magic number: acceptable only as plain text (valid UTF-8, no NUL).
        None if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) => {
            (Family::Text, "text/plain; charset=utf-8", false)
        }
        None => {
            return Err(AttachmentError::NotAllowed {
                found: "unknown binary".into(),
            })
        }
    };
    for claimed in [
        claimed_by_name(&name),
        declared_type.and_then(claimed_by_type),
    ]
    .into_iter()
    .flatten()
    {
        if claimed != family {
            let found = if family == Family::Text && contains_markup(bytes) {
                "HTML or script"
            } else {
                label(family)
            };
            return Err(AttachmentError::Mismatch {
                claimed: label(claimed).into(),
                found: found.into(),
            });
        }
    }
    if contains_markup(bytes) {
        return Err(match family {
            Family::Text => AttachmentError::NotAllowed {
                found: "HTML or script".into(),
            },
            _ => AttachmentError::Polyglot,
        });
    }
    if family == Family::Image && contains_archive(bytes) {
        return Err(AttachmentError::Polyglot);
    }
    if !policy.allowed.contains(&family) {
        return Err(AttachmentError::NotAllowed {
            found: mime.split(';').next().unwrap_or(mime).to_string(),
        });
    }
    Ok(Checked {
        family,
        mime,
        inline,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG header and IHDR start: enough for the magic number.
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

    fn policy() -> AttachmentPolicy {
        AttachmentPolicy::default()
    }

    #[test]
    fn images_pdfs_and_text_pass_with_their_real_type() {
        let png = check(PNG, "photo.png", Some("image/png"), &policy());
        assert_eq!(
            png.map(|c| (c.family, c.mime, c.inline)),
            Ok((Family::Image, "image/png", true))
        );
        let pdf = check(PDF, "Invoice 12.pdf", None, &policy());
        assert_eq!(
            pdf.map(|c| (c.mime, c.inline)),
            Ok(("application/pdf", false))
        );
        let text = check(
            "Grüße, order 42".as_bytes(),
            "note.txt",
            Some("text/plain"),
            &policy(),
        );
        assert_eq!(text.map(|c| c.family), Ok(Family::Text));
    }

    #[test]
    fn over_the_size_limit_is_refused() {
        let small = AttachmentPolicy {
            max_bytes: 16,
            ..policy()
        };
        assert_eq!(
            check(PNG, "a.png", None, &small),
            Err(AttachmentError::TooLarge {
                len: PNG.len() as u64,
                max: 16
            })
        );
        assert_eq!(
            check(b"", "a.txt", None, &policy()),
            Err(AttachmentError::Empty)
        );
    }

    #[test]
    fn a_type_the_site_does_not_allow_is_refused() {
        let images_only = AttachmentPolicy {
            allowed: vec![Family::Image],
            ..policy()
        };
        assert!(matches!(
            check(PDF, "a.pdf", None, &images_only),
            Err(AttachmentError::NotAllowed { found }) if found == "application/pdf"
        ));
        // A ZIP, an executable: recognised, never accepted.
        assert!(matches!(
            check(b"PK\x03\x04\x14\x00\x00\x00", "a.zip", None, &policy()),
            Err(AttachmentError::NotAllowed { .. })
        ));
        assert!(matches!(
            check(
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
                "setup.exe",
                None,
                &policy()
            ),
            Err(AttachmentError::NotAllowed { .. })
        ));
    }

    #[test]
    fn html_renamed_png_is_refused() {
        let html =
            b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
        // `infer` knows HTML: refused as what it is, whatever the name says.
        assert_eq!(
            check(html, "cat.png", Some("image/png"), &policy()),
            Err(AttachmentError::NotAllowed {
                found: "text/html".into()
            })
        );
        // Markup infer does not recognise at the start is caught by the markup scan.
        assert_eq!(
            check(b"hello <script>x</script>", "cat.png", None, &policy()),
            Err(AttachmentError::Mismatch {
                claimed: "an image".into(),
                found: "HTML or script".into()
            })
        );
        // Under its own name it is still not text a visitor may send.
        assert!(matches!(
            check(html, "page.txt", None, &policy()),
            Err(AttachmentError::NotAllowed { .. })
        ));
        // Declared as an image without an extension: the declared type counts too.
        assert!(matches!(
            check(b"just text", "blob", Some("image/jpeg"), &policy()),
            Err(AttachmentError::Mismatch { .. })
        ));
    }

    #[test]
    fn polyglots_are_refused() {
        let mut png_html = PNG.to_vec();
        png_html.extend_from_slice(b"tEXtComment\x00<ScRiPt>alert(1)</script>");
        assert_eq!(
            check(&png_html, "a.png", None, &policy()),
            Err(AttachmentError::Polyglot)
        );
        let mut gifar = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        gifar.extend_from_slice(b"PK\x03\x04\x14\x00META-INF/MANIFEST.MF");
        assert_eq!(
            check(&gifar, "a.gif", None, &policy()),
            Err(AttachmentError::Polyglot)
        );
        let mut pdf_html = PDF.to_vec();
        pdf_html.extend_from_slice(b"<html><body onload=x>");
        assert_eq!(
            check(&pdf_html, "a.pdf", None, &policy()),
            Err(AttachmentError::Polyglot)
        );
        // Markup at the very end (shorter than the scan window) is found too.
        let mut tail = PNG.to_vec();
        tail.extend_from_slice(b"<svg");
        assert_eq!(
            check(&tail, "a.png", None, &policy()),
            Err(AttachmentError::Polyglot)
        );
    }

    #[test]
    fn names_are_checked() {
        for bad in [
            "",
            "   ",
            "../etc/passwd",
            "a\\b.png",
            "a\u{0}.png",
            &"x".repeat(201),
        ] {
            assert_eq!(
                check(PNG, bad, None, &policy()),
                Err(AttachmentError::BadName),
                "{bad:?}"
            );
        }
        assert!(check(PNG, "screenshot (1).PNG", None, &policy()).is_ok());
    }
}

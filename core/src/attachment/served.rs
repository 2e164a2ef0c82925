//! The headers a stored file is served with: whatever a visitor or agent uploaded, a browser
//! must never run it or render it as a page on the edge's origin.

use crate::event::FileRef;

/// Response headers for `file`: its type as the bytes said, `nosniff`, a CSP that sandboxes
/// it and allows nothing, and `attachment` (a download) for anything but a safe raster image.
pub fn served_headers(file: &FileRef) -> Vec<(&'static str, String)> {
    let disposition = if file.inline { "inline" } else { "attachment" };
    vec![
        ("content-type", file.mime.clone()),
        (
            "content-disposition",
            format!(
                "{disposition}; filename=\"{}\"; filename*=UTF-8''{}",
                ascii_fallback(&file.name),
                percent_encode(&file.name)
            ),
        ),
        ("x-content-type-options", "nosniff".into()),
        (
            "content-security-policy",
            "default-src 'none'; sandbox; frame-ancestors 'none'".into(),
        ),
        // The id never names other bytes: a browser may keep it, but only for this user.
        ("cache-control", "private, max-age=3600".into()),
        // The widget shows a visitor's images on the customer's page (another origin).
        ("cross-origin-resource-policy", "cross-origin".into()),
    ]
}

/// The name for clients that ignore `filename*`: ASCII letters, digits and `.-_ ` only.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 8187 `attr-char`s stay, every other UTF-8 byte is `%XX`.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, mime: &str, inline: bool) -> FileRef {
        FileRef {
            id: "f".into(),
            name: name.into(),
            mime: mime.into(),
            size: 1,
            inline,
        }
    }

    fn header(headers: &[(&str, String)], name: &str) -> String {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    #[test]
    fn only_safe_images_are_inline_and_nothing_is_sniffed_or_run() {
        let image = served_headers(&file("cat.png", "image/png", true));
        assert!(header(&image, "content-disposition").starts_with("inline;"));
        let pdf = served_headers(&file("bill.pdf", "application/pdf", false));
        assert!(header(&pdf, "content-disposition").starts_with("attachment;"));
        assert_eq!(header(&pdf, "content-type"), "application/pdf");
        for headers in [image, pdf] {
            assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
            assert!(header(&headers, "content-security-policy").contains("sandbox"));
        }
    }

    #[test]
    fn names_cannot_break_out_of_the_header() {
        let headers = served_headers(&file("a\";x=1 é.txt", "text/plain; charset=utf-8", false));
        assert_eq!(
            header(&headers, "content-disposition"),
            "attachment; filename=\"a__x_1 _.txt\"; filename*=UTF-8''a%22%3Bx%3D1%20%C3%A9.txt"
        );
    }
}

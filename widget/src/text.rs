//! Splits message text into plain runs and links, so the view can make links clickable while
//! every character still goes into the page as a text node. Only `http(s)://`, `www.` and email
//! addresses become links; nothing else (no `javascript:`, no HTML) ever reaches an `href`.

#[derive(Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// `thumb`: a file that is an image, shown above its name.
    Link {
        href: String,
        label: &'a str,
        thumb: bool,
    },
}

const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '\'', '"', '»', '…'];
const LEADING: &[char] = &['(', '[', '<', '"', '\'', '«'];

// Slices with `get`, not indexing: the panic on a bad char boundary (its message formats
// chars with Unicode tables) would otherwise be linked into the wasm, ~2 KB brotli.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    for (start, word) in words(text) {
        let core_start = start + (word.len() - word.trim_start_matches(LEADING).len());
        let trimmed = word.trim_start_matches(LEADING);
        let mut label = trimmed.trim_end_matches(TRAILING);
        // Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
        if trimmed.len() > label.len()
            && label.contains('(')
            && trimmed.as_bytes().get(label.len()) == Some(&b')')
        {
            label = trimmed.get(..label.len() + 1).unwrap_or(label);
        }
        let Some(href) = href_for(label) else {
            continue;
        };
        if core_start > plain_from {
            out.push(Segment::Text(
                text.get(plain_from..core_start).unwrap_or_default(),
            ));
        }
        out.push(Segment::Link {
            href,
            label,
            thumb: false,
        });
        plain_from = core_start + label.len();
    }
    if plain_from < text.len() {
        out.push(Segment::Text(text.get(plain_from..).unwrap_or_default()));
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

fn href_for(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let host_part = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else if lower.starts_with("www.") {
        return plausible_host(&lower).then(|| format!("https://{word}"));
    } else if word.contains('@') && !word.contains(['/', ':']) {
        return crate::valid::email(word).then(|| format!("mailto:{word}"));
    } else {
        return None;
    };
    plausible_host(host_part).then(|| word.to_string())
}

/// `host.tld` followed by an optional path: at least one dot, no quotes or angle brackets.
fn plausible_host(rest: &str) -> bool {
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || !c.is_ascii())
        && !rest.contains(['<', '>', '"', '`', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(href: &str, label: &'static str) -> Segment<'static> {
        Segment::Link {
            href: href.into(),
            label,
            thumb: false,
        }
    }

    #[test]
    fn plain_text_stays_one_segment() {
        let s = "<img src=x onerror=alert(1)> hello";
        assert_eq!(segments(s), vec![Segment::Text(s)]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn urls_emails_and_www_become_links_without_their_punctuation() {
        assert_eq!(
            segments("See https://northwind.example/tours. Or (www.fjord.example)!"),
            vec![
                Segment::Text("See "),
                link(
                    "https://northwind.example/tours",
                    "https://northwind.example/tours"
                ),
                Segment::Text(". Or ("),
                link("https://www.fjord.example", "www.fjord.example"),
                Segment::Text(")!"),
            ]
        );
        assert_eq!(
            segments("write to hello@northwind.example."),
            vec![
                Segment::Text("write to "),
                link("mailto:hello@northwind.example", "hello@northwind.example"),
                Segment::Text("."),
            ]
        );
        assert_eq!(
            segments("https://en.wikipedia.org/wiki/Kayak_(disambiguation)"),
            vec![link(
                "https://en.wikipedia.org/wiki/Kayak_(disambiguation)",
                "https://en.wikipedia.org/wiki/Kayak_(disambiguation)"
            )]
        );
    }

    #[test]
    fn nothing_but_web_and_mail_links() {
        for s in [
            "javascript:alert(1)",
            "http://",
            "https://x",
            "data:text/html,<b>x</b>",
            "https://a.example/\"onmouseover=alert(1)",
            "vbscript:msgbox",
            "@handle",
        ] {
            assert!(
                segments(s)
                    .iter()
                    .all(|seg| matches!(seg, Segment::Text(_))),
                "{s}"
            );
        }
    }
}

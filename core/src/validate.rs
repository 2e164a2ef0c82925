//! Input validation. Visitor input is plain text: it is checked and normalised here, and every
//! renderer shows it as text, never as HTML.

use crate::error::ConversationError;

const MAX_NAME_CHARS: usize = 80;
const MAX_EMAIL_BYTES: usize = 254;

/// Trims a chat message and checks it against the site's size limit.
pub fn message_text(text: &str, max_bytes: usize) -> Result<String, ConversationError> {
    if text.len() > max_bytes {
        return Err(ConversationError::TooLarge {
            len: text.len(),
            max: max_bytes,
        });
    }
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        return Err(ConversationError::EmptyMessage);
    }
    Ok(cleaned)
}

/// A person's display name: 1–80 characters, no control characters.
pub fn name(name: &str) -> Result<String, ConversationError> {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || trimmed.chars().any(char::is_control) {
        return Err(ConversationError::InvalidName);
    }
    Ok(trimmed.to_string())
}

/// A deliverable-looking address: `local@domain.tld`, lower-cased domain.
pub fn email(email: &str) -> Result<String, ConversationError> {
    let email = email.trim();
    let invalid = || ConversationError::InvalidEmail;
    if email.len() > MAX_EMAIL_BYTES || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') || local.contains("..") {
        return Err(invalid());
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains(['<', '>', '"', ',', ';']) {
        return Err(invalid());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(invalid());
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(email(" Ann@Example.COM ").as_deref(), Ok("Ann@example.com"));
        assert!(email("a.b+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn refuses_broken_addresses() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a b@example.com",
            "ann@example..com",
            "ann@-example.com",
            "ann@example.c",
            "<script>@x.com",
            "ann@1.2",
        ] {
            assert_eq!(email(bad), Err(ConversationError::InvalidEmail), "{bad:?}");
        }
    }

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(message_text("  hi \u{7} ", 10).as_deref(), Ok("hi"));
        assert_eq!(
            message_text("   ", 10),
            Err(ConversationError::EmptyMessage)
        );
        assert!(matches!(
            message_text(&"x".repeat(11), 10),
            Err(ConversationError::TooLarge { len: 11, max: 10 })
        ));
    }

    #[test]
    fn names_are_bounded() {
        assert_eq!(name(" Ann ").as_deref(), Ok("Ann"));
        assert_eq!(name(""), Err(ConversationError::InvalidName));
        assert_eq!(name(&"a".repeat(81)), Err(ConversationError::InvalidName));
    }
}

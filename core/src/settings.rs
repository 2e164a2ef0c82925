//! Per-site settings. A conversation keeps the snapshot it started with, so a settings change takes
//! effect on the next conversation and never rewires one in progress.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// One knowledge-base entry: several ways a visitor may ask, one answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FaqEntry {
    pub questions: Vec<String>,
    pub answer: String,
}

/// What a site's admin configures. Defaults come from the reference products (60 s / 60 s / 180 s).
// Eq: two handles on the same snapshot compare by pointer (std's `Arc` shortcut), so checking
// whether a commit must store the state row does not compare the knowledge base.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
pub struct SiteSettings {
    /// Shown by the bot when a conversation starts.
    pub greeting: String,
    /// Human agents may take chats at all. Off: the bot gives the contact details instead.
    pub live_chat: bool,
    /// Hand every conversation to a human at the first message.
    pub straight_to_live: bool,
    /// Consecutive not-understood bot answers that trigger a handoff.
    pub not_understood_limit: u32,
    /// Waiting this long: tell the visitor to keep waiting.
    pub wait_notice_ms: Millis,
    /// A further this long: offer to leave a message.
    pub leave_message_offer_ms: Millis,
    /// Waiting this long in total: the chat is missed and the bot takes over again.
    pub time_to_accept_ms: Millis,
    /// How visitors can reach the business when nobody answers (posted by the bot).
    pub contact_details: String,
    /// Largest accepted message, in bytes of UTF-8.
    pub max_message_bytes: usize,
    /// Give a waiting chat to the least-loaded available agent instead of first-accept.
    pub auto_assign: bool,
    /// Chats one agent may hold at once.
    pub max_chats_per_agent: u32,
    /// Pages allowed to embed the widget (`https://example.com`); empty allows any origin.
    pub allowed_origins: Vec<String>,
    /// Agent groups a chat can be forwarded to.
    pub groups: Vec<String>,
    /// Two-letter language of the widget; empty: the visitor's browser decides.
    pub locale: String,
    /// The bot's knowledge base.
    pub knowledge_base: Vec<FaqEntry>,
    /// Secret for identity verification: a host page that identifies its signed-in user sends
    /// `user_hash` = hex HMAC-SHA256(secret, email), computed by its own server. Empty: off.
    pub identity_secret: String,
    /// Optional LLM answerer, grounded in the knowledge base; `None`: the embedded bot only.
    pub llm: Option<crate::bot::llm::LlmSettings>,
    /// Left messages (tickets) are POSTed here as JSON, e.g. to a mail or helpdesk hook.
    pub ticket_webhook_url: String,
    /// Left messages (tickets) are also emailed to this address, replies going to the
    /// visitor. Empty: no email.
    pub ticket_email: String,
    /// Signs every webhook: header `baton-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
    /// "<t>.<body>">` (docs/API.md says how to verify). Empty: webhooks go unsigned.
    pub webhook_secret: String,
    /// Messages of its own conversation an operator platform may hand over with a handoff
    /// (the seeds' "forward conversation history").
    pub operator_history: u32,
    /// Visitor messages allowed per [`RATE_WINDOW_MS`] before further ones are refused.
    pub visitor_messages_per_window: u32,
    /// How the widget asks for a rating after a chat with a person.
    pub rating: RatingScale,
    /// A bot conversation quiet this long after the bot's last answer has ended, and the widget
    /// asks for a rating on the same scale (what the bot's resolution rate reads). 0: only
    /// chats with a person are rated.
    pub rating_bot_after_ms: Millis,
    /// When an agent leaves & archives, email the visitor the transcript (to the email they
    /// gave) without their asking.
    pub transcript_after_chat: bool,
    /// Conversations quiet for longer than this are erased (core::privacy); 0: kept.
    pub retention_ms: Millis,
    /// How often an agent who turned the email digest on gets one (missed chats, tickets).
    pub digest_every_ms: Millis,
    /// Files visitors and agents may send: largest size and the kinds accepted (none: off).
    pub attachments: crate::attachment::AttachmentPolicy,
}

/// The rating the widget asks for after a chat: 1–5 stars, thumbs up or down, or none.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RatingScale {
    Off,
    #[default]
    Stars,
    Thumbs,
}

/// The window of the visitor message rate limit.
pub const RATE_WINDOW_MS: Millis = 10_000;

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            greeting: "Hi! I'm the assistant. Ask me anything, or ask for a person at any time."
                .into(),
            live_chat: true,
            straight_to_live: false,
            not_understood_limit: 2,
            wait_notice_ms: 60_000,
            leave_message_offer_ms: 60_000,
            time_to_accept_ms: 180_000,
            contact_details: "You can reach us by email.".into(),
            max_message_bytes: 4096,
            auto_assign: false,
            max_chats_per_agent: 5,
            allowed_origins: Vec::new(),
            groups: Vec::new(),
            locale: String::new(),
            knowledge_base: Vec::new(),
            identity_secret: String::new(),
            ticket_webhook_url: String::new(),
            ticket_email: String::new(),
            webhook_secret: String::new(),
            llm: None,
            visitor_messages_per_window: 20,
            rating: RatingScale::default(),
            rating_bot_after_ms: 0,
            transcript_after_chat: false,
            operator_history: 20,
            retention_ms: 0,
            digest_every_ms: 24 * 3_600_000,
            attachments: crate::attachment::AttachmentPolicy::default(),
        }
    }
}

impl SiteSettings {
    /// Whether a page at `origin` may use this site's widget.
    pub fn allows_origin(&self, origin: Option<&str>) -> bool {
        if self.allowed_origins.is_empty() {
            return true;
        }
        match origin {
            Some(origin) => self
                .allowed_origins
                .iter()
                .any(|allowed| allowed.trim_end_matches('/') == origin),
            None => false,
        }
    }
}

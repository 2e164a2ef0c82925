//! The settings form's fields as data: each known setting's key, label, help text, kind (how its
//! JSON value is shown and edited) and section. The form (`settings_form`) and the settings
//! screen are driven by this table.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    LongText,
    /// Stored as a password field: never shown in clear by default.
    Secret,
    Flag,
    /// Milliseconds in JSON, seconds in the form.
    Seconds,
    Count,
    /// A JSON array of strings, one per line in the form.
    Lines,
    /// Milliseconds in JSON, days in the form (decimals allowed; 0 = off).
    Days,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub section: &'static str,
}

const fn field(
    section: &'static str,
    key: &'static str,
    kind: Kind,
    label: &'static str,
    help: &'static str,
) -> Field {
    Field {
        key,
        label,
        help,
        kind,
        section,
    }
}

pub const SECTIONS: [&str; 4] = ["Live chat", "Waiting ladder", "Bot", "Widget and security"];

pub const FIELDS: &[Field] = &[
    field(
        "Live chat",
        "live_chat",
        Kind::Flag,
        "Live chat with agents",
        "Off: the bot gives the contact details instead of handing over.",
    ),
    field(
        "Live chat",
        "straight_to_live",
        Kind::Flag,
        "Straight to live chat",
        "Every visitor goes to a person at the first message.",
    ),
    field(
        "Live chat",
        "auto_assign",
        Kind::Flag,
        "Assign chats automatically",
        "Give a waiting chat to the least-loaded available agent instead of first accept.",
    ),
    field(
        "Live chat",
        "max_chats_per_agent",
        Kind::Count,
        "Max concurrent chats per agent",
        "Default for new agents; each agent's own limit is under Agents.",
    ),
    field(
        "Live chat",
        "groups",
        Kind::Lines,
        "Groups",
        "One per line. Chats can be forwarded to a group.",
    ),
    field(
        "Waiting ladder",
        "wait_notice_ms",
        Kind::Seconds,
        "Ask the visitor to keep waiting after (seconds)",
        "",
    ),
    field(
        "Waiting ladder",
        "leave_message_offer_ms",
        Kind::Seconds,
        "Then offer to leave a message after (seconds)",
        "",
    ),
    field(
        "Waiting ladder",
        "time_to_accept_ms",
        Kind::Seconds,
        "Time to accept (seconds)",
        "After this the chat is missed and the bot answers again.",
    ),
    field(
        "Bot",
        "greeting",
        Kind::LongText,
        "Greeting",
        "The bot's first message.",
    ),
    field(
        "Bot",
        "not_understood_limit",
        Kind::Count,
        "Hand over after not-understood messages",
        "Consecutive messages the bot did not understand; 0 never hands over for this.",
    ),
    field(
        "Bot",
        "contact_details",
        Kind::LongText,
        "Contact details",
        "Posted by the bot when nobody can answer.",
    ),
    field(
        "Bot",
        "locale",
        Kind::Text,
        "Widget language",
        "Two letters, e.g. en; empty: the visitor's browser decides.",
    ),
    field(
        "Widget and security",
        "allowed_origins",
        Kind::Lines,
        "Allowed origins",
        "One per line, e.g. https://shop.example; empty allows any page.",
    ),
    field(
        "Widget and security",
        "max_message_bytes",
        Kind::Count,
        "Longest message (bytes)",
        "",
    ),
    field(
        "Widget and security",
        "rating",
        Kind::Text,
        "Rating after a chat",
        "stars (1 to 5), thumbs, or off.",
    ),
    field(
        "Widget and security",
        "rating_bot_after_ms",
        Kind::Seconds,
        "Rate bot conversations after a quiet (seconds)",
        "A conversation with the bot alone, quiet this long after its answer, has ended: the widget asks for a rating. 0: off.",
    ),
    field(
        "Widget and security",
        "transcript_after_chat",
        Kind::Flag,
        "Email the transcript after each chat",
        "When an agent leaves & archives, the visitor gets the conversation at the email they gave.",
    ),
    field(
        "Widget and security",
        "visitor_messages_per_window",
        Kind::Count,
        "Visitor messages per 10 seconds",
        "Further messages are refused for a moment.",
    ),
    field(
        "Widget and security",
        "identity_secret",
        Kind::Secret,
        "Identity verification secret",
        "Host pages sign the visitor's email with it; empty: off.",
    ),
    field(
        "Widget and security",
        "ticket_webhook_url",
        Kind::Text,
        "Ticket webhook URL",
        "Left messages are POSTed here as JSON.",
    ),
    field(
        "Widget and security",
        "operator_history",
        Kind::Count,
        "History an outside platform may hand over (messages)",
        "Operator API: the last messages of its own conversation it sends with a handoff.",
    ),
    field(
        "Widget and security",
        "ticket_email",
        Kind::Text,
        "Ticket email address",
        "Left messages are also emailed here; replies go to the visitor. Empty: off.",
    ),
    field(
        "Widget and security",
        "webhook_secret",
        Kind::Secret,
        "Webhook signing secret",
        "Each webhook carries an HMAC-SHA256 signature made with it; empty: unsigned.",
    ),
    field(
        "Widget and security",
        "retention_ms",
        Kind::Days,
        "Delete conversations after (days)",
        "Conversations quiet for longer are erased for good (never a live chat). 0: kept.",
    ),
];

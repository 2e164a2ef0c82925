//! Web Push, sans IO: what an agent's device is told (a chat waiting, a chat assigned to them, a
//! visitor writing in a chat they hold while their dashboard is closed, a new ticket, and the
//! follow-up that withdraws a stale "chat waiting"), with the push service headers (TTL,
//! Urgency, Topic) and the notification the service worker shows.
//!
//! Who receives it is the site's decision ([`crate::site::Site::push_recipients`], where
//! presence lives); a conversation only queues a [`PushDraft`] in its outbox. The edge encrypts
//! the [`PushPayload`] (RFC 8291) for each device and signs the request (RFC 8292); nothing here
//! knows about keys or HTTP.

use serde::{Deserialize, Serialize};

use crate::event::AgentRef;
use crate::{Millis, Seq};

/// The visitor's words shown in a notification, at most this many characters.
pub const PREVIEW_CHARS: usize = 120;
/// A visitor name longer than this is cut.
pub const NAME_CHARS: usize = 60;
/// While an agent's dashboard is closed, a visitor writing in their chat pushes at most once
/// per this window (the device shows the latest under one tag anyway).
pub const MESSAGE_PUSH_COOLDOWN_MS: Millis = 60_000;
/// TTLs (seconds) for what does not expire with the ladder.
pub const ASSIGNED_TTL_S: u32 = 60 * 60;
pub const MESSAGE_TTL_S: u32 = 60 * 60;
pub const TICKET_TTL_S: u32 = 24 * 60 * 60;

/// What a push is about.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PushKind {
    /// A chat waits for an agent of its group (with an Accept action).
    ChatWaiting,
    /// Auto-assign gave the chat to this agent.
    ChatAssigned,
    /// The visitor wrote in a chat this agent holds, while their dashboard is closed.
    VisitorMessage,
    /// A left message (ticket).
    NewTicket,
    /// The chat no longer waits (claimed, missed, left a message): close its notification.
    Withdrawn,
}

/// Who must receive a push; resolved by the site at delivery time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum PushAudience {
    /// Every agent who could take a chat of the group: available, with a free slot.
    Waiting { group: Option<String> },
    /// One agent (the one auto-assign chose), if available.
    Agent { agent_id: String },
    /// The holder, only while no dashboard of theirs is open on the site.
    Holder { agent_id: String },
    /// Every available agent of the site (a ticket takes no chat slot).
    Site,
    /// Every device that was sent this chat's "chat waiting" (the conversation's object keeps
    /// that list), whatever their availability now.
    Notified,
}

/// Push service urgency (RFC 8030 §5.3).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    VeryLow,
    Low,
    Normal,
    High,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VeryLow => "very-low",
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// One push queued by a conversation: its audience and what it says.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PushDraft {
    /// The event that caused it (part of the outbox key, so every push has its own).
    pub seq: Seq,
    pub kind: PushKind,
    pub audience: PushAudience,
    pub site_id: String,
    pub conversation_id: String,
    /// The visitor's name ("Visitor" if unknown).
    pub visitor: String,
    /// The first words (of the waiting visitor's last message, the ticket, the new message).
    pub text: String,
    /// When it happened.
    pub at: Millis,
    /// How long the push service keeps it for an unreachable device.
    pub ttl_s: u32,
    pub urgency: Urgency,
    /// Who took the chat (only for [`PushKind::Withdrawn`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<AgentRef>,
}

/// A button on the notification.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PushAction {
    /// `open` or `accept`.
    pub action: String,
    pub title: String,
}

/// The decrypted body the service worker receives (at most a few hundred bytes, far below the
/// 4 KB push limit).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PushPayload {
    pub kind: PushKind,
    /// Notifications with one tag replace each other on the device: a repeated delivery or a
    /// newer message shows once; [`PushKind::Withdrawn`] closes the one with this tag.
    pub tag: String,
    pub title: String,
    pub body: String,
    pub site_id: String,
    pub conversation_id: String,
    /// The dashboard page the notification opens (a `#/site/tab/id` route).
    pub url: String,
    pub at: Millis,
    pub actions: Vec<PushAction>,
    /// Whether a replacement under the same tag alerts again.
    pub renotify: bool,
}

impl PushDraft {
    /// The outbox key: one per event and kind, so a retry is the same delivery.
    pub fn key(&self) -> String {
        format!("push:{}:{}", self.seq, kind_str(self.kind))
    }

    /// The notification tag: one per chat for everything about it, so a withdrawal closes the
    /// waiting notification and a second message replaces the first; one per ticket.
    pub fn tag(&self) -> String {
        match self.kind {
            PushKind::NewTicket => format!("ticket-{}", self.conversation_id),
            PushKind::VisitorMessage => format!("message-{}", self.conversation_id),
            _ => format!("chat-{}", self.conversation_id),
        }
    }

    /// RFC 8030 Topic: a push service holding an undelivered "chat waiting" replaces it with
    /// the withdrawal of the same chat. At most 32 base64url characters.
    pub fn topic(&self) -> String {
        let id: String = self
            .conversation_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(27)
            .collect();
        match self.kind {
            PushKind::ChatWaiting | PushKind::Withdrawn | PushKind::ChatAssigned => {
                format!("chat-{id}")
            }
            PushKind::VisitorMessage => format!("msg-{id}"),
            PushKind::NewTicket => format!("tkt-{id}"),
        }
    }

    /// What the device shows. `site_name` is the site's display name.
    pub fn payload(&self, site_name: &str) -> PushPayload {
        let site = if site_name.is_empty() {
            self.site_id.as_str()
        } else {
            site_name
        };
        let (title, body) = match self.kind {
            PushKind::ChatWaiting => (
                format!("{site}: {} is waiting", self.visitor),
                self.text.clone(),
            ),
            PushKind::ChatAssigned => (
                format!("{site}: chat with {} assigned to you", self.visitor),
                self.text.clone(),
            ),
            PushKind::VisitorMessage => (format!("{site}: {}", self.visitor), self.text.clone()),
            PushKind::NewTicket => (
                format!("{site}: new ticket from {}", self.visitor),
                self.text.clone(),
            ),
            PushKind::Withdrawn => (
                format!("{site}: chat with {}", self.visitor),
                match &self.by {
                    Some(agent) => format!("Taken by {}", agent.name),
                    None => "No longer waiting".to_string(),
                },
            ),
        };
        let mut actions = vec![PushAction {
            action: "open".into(),
            title: "Open".into(),
        }];
        if self.kind == PushKind::ChatWaiting {
            actions.push(PushAction {
                action: "accept".into(),
                title: "Accept".into(),
            });
        }
        let url = match self.kind {
            PushKind::NewTicket => format!("/app/#/{}/tickets", self.site_id),
            _ => format!("/app/#/{}/active/{}", self.site_id, self.conversation_id),
        };
        PushPayload {
            kind: self.kind,
            tag: self.tag(),
            title,
            body,
            site_id: self.site_id.clone(),
            conversation_id: self.conversation_id.clone(),
            url,
            at: self.at,
            actions,
            renotify: matches!(self.kind, PushKind::ChatWaiting | PushKind::VisitorMessage),
        }
    }
}

pub fn kind_str(kind: PushKind) -> &'static str {
    match kind {
        PushKind::ChatWaiting => "chat_waiting",
        PushKind::ChatAssigned => "chat_assigned",
        PushKind::VisitorMessage => "visitor_message",
        PushKind::NewTicket => "new_ticket",
        PushKind::Withdrawn => "withdrawn",
    }
}

/// `text` cut to `max` characters on a character boundary, with an ellipsis when cut.
pub fn first_words(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A VAPID JWT is valid this long (RFC 8292 allows at most 24 hours).
pub const VAPID_VALIDITY_MS: Millis = 12 * 60 * 60 * 1000;

/// Hosts of the browsers' push services a subscription endpoint may point at (Chrome/Edge via
/// FCM, Firefox's autopush, Apple's, Microsoft's WNS): the edge never POSTs to any other host,
/// so a subscription cannot make it call an arbitrary server.
pub const PUSH_SERVICE_HOSTS: &[&str] = &[
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "web.push.apple.com",
    "notify.windows.com",
];

/// The origin of a push endpoint (`scheme://host[:port]`), the VAPID `aud`; `None` unless the
/// endpoint is an https URL of a known push service (or, with `allow_loopback`, any
/// `http://127.0.0.1:PORT/…`, for local runs and tests). A port is kept: RFC 8292's `aud` is
/// the origin, and a push service on a non-default port checks it.
pub fn endpoint_origin(endpoint: &str, allow_loopback: bool) -> Option<String> {
    if endpoint.len() > 2048
        || endpoint
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let (scheme, rest) = endpoint.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port {
        port.parse::<u16>().ok()?;
    }
    let host = host.to_ascii_lowercase();
    let known = PUSH_SERVICE_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")));
    let allowed = match scheme {
        "https" => known || (allow_loopback && host == "127.0.0.1"),
        "http" => allow_loopback && host == "127.0.0.1" && port.is_some(),
        _ => false,
    };
    allowed.then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// The VAPID JWT's claims (RFC 8292 §2): `aud` the endpoint's origin, `exp` in seconds,
/// `sub` a contact (mailto: or https:).
pub fn vapid_claims(aud: &str, subject: &str, now: Millis) -> serde_json::Value {
    serde_json::json!({
        "aud": aud,
        "exp": (now + VAPID_VALIDITY_MS) / 1000,
        "sub": subject,
    })
}

/// What a push service answered, as the sender must act on it (RFC 8030 §5, §7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// Accepted (201, or any 2xx).
    Sent,
    /// 404 or 410: the subscription is gone; delete it, never retry.
    Gone,
    /// Anything else (429, 5xx, 400/413 from a bad request): retried through the outbox.
    Failed,
}

impl PushOutcome {
    pub fn of_status(status: u16) -> Self {
        match status {
            200..=299 => Self::Sent,
            404 | 410 => Self::Gone,
            _ => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: PushKind) -> PushDraft {
        PushDraft {
            seq: 7,
            kind,
            audience: PushAudience::Waiting { group: None },
            site_id: "northwind".into(),
            conversation_id: "0123456789abcdef0123456789abcdef".into(),
            visitor: "Vera".into(),
            text: "Can I book for Sunday?".into(),
            at: 1_000,
            ttl_s: 180,
            urgency: Urgency::High,
            by: Some(AgentRef {
                id: "a".into(),
                name: "Ann".into(),
            }),
        }
    }

    #[test]
    fn a_waiting_chat_offers_accept_and_shares_its_tag_and_topic_with_the_withdrawal() {
        let waiting = draft(PushKind::ChatWaiting);
        let withdrawn = draft(PushKind::Withdrawn);
        let shown = waiting.payload("Northwind Kayak Tours");
        assert_eq!(shown.title, "Northwind Kayak Tours: Vera is waiting");
        assert_eq!(shown.body, "Can I book for Sunday?");
        let actions: Vec<&str> = shown.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["open", "accept"]);
        assert_eq!(
            shown.url,
            "/app/#/northwind/active/0123456789abcdef0123456789abcdef"
        );
        assert_eq!(waiting.tag(), withdrawn.tag());
        assert_eq!(waiting.topic(), withdrawn.topic());
        assert!(waiting.topic().len() <= 32);
        assert_eq!(withdrawn.payload("").body, "Taken by Ann");
        assert_eq!(withdrawn.payload("").title, "northwind: chat with Vera");
        assert_ne!(waiting.key(), withdrawn.key());
    }

    #[test]
    fn only_a_waiting_chat_can_be_accepted_from_the_notification() {
        for kind in [
            PushKind::ChatAssigned,
            PushKind::VisitorMessage,
            PushKind::NewTicket,
            PushKind::Withdrawn,
        ] {
            let actions = draft(kind).payload("S").actions;
            assert_eq!(actions.len(), 1, "{kind:?}");
            assert_eq!(actions[0].action, "open");
        }
        assert_eq!(
            draft(PushKind::NewTicket).payload("S").url,
            "/app/#/northwind/tickets"
        );
    }

    #[test]
    fn only_known_push_services_are_endpoints_and_the_audience_keeps_the_port() {
        let origin = |url: &str, loopback| endpoint_origin(url, loopback);
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/abc", false).as_deref(),
            Some("https://fcm.googleapis.com")
        );
        assert_eq!(
            origin("https://web.push.apple.com/QG9", false).as_deref(),
            Some("https://web.push.apple.com")
        );
        assert_eq!(
            origin("https://wns2-by3p.notify.windows.com/w/?token=x", false).as_deref(),
            Some("https://wns2-by3p.notify.windows.com")
        );
        assert_eq!(origin("https://evil.example/push", false), None);
        assert_eq!(
            origin("https://fcm.googleapis.com.evil.example/", false),
            None
        );
        assert_eq!(origin("https://user@fcm.googleapis.com/", false), None);
        assert_eq!(origin("http://fcm.googleapis.com/x", false), None);
        assert_eq!(origin("http://127.0.0.1:9000/p/1", false), None);
        assert_eq!(
            origin("http://127.0.0.1:9000/p/1", true).as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(origin("http://localhost:9000/p/1", true), None);
        assert_eq!(origin("ftp://127.0.0.1:9000/", true), None);
        assert_eq!(origin("https://fcm.googleapis.com:99999/", false), None);
    }

    #[test]
    fn vapid_claims_expire_within_a_day() {
        let claims = vapid_claims(
            "https://fcm.googleapis.com",
            "mailto:ops@example.com",
            1_000_000,
        );
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["sub"], "mailto:ops@example.com");
        assert_eq!(claims["exp"], 1_000 + 12 * 3600);
        assert_eq!(PushOutcome::of_status(201), PushOutcome::Sent);
        assert_eq!(PushOutcome::of_status(410), PushOutcome::Gone);
        assert_eq!(PushOutcome::of_status(404), PushOutcome::Gone);
        assert_eq!(PushOutcome::of_status(429), PushOutcome::Failed);
    }

    #[test]
    fn first_words_cut_on_characters() {
        assert_eq!(first_words("  hi  ", 10), "hi");
        assert_eq!(first_words("äöüäöü", 4), "äöü…");
        assert_eq!(
            first_words(&"x".repeat(500), PREVIEW_CHARS).chars().count(),
            120
        );
    }

    #[test]
    fn payload_json_is_what_the_service_worker_reads() {
        let json = serde_json::to_value(draft(PushKind::ChatWaiting).payload("S")).ok();
        let Some(json) = json else {
            panic!("serialises");
        };
        assert_eq!(json["kind"], "chat_waiting");
        assert_eq!(json["tag"], "chat-0123456789abcdef0123456789abcdef");
        assert_eq!(json["renotify"], true);
        assert_eq!(Urgency::VeryLow.as_str(), "very-low");
        assert_eq!(
            serde_json::to_value(Urgency::VeryLow).ok(),
            Some("very-low".into())
        );
    }
}

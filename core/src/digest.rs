//! The email digest, for agents who keep no dashboard open: what waited for them on a site
//! since their last digest — chats nobody accepted in time and tickets left — as one email.
//! Off by default; each agent turns it on per site, and the site's `digest_every_ms` says how
//! often it goes out. Nothing new: no email.
//!
//! Pure: the edge's scheduled run reads the rows, asks [`due`] and [`compose`], and records how
//! far a digest covered, so every item is reported once.

use serde::{Deserialize, Serialize};

use crate::email::{escape_html, one_line, OutgoingEmail};
use crate::Millis;

/// Most items listed in one email; the rest are counted ("and 12 more").
pub const MAX_LISTED: usize = 30;

/// Something that waited on the site.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DigestItem {
    /// A chat nobody accepted before the ladder gave up.
    MissedChat {
        conversation_id: String,
        visitor_name: Option<String>,
        visitor_email: Option<String>,
        /// The last words of the conversation (its list preview).
        last_message: Option<String>,
        /// The agent group it waited for; `None`: anyone.
        group: Option<String>,
        at: Millis,
    },
    /// A message left for the team.
    Ticket {
        conversation_id: String,
        name: String,
        email: String,
        message: String,
        at: Millis,
    },
}

impl DigestItem {
    pub fn at(&self) -> Millis {
        match self {
            Self::MissedChat { at, .. } | Self::Ticket { at, .. } => *at,
        }
    }

    /// Whether an agent of `groups` (empty: every group) would have been offered it.
    fn concerns(&self, groups: &[String]) -> bool {
        match self {
            Self::MissedChat {
                group: Some(group), ..
            } => groups.is_empty() || groups.iter().any(|g| g == group),
            _ => true,
        }
    }

    /// The dashboard screen that shows it, as a fragment of `/app/`.
    fn hash(&self, site_id: &str) -> String {
        match self {
            Self::MissedChat {
                conversation_id, ..
            } => format!("#/{site_id}/missed/{conversation_id}"),
            Self::Ticket {
                conversation_id, ..
            } => format!("#/{site_id}/tickets/{conversation_id}"),
        }
    }

    /// One line for the list: who, and their words (shortened).
    fn describe(&self) -> (String, String) {
        match self {
            Self::MissedChat {
                visitor_name,
                visitor_email,
                last_message,
                ..
            } => {
                let who = match (visitor_name, visitor_email) {
                    (Some(name), Some(email)) => format!("{name} <{email}>"),
                    (Some(name), None) => name.clone(),
                    (None, Some(email)) => email.clone(),
                    (None, None) => "A visitor".into(),
                };
                let said = last_message.as_deref().unwrap_or_default();
                (format!("Missed chat: {who}"), one_line(said, 140))
            }
            Self::Ticket {
                name,
                email,
                message,
                ..
            } => (format!("Ticket: {name} <{email}>"), one_line(message, 140)),
        }
    }
}

/// Whether a digest covering up to `covered_until` is due again at `now`.
pub fn due(covered_until: Millis, every_ms: Millis, now: Millis) -> bool {
    now >= covered_until.saturating_add(every_ms)
}

/// Who gets the digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub email: String,
    /// The agent's groups on this site (empty: every group).
    pub groups: Vec<String>,
}

/// The digest email of `items` (those after `covered_until`, up to `now`) for `recipient`, with
/// links into the dashboard at `app_url` (`https://…/app/`). `None` when nothing concerns them.
pub fn compose(
    site_id: &str,
    site_name: &str,
    recipient: &Recipient,
    items: &[DigestItem],
    app_url: &str,
    covered_until: Millis,
    now: Millis,
) -> Option<OutgoingEmail> {
    let mut mine: Vec<&DigestItem> = items
        .iter()
        .filter(|item| item.at() > covered_until && item.at() <= now)
        .filter(|item| item.concerns(&recipient.groups))
        .collect();
    if mine.is_empty() {
        return None;
    }
    mine.sort_by_key(|item| item.at());
    let missed = mine
        .iter()
        .filter(|i| matches!(i, DigestItem::MissedChat { .. }))
        .count();
    let tickets = mine.len() - missed;
    let counted = [(missed, "missed chat"), (tickets, "new ticket")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(" and ");
    let subject = one_line(&format!("{site_name}: {counted}"), 150);
    let mut text = format!(
        "Hello {name},\n\nWhile you were away, {site_name} had {counted}:\n\n",
        name = recipient.name
    );
    let mut html = format!(
        "<p>Hello {name},</p><p>While you were away, {site} had {counted}:</p><ul>",
        name = escape_html(&recipient.name),
        site = escape_html(site_name),
    );
    for item in mine.iter().take(MAX_LISTED) {
        let (title, said) = item.describe();
        let link = format!("{app_url}{}", item.hash(site_id));
        text.push_str(&format!("- {title}\n  {said}\n  {link}\n\n"));
        html.push_str(&format!(
            "<li><a href=\"{link}\">{title}</a><br>{said}</li>",
            link = escape_html(&link),
            title = escape_html(&title),
            said = escape_html(&said),
        ));
    }
    html.push_str("</ul>");
    if mine.len() > MAX_LISTED {
        let more = format!("…and {} more in the dashboard.", mine.len() - MAX_LISTED);
        text.push_str(&format!("{more}\n\n"));
        html.push_str(&format!("<p>{}</p>", escape_html(&more)));
    }
    let settings = format!("{app_url}#/{site_id}/settings");
    text.push_str(&format!(
        "You get this digest because you turned it on for {site_name}. \
         Turn it off under Settings → Notifications: {settings}\n"
    ));
    html.push_str(&format!(
        "<p>You get this digest because you turned it on for {site}. Turn it off under \
         <a href=\"{link}\">Settings → Notifications</a>.</p>",
        site = escape_html(site_name),
        link = escape_html(&settings),
    ));
    Some(OutgoingEmail {
        to: recipient.email.clone(),
        subject,
        text,
        html: Some(html),
        reply_to: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missed(id: &str, group: Option<&str>, at: Millis) -> DigestItem {
        DigestItem::MissedChat {
            conversation_id: id.into(),
            visitor_name: Some("Vera <b>".into()),
            visitor_email: Some("vera@example.com".into()),
            last_message: Some("Is the <script>tour</script>\non Friday?".into()),
            group: group.map(Into::into),
            at,
        }
    }

    fn ticket(id: &str, at: Millis) -> DigestItem {
        DigestItem::Ticket {
            conversation_id: id.into(),
            name: "Tom".into(),
            email: "tom@example.com".into(),
            message: "Please call me back".into(),
            at,
        }
    }

    fn ann(groups: &[&str]) -> Recipient {
        Recipient {
            name: "Ann".into(),
            email: "ann@example.com".into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    const APP: &str = "https://baton.example/app/";

    #[test]
    fn due_once_a_period_has_passed_since_the_last_digest() {
        assert!(!due(1_000, 60_000, 60_999));
        assert!(due(1_000, 60_000, 61_000));
        assert!(due(0, i64::MAX, i64::MAX));
    }

    #[test]
    fn lists_what_is_new_oldest_first_with_links_and_counts() {
        let items = [
            ticket("t1", 300),
            missed("c1", None, 200),
            missed("c0", None, 50),
        ];
        let email = compose("shop", "Shop", &ann(&[]), &items, APP, 100, 400).expect("digest");
        assert_eq!(email.to, "ann@example.com");
        assert_eq!(email.subject, "Shop: 1 missed chat and 1 new ticket");
        let missed_at = email.text.find("Missed chat").expect("missed listed");
        let ticket_at = email.text.find("Ticket: Tom").expect("ticket listed");
        assert!(missed_at < ticket_at, "oldest first");
        assert!(!email.text.contains("c0"), "covered by the last digest");
        assert!(email
            .text
            .contains("https://baton.example/app/#/shop/missed/c1"));
        assert!(email
            .text
            .contains("https://baton.example/app/#/shop/tickets/t1"));
        assert!(email.text.contains("#/shop/settings"));
    }

    #[test]
    fn nothing_new_or_nothing_for_my_groups_sends_nothing() {
        assert_eq!(compose("s", "S", &ann(&[]), &[], APP, 0, 10), None);
        let items = [missed("c1", Some("sales"), 5), missed("c2", None, 500)];
        assert_eq!(
            compose("s", "S", &ann(&["support"]), &items, APP, 0, 10),
            None
        );
        let email = compose("s", "S", &ann(&["sales"]), &items, APP, 0, 10).expect("sales");
        assert_eq!(email.subject, "S: 1 missed chat");
        assert!(compose("s", "S", &ann(&[]), &items, APP, 0, 10).is_some());
    }

    #[test]
    fn visitor_text_is_escaped_in_html_and_kept_on_one_line() {
        let email =
            compose("s", "S", &ann(&[]), &[missed("c", None, 5)], APP, 0, 10).expect("digest");
        let html = email.html.expect("html");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;tour"));
        assert!(html.contains("Vera &lt;b&gt;"));
        assert!(email
            .text
            .contains("Is the <script>tour</script> on Friday?"));
    }

    #[test]
    fn long_digests_count_the_rest() {
        let items: Vec<DigestItem> = (1..=40).map(|i| ticket(&format!("t{i}"), i)).collect();
        let email = compose("s", "S", &ann(&[]), &items, APP, 0, 100).expect("digest");
        assert_eq!(email.subject, "S: 40 new tickets");
        assert_eq!(email.text.matches("Ticket: Tom").count(), MAX_LISTED);
        assert!(email.text.contains("…and 10 more in the dashboard."));
    }
}

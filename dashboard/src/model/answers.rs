//! The first screen's HTTP answers and requests, read and written without serde.
//!
//! Why: sign-in and the lists were the last users of serde_json's parser and of serde's derives
//! in the first screen's wasm (with serde's error messages came the whole float formatter).
//! In the browser the answer is parsed by `JSON.parse` and read through [`Json`], and a request
//! is built as a plain object for `JSON.stringify` ([`JsonOut`]); natively the same code reads
//! and writes `serde_json` values, and the tests compare both with what core's serde (or the
//! edge's) writes and reads. The lazy screens keep serde: their answers are many and varied.

use baton_core::api::{ErrorBody, Me, Membership, Role};
use baton_core::protocol::SiteCommand;
use baton_core::ConversationSummary;

use super::wire::{agent, error_code, summary, text, uint, Json};

/// `GET /api/v1/me`, and the answer to sign-in (`SignedIn`: its `token` is skipped).
pub fn me<J: Json>(json: &J) -> Option<Me> {
    Some(Me {
        agent: agent(json, "agent")?,
        email: text(json, "email")?,
        sites: json
            .get("sites")?
            .items()?
            .iter()
            .map(membership)
            .collect::<Option<_>>()?,
    })
}

fn membership<J: Json>(json: &J) -> Option<Membership> {
    Some(Membership {
        site_id: text(json, "site_id")?,
        site_name: text(json, "site_name")?,
        role: match text(json, "role")?.as_str() {
            "admin" => Role::Admin,
            "agent" => Role::Agent,
            _ => return None,
        },
        groups: match json.get("groups") {
            Some(list) => list
                .items()?
                .iter()
                .map(Json::string)
                .collect::<Option<_>>()?,
            None => Vec::new(),
        },
        max_chats: u32::try_from(uint(json, "max_chats")?).ok()?,
    })
}

/// Every failure's body; `None` for one that is not the edge's (another server, a proxy).
pub fn error_body<J: Json>(json: &J) -> Option<ErrorBody> {
    Some(ErrorBody {
        error: error_code(&text(json, "error")?)?,
        message: text(json, "message")?,
    })
}

/// A list of rows (`GET …/conversations?list=missed`).
pub fn summaries<J: Json>(json: &J) -> Option<Vec<ConversationSummary>> {
    json.items()?.iter().map(summary).collect()
}

/// How many items an array answer has (the open tickets, counted for the navigation).
pub fn count<J: Json>(json: &J) -> Option<usize> {
    json.items().map(|items| items.len())
}

/// `GET /api/v1/signup`: `{"mode": "open" | "invite"}`.
pub fn signup_mode<J: Json>(json: &J) -> Option<String> {
    text(json, "mode")
}

/// An open invitation to another site (`GET /api/v1/invitations`).
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    pub id: String,
    pub site_name: String,
    pub role: String,
}

pub fn invitations<J: Json>(json: &J) -> Option<Vec<Invitation>> {
    json.items()?
        .iter()
        .map(|item| {
            Some(Invitation {
                id: text(item, "id")?,
                site_name: text(item, "site_name")?,
                role: text(item, "role")?,
            })
        })
        .collect()
}

/// A JSON object being written, as much of it as the first screen sends.
pub trait JsonOut {
    fn text(&mut self, key: &str, value: &str);
    fn boolean(&mut self, key: &str, value: bool);
}

/// `POST /api/v1/auth/login`.
pub fn credentials<O: JsonOut>(email: &str, password: &str, out: &mut O) {
    out.text("email", email);
    out.text("password", password);
}

/// A site socket command, as core's serde writes it.
pub fn site_command<O: JsonOut>(command: &SiteCommand, out: &mut O) {
    match command {
        SiteCommand::SetAvailability { available } => {
            out.text("type", "set_availability");
            out.boolean("available", *available);
        }
        SiteCommand::Ping => out.text("type", "ping"),
    }
}

/// `AgentCommand::ReturnToQueue`, the one conversation command the first screen sends (when
/// the agent goes away and returns their chats).
pub fn return_to_queue<O: JsonOut>(out: &mut O) {
    out.text("type", "return_to_queue");
}

#[cfg(not(target_arch = "wasm32"))]
impl JsonOut for serde_json::Map<String, serde_json::Value> {
    fn text(&mut self, key: &str, value: &str) {
        self.insert(key.into(), value.into());
    }
    fn boolean(&mut self, key: &str, value: bool) {
        self.insert(key.into(), value.into());
    }
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;

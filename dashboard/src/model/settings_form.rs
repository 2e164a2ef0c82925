//! The admin's settings form over the site's settings JSON. Driven by a table of fields, and
//! working on the JSON object itself, so settings this dashboard does not know yet (a newer
//! edge) are kept as they are instead of being reset by a save.

use std::collections::{BTreeMap, BTreeSet};

use baton_core::settings_update::SettingsError;
use baton_core::FaqEntry;
use serde_json::{Map, Value};

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

/// A knowledge-base entry as the form edits it: questions one per line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KbDraft {
    pub questions: String,
    pub answer: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsForm {
    /// The settings as loaded; fields the form does not know are saved back unchanged.
    base: Map<String, Value>,
    /// Text of each known field present in the settings.
    pub values: BTreeMap<&'static str, String>,
    pub knowledge_base: Vec<KbDraft>,
    /// Write-only secrets the edge says are set (it never sends their value).
    pub secrets_set: BTreeSet<&'static str>,
    /// Secrets the admin chose to remove on the next save.
    pub clear_secrets: BTreeSet<&'static str>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl SettingsForm {
    pub fn from_json(settings: &Value) -> Self {
        let base = settings.as_object().cloned().unwrap_or_default();
        let mut values = BTreeMap::new();
        let mut secrets_set = BTreeSet::new();
        for field in FIELDS {
            if field.kind == Kind::Secret {
                // Secrets are write-only: the edge answers only whether each is set.
                if let Some(set) = base.get(&format!("{}_set", field.key)) {
                    if set.as_bool() == Some(true) {
                        secrets_set.insert(field.key);
                    }
                    values.insert(field.key, String::new());
                }
                continue;
            }
            let Some(value) = base.get(field.key) else {
                continue; // an older edge without this setting: leave it out of the form
            };
            let text = match (field.kind, value) {
                (Kind::Flag, Value::Bool(b)) => b.to_string(),
                (Kind::Seconds, Value::Number(n)) => {
                    let ms = n.as_f64().unwrap_or(0.0);
                    let s = ms / 1000.0;
                    if s.fract() == 0.0 {
                        format!("{s:.0}")
                    } else {
                        format!("{s}")
                    }
                }
                (Kind::Days, Value::Number(n)) => {
                    let days = n.as_f64().unwrap_or(0.0) / 86_400_000.0;
                    let text = format!("{days:.6}");
                    text.trim_end_matches('0').trim_end_matches('.').to_string()
                }
                (Kind::Lines, Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            values.insert(field.key, text);
        }
        let entries: Vec<FaqEntry> = base
            .get("knowledge_base")
            .and_then(|kb| serde_json::from_value(kb.clone()).ok())
            .unwrap_or_default();
        let knowledge_base = entries
            .into_iter()
            .map(|e| KbDraft {
                questions: e.questions.join("\n"),
                answer: e.answer,
            })
            .collect();
        Self {
            base,
            values,
            knowledge_base,
            secrets_set,
            clear_secrets: BTreeSet::new(),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    pub fn set(&mut self, key: &'static str, text: String) {
        self.values.insert(key, text);
    }

    /// The settings JSON to PUT, or the first field that does not parse (label, why).
    pub fn to_json(&self) -> Result<Value, (String, String)> {
        let mut out = self.base.clone();
        for field in FIELDS {
            let Some(text) = self.values.get(field.key) else {
                continue;
            };
            let bad = |why: &str| (field.label.to_string(), why.to_string());
            let value = match field.kind {
                Kind::Flag => Value::Bool(text == "true"),
                Kind::Seconds => {
                    let seconds: f64 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a number of seconds"))?;
                    if !(0.0..=86_400.0).contains(&seconds) {
                        return Err(bad("between 0 and 86400 seconds"));
                    }
                    Value::from((seconds * 1000.0).round() as i64)
                }
                Kind::Days => {
                    let days: f64 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a number of days (0: off)"))?;
                    if !(0.0..=3650.0).contains(&days) {
                        return Err(bad("between 0 (off) and 3650 days"));
                    }
                    Value::from((days * 86_400_000.0).round() as i64)
                }
                Kind::Count => {
                    let count: u32 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a whole number"))?;
                    Value::from(count)
                }
                Kind::Lines => Value::from(lines(text)),
                // An empty secret field keeps the secret; removing it is an explicit choice.
                Kind::Secret if self.clear_secrets.contains(field.key) => Value::from(""),
                Kind::Secret if text.trim().is_empty() => continue,
                Kind::Text | Kind::Secret => Value::from(text.trim().to_string()),
                Kind::LongText => Value::from(text.clone()),
            };
            out.insert(field.key.to_string(), value);
        }
        let mut entries = Vec::new();
        for (i, draft) in self.knowledge_base.iter().enumerate() {
            let questions = lines(&draft.questions);
            let answer = draft.answer.trim().to_string();
            if questions.is_empty() && answer.is_empty() {
                continue; // an empty row added and never filled
            }
            if questions.is_empty() || answer.is_empty() {
                return Err((
                    format!("Knowledge base entry {}", i + 1),
                    "needs at least one question and an answer".into(),
                ));
            }
            entries.push(FaqEntry { questions, answer });
        }
        let kb =
            serde_json::to_value(entries).map_err(|e| ("Knowledge base".into(), e.to_string()))?;
        out.insert("knowledge_base".into(), kb);
        // The edge's own rules, with its messages: the form refuses what the edge would.
        baton_core::settings_update::check_form(&out).map_err(|error| match error {
            SettingsError::Invalid { field, why } => (label_of(&field), why),
            other => ("Settings".to_string(), other.to_string()),
        })?;
        Ok(Value::Object(out))
    }
}

/// The form's label for a settings key (`attachments.max_bytes` → its field's), or the key.
fn label_of(key: &str) -> String {
    let base = key.split('.').next().unwrap_or(key);
    FIELDS
        .iter()
        .find(|field| field.key == base)
        .map_or_else(|| key.to_string(), |field| field.label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_core::SiteSettings;

    fn loaded() -> SettingsForm {
        let mut settings = SiteSettings {
            groups: vec!["sales".into(), "support".into()],
            ..SiteSettings::default()
        };
        settings.knowledge_base.push(FaqEntry {
            questions: vec!["Do you rent kayaks?".into(), "kayak rental".into()],
            answer: "Yes, from 9 to 17.".into(),
        });
        let mut json = serde_json::to_value(settings).unwrap_or_default();
        json["setting_from_the_future"] = Value::from(42);
        SettingsForm::from_json(&json)
    }

    #[test]
    fn loads_as_text_and_saves_back_unchanged() {
        let form = loaded();
        assert_eq!(form.values["time_to_accept_ms"], "180");
        assert_eq!(form.values["groups"], "sales\nsupport");
        assert_eq!(form.values["live_chat"], "true");
        assert_eq!(
            form.knowledge_base[0].questions,
            "Do you rent kayaks?\nkayak rental"
        );
        let saved = form.to_json().unwrap_or_default();
        let back: SiteSettings = serde_json::from_value(saved.clone()).unwrap_or_default();
        assert_eq!(back.time_to_accept_ms, 180_000);
        assert_eq!(back.knowledge_base.len(), 1);
        assert_eq!(
            saved["setting_from_the_future"], 42,
            "unknown settings are kept"
        );
    }

    #[test]
    fn edits_convert_units_and_lists() {
        let mut form = loaded();
        form.set("time_to_accept_ms", "2.5".into());
        form.set(
            "allowed_origins",
            " https://a.example \n\nhttps://b.example".into(),
        );
        form.set("straight_to_live", "true".into());
        form.knowledge_base.push(KbDraft::default()); // an empty row is ignored
        let back: SiteSettings =
            serde_json::from_value(form.to_json().unwrap_or_default()).unwrap_or_default();
        assert_eq!(back.time_to_accept_ms, 2_500);
        assert_eq!(
            back.allowed_origins,
            ["https://a.example", "https://b.example"]
        );
        assert!(back.straight_to_live);
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut form = loaded();
        form.set("max_chats_per_agent", "many".into());
        let (label, _) = form.to_json().err().unwrap_or_default();
        assert_eq!(label, "Max concurrent chats per agent");
        let mut form = loaded();
        form.knowledge_base.push(KbDraft {
            questions: "only a question".into(),
            answer: " ".into(),
        });
        let (label, _) = form.to_json().err().unwrap_or_default();
        assert_eq!(label, "Knowledge base entry 2");
    }

    #[test]
    fn secrets_are_write_only() {
        let json = serde_json::json!({ "greeting": "Hi", "identity_secret_set": true });
        let mut form = SettingsForm::from_json(&json);
        assert!(form.has("identity_secret") && form.secrets_set.contains("identity_secret"));
        let kept = form.to_json().unwrap_or_default();
        assert!(
            kept.get("identity_secret").is_none(),
            "empty keeps the secret"
        );
        form.set("identity_secret", "a-new-secret-of-16+".into());
        assert_eq!(
            form.to_json().unwrap_or_default()["identity_secret"],
            "a-new-secret-of-16+"
        );
        form.clear_secrets.insert("identity_secret");
        assert_eq!(form.to_json().unwrap_or_default()["identity_secret"], "");
    }

    #[test]
    fn fields_missing_from_an_older_edge_stay_out() {
        let form = SettingsForm::from_json(&serde_json::json!({ "greeting": "Hi" }));
        assert!(form.has("greeting") && !form.has("identity_secret"));
        let json = form.to_json().unwrap_or_default();
        assert!(json.get("identity_secret").is_none());
    }

    #[test]
    fn the_form_refuses_what_the_edge_refuses_with_the_edges_message() {
        use baton_core::settings_update::{update, LlmPolicy, UpdateMode};
        for (key, text) in [
            ("max_chats_per_agent", "0"),
            ("time_to_accept_ms", "0.5"),
            ("not_understood_limit", "21"),
            ("identity_secret", "too-short"),
        ] {
            let mut form = loaded();
            form.set(key, text.into());
            let (label, why) = form.to_json().expect_err(key);
            // The edge, given the same value, says the same.
            let mut edge_json = serde_json::to_value(SiteSettings::default()).unwrap_or_default();
            let value = match key {
                "time_to_accept_ms" => Value::from(500),
                "identity_secret" => Value::from(text),
                _ => Value::from(text.parse::<u32>().unwrap_or_default()),
            };
            edge_json[key] = value;
            let edge = update(
                &SiteSettings::default(),
                &edge_json,
                UpdateMode::Patch,
                &LlmPolicy::default(),
            )
            .expect_err(key)
            .to_string();
            assert!(
                edge.ends_with(&why),
                "{key}: edge says {edge:?}, form {why:?}"
            );
            assert_ne!(label, key, "{key}: shown with its label");
        }
    }
}

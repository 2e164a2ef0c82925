//! Changing a site's settings safely. A write names the fields it changes (`PATCH`) or gives
//! them all (`PUT`); an unknown field, a body that is not an object, or a value out of range is
//! refused with a message naming the field, and nothing is changed. Secrets are write-only:
//! [`redacted`] replaces each by `<name>_set: bool`, and a write that leaves a secret out keeps it.
//!
//! The platform's LLM key only ever goes to an endpoint the operator allowed
//! ([`LlmPolicy`]); a site admin cannot point it elsewhere.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::settings::SiteSettings;
use crate::validate;

/// Settings never returned by any route; written, replaced or cleared ("") only.
pub const SECRET_FIELDS: &[&str] = &["identity_secret", "webhook_secret"];

/// How a write names the settings it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateMode {
    /// `PUT`: every setting but the secrets must be given.
    Replace,
    /// `PATCH`: only the given settings change; at least one must be given.
    Patch,
}

/// Where the operator lets sites send the platform's LLM key: origins such as
/// `https://api.openai.com` or `http://127.0.0.1:*` (any port). Empty: no LLM endpoint at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LlmPolicy {
    pub allowed_origins: Vec<String>,
}

impl LlmPolicy {
    /// From the operator's `LLM_ALLOWED_URLS` (comma or whitespace separated).
    pub fn parse(list: &str) -> Self {
        Self {
            allowed_origins: list
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_end_matches('/').to_string())
                .collect(),
        }
    }

    /// Whether the platform key may be sent to `endpoint`. Plain `http` only to loopback (local
    /// development): anywhere else the key would cross the network in clear.
    pub fn allows(&self, endpoint: &str) -> Result<(), String> {
        let url = url::Url::parse(endpoint).map_err(|_| "is not a URL".to_string())?;
        let host = url.host_str().unwrap_or_default().to_string();
        let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]");
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err("must use https".into()),
            _ => return Err("must be an https URL".into()),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials".into());
        }
        let allowed = self.allowed_origins.iter().any(|entry| {
            let (entry, any_port) = match entry.strip_suffix(":*") {
                Some(base) => (base, true),
                None => (entry.as_str(), false),
            };
            let Ok(allowed) = url::Url::parse(entry) else {
                return false;
            };
            allowed.scheme() == url.scheme()
                && allowed.host_str() == url.host_str()
                && (any_port || allowed.port_or_known_default() == url.port_or_known_default())
        });
        if allowed {
            Ok(())
        } else if self.allowed_origins.is_empty() {
            Err("LLM endpoints are not enabled on this deployment (the operator sets LLM_ALLOWED_URLS)".into())
        } else {
            Err(format!(
                "is not an endpoint this deployment allows ({})",
                self.allowed_origins.join(", ")
            ))
        }
    }
}

/// Why a settings write was refused.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// The body is not a JSON object.
    #[error("settings must be a JSON object of setting names and values")]
    NotAnObject,
    /// A `PATCH` that changes nothing.
    #[error("no setting given: send the settings to change")]
    Empty,
    /// A field that is not a setting (a misspelling, or a wrapper object).
    #[error("`{0}` is not a setting")]
    Unknown(String),
    /// A `PUT` that leaves settings out.
    #[error("PUT replaces every setting; missing: {0} (PATCH changes only the ones given)")]
    Missing(String),
    /// A value of the wrong type or out of range.
    #[error("`{field}` {why}")]
    Invalid { field: String, why: String },
}

fn invalid(field: &str, why: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        field: field.to_string(),
        why: why.into(),
    }
}

/// Keys answered by [`redacted`] and ignored when written back (the dashboard echoes them).
fn read_only(key: &str) -> bool {
    key.strip_suffix("_set")
        .is_some_and(|secret| SECRET_FIELDS.contains(&secret))
}

/// The settings as any route returns them: secrets replaced by whether they are set.
pub fn redacted(settings: &SiteSettings) -> Value {
    let mut value = serde_json::to_value(settings).unwrap_or(Value::Null);
    if let Some(fields) = value.as_object_mut() {
        for secret in SECRET_FIELDS {
            let set = fields
                .remove(*secret)
                .and_then(|v| v.as_str().map(|s| !s.is_empty()))
                .unwrap_or(false);
            fields.insert(format!("{secret}_set"), Value::Bool(set));
        }
    }
    value
}

/// New settings from `body` over `stored`, validated; `stored` is never changed.
pub fn update(
    stored: &SiteSettings,
    body: &Value,
    mode: UpdateMode,
    policy: &LlmPolicy,
) -> Result<SiteSettings, SettingsError> {
    let given = body.as_object().ok_or(SettingsError::NotAnObject)?;
    let mut merged = match serde_json::to_value(stored) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let known: Vec<String> = merged.keys().cloned().collect();
    let mut changed = 0;
    for (key, value) in given {
        if read_only(key) {
            continue;
        }
        if !known.contains(key) {
            return Err(SettingsError::Unknown(key.clone()));
        }
        check_shape(key, value)?;
        merged.insert(key.clone(), value.clone());
        changed += 1;
    }
    match mode {
        UpdateMode::Patch if changed == 0 => return Err(SettingsError::Empty),
        UpdateMode::Replace => {
            let missing: Vec<&str> = known
                .iter()
                .map(String::as_str)
                .filter(|k| !SECRET_FIELDS.contains(k) && !given.contains_key(*k))
                .collect();
            if !missing.is_empty() {
                return Err(SettingsError::Missing(missing.join(", ")));
            }
        }
        UpdateMode::Patch => {}
    }
    let settings = parse(&merged)?;
    validate(&settings, policy)?;
    Ok(settings)
}

/// A new site's settings: the given fields over the defaults (none given is fine).
pub fn initial(body: &Value, policy: &LlmPolicy) -> Result<SiteSettings, SettingsError> {
    let defaults = SiteSettings::default();
    match body.as_object() {
        Some(fields) if fields.is_empty() => Ok(defaults),
        _ => update(&defaults, body, UpdateMode::Patch, policy),
    }
}

/// Nested objects are checked for unknown fields too: a misspelt `answers` must not silently
/// become an entry without its answer.
fn check_shape(key: &str, value: &Value) -> Result<(), SettingsError> {
    let allowed: &[&str] = match key {
        "knowledge_base" => &["questions", "answer"],
        "llm" => &["url", "model", "timeout_ms"],
        "attachments" => &["max_bytes", "allowed"],
        _ => return Ok(()),
    };
    let objects: Vec<&Map<String, Value>> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(fields) => vec![fields],
        _ => Vec::new(),
    };
    for object in objects {
        if let Some(extra) = object.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(invalid(key, format!("has an unknown field `{extra}`")));
        }
    }
    Ok(())
}

/// Deserialises the merged object; on a type error, names the first field that fails alone.
fn parse(merged: &Map<String, Value>) -> Result<SiteSettings, SettingsError> {
    match serde_json::from_value::<SiteSettings>(Value::Object(merged.clone())) {
        Ok(settings) => Ok(settings),
        Err(whole) => {
            for (key, value) in merged {
                let mut alone = Map::new();
                alone.insert(key.clone(), value.clone());
                if let Err(error) = serde_json::from_value::<SiteSettings>(Value::Object(alone)) {
                    return Err(invalid(key, format!("has the wrong type: {error}")));
                }
            }
            Err(invalid("settings", whole.to_string()))
        }
    }
}

const DAY_MS: i64 = 24 * 3_600_000;

/// Every range a setting must respect, so a stored setting is always one the product can run.
pub fn validate(settings: &SiteSettings, policy: &LlmPolicy) -> Result<(), SettingsError> {
    validate_values(settings)?;
    check_origins(&settings.allowed_origins)?;
    let hook = &settings.ticket_webhook_url;
    if !hook.is_empty() {
        match url::Url::parse(hook) {
            Ok(url) if matches!(url.scheme(), "https" | "http") && url.host_str().is_some() => {}
            _ => return Err(invalid("ticket_webhook_url", "must be an http(s) URL")),
        }
    }
    if let Some(llm) = &settings.llm {
        policy
            .allows(&llm.url)
            .map_err(|why| invalid("llm.url", why))?;
    }
    Ok(())
}

/// What a settings form can check before sending: every setting's type and every rule of
/// [`validate`] but those on URLs (they need a URL parser the dashboard does not carry, and the
/// operator's LLM policy it does not know; the edge checks them on save). Same messages.
/// Fields that are not settings here (a newer edge's, the redacted `*_set` flags) are left to
/// the edge; secrets left out count as unchanged.
pub fn check_form(fields: &Map<String, Value>) -> Result<(), SettingsError> {
    let mut merged = match serde_json::to_value(SiteSettings::default()) {
        Ok(Value::Object(defaults)) => defaults,
        _ => Map::new(),
    };
    for (key, value) in fields {
        if merged.contains_key(key) {
            check_shape(key, value)?;
            merged.insert(key.clone(), value.clone());
        }
    }
    validate_values(&parse(&merged)?)
}

/// The rules of [`validate`] that need no URL parsing.
fn validate_values(settings: &SiteSettings) -> Result<(), SettingsError> {
    for (field, value) in [
        ("wait_notice_ms", settings.wait_notice_ms),
        ("leave_message_offer_ms", settings.leave_message_offer_ms),
        ("time_to_accept_ms", settings.time_to_accept_ms),
    ] {
        if !(0..=DAY_MS).contains(&value) {
            return Err(invalid(field, "must be between 0 and 24 h (in ms)"));
        }
    }
    if settings.time_to_accept_ms < 1_000 {
        return Err(invalid("time_to_accept_ms", "must be at least 1 s"));
    }
    if !(256..=65_536).contains(&settings.max_message_bytes) {
        return Err(invalid(
            "max_message_bytes",
            "must be between 256 and 65536",
        ));
    }
    if !(1..=100).contains(&settings.max_chats_per_agent) {
        return Err(invalid("max_chats_per_agent", "must be between 1 and 100"));
    }
    if settings.not_understood_limit > 20 {
        return Err(invalid("not_understood_limit", "must be at most 20"));
    }
    // Up to ten years; small values are allowed (tests run a sweep in seconds).
    if !(0..=3_650 * DAY_MS).contains(&settings.retention_ms) {
        return Err(invalid(
            "retention_ms",
            "must be between 0 (off) and 3650 days (in ms)",
        ));
    }
    if !(0..=DAY_MS).contains(&settings.rating_bot_after_ms) {
        return Err(invalid(
            "rating_bot_after_ms",
            "must be between 0 (off) and 24 h (in ms)",
        ));
    }
    if !(1_000..=7 * DAY_MS).contains(&settings.digest_every_ms) {
        return Err(invalid(
            "digest_every_ms",
            "must be between 1 s and 7 days (in ms)",
        ));
    }
    // The upload is held in memory by the edge: well under a Worker's 128 MB.
    if !(1_024..=crate::attachment::MAX_BYTES_LIMIT).contains(&settings.attachments.max_bytes) {
        return Err(invalid(
            "attachments.max_bytes",
            "must be between 1 KB and 25 MB (in bytes)",
        ));
    }
    if settings.operator_history > 200 {
        return Err(invalid("operator_history", "must be at most 200"));
    }
    if !(1..=1_000).contains(&settings.visitor_messages_per_window) {
        return Err(invalid(
            "visitor_messages_per_window",
            "must be between 1 and 1000",
        ));
    }
    for (field, text, max) in [
        ("greeting", &settings.greeting, 2_000),
        ("contact_details", &settings.contact_details, 4_000),
    ] {
        if text.chars().count() > max {
            return Err(invalid(field, format!("is longer than {max} characters")));
        }
    }
    let locale = &settings.locale;
    let two_letters = locale.len() == 2 && locale.bytes().all(|b| b.is_ascii_lowercase());
    if !locale.is_empty() && !two_letters {
        return Err(invalid(
            "locale",
            "must be a two-letter language code or empty",
        ));
    }
    if settings.groups.len() > 50
        || settings
            .groups
            .iter()
            .any(|g| g.trim().is_empty() || g.chars().count() > 64)
    {
        return Err(invalid("groups", "up to 50 names of 1-64 characters"));
    }
    check_knowledge_base(settings)?;
    let secret = &settings.identity_secret;
    if !secret.is_empty() && !(16..=256).contains(&secret.len()) {
        return Err(invalid(
            "identity_secret",
            "must be 16 to 256 characters (or empty: off)",
        ));
    }
    let secret = &settings.webhook_secret;
    if !secret.is_empty() && !(16..=256).contains(&secret.len()) {
        return Err(invalid(
            "webhook_secret",
            "must be 16 to 256 characters (or empty: unsigned)",
        ));
    }
    if !settings.ticket_email.is_empty() && validate::email(&settings.ticket_email).is_err() {
        return Err(invalid(
            "ticket_email",
            "must be an email address (or empty: off)",
        ));
    }
    if let Some(llm) = &settings.llm {
        let model_ok = (1..=100).contains(&llm.model.len())
            && llm
                .model
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._:/@-".contains(&b));
        if !model_ok {
            return Err(invalid(
                "llm.model",
                "must be 1-100 letters, digits or . _ : / @ -",
            ));
        }
        if !(100..=30_000).contains(&llm.timeout_ms) {
            return Err(invalid("llm.timeout_ms", "must be between 100 and 30000"));
        }
    }
    Ok(())
}

/// Origins as browsers send them: `scheme://host[:port]`, nothing after.
fn check_origins(origins: &[String]) -> Result<(), SettingsError> {
    if origins.len() > 100 {
        return Err(invalid("allowed_origins", "at most 100 origins"));
    }
    for origin in origins {
        let trimmed = origin.trim_end_matches('/');
        let ok = url::Url::parse(trimmed).is_ok_and(|url| {
            matches!(url.scheme(), "https" | "http")
                && url.host_str().is_some()
                && url.origin().ascii_serialization() == trimmed.to_ascii_lowercase()
        });
        if !ok {
            return Err(invalid(
                "allowed_origins",
                format!("`{origin}` is not an origin like https://shop.example"),
            ));
        }
    }
    Ok(())
}

fn check_knowledge_base(settings: &SiteSettings) -> Result<(), SettingsError> {
    let entries = &settings.knowledge_base;
    if entries.len() > 2_000 {
        return Err(invalid("knowledge_base", "at most 2000 entries"));
    }
    for (i, entry) in entries.iter().enumerate() {
        let n = i + 1;
        let questions_ok = !entry.questions.is_empty()
            && entry.questions.len() <= 50
            && entry
                .questions
                .iter()
                .all(|q| !q.trim().is_empty() && q.chars().count() <= 500);
        if !questions_ok {
            return Err(invalid(
                "knowledge_base",
                format!("entry {n} needs 1-50 questions of 1-500 characters"),
            ));
        }
        if entry.answer.trim().is_empty() || entry.answer.chars().count() > 10_000 {
            return Err(invalid(
                "knowledge_base",
                format!("entry {n} needs an answer of 1-10000 characters"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "settings_update_tests.rs"]
mod tests;

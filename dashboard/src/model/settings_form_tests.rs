//! The settings form against core's settings: loaded as text and saved back unchanged, units and
//! lists converted, bad input and the edge's refusals named by field, secrets write-only, and
//! fields an older edge does not have left out.

#![allow(clippy::expect_used)]

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

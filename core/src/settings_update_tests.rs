use serde_json::json;

use super::*;
use crate::settings::FaqEntry;

fn stored() -> SiteSettings {
    SiteSettings {
        knowledge_base: vec![FaqEntry {
            questions: vec!["When are you open?".into()],
            answer: "9 to 5".into(),
        }],
        allowed_origins: vec!["https://shop.example".into()],
        identity_secret: "a-secret-of-sixteen-chars".into(),
        ..SiteSettings::default()
    }
}

fn policy() -> LlmPolicy {
    LlmPolicy::parse("https://api.llm.example, http://127.0.0.1:*")
}

#[test]
fn bodies_without_settings_are_refused() {
    let s = stored();
    for body in [json!([]), json!("x"), json!(null), json!(3)] {
        assert_eq!(
            update(&s, &body, UpdateMode::Patch, &policy()),
            Err(SettingsError::NotAnObject)
        );
    }
    assert_eq!(
        update(&s, &json!({}), UpdateMode::Patch, &policy()),
        Err(SettingsError::Empty)
    );
    assert!(matches!(
        update(&s, &json!({}), UpdateMode::Replace, &policy()),
        Err(SettingsError::Missing(_))
    ));
}

#[test]
fn unknown_and_wrapped_fields_are_refused() {
    let s = stored();
    let wrapped = json!({ "settings": { "greeting": "hi" } });
    assert_eq!(
        update(&s, &wrapped, UpdateMode::Patch, &policy()),
        Err(SettingsError::Unknown("settings".into()))
    );
    let misspelt = json!({ "greting": "hi" });
    assert_eq!(
        update(&s, &misspelt, UpdateMode::Patch, &policy()),
        Err(SettingsError::Unknown("greting".into()))
    );
    for body in [
        json!({ "attachments": { "max_bytes": 2048, "allowed": ["image"], "max": 1 } }),
        json!({ "attachments": { "max_bytes": 2048, "allowed": ["html"] } }),
    ] {
        assert!(matches!(
            update(&s, &body, UpdateMode::Patch, &policy()),
            Err(SettingsError::Invalid { field, .. }) if field == "attachments"
        ));
    }
    let only_images = json!({ "attachments": { "max_bytes": 2048, "allowed": ["image"] } });
    let changed = update(&s, &only_images, UpdateMode::Patch, &policy());
    assert!(matches!(changed, Ok(c) if c.attachments.max_bytes == 2048));
    let kb = json!({ "knowledge_base": [{ "questions": ["q"], "answers": "a" }] });
    assert!(matches!(
        update(&s, &kb, UpdateMode::Patch, &policy()),
        Err(SettingsError::Invalid { field, .. }) if field == "knowledge_base"
    ));
}

#[test]
fn patch_changes_only_what_it_names() {
    let s = stored();
    let out = update(
        &s,
        &json!({ "greeting": "Hello" }),
        UpdateMode::Patch,
        &policy(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.greeting, "Hello");
    assert_eq!(out.knowledge_base, s.knowledge_base);
    assert_eq!(out.allowed_origins, s.allowed_origins);
    assert_eq!(out.identity_secret, s.identity_secret);
}

#[test]
fn a_full_put_keeps_secrets_it_leaves_out_and_ignores_read_only_flags() {
    let s = stored();
    let mut body = redacted(&s);
    body["greeting"] = json!("Replaced");
    let out = update(&s, &body, UpdateMode::Replace, &policy()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.greeting, "Replaced");
    assert_eq!(out.identity_secret, s.identity_secret);
    body["identity_secret"] = json!("");
    let cleared =
        update(&s, &body, UpdateMode::Replace, &policy()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cleared.identity_secret, "");
}

#[test]
fn redacted_never_holds_a_secret() {
    let value = redacted(&stored());
    assert!(value.get("identity_secret").is_none());
    assert_eq!(value["identity_secret_set"], json!(true));
    assert!(!value.to_string().contains("a-secret-of-sixteen-chars"));
    let none = redacted(&SiteSettings::default());
    assert_eq!(none["identity_secret_set"], json!(false));
}

#[test]
fn wrong_types_name_the_field() {
    let err = update(
        &stored(),
        &json!({ "max_chats_per_agent": "five" }),
        UpdateMode::Patch,
        &policy(),
    );
    assert!(
        matches!(err, Err(SettingsError::Invalid { field, .. }) if field == "max_chats_per_agent")
    );
}

#[test]
fn ranges_are_enforced() {
    let s = stored();
    for body in [
        json!({ "time_to_accept_ms": 10 }),
        json!({ "max_message_bytes": 10 }),
        json!({ "max_chats_per_agent": 0 }),
        json!({ "allowed_origins": ["https://shop.example/path"] }),
        json!({ "allowed_origins": ["shop.example"] }),
        json!({ "locale": "english" }),
        json!({ "identity_secret": "short" }),
        json!({ "ticket_webhook_url": "javascript:alert(1)" }),
        json!({ "knowledge_base": [{ "questions": [], "answer": "a" }] }),
        json!({ "visitor_messages_per_window": 0 }),
        json!({ "attachments": { "max_bytes": 10, "allowed": ["image"] } }),
        json!({ "attachments": { "max_bytes": 100_000_000, "allowed": ["image"] } }),
    ] {
        assert!(
            matches!(
                update(&s, &body, UpdateMode::Patch, &policy()),
                Err(SettingsError::Invalid { .. })
            ),
            "accepted {body}"
        );
    }
}

#[test]
fn the_llm_endpoint_must_be_allowed_by_the_operator() {
    let s = stored();
    let with = |url: &str, model: &str, timeout: u32| {
        update(
            &s,
            &json!({ "llm": { "url": url, "model": model, "timeout_ms": timeout } }),
            UpdateMode::Patch,
            &policy(),
        )
    };
    assert!(with("https://api.llm.example/v1/chat/completions", "gpt-x", 4000).is_ok());
    assert!(with("http://127.0.0.1:9999/v1/chat/completions", "m", 4000).is_ok());
    for url in [
        "https://attacker.example/steal",
        "http://api.llm.example/v1",
        "https://api.llm.example.attacker.example/v1",
        "https://user:pw@api.llm.example/v1",
        "http://10.0.0.1/v1",
        "not a url",
        "ftp://api.llm.example/",
    ] {
        assert!(
            matches!(with(url, "m", 4000), Err(SettingsError::Invalid { field, .. }) if field == "llm.url"),
            "accepted {url}"
        );
    }
    assert!(with("https://api.llm.example/v1", "", 4000).is_err());
    assert!(with("https://api.llm.example/v1", "m\nx", 4000).is_err());
    assert!(with("https://api.llm.example/v1", "m", 10).is_err());
    assert!(with("https://api.llm.example/v1", "m", 600_000).is_err());
    let off = LlmPolicy::default();
    assert!(off.allows("https://api.llm.example/v1").is_err());
}

#[test]
fn a_new_site_may_give_no_settings() {
    assert_eq!(initial(&json!({}), &policy()), Ok(SiteSettings::default()));
    assert!(initial(&json!({ "nope": 1 }), &policy()).is_err());
}

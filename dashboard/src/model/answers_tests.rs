//! Every answer, written by core's serde (or as the edge writes it), reads back equal; every
//! request reads back in core's serde (or reads as the edge expects it).

use baton_core::api::{ErrorBody, Me, Membership, Role, SignedIn};
use baton_core::protocol::{AgentCommand, SiteCommand};
use baton_core::{AgentRef, ErrorCode, Phase};
use serde_json::{json, Map, Value};

use super::*;
use crate::model::testing::summary as row;

fn me_value() -> Me {
    Me {
        agent: AgentRef {
            id: "a1".into(),
            name: "Ann".into(),
        },
        email: "ann@example.com".into(),
        sites: vec![
            Membership {
                site_id: "s1".into(),
                site_name: "Shop".into(),
                role: Role::Admin,
                groups: vec!["sales".into(), "support".into()],
                max_chats: 5,
            },
            Membership {
                site_id: "s2".into(),
                site_name: "Blog".into(),
                role: Role::Agent,
                groups: Vec::new(),
                max_chats: 1,
            },
        ],
    }
}

fn written<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

#[test]
fn me_reads_back() {
    let original = me_value();
    assert_eq!(me(&written(&original)), Some(original.clone()));
    let signed_in = SignedIn {
        token: "t".into(),
        me: original.clone(),
    };
    assert_eq!(me(&written(&signed_in)), Some(original));
    let none = Me {
        sites: Vec::new(),
        ..me_value()
    };
    assert_eq!(me(&written(&none)), Some(none));
}

/// `groups` is `#[serde(default)]`: absent reads as none, as serde reads it.
#[test]
fn membership_without_groups() {
    let json = json!({ "agent": { "id": "a1", "name": "Ann" }, "email": "a@x",
        "sites": [{ "site_id": "s1", "site_name": "Shop", "role": "agent", "max_chats": 3 }] });
    let serde = serde_json::from_value::<Me>(json.clone()).ok();
    assert!(serde.is_some());
    assert_eq!(me(&json), serde);
}

#[test]
fn refuses_what_serde_refuses() {
    let answers = [
        json!({ "agent": { "id": "a1", "name": "Ann" }, "email": "a@x", "sites": [{
            "site_id": "s1", "site_name": "Shop", "role": "owner", "max_chats": 3 }] }),
        json!({ "agent": { "id": "a1", "name": "Ann" }, "email": "a@x", "sites": [{
            "site_id": "s1", "site_name": "Shop", "role": "agent", "max_chats": -1 }] }),
        json!({ "agent": { "id": "a1" }, "email": "a@x", "sites": [] }),
        json!({ "agent": { "id": "a1", "name": "Ann" }, "email": "a@x", "sites": {} }),
        json!({ "agent": { "id": "a1", "name": "Ann" }, "sites": [] }),
    ];
    for json in answers {
        assert_eq!(
            serde_json::from_value::<Me>(json.clone()).ok(),
            None,
            "{json}"
        );
        assert_eq!(me(&json), None, "{json}");
    }
}

#[test]
fn error_bodies_read_back() {
    for error in [
        ErrorCode::Unauthorized,
        ErrorCode::RateLimited,
        ErrorCode::BadRequest,
    ] {
        let body = ErrorBody {
            error,
            message: "Too many attempts".into(),
        };
        assert_eq!(error_body(&written(&body)), Some(body));
    }
    // Not the edge's: the caller says which status came instead.
    for json in [
        json!({ "error": "teapot", "message": "x" }),
        json!("Bad gateway"),
    ] {
        assert_eq!(serde_json::from_value::<ErrorBody>(json.clone()).ok(), None);
        assert_eq!(error_body(&json), None, "{json}");
    }
}

#[test]
fn rows_read_back() {
    let mut live = row("c2", Phase::Missed, 9);
    live.visitor.name = Some("Vera".into());
    live.last_message = Some("Hello?".into());
    let rows = vec![row("c1", Phase::Missed, 7), live];
    assert_eq!(summaries(&written(&rows)), Some(rows));
    assert_eq!(summaries(&json!([])), Some(Vec::new()));
    assert_eq!(summaries(&json!({ "rows": [] })), None);
    assert_eq!(summaries(&json!([{ "id": "c1" }])), None);
}

#[test]
fn counts_items() {
    assert_eq!(count(&json!([{ "id": "t1" }, { "id": "t2" }])), Some(2));
    assert_eq!(count(&json!([])), Some(0));
    assert_eq!(count(&json!({ "error": "internal" })), None);
}

/// As the edge's `routes/signup.rs` and `routes/invitations.rs` write them.
#[test]
fn signup_mode_and_invitations() {
    assert_eq!(
        signup_mode(&json!({ "mode": "open" })).as_deref(),
        Some("open")
    );
    assert_eq!(signup_mode(&json!({})), None);
    let listed = json!([{ "id": "i1", "site_id": "s9", "site_name": "Café", "role": "agent",
        "created_at": 1_700_000_000_000_i64, "expires_at": 1_700_600_000_000_i64 }]);
    assert_eq!(
        invitations(&listed),
        Some(vec![Invitation {
            id: "i1".into(),
            site_name: "Café".into(),
            role: "agent".into(),
        }])
    );
    assert_eq!(invitations(&json!([{ "id": "i1" }])), None);
}

fn out(write: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut map = Map::new();
    write(&mut map);
    Value::Object(map)
}

#[test]
fn commands_as_core_writes_them() {
    for command in [
        SiteCommand::SetAvailability { available: true },
        SiteCommand::SetAvailability { available: false },
        SiteCommand::Ping,
    ] {
        assert_eq!(out(|o| site_command(&command, o)), written(&command));
    }
    assert_eq!(out(return_to_queue), written(&AgentCommand::ReturnToQueue));
}

/// The edge reads sign-in as `{"email","password"}` and refuses any other field.
#[test]
fn credentials_as_the_edge_reads_them() {
    assert_eq!(
        out(|o| credentials("ann@example.com", "pa\"ss", o)),
        json!({ "email": "ann@example.com", "password": "pa\"ss" })
    );
}

//! Golden JSON for the agent HTTP API (`baton_core::api`). Each type is checked against the exact
//! string it serialises to and against the body the edge built by hand before these types
//! existed (its `json!` and its own structs), so moving the shapes into core changed nothing on
//! the wire: same field names, same fields present, `null` where the edge sent `null`.

#![allow(clippy::unwrap_used)]

use baton_core::api::{
    AddedAgent, AgentUpdate, ErrorBody, Me, Membership, NewAgent, PushKey, Role, SignedIn,
    SiteAgent, StartRequest, Started, Ticket, TicketThread, TrialAnswers, WidgetConfig,
};
use baton_core::onboarding::TrialAnswer;
use baton_core::{AgentRef, ErrorCode, TicketMessage};
use serde_json::{json, Value};

fn roundtrip<T>(value: &T, json: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_string(value).unwrap(), json);
    assert_eq!(&serde_json::from_str::<T>(json).unwrap(), value);
}

/// The same fields and values as the edge's former body (key order aside: `json!` sorted them).
fn same_as_before<T: serde::Serialize>(value: &T, before: Value) {
    assert_eq!(serde_json::to_value(value).unwrap(), before);
}

fn ann() -> AgentRef {
    AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    }
}

fn membership() -> Membership {
    Membership {
        site_id: "s1".into(),
        site_name: "Shop".into(),
        role: Role::Admin,
        groups: vec!["sales".into()],
        max_chats: 5,
    }
}

fn site_agent() -> SiteAgent {
    SiteAgent {
        id: "a2".into(),
        email: "bob@example.com".into(),
        name: "Bob".into(),
        role: Role::Agent,
        groups: vec![],
        max_chats: 3,
    }
}

fn ticket() -> Ticket {
    Ticket {
        id: "t1".into(),
        site_id: "s1".into(),
        conversation_id: "c1".into(),
        name: "Vi".into(),
        email: "vi@example.com".into(),
        message: "call me".into(),
        transcript: "Vi: hello".into(),
        status: "open".into(),
        created_at: 1_700_000_000_000.0,
    }
}

#[test]
fn roles_are_snake_case() {
    roundtrip(&Role::Admin, r#""admin""#);
    roundtrip(&Role::Agent, r#""agent""#);
    for role in [Role::Admin, Role::Agent] {
        assert_eq!(Role::from_stored(role.as_str()), role);
        assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
    }
    assert_eq!(Role::from_stored("owner"), Role::Agent);
}

#[test]
fn me() {
    let me = Me {
        agent: ann(),
        email: "ann@example.com".into(),
        sites: vec![membership()],
    };
    roundtrip(
        &me,
        r#"{"agent":{"id":"a1","name":"Ann"},"email":"ann@example.com","sites":[{"site_id":"s1","site_name":"Shop","role":"admin","groups":["sales"],"max_chats":5}]}"#,
    );
    // `routes/agent.rs` `me_json` before.
    same_as_before(
        &me,
        json!({
            "agent": ann(),
            "email": "ann@example.com",
            "sites": [{"site_id": "s1", "site_name": "Shop", "role": "admin",
                       "groups": ["sales"], "max_chats": 5}],
        }),
    );
    assert!(me.is_admin("s1"));
    assert!(!me.is_admin("s2"));
    // Groups may be absent in what a client reads.
    let bare: Membership =
        serde_json::from_str(r#"{"site_id":"s1","site_name":"Shop","role":"agent","max_chats":2}"#)
            .unwrap();
    assert!(bare.groups.is_empty());
}

#[test]
fn signed_in() {
    let answer = SignedIn {
        token: "tok".into(),
        me: Me {
            agent: ann(),
            email: "ann@example.com".into(),
            sites: vec![],
        },
    };
    roundtrip(
        &answer,
        r#"{"token":"tok","agent":{"id":"a1","name":"Ann"},"email":"ann@example.com","sites":[]}"#,
    );
    // `routes/agent.rs` `login` and `routes/signup.rs` `signed_in` before.
    same_as_before(
        &answer,
        json!({
            "token": "tok",
            "agent": { "id": "a1", "name": "Ann" },
            "email": "ann@example.com",
            "sites": [],
        }),
    );
}

#[test]
fn tickets() {
    roundtrip(
        &ticket(),
        r#"{"id":"t1","site_id":"s1","conversation_id":"c1","name":"Vi","email":"vi@example.com","message":"call me","transcript":"Vi: hello","status":"open","created_at":1700000000000.0}"#,
    );
    let thread = TicketThread {
        ticket: ticket(),
        messages: vec![TicketMessage {
            id: "m1".into(),
            ticket_id: "t1".into(),
            site_id: "s1".into(),
            direction: "agent".into(),
            author: "Ann".into(),
            body: "done".into(),
            message_id: None,
            created_at: 5,
            attachments: vec![],
        }],
    };
    roundtrip(
        &thread,
        &format!(
            r#"{{"ticket":{},"messages":[{{"id":"m1","ticket_id":"t1","site_id":"s1","direction":"agent","author":"Ann","body":"done","message_id":null,"created_at":5}}]}}"#,
            serde_json::to_string(&ticket()).unwrap()
        ),
    );
}

#[test]
fn site_agents() {
    roundtrip(
        &site_agent(),
        r#"{"id":"a2","email":"bob@example.com","name":"Bob","role":"agent","groups":[],"max_chats":3}"#,
    );
}

#[test]
fn added_agent() {
    // Created with a made-up password.
    roundtrip(
        &AddedAgent {
            agent: Some(site_agent()),
            password: Some("pw".into()),
            existing: false,
            invited: false,
            invitation: None,
        },
        &format!(
            r#"{{"agent":{},"password":"pw","existing":false,"invited":false}}"#,
            serde_json::to_string(&site_agent()).unwrap()
        ),
    );
    // Invited by link: `agent` and `password` are sent as null, the invitation's id is sent.
    roundtrip(
        &AddedAgent {
            agent: None,
            password: None,
            existing: false,
            invited: true,
            invitation: Some("i1".into()),
        },
        r#"{"agent":null,"password":null,"existing":false,"invited":true,"invitation":"i1"}"#,
    );
    // Older readers without `invitation` still read it.
    let read: AddedAgent =
        serde_json::from_str(r#"{"agent":null,"existing":true,"invited":true}"#).unwrap();
    assert!(read.invited && read.existing && read.invitation.is_none());
}

#[test]
fn new_agent_requests() {
    roundtrip(
        &NewAgent {
            email: "bob@example.com".into(),
            name: "Bob".into(),
            role: Role::Agent,
            groups: vec![],
            max_chats: None,
            password: None,
            invite: true,
        },
        r#"{"email":"bob@example.com","name":"Bob","role":"agent","groups":[],"max_chats":null,"password":null,"invite":true}"#,
    );
    // What the edge accepted before: only the required fields, the rest defaulted…
    let minimal: NewAgent =
        serde_json::from_str(r#"{"email":"b@example.com","name":"B","role":"admin"}"#).unwrap();
    assert_eq!(minimal.role, Role::Admin);
    assert!(minimal.groups.is_empty() && !minimal.invite && minimal.max_chats.is_none());
    // …and nothing unknown.
    assert!(serde_json::from_str::<NewAgent>(
        r#"{"email":"b@example.com","name":"B","role":"admin","owner":true}"#
    )
    .is_err());
    assert!(serde_json::from_str::<NewAgent>(
        r#"{"email":"b@example.com","name":"B","role":"owner"}"#
    )
    .is_err());
}

#[test]
fn agent_updates() {
    roundtrip(&AgentUpdate::default(), "{}");
    roundtrip(
        &AgentUpdate {
            role: Some(Role::Admin),
            groups: Some(vec!["sales".into()]),
            max_chats: Some(4),
        },
        r#"{"role":"admin","groups":["sales"],"max_chats":4}"#,
    );
    assert!(serde_json::from_str::<AgentUpdate>(r#"{"email":"x@example.com"}"#).is_err());
}

#[test]
fn error_body() {
    let body = ErrorBody {
        error: ErrorCode::RateLimited,
        message: "slow down".into(),
    };
    roundtrip(&body, r#"{"error":"rate_limited","message":"slow down"}"#);
    // `error.rs` `into_response` before.
    same_as_before(
        &body,
        json!({ "error": ErrorCode::RateLimited, "message": "slow down" }),
    );
}

#[test]
fn push_key() {
    roundtrip(
        &PushKey {
            public_key: Some("BEx".into()),
        },
        r#"{"public_key":"BEx"}"#,
    );
    // Push not configured: the key is sent as null, not left out (`routes/push.rs` before).
    let none = PushKey { public_key: None };
    roundtrip(&none, r#"{"public_key":null}"#);
    same_as_before(&none, json!({ "public_key": Option::<String>::None }));
}

#[test]
fn trial_answers() {
    let answer = TrialAnswer {
        question: "hours?".into(),
        reply: "9 to 5".into(),
        answered: true,
        suggestions: vec![],
        wants_human: false,
    };
    let body = TrialAnswers {
        answers: vec![answer.clone()],
    };
    roundtrip(
        &body,
        r#"{"answers":[{"question":"hours?","reply":"9 to 5","answered":true,"suggestions":[],"wants_human":false}]}"#,
    );
    // `routes/sites.rs` `try_bot` before.
    same_as_before(&body, json!({ "answers": [answer] }));
}

#[test]
fn the_visitors_start_and_the_widget_config() {
    roundtrip(
        &Started {
            conversation_id: "c1".into(),
            token: "t1".into(),
        },
        r#"{"conversation_id":"c1","token":"t1"}"#,
    );
    let config = WidgetConfig {
        site_id: "s1".into(),
        name: "Shop".into(),
        locale: "en".into(),
        live_chat: true,
        max_message_bytes: 4096,
    };
    roundtrip(
        &config,
        r#"{"site_id":"s1","name":"Shop","locale":"en","live_chat":true,"max_message_bytes":4096}"#,
    );
    // `routes/visitor.rs` `widget_config` before.
    same_as_before(
        &config,
        json!({ "site_id": "s1", "name": "Shop", "locale": "en", "live_chat": true,
                "max_message_bytes": 4096 }),
    );
    // The start request: everything optional, an unknown field refused.
    let empty: StartRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, StartRequest::default());
    assert!(serde_json::from_str::<StartRequest>(r#"{"pgae":"/x"}"#).is_err());
}

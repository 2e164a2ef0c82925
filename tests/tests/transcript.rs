//! "Email me this conversation" against `wrangler dev`, read back from what it would have sent:
//! the visitor's transcript goes to the email they gave, with the messages both ways and never
//! an internal note, visitor text escaped in the HTML part; a second request with nothing new
//! is refused. On a site that sends transcripts after every chat, leave & archive sends it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::{ErrorCode, EventKind};
use baton_tests::clients::start_conversation;
use baton_tests::edge::{fast_settings, unique};
use baton_tests::mail::wait_for_mail;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

#[tokio::test]
async fn the_transcript_is_emailed_without_internal_notes_and_escaped() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let email = format!("{}@example.com", unique("vera"));
    let started = start_conversation(
        &edge,
        &site.id,
        serde_json::json!({ "name": "Vera", "email": email }),
    )
    .await;
    let mut visitor =
        VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let mut agent =
        AgentSocket::connect(&edge, &site, &site.agents[0], &visitor.conversation_id, 0).await;
    agent.send(AgentCommand::Accept).await;
    agent
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    agent
        .send(AgentCommand::Comment {
            text: "secret note about Vera".into(),
        })
        .await;
    agent
        .send(AgentCommand::Message {
            text: "Hello Vera, how can I help?".into(),
            client_id: None,
        })
        .await;
    visitor
        .conn
        .wait_event("agent message", |k| {
            matches!(k, EventKind::AgentMessage { .. })
        })
        .await;
    visitor.say("<script>alert(1)</script> thanks & bye").await;
    visitor
        .conn
        .wait_event(
            "own message",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text.contains("bye")),
        )
        .await;
    agent.send(AgentCommand::LeaveAndArchive).await;
    visitor
        .conn
        .wait_event("agent left", |k| matches!(k, EventKind::AgentLeft { .. }))
        .await;

    visitor.send(VisitorCommand::EmailTranscript).await;
    let sent = visitor
        .conn
        .wait_event("transcript sent", |k| {
            matches!(k, EventKind::TranscriptSent { .. })
        })
        .await;
    assert_eq!(sent.kind, EventKind::TranscriptSent { to: email.clone() });
    let mails = wait_for_mail(Duration::from_secs(15), |m| m.to == [email.clone()])
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert!(
        mail.subject.contains("Your conversation with"),
        "{}",
        mail.subject
    );
    for said in [
        "Assistant: ",
        "Hello Vera, how can I help?",
        "You: <script>alert(1)</script> thanks & bye",
        "left the chat",
    ] {
        assert!(mail.text.contains(said), "{said:?} missing: {}", mail.text);
    }
    assert!(!mail.text.contains("secret note"), "{}", mail.text);
    let html = mail.html.as_deref().unwrap_or_default();
    assert!(!html.contains("secret note"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; thanks &amp; bye"),
        "{html}"
    );

    // Nothing new since: refused (a rule, before anything is queued).
    visitor.send(VisitorCommand::EmailTranscript).await;
    visitor
        .conn
        .wait_for("refusal", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::NotAllowed,
                    ..
                }
            )
        })
        .await;
    assert!(!visitor
        .conn
        .events()
        .iter()
        .skip_while(|e| e.seq <= sent.seq)
        .any(|e| matches!(e.kind, EventKind::TranscriptSent { .. })));
}

#[tokio::test]
async fn with_transcripts_after_chats_leave_and_archive_emails_it_unasked() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.transcript_after_chat = true;
    let site = edge.create_site(settings, 1).await;
    let _online = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let email = format!("{}@example.com", unique("walt"));
    let started = start_conversation(
        &edge,
        &site.id,
        serde_json::json!({ "name": "Walt", "email": email }),
    )
    .await;
    let mut visitor =
        VisitorSocket::connect(&edge, &started.conversation_id, &started.token, 0).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let mut agent =
        AgentSocket::connect(&edge, &site, &site.agents[0], &visitor.conversation_id, 0).await;
    agent.send(AgentCommand::Accept).await;
    agent
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    agent
        .send(AgentCommand::Comment {
            text: "note only for agents".into(),
        })
        .await;
    agent
        .send(AgentCommand::Message {
            text: "Hi Walt, all sorted.".into(),
            client_id: None,
        })
        .await;
    visitor
        .conn
        .wait_event("agent message", |k| {
            matches!(k, EventKind::AgentMessage { .. })
        })
        .await;
    agent.send(AgentCommand::LeaveAndArchive).await;
    let sent = visitor
        .conn
        .wait_event("transcript sent", |k| {
            matches!(k, EventKind::TranscriptSent { .. })
        })
        .await;
    assert_eq!(sent.kind, EventKind::TranscriptSent { to: email.clone() });
    let mails = wait_for_mail(Duration::from_secs(15), |m| m.to == [email.clone()])
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    for said in ["Hi Walt, all sorted.", "left the chat"] {
        assert!(
            mails[0].text.contains(said),
            "{said:?} missing: {}",
            mails[0].text
        );
    }
    assert!(!mails[0].text.contains("note only"), "{}", mails[0].text);
}

//! The optional LLM answerer against a small chat-completions server on loopback (the real
//! service is not reachable here): its answers reach the visitor, the handoff triggers still
//! work, and a server that does not answer in time leaves the knowledge-base bot to answer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_core::bot::llm::LlmSettings;
use baton_core::EventKind;
use baton_tests::edge::fast_settings;
use baton_tests::{Edge, VisitorSocket};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves chat completions: every request gets `content` as the assistant's message, after
/// `delay`. Returns the endpoint URL and the request bodies received.
async fn fake_model(content: &'static str, delay: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/v1/chat/completions",
        listener.local_addr().unwrap()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    let Some((head, body)) = text.split_once("\r\n\r\n") else {
                        continue;
                    };
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        log.lock().unwrap().push(body.to_string());
                        break;
                    }
                }
                tokio::time::sleep(delay).await;
                let reply = serde_json::json!({ "choices": [{ "message": { "role": "assistant", "content": content } }] }).to_string();
                let response = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}", reply.len());
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn the_model_answers_grounded_in_the_knowledge_base_and_handoff_still_works() {
    let (url, seen) = fake_model(r#"{"answer":"Yes, we have kayaks for children from 6.","understood":true,"wants_human":false}"#, Duration::ZERO).await;
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.llm = Some(LlmSettings {
        url,
        model: "test-model".into(),
        timeout_ms: 5_000,
    });
    let site = edge.create_site(settings, 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.say("Do you have kayaks for kids?").await;
    visitor
        .conn
        .wait_event("model answer", |k| matches!(k, EventKind::BotMessage { text, .. } if text == "Yes, we have kayaks for children from 6."))
        .await;
    let request: serde_json::Value = serde_json::from_str(&seen.lock().unwrap()[0]).unwrap();
    assert_eq!(request["model"], "test-model");
    assert!(
        request["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("9 to 17"),
        "grounded in the knowledge base"
    );
    assert_eq!(
        request["messages"][1]["content"],
        "Do you have kayaks for kids?"
    );

    // The model says nothing about a person, but the visitor asked: the handoff happens.
    visitor.say("can I talk to a person please?").await;
    visitor
        .conn
        .wait_event("handoff (nobody online)", |k| {
            matches!(k, EventKind::NoAgentsAvailable { .. })
        })
        .await;
}

#[tokio::test]
async fn a_model_that_does_not_answer_in_time_leaves_the_knowledge_base_bot_to_answer() {
    let (url, _seen) = fake_model(r#"{"answer":"too late"}"#, Duration::from_secs(20)).await;
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.llm = Some(LlmSettings {
        url,
        model: "slow-model".into(),
        timeout_ms: 500,
    });
    let site = edge.create_site(settings, 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.say("What are your opening hours?").await;
    visitor
        .conn
        .wait_event(
            "knowledge-base answer",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;
}

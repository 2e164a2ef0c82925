//! Issue 17's FAQ import against the real edge: every format (CSV, text, JSON, a page by URL)
//! previewed, bad input refused, and the bot tried on the preview before anything is saved.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_tests::api::call;
use baton_tests::edge::{fast_settings, Edge};
use reqwest::Method;
use serde_json::json;

/// Serves one page on loopback (the FAQ page the edge fetches), for every request.
async fn serve_page(html: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                html.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{address}/faq")
}

#[tokio::test]
async fn the_faq_import_previews_every_format_and_the_bot_is_tried_before_saving() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0].token;
    let import = format!("/api/v1/sites/{}/knowledge-base/import", site.id);
    let csv = "question,answer,more phrasings\nDo you rent kayaks?,\"Yes, from 300 NOK a day.\",Kayak rental|Can I hire a kayak?\nBroken row without answer,\nWhere do we meet?,At the boathouse on Strandkaia.\n";
    let (status, preview) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "csv", "content": csv })),
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["entries"].as_array().unwrap().len(), 2);
    assert_eq!(preview["errors"][0]["row"], 3);
    let (_, text) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "text", "content": "Q: Parking?\nA: Behind the shop." })),
    )
    .await;
    assert_eq!(text["entries"][0]["answer"], "Behind the shop.");
    let (_, json_kb) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "json", "content": "[{\"questions\":[\"a?\"],\"answer\":\"b\"}]" })),
    )
    .await;
    assert_eq!(json_kb["entries"].as_array().unwrap().len(), 1);
    let url = serve_page("<html><body><details><summary>Can I cancel?</summary><p>Up to 24 h before.</p></details></body></html>").await;
    let (status, page) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "url": url })),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["entries"][0]["questions"][0], "Can I cancel?");
    let (status, _) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "url": "ftp://x.example/faq" })),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "csv" })),
    )
    .await;
    assert_eq!(status, 400);

    // Tried on the preview before saving: what it would answer, and what not.
    let trial = format!("/api/v1/sites/{}/bot/try", site.id);
    let entries = preview["entries"].clone();
    let (status, tried) = call(
        &edge,
        Method::POST,
        &trial,
        admin,
        Some(json!({ "knowledge_base": entries, "questions": ["can I hire a kayak", "do you sell bicycles"] })),
    )
    .await;
    assert_eq!(status, 200, "{tried}");
    assert_eq!(tried["answers"][0]["answered"], true);
    assert_eq!(tried["answers"][0]["reply"], "Yes, from 300 NOK a day.");
    assert_eq!(tried["answers"][1]["answered"], false);
    let (_, saved) = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{}/settings", site.id),
        admin,
        None,
    )
    .await;
    assert_eq!(
        saved["knowledge_base"].as_array().unwrap().len(),
        1,
        "nothing saved by import or trial"
    );
    // Saved through settings, the bot answers visitors from it.
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        admin,
        Some(json!({ "knowledge_base": entries })),
    )
    .await;
    assert_eq!(status, 200);
    let (_, tried) = call(
        &edge,
        Method::POST,
        &trial,
        admin,
        Some(json!({ "questions": ["where do we meet"] })),
    )
    .await;
    assert_eq!(
        tried["answers"][0]["reply"],
        "At the boathouse on Strandkaia."
    );
}

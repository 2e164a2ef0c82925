//! The admin's side of a visitor's data on request, against `wrangler dev`: an admin exports
//! everything about a visitor (every event the agent history shows, tickets with their email
//! threads) and erases it; afterwards no route, socket, list, ticket, statistic or Operator API
//! call returns any of it, the statistics keep their counts, and the log says who, when and how
//! many, never what. Bad requests change nothing. The visitor's own erase and the retention
//! setting are in `erase_without_admin.rs`; the visitor's data is made by
//! `baton_tests::privacy`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::ServerFrame;
use baton_core::Event;
use baton_tests::api::call;
use baton_tests::clients::Conn;
use baton_tests::edge::fast_settings;
use baton_tests::privacy::{
    admin_get, agent_history, facts_without_ids, settled_stats, VisitorFootprint, UNANSWERED,
};
use baton_tests::{Edge, SiteSocket};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn an_erase_by_email_leaves_nothing_of_the_visitor_anywhere() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let other_site = edge.create_site(fast_settings(), 1).await;
    let (admin, plain) = (&site.agents[0], &site.agents[1]);
    let VisitorFootprint {
        mut site_socket,
        email,
        made,
        ids,
        ticket,
        thread_path,
        bob,
        key,
        operator_id,
        bystander,
        stats_before,
        unanswered,
        webhooks: _webhooks,
    } = VisitorFootprint::leave(&edge, &site).await;

    // The export holds every event the agent history shows, and the ticket with its thread.
    // (Histories first: events only ever get added, and the waiting handoff's ladder goes on.)
    let mut histories = Vec::new();
    for id in ids.iter().chain([&operator_id]) {
        let (status, shown) = agent_history(&edge, &site, id).await;
        assert_eq!(status, 200);
        histories.push((id.clone(), shown));
    }
    let export_path = format!("/api/v1/sites/{}/privacy/export?email={email}", site.id);
    let (status, export) = admin_get(&edge, &site, &export_path).await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["format"], "baton-visitor-export/1");
    let exported: Vec<&str> = export["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for (id, shown) in &histories {
        assert!(
            exported.contains(&id.as_str()),
            "{id} missing from {exported:?}"
        );
        let conversation = export["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.as_str())
            .unwrap();
        let events: Vec<Event> = serde_json::from_value(conversation["events"].clone()).unwrap();
        for event in shown {
            assert!(events.contains(event), "{event:?} not exported");
        }
    }
    assert!(!exported.contains(&bystander.conversation_id.as_str()));
    assert!(export.to_string().contains("note: Vera's order 4711"));
    let tickets = export["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["thread"][0]["body"], "We will call you, Vera.");
    let asked = export["unanswered"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["text"], UNANSWERED);
    assert_eq!(asked[0]["conversation_id"], ids[0].as_str());
    // The refused reply from the visitor's address, not the bystander's; the reply address
    // (which names no site) is left out.
    let refused = export["refused_emails"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["sender"], email.to_uppercase());
    assert_eq!(refused[0]["reason"], "unknown reply address");
    assert!(refused[0].get("recipient").is_none(), "{refused:?}");
    let bob_export = format!("/api/v1/sites/{}/privacy/export?email={bob}", site.id);
    let refused_of_bob = |export: Value| export["refused_emails"].clone();
    assert_eq!(
        refused_of_bob(admin_get(&edge, &site, &bob_export).await.1)[0]["sender"],
        bob.as_str()
    );

    // Bad requests: a clear error, nothing changes.
    let erase = format!("/api/v1/sites/{}/privacy/erase", site.id);
    let refusals = [
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": "nobody-here@example.com" }),
            404,
        ),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": "not an email" }),
            400,
        ),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": email, "conversation": ids[0] }),
            400,
        ),
        (admin.token.as_str(), erase.clone(), json!({}), 400),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "conversation": "../../x" }),
            400,
        ),
        (
            plain.token.as_str(),
            erase.clone(),
            json!({ "email": email }),
            403,
        ),
        // An admin of another site, on this site, and on their own site for this conversation.
        (
            other_site.agents[0].token.as_str(),
            erase.clone(),
            json!({ "email": email }),
            403,
        ),
        (
            other_site.agents[0].token.as_str(),
            format!("/api/v1/sites/{}/privacy/erase", other_site.id),
            json!({ "conversation": ids[0] }),
            404,
        ),
        (
            other_site.agents[0].token.as_str(),
            format!("/api/v1/sites/{}/privacy/erase", other_site.id),
            json!({ "email": email }),
            404,
        ),
    ];
    for (token, path, body, expected) in refusals {
        let (status, answer) = call(&edge, Method::POST, &path, token, Some(body.clone())).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let (status, _) = call(&edge, Method::GET, &export_path, &plain.token, None).await;
    assert_eq!(status, 403, "a plain agent cannot export");
    let (_, again) = admin_get(&edge, &site, &export_path).await;
    // (The waiting handoff's ladder moves on meanwhile: compare what is stored, not its state.)
    let ids_of = |export: &Value| -> Vec<String> {
        export["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids_of(&again), ids_of(&export), "nothing changed");
    assert_eq!(again["tickets"], export["tickets"], "nothing changed");
    assert_eq!(again["unanswered"], export["unanswered"], "nothing changed");
    let log_path = format!("/api/v1/sites/{}/privacy/erasures", site.id);
    let (_, log) = admin_get(&edge, &site, &log_path).await;
    assert_eq!(log["erasures"], json!([]));

    // The erase.
    let (status, record) = call(
        &edge,
        Method::POST,
        &erase,
        &admin.token,
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["conversations"], 3, "{record}");
    assert_eq!(record["cause"], "email");
    assert_eq!(record["by"]["agent_id"], admin.id.as_str());
    assert!(record["counts"]["events"].as_u64().unwrap() > 5, "{record}");
    assert_eq!(record["counts"]["tickets"], 1, "{record}");
    assert_eq!(record["counts"]["ticket_messages"], 1, "{record}");
    assert_eq!(record["counts"]["unanswered_questions"], 1, "{record}");
    assert_eq!(record["counts"]["refused_emails"], 1, "{record}");
    assert!(
        record["counts"]["index_rows"].as_u64().unwrap() >= 1,
        "{record}"
    );
    site_socket
        .conn
        .wait_for(
            "erased from the lists",
            |f| matches!(f, ServerFrame::ConversationErased { conversation_id } if *conversation_id == operator_id),
        )
        .await;

    // Nothing of it is returned anywhere.
    let leaks = |text: &str| {
        let mut found: Vec<String> = ids
            .iter()
            .chain([&operator_id, &ticket])
            .filter(|id| text.contains(id.as_str()))
            .cloned()
            .collect();
        // " 4711" with its space: every text of the visitor's has one before it, and a bare
        // "4711" also turns up inside timestamps (1765074711…), a false leak now and then.
        for data in [email.as_str(), " 4711", "We will call you"] {
            if text.contains(data) {
                found.push(data.into());
            }
        }
        found
    };
    for id in ids.iter().chain([&operator_id]) {
        let (status, _) = agent_history(&edge, &site, id).await;
        assert_eq!(status, 404, "agent history of {id}");
    }
    for (id, token) in &made {
        let url = format!(
            "{}/api/v1/conversations/{id}/ws?token={token}&after=0",
            edge.ws_base()
        );
        assert!(
            Conn::open(&url, None).await.is_err(),
            "visitor socket resumed"
        );
        let events = format!(
            "{}/api/v1/conversations/{id}/events?token={token}",
            edge.base
        );
        let answer = edge.http.get(events).send().await.unwrap();
        assert_eq!(answer.status(), 404);
    }
    for list in ["active", "monitor", "missed", "archived"] {
        let (status, body) = admin_get(
            &edge,
            &site,
            &format!("/api/v1/sites/{}/conversations?list={list}", site.id),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            leaks(&body.to_string()),
            Vec::<String>::new(),
            "{list}: {body}"
        );
    }
    let fresh = SiteSocket::connect(&edge, &site, admin).await;
    let snapshot = format!("{:?}", fresh.conn.frames);
    assert_eq!(leaks(&snapshot), Vec::<String>::new(), "site snapshot");
    assert!(
        snapshot.contains(&bystander.conversation_id),
        "the bystander stays"
    );
    for status in ["open", "closed"] {
        let (_, body) = admin_get(
            &edge,
            &site,
            &format!("/api/v1/sites/{}/tickets?status={status}", site.id),
        )
        .await;
        assert_eq!(
            leaks(&body.to_string()),
            Vec::<String>::new(),
            "tickets: {body}"
        );
    }
    let (status, _) = admin_get(&edge, &site, &thread_path).await;
    assert_eq!(status, 404, "ticket thread");
    let (status, body) = admin_get(&edge, &site, &unanswered).await;
    assert_eq!(status, 200);
    assert_eq!(
        leaks(&body.to_string()),
        Vec::<String>::new(),
        "unanswered questions: {body}"
    );
    assert!(!body.to_string().contains("zorblax"), "{body}");
    let (status, _) = call(
        &edge,
        Method::POST,
        &format!("/api/v1/operator/conversations/{operator_id}/messages"),
        &key,
        Some(json!({ "text": "still there?" })),
    )
    .await;
    assert_eq!(status, 404, "operator relay to an erased conversation");
    let stats_after = settled_stats(&edge, &site).await;
    assert_eq!(
        leaks(&stats_after.to_string()),
        Vec::<String>::new(),
        "stats"
    );
    assert_eq!(
        facts_without_ids(&stats_before),
        facts_without_ids(&stats_after),
        "the counts stay"
    );
    let (status, _) = admin_get(&edge, &site, &export_path).await;
    assert_eq!(status, 404, "nothing left to export");
    // The bystander's refused reply stays.
    assert_eq!(
        refused_of_bob(admin_get(&edge, &site, &bob_export).await.1)
            .as_array()
            .map(Vec::len),
        Some(1),
        "the bystander's refused reply stays"
    );
    let (_, log) = admin_get(&edge, &site, &log_path).await;
    let entries = log["erasures"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(
        leaks(&log.to_string()),
        Vec::<String>::new(),
        "the log holds no data"
    );

    // Cannot be undone, and a second erase finds nothing (and logs nothing).
    let (status, _) = call(
        &edge,
        Method::POST,
        &erase,
        &admin.token,
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(status, 404);
    let (_, log) = admin_get(&edge, &site, &log_path).await;
    assert_eq!(log["erasures"].as_array().unwrap().len(), 1);
}

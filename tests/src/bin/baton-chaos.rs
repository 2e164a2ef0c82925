//! Kills workerd (`kill -9`, by pid) at a random instant of every round while visitors leave
//! messages and chats are missed, archived and forwarded, with ticket webhooks going to a
//! loopback receiver that fails 30 % of requests; after the last restart, checks that every
//! ticket, index row, statistics fact and webhook exists exactly once. Prints the counts.
//!
//!   baton-chaos [--rounds N] [--per-round K] [--seed S]
//!
//! Runs its own `wrangler dev` (built already; `BATON_BOOTSTRAP_TOKEN` set) on a free port with
//! fresh state; `scripts/chaos.sh` sets everything up. Exits non-zero on any loss or duplicate.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton_tests::chaos::{round, settle, Rng};
use baton_tests::edge::{fast_settings, free_port, unique};
use baton_tests::hooks::{FailurePolicy, WebhookReceiver};
use baton_tests::Edge;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let rounds = arg("--rounds", 100);
    let per_round = arg("--per-round", 6) as usize;
    let seed = arg(
        "--seed",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1),
    );
    // A kill cuts scenario tasks short with a panic inside them (their sockets close): that is
    // expected and counted, so only the main thread's panics are printed.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            default_hook(info);
        }
    }));
    let mut rng = Rng::new(seed);
    let state = std::env::temp_dir().join(unique("baton-chaos"));
    let state = state.to_string_lossy().to_string();
    let port = free_port();
    println!("chaos: {rounds} rounds × {per_round} conversations, seed {seed}, port {port}, state {state}");
    let receiver = WebhookReceiver::start(FailurePolicy::Random {
        per_mille: 300,
        seed: seed ^ 0x9e37_79b9,
        delay_ms: 200,
    })
    .await;
    let started_at = Instant::now();
    let mut edge = Edge::spawn(port, &state).await;
    let mut settings = fast_settings();
    settings.ticket_webhook_url = receiver.url.clone();
    settings.webhook_secret = "chaos-webhook-secret-0123".into();
    settings.max_chats_per_agent = 100;
    let site = edge
        .create_site_with(settings, 1, serde_json::json!({ "max_chats": 100 }))
        .await;
    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut interrupted = 0;
    let mut kills = 0;
    for number in 1..=rounds {
        let kill_after = Duration::from_millis(200 + rng.below(3_800));
        interrupted += round(&edge, &site, &mut rng, per_round, kill_after, &ids).await;
        kills += 1;
        edge.stop().await;
        edge = Edge::spawn(port, &state).await;
        println!(
            "round {number}/{rounds}: killed workerd after {} ms; {} conversations so far",
            kill_after.as_millis(),
            ids.lock().map(|i| i.len()).unwrap_or(0)
        );
    }
    let ids: Vec<String> = ids.lock().map(|i| i.clone()).unwrap_or_default();
    let counts = match settle(
        &edge,
        &site,
        &state,
        &ids,
        &receiver,
        Duration::from_secs(180),
    )
    .await
    {
        Ok(counts) => counts,
        Err(error) => {
            eprintln!("chaos check failed: {error}");
            std::process::exit(2);
        }
    };
    edge.stop().await;
    let _ = std::fs::remove_dir_all(&state);
    println!(
        "\nchaos: {kills} kills of workerd in {:.0} s, {} conversations, {interrupted} scenario runs cut by a kill",
        started_at.elapsed().as_secs_f64(),
        counts.conversations
    );
    println!("| what | expected | missing | wrong/doubled |");
    println!("|---|---|---|---|");
    println!(
        "| tickets in D1 | {} | {} | {} |",
        counts.tickets_expected, counts.tickets_missing, counts.tickets_extra
    );
    println!(
        "| Missed/Archived index rows | {} | {} | {} |",
        counts.index_expected, counts.index_missing, counts.index_wrong
    );
    println!(
        "| Active list rows (site object) | {} | {} | {} |",
        counts.list_expected, counts.list_missing, counts.list_wrong
    );
    println!(
        "| statistics facts | {} | {} | {} |",
        counts.facts_expected, counts.facts_missing, counts.facts_wrong
    );
    println!(
        "| webhooks (unique keys accepted) | {} | {} | {} |",
        counts.webhooks_expected, counts.webhooks_missing, counts.webhooks_unknown
    );
    println!(
        "webhook attempts {} ({} answered 500 by the receiver), {} accepted again under a known key (deduplicated)",
        counts.webhook_attempts, counts.webhook_failed_attempts, counts.webhook_redeliveries
    );
    println!(
        "lost {} · wrong or doubled {}",
        counts.lost(),
        counts.wrong()
    );
    for problem in &counts.problems {
        println!("  {problem}");
    }
    if counts.lost() > 0 || counts.wrong() > 0 {
        std::process::exit(1);
    }
}

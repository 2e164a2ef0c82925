//! Prints how fast, how light and how exact Baton is, against a running edge
//! (`BATON_EDGE_URL`, `BATON_BOOTSTRAP_TOKEN`; `scripts/bench.sh` starts one).
//!
//!   baton-bench [--quick] [--levels=50,200] [--latency-only] [--push-only] [--claim-only] [--relay URL]
//!               [--via-proxy]
//!
//! Each target is measured at its runtime, behind wrangler's dev proxy (`bench/direct.rs`);
//! `--via-proxy` measures through the proxy instead.
//!
//! With `--relay URL` (or `BATON_RELAY_URL`) every latency level also runs, right after Baton,
//! against the stored relay baseline at URL (`tests/bench/relay`), and prints Baton's latency
//! percentiles and workerd CPU per delivered message as ratios to the relay's.
//!
//! Figures, not assertions: run it twice to see the spread.

use std::time::Duration;

use baton_tests::bench::direct::{port_of, runtime_or_proxy};
use baton_tests::bench::procs::{memory_kib, workerd_pids, workerd_rss};
use baton_tests::bench::stats::{ms, print_table, Row};
use baton_tests::bench::sweep::{Sweep, DELIVERED_SHARE, P99_LIMIT};
use baton_tests::bench::{claim, fanout, ladder, latency, push, relay};
use baton_tests::Edge;

/// The relay baseline's URL: `--relay URL`, `--relay=URL` or `BATON_RELAY_URL`.
fn relay_url() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--relay")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--relay=").map(str::to_string))
        })
        .or_else(|| std::env::var("BATON_RELAY_URL").ok())
        .filter(|url| !url.is_empty())
}

/// `a / b` as "1.23×", or "-" when the baseline measured nothing.
fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "-".into()
    }
}

fn cpu_ms(cpu: Duration) -> String {
    format!("{:.3} ms", cpu.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // --latency-only: just the message latency levels (for profiling the hot path).
    let latency_only = std::env::args().any(|a| a == "--latency-only");
    // --push-only: just the Web Push latency rows.
    let push_only = std::env::args().any(|a| a == "--push-only");
    // --claim-only: just the claim races.
    let claim_only = std::env::args().any(|a| a == "--claim-only");
    // --via-proxy: through wrangler's dev proxy, as before 2026-12-08 (see bench/direct.rs).
    let via_proxy = std::env::args().any(|a| a == "--via-proxy");
    let served = Edge::shared();
    let port = port_of(&served.base);
    let relay = relay_url();
    let edge = Edge::at(
        &runtime_or_proxy(&served.base, via_proxy).await,
        &served.bootstrap_token,
    );
    let mut rows = Vec::new();
    if push_only {
        push_rows(&edge, quick, &mut rows).await;
        print_table(&rows);
        return;
    }
    if claim_only {
        claim_rows(&edge, quick, &mut rows).await;
        print_table(&rows);
        return;
    }
    println!(
        "baton-bench against {} ({} mode){}",
        edge.base,
        if quick { "quick" } else { "full" },
        relay
            .as_deref()
            .map(|url| format!(", relay baseline at {url}"))
            .unwrap_or_default()
    );

    // --levels=50,200: only these live-chat levels (the last one gets the rate sweep).
    let chosen: Option<Vec<usize>> = std::env::args()
        .find_map(|a| a.strip_prefix("--levels=").map(str::to_owned))
        .map(|list| {
            list.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        });
    let levels: &[usize] = match &chosen {
        Some(list) if !list.is_empty() => list,
        _ if quick => &[50],
        _ => &[50, 200, 500],
    };
    let (rss_before, _) = workerd_rss(&port);
    let own_before = memory_kib(std::process::id(), "VmRSS:");
    let interval = Duration::from_secs(1);
    let duration = Duration::from_secs(if quick { 5 } else { 10 });
    let mut sweeps = None;
    for &n in levels {
        let last_level = n == *levels.last().unwrap_or(&n);
        // Looked up per level: wrangler may restart workerd (it rebuilds once after start).
        let edge = Edge::at(
            &runtime_or_proxy(&served.base, via_proxy).await,
            &served.bootstrap_token,
        );
        let mut report = latency::run(&edge, n, interval, duration, &workerd_pids(&port)).await;
        println!(
            "latency: {n} live conversations opened in {:.1} s",
            report.setup.as_secs_f64()
        );
        for (direction, samples) in [
            ("visitor → agent", &report.delivered.to_agent),
            ("agent → visitor", &report.delivered.to_visitor),
        ] {
            rows.push(Row {
                what: format!(
                    "message {direction}, {n} live chats, {:.0} msg/s total",
                    report.messages_per_second
                ),
                figures: format!(
                    "p50 {} · p95 {} · p99 {} · max {} (n={})",
                    ms(samples.percentile(50.0)),
                    ms(samples.percentile(95.0)),
                    ms(samples.percentile(99.0)),
                    ms(samples.max()),
                    samples.len()
                ),
                target: if n == 500 {
                    "p50 ≤ 5 ms, p99 ≤ 25 ms".into()
                } else {
                    "-".into()
                },
            });
        }
        if last_level {
            let (rss, hwm) = workerd_rss(&port);
            let own = memory_kib(std::process::id(), "VmHWM:");
            rows.push(Row {
                what: format!("memory with {n} live chats (workerd RSS now / peak)"),
                figures: format!(
                    "{:.0} / {:.0} MiB; ≈{:.1} KiB per conversation; load generator peak {:.0} MiB (≈{:.1} KiB per chat)",
                    rss as f64 / 1024.0,
                    hwm as f64 / 1024.0,
                    rss.saturating_sub(rss_before) as f64 / n as f64,
                    own as f64 / 1024.0,
                    own.saturating_sub(own_before) as f64 / n as f64
                ),
                target: "-".into(),
            });
        }
        if let Some(url) = &relay {
            // Right after Baton at the same level, same duration: interleaved, so a busy
            // machine's slow minute hits both rather than one.
            let watch = workerd_pids(&port_of(url));
            let url = &runtime_or_proxy(url, via_proxy).await;
            match relay::run(url, n, interval, duration, &watch).await {
                Ok(mut baseline) => {
                    relay_rows(n, &report, &baseline, &mut rows);
                    if last_level {
                        // Both targets' conversations stay open for the rate sweep.
                        let baton =
                            Sweep::new(std::mem::take(&mut report.pairs), workerd_pids(&port));
                        let relay = Sweep::new(std::mem::take(&mut baseline.pairs), watch);
                        sweeps = Some((n, baton, relay, report, baseline));
                    }
                }
                Err(e) => eprintln!("relay baseline at {n} live chats failed: {e}"),
            }
        }
    }
    if let Some((n, mut baton, mut relay, _baton_report, _relay_report)) = sweeps {
        sweep_rows(n, quick, &mut baton, &mut relay, &mut rows).await;
    }

    if latency_only {
        print_table(&rows);
        return;
    }
    claim_rows(&edge, quick, &mut rows).await;

    for agents in [1, 10, 50] {
        let report = fanout::run(&edge, agents, if quick { 5 } else { 20 }).await;
        rows.push(Row {
            what: format!("fan-out: handoff → chat_waiting at {agents} agents"),
            figures: format!(
                "all notified after p50 {} · max {}",
                ms(report.all_notified.percentile(50.0)),
                ms(report.all_notified.max())
            ),
            target: "-".into(),
        });
    }

    push_rows(&edge, quick, &mut rows).await;

    let report = ladder::run(&edge, 100).await;
    rows.push(Row {
        what: format!(
            "ladder steps 2/4/6 s, {} waiting chats",
            report.conversations
        ),
        figures: format!(
            "late (stored) p50 {} · max {}; seen by visitor p50 {} · max {}",
            ms(report.late_stored.percentile(50.0)),
            ms(report.late_stored.max()),
            ms(report.late_seen.percentile(50.0)),
            ms(report.late_seen.max())
        ),
        target: "≤ 1 s late".into(),
    });
    if !quick {
        let state = std::env::temp_dir().join(baton_tests::edge::unique("baton-bench-restart"));
        let report = ladder::run_with_restart(100, &state.to_string_lossy()).await;
        let _ = std::fs::remove_dir_all(&state);
        rows.push(Row {
            what: format!(
                "ladder steps 20/24/28 s across a restart, {} chats",
                report.conversations
            ),
            figures: format!(
                "late (stored) p50 {} · max {}; seen by visitor p50 {} · max {}",
                ms(report.late_stored.percentile(50.0)),
                ms(report.late_stored.max()),
                ms(report.late_seen.percentile(50.0)),
                ms(report.late_seen.max())
            ),
            target: "≤ 1 s late".into(),
        });
    }
    print_table(&rows);
}

/// The relay's own figures, then Baton's as ratios to them (both directions together).
fn relay_rows(
    n: usize,
    baton: &latency::LatencyReport,
    baseline: &latency::LatencyReport,
    rows: &mut Vec<Row>,
) {
    let (b, r) = (baton.delivered.both(), baseline.delivered.both());
    rows.push(Row {
        what: format!(
            "relay baseline: message both ways, {n} live chats, {:.0} msg/s total",
            baseline.messages_per_second
        ),
        figures: format!(
            "p50 {} · p95 {} · p99 {} · max {} (n={})",
            ms(r.percentile(50.0)),
            ms(r.percentile(95.0)),
            ms(r.percentile(99.0)),
            ms(r.max()),
            r.len()
        ),
        target: "-".into(),
    });
    let pct = |s: &baton_tests::bench::stats::Samples, p| s.percentile(p) as f64;
    rows.push(Row {
        what: format!("Baton / relay latency, {n} live chats (both ways)"),
        figures: format!(
            "p50 {} · p95 {} · p99 {} (Baton {} / {} / {})",
            ratio(pct(&b, 50.0), pct(&r, 50.0)),
            ratio(pct(&b, 95.0), pct(&r, 95.0)),
            ratio(pct(&b, 99.0), pct(&r, 99.0)),
            ms(b.percentile(50.0)),
            ms(b.percentile(95.0)),
            ms(b.percentile(99.0))
        ),
        target: "p50 ≤ 1.1×, p99 ≤ 2×".into(),
    });
    let (bc, rc) = (
        baton.delivered.cpu_per_message(),
        baseline.delivered.cpu_per_message(),
    );
    rows.push(Row {
        what: format!("workerd CPU per delivered message, {n} live chats"),
        figures: format!(
            "Baton / relay {} (Baton {} per msg, {}/{} delivered; relay {}, {}/{})",
            ratio(bc.as_secs_f64(), rc.as_secs_f64()),
            cpu_ms(bc),
            baton.delivered.count(),
            baton.delivered.sent,
            cpu_ms(rc),
            baseline.delivered.count(),
            baseline.delivered.sent
        ),
        target: "≤ 1.2×".into(),
    });
}

/// The highest sustainable rate of each target on `n` live chats, the steps alternating between
/// them, and Baton's as a ratio to the relay's.
async fn sweep_rows(
    n: usize,
    quick: bool,
    baton: &mut Sweep,
    relay: &mut Sweep,
    rows: &mut Vec<Row>,
) {
    // Messages per second, both ways together; the steady levels run at 2 per chat per second.
    let per_chat: &[f64] = &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0];
    let step = Duration::from_secs(if quick { 3 } else { 5 });
    for &per in per_chat {
        let rate = per * n as f64;
        if !baton.going() && !relay.going() {
            break;
        }
        baton.step(rate, step).await;
        relay.step(rate, step).await;
    }
    let describe = |sweep: &Sweep| {
        sweep
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{:.0} [{} CPU/msg]{}",
                    s.rate,
                    cpu_ms(s.cpu_per_message),
                    if s.holds() {
                        String::new()
                    } else {
                        format!(
                            " ✗ ({}/{} delivered, p99 {}{})",
                            s.delivered,
                            s.sent,
                            ms(s.p99),
                            if s.lost > 0 {
                                format!(", {} sockets lost", s.lost)
                            } else {
                                String::new()
                            }
                        )
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let highest = |sweep: &Sweep| {
        sweep
            .highest()
            .map(|r| format!("{r:.0} msg/s"))
            .unwrap_or("none".into())
    };
    rows.push(Row {
        what: format!(
            "highest sustained rate, {n} live chats (≥ {:.0} % delivered, p99 < {} ms; {} s steps)",
            DELIVERED_SHARE * 100.0,
            P99_LIMIT.as_millis(),
            step.as_secs()
        ),
        figures: format!(
            "Baton / relay {} (Baton {}: {}; relay {}: {})",
            match (baton.highest(), relay.highest()) {
                (Some(b), Some(r)) => ratio(b, r),
                (None, Some(_)) => "0×".into(),
                _ => "-".into(),
            },
            highest(baton),
            describe(baton),
            highest(relay),
            describe(relay)
        ),
        target: "≥ 0.9×".into(),
    });
}

/// Web Push: handoff → the push request at the (loopback) push service.
async fn push_rows(edge: &Edge, quick: bool, rows: &mut Vec<Row>) {
    for agents in [1, 10] {
        let report = push::run(edge, agents, if quick { 10 } else { 50 }).await;
        rows.push(Row {
            what: format!(
                "Web Push: handoff → push request at the push service, {} closed dashboard(s)",
                report.agents
            ),
            figures: format!(
                "first p50 {} · p99 {}; all p50 {} · p99 {}",
                ms(report.first.percentile(50.0)),
                ms(report.first.percentile(99.0)),
                ms(report.all.percentile(50.0)),
                ms(report.all.percentile(99.0))
            ),
            target: "-".into(),
        });
    }
}

async fn claim_rows(edge: &Edge, quick: bool, rows: &mut Vec<Row>) {
    let (agents, trials) = if quick { (100, 20) } else { (100, 200) };
    let report = claim::run(edge, agents, trials).await;
    rows.push(Row {
        what: format!(
            "claim race: {} agents accept at once, {} trials",
            report.agents, report.trials
        ),
        figures: format!(
            "exactly one winner in {}/{} trials; every loser told after p50 {} · max {}; \
             each loser after the winner p50 {} · p99 {} · max {}",
            report.exact,
            report.trials,
            ms(report.all_told.percentile(50.0)),
            ms(report.all_told.max()),
            ms(report.loser_after_winner.percentile(50.0)),
            ms(report.loser_after_winner.percentile(99.0)),
            ms(report.loser_after_winner.max())
        ),
        target: "1 winner every time; losers p99 ≤ 50 ms after the winner".into(),
    });
}

//! Prints how fast, how light and how exact Baton is, against a running edge
//! (`BATON_EDGE_URL`, `BATON_BOOTSTRAP_TOKEN`; `scripts/bench.sh` starts one).
//!
//!   baton-bench [--quick] [--latency-only]
//!
//! Figures, not assertions: run it twice to see the spread.

use std::time::Duration;

use baton_tests::bench::stats::{ms, print_table, Row};
use baton_tests::bench::{claim, fanout, ladder, latency, push};
use baton_tests::Edge;

fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The workerd processes of the wrangler serving `port` (children of that wrangler).
fn workerd_pids(port: &str) -> Vec<u32> {
    let processes: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .ok()?
                .replace('\0', " ");
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat
                .rsplit(')')
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid, cmdline))
        })
        .collect();
    let wranglers: Vec<u32> = processes
        .iter()
        .filter(|(_, _, cmd)| cmd.contains("wrangler") && cmd.contains(&format!("--port {port}")))
        .map(|(pid, _, _)| *pid)
        .collect();
    processes
        .iter()
        .filter(|(_, ppid, cmd)| cmd.contains("workerd") && wranglers.contains(ppid))
        .map(|(pid, _, _)| *pid)
        .collect()
}

fn workerd_rss(port: &str) -> (u64, u64) {
    let pids = workerd_pids(port);
    (
        pids.iter().map(|p| memory_kib(*p, "VmRSS:")).sum(),
        pids.iter().map(|p| memory_kib(*p, "VmHWM:")).sum(),
    )
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // --latency-only: just the message latency levels (for profiling the hot path).
    let latency_only = std::env::args().any(|a| a == "--latency-only");
    // --push-only: just the Web Push latency rows.
    let push_only = std::env::args().any(|a| a == "--push-only");
    let edge = Edge::shared();
    let port = edge.base.rsplit(':').next().unwrap_or("8787").to_string();
    let mut rows = Vec::new();
    if push_only {
        push_rows(&edge, quick, &mut rows).await;
        print_table(&rows);
        return;
    }
    println!(
        "baton-bench against {} ({} mode)",
        edge.base,
        if quick { "quick" } else { "full" }
    );

    let levels: &[usize] = if quick { &[50] } else { &[50, 200, 500] };
    let (rss_before, _) = workerd_rss(&port);
    let own_before = memory_kib(std::process::id(), "VmRSS:");
    for &n in levels {
        let report = latency::run(
            &edge,
            n,
            Duration::from_secs(1),
            Duration::from_secs(if quick { 5 } else { 10 }),
        )
        .await;
        println!(
            "latency: {n} live conversations opened in {:.1} s",
            report.setup.as_secs_f64()
        );
        for (direction, samples) in [
            ("visitor → agent", &report.to_agent),
            ("agent → visitor", &report.to_visitor),
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
        if n == *levels.last().unwrap_or(&n) {
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
    }

    if latency_only {
        print_table(&rows);
        return;
    }
    let (agents, trials) = if quick { (100, 20) } else { (100, 200) };
    let report = claim::run(&edge, agents, trials).await;
    rows.push(Row {
        what: format!(
            "claim race: {} agents accept at once, {} trials",
            report.agents, report.trials
        ),
        figures: format!(
            "exactly one winner in {}/{} trials; every loser told after p50 {} · max {}",
            report.exact,
            report.trials,
            ms(report.all_told.percentile(50.0)),
            ms(report.all_told.max())
        ),
        target: "1 winner every time".into(),
    });

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

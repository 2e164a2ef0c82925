//! The runtime behind `wrangler dev`, without wrangler's dev proxy in front of it.
//!
//! `wrangler dev --port P` runs two workerd processes: the user's worker (the one started with
//! `--inspector-addr`) on a port of its own, and in front of it, on P, a proxy worker (JavaScript)
//! that holds requests while wrangler rebuilds. Every frame of every WebSocket passes through
//! that proxy's one thread, and under load it costs as much CPU as the worker itself (measured:
//! 1 086 vs 1 717 ticks over one 200-chat run) and queues frames behind each other (claim races:
//! the losers' "taken by" p99 104 ms through it, 40 ms without). Nothing like it stands between
//! a client and a Durable Object on Cloudflare, so the benchmarks measure the runtime itself:
//! they find the user worker's port and talk to it directly, for Baton and the relay alike.

use std::time::Duration;

use super::procs::workerd_pids;

/// The port in `url` (`http://127.0.0.1:8790` → `8790`).
pub fn port_of(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap_or("8787")
        .to_string()
}

/// The URL of the worker behind the `wrangler dev` serving `url`, if one answers `/` exactly as
/// `url` does; `None` when `url` is not a local `wrangler dev` (then use `url` itself).
pub async fn runtime_url(url: &str) -> Option<String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .ok()?;
    let expected = fingerprint(&client, url).await?;
    for port in user_worker_ports(&port_of(url)) {
        let candidate = format!("http://127.0.0.1:{port}");
        if fingerprint(&client, &candidate).await.as_ref() == Some(&expected) {
            return Some(candidate);
        }
    }
    None
}

/// `url`, or the runtime behind it when there is one (printed, so a reader knows which).
pub async fn runtime_or_proxy(url: &str, via_proxy: bool) -> String {
    if via_proxy {
        return url.to_string();
    }
    // Probed once per target while the runtime found still answers (wrangler may restart it).
    static FOUND: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    let cached = FOUND
        .lock()
        .ok()
        .and_then(|found| found.iter().find(|(u, _)| u == url).map(|(_, d)| d.clone()));
    if let Some(direct) = cached {
        if reqwest::get(format!("{direct}/")).await.is_ok() {
            return direct;
        }
    }
    match runtime_url(url).await {
        Some(direct) => {
            eprintln!(
                "bench: {url} measured at its runtime {direct} (wrangler's dev proxy bypassed)"
            );
            direct
        }
        None => {
            eprintln!("bench: no runtime found behind {url}; measuring through it");
            url.to_string()
        }
    }
}

/// Status and the first bytes of the body of `GET /`.
async fn fingerprint(client: &reqwest::Client, base: &str) -> Option<(u16, Vec<u8>)> {
    let response = client.get(format!("{base}/")).send().await.ok()?;
    let status = response.status().as_u16();
    let body = response.bytes().await.ok()?;
    Some((status, body.iter().take(256).copied().collect()))
}

/// The TCP ports the user worker's workerd listens on, in the order it opened them (Linux
/// /proc; empty elsewhere). Its sockets from the configuration come before its debug port, which
/// speaks Cap'n Proto: an HTTP request there breaks one of workerd's RPC connections, so the
/// probe stops at the first port that answers like the proxy.
fn user_worker_ports(port: &str) -> Vec<u16> {
    let Some(pid) = workerd_pids(port).into_iter().find(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|cmd| cmd.contains("--inspector-addr"))
    }) else {
        return Vec::new();
    };
    let mut sockets: Vec<(u32, String)> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| {
            let number = fd.file_name().to_str()?.parse().ok()?;
            let target = std::fs::read_link(fd.path()).ok()?;
            let inode = target
                .to_str()?
                .strip_prefix("socket:[")?
                .strip_suffix(']')?;
            Some((number, inode.to_string()))
        })
        .collect();
    sockets.sort();
    let inodes: Vec<String> = sockets.into_iter().map(|(_, inode)| inode).collect();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    listening_ports(&table, &inodes)
}

/// Ports in LISTEN state (`0A`) in a /proc/net/tcp table whose socket inode is one of `inodes`,
/// in the order of `inodes`.
fn listening_ports(table: &str, inodes: &[String]) -> Vec<u16> {
    let listening: Vec<(&str, u16)> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
            if *state != "0A" {
                return None;
            }
            Some((
                *inode,
                u16::from_str_radix(local.rsplit(':').next()?, 16).ok()?,
            ))
        })
        .collect();
    inodes
        .iter()
        .filter_map(|inode| listening.iter().find(|(i, _)| i == inode).map(|(_, p)| *p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_listening_ports_of_the_given_sockets() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:B4B3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n   1: 0100007F:1E96 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0\n   2: 0100007F:B4B4 0100007F:1E96 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n";
        assert_eq!(listening_ports(table, &["111".to_string()]), vec![0xB4B3]);
        assert_eq!(listening_ports(table, &["222".to_string()]), vec![7830]);
        assert!(listening_ports(table, &["333".to_string()]).is_empty());
        assert_eq!(
            listening_ports(table, &["222".to_string(), "111".to_string()]),
            vec![7830, 0xB4B3],
            "in the order of the inodes"
        );
    }

    #[test]
    fn port_of_reads_the_last_colon() {
        assert_eq!(port_of("http://127.0.0.1:8790/"), "8790");
        assert_eq!(port_of("http://127.0.0.1:8793"), "8793");
    }
}

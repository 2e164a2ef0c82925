//! The workerd processes behind a local `wrangler dev`: their memory and CPU time, read from
//! /proc (Linux only; elsewhere every figure reads 0).

use std::time::Duration;

pub fn memory_kib(pid: u32, field: &str) -> u64 {
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

/// The fields of /proc/<pid>/stat after the command name (which may itself hold spaces and
/// parentheses, hence the split at the last ')'): index 0 is field 3 (state).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(
        stat.rsplit(')')
            .next()?
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    )
}

/// The workerd processes of the wrangler serving `port` (children of that wrangler).
pub fn workerd_pids(port: &str) -> Vec<u32> {
    let processes: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .ok()?
                .replace('\0', " ");
            let ppid = stat_fields(pid)?.get(1)?.parse().ok()?;
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

/// Resident now and peak, in KiB, summed over the workerd processes serving `port`.
pub fn workerd_rss(port: &str) -> (u64, u64) {
    let pids = workerd_pids(port);
    (
        pids.iter().map(|p| memory_kib(*p, "VmRSS:")).sum(),
        pids.iter().map(|p| memory_kib(*p, "VmHWM:")).sum(),
    )
}

/// Clock ticks per second of /proc's utime/stime (`getconf CLK_TCK`; 100 on Linux if that fails).
fn clock_ticks_per_second() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or(100)
}

/// User + system CPU time spent so far by `pids` (all their threads). A process that exited
/// meanwhile counts 0, so compare readings of the same, living set.
pub fn cpu_time(pids: &[u32]) -> Duration {
    let ticks: u64 = pids
        .iter()
        .filter_map(|&pid| {
            let fields = stat_fields(pid)?;
            // utime and stime are fields 14 and 15 of /proc/<pid>/stat.
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            Some(utime + stime)
        })
        .sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second() as f64)
}

/// Waits until `pids` are idle (under 5 % of a core over 250 ms) or `limit` has passed, and
/// returns how long that took: what a target still does after its setup (deliveries, list rows,
/// index writes of the chats just opened) is not charged to the load measured next.
pub async fn settle(pids: &[u32], limit: Duration) -> Duration {
    let started = std::time::Instant::now();
    let window = Duration::from_millis(250);
    while started.elapsed() < limit {
        let before = cpu_time(pids);
        tokio::time::sleep(window).await;
        if cpu_time(pids).saturating_sub(before) < window / 20 {
            break;
        }
    }
    started.elapsed()
}

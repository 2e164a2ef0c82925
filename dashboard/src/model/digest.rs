//! The email digest's settings as the agent reads them.

/// "every day", "every 2 hours", "every 30 minutes", "every 5 seconds".
pub fn period(ms: i64) -> String {
    let (n, unit) = match ms {
        ms if ms % 86_400_000 == 0 => (ms / 86_400_000, "day"),
        ms if ms % 3_600_000 == 0 => (ms / 3_600_000, "hour"),
        ms if ms % 60_000 == 0 => (ms / 60_000, "minute"),
        ms if ms % 1000 == 0 => (ms / 1000, "second"),
        ms => return format!("every {ms} ms"),
    };
    match n {
        1 => format!("every {unit}"),
        n => format!("every {n} {unit}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::period;

    #[test]
    fn periods_read_naturally() {
        assert_eq!(period(86_400_000), "every day");
        assert_eq!(period(2 * 3_600_000), "every 2 hours");
        assert_eq!(period(30 * 60_000), "every 30 minutes");
        assert_eq!(period(1_500), "every 1500 ms");
        assert_eq!(period(1_000), "every second");
        assert_eq!(period(5_000), "every 5 seconds");
    }
}

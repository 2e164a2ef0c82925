//! Calendar arithmetic for the agent's own time zone: civil dates, local days and hours, with the
//! offset asked per instant so daylight-saving changes fall on the right day. No date crate: a
//! few functions cost less of the dashboard's wasm than chrono.

pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// "2026-11-21" → local day number; `None` for anything else.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A time zone as the statistics need it: its offset from UTC at an instant, in minutes with
/// JavaScript's `getTimezoneOffset` sign (UTC+1 is -60). The offset is asked for each instant,
/// so days across a daylight-saving change are counted right.
pub trait Zone {
    fn offset_at(&self, at: i64) -> i64;
}

/// One fixed offset, in the same minutes (UTC is 0).
impl Zone for i64 {
    fn offset_at(&self, _at: i64) -> i64 {
        *self
    }
}

/// The local day of an instant.
pub fn local_day(at: i64, zone: impl Zone) -> i64 {
    (at - zone.offset_at(at) * 60_000).div_euclid(DAY_MS)
}

/// The instant a local day starts: its midnight, with the offset in force at that midnight.
pub fn day_start(day: i64, zone: impl Zone) -> i64 {
    let naive = day * DAY_MS;
    let guess = naive + zone.offset_at(naive) * 60_000;
    naive + zone.offset_at(guess) * 60_000
}

pub fn day_label(day: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_, m, d) = civil_from_days(day);
    format!("{d} {}", MONTHS[(m as usize).saturating_sub(1) % 12])
}

/// The local hour (0–23) of an instant.
pub fn local_hour(at: i64, zone: impl Zone) -> usize {
    let local = at - zone.offset_at(at) * 60_000;
    (local.rem_euclid(DAY_MS) / 3_600_000) as usize
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            civil_from_days(days_from_civil(2026, 11, 21)),
            (2026, 11, 21)
        );
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            parse_date("2026-11-21").map(format_date).as_deref(),
            Some("2026-11-21")
        );
        assert_eq!(parse_date("21.11.2026"), None);
        assert_eq!(day_label(days_from_civil(2026, 11, 21)), "21 Nov");
    }

    #[test]
    fn days_follow_the_agents_time_zone() {
        // 23:30 UTC on day 0 is already day 1 in UTC+1 (offset -60).
        let at = DAY_MS - 30 * 60_000;
        assert_eq!(local_day(at, 0), 0);
        assert_eq!(local_day(at, -60), 1);
        assert_eq!(day_start(1, -60), DAY_MS - 3_600_000);
    }

    /// Central European time in 2026: UTC+1, and UTC+2 from 29 March 01:00 UTC.
    #[derive(Clone, Copy)]
    pub(crate) struct Oslo;

    impl Zone for Oslo {
        fn offset_at(&self, at: i64) -> i64 {
            let switch = days_from_civil(2026, 3, 29) * DAY_MS + 3_600_000;
            if at < switch {
                -60
            } else {
                -120
            }
        }
    }

    #[test]
    fn days_are_counted_in_the_offset_of_their_own_date_across_daylight_saving() {
        let before = days_from_civil(2026, 3, 28);
        let after = days_from_civil(2026, 3, 30);
        // 23:30 local on 30 March (summer time) is 21:30 UTC; with the winter offset taken for
        // the whole period it would land on the 30th at 22:30, still right; but 00:30 local on
        // the 30th is 22:30 UTC on the 29th, which one offset (winter) puts on the 29th.
        let half_past_midnight = after * DAY_MS - 2 * 3_600_000 + 30 * 60_000;
        assert_eq!(local_day(half_past_midnight, Oslo), after);
        assert_eq!(local_day(half_past_midnight, -60), after - 1, "the old bug");
        // Each day starts at its own local midnight.
        assert_eq!(day_start(before, Oslo), before * DAY_MS - 3_600_000);
        assert_eq!(day_start(after, Oslo), after * DAY_MS - 2 * 3_600_000);
    }
}

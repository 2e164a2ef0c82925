//! Statistics: the edge sends one fact row per conversation of the period; the dashboard counts
//! them into days of the agent's own time zone and draws them. Counting here keeps the edge's
//! answer simple and lets days follow the agent's clock.

use serde::{Deserialize, Serialize};

/// What happened in one conversation, as the edge derived it from its events.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub id: String,
    pub started_at: i64,
    /// The visitor asked for a person, or an agent took control.
    #[serde(default)]
    pub handoff_at: Option<i64>,
    /// It entered the queue (waiting for an agent).
    #[serde(default)]
    pub queued_at: Option<i64>,
    /// The first agent accepted after it was queued.
    #[serde(default)]
    pub accepted_at: Option<i64>,
    #[serde(default)]
    pub missed: bool,
    /// The visitor's rating after the chat, 1–5 (thumbs: 1 or 5).
    #[serde(default)]
    pub rating: Option<u8>,
}

/// `GET /api/v1/sites/{site}/stats?from=&to=`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsAnswer {
    pub facts: Vec<Facts>,
    /// Conversations whose facts are not computed yet: ask again.
    #[serde(default)]
    pub pending: u32,
    /// Whether conversations the bot handled alone are counted too (else every one is a handoff).
    #[serde(default)]
    pub includes_bot_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    /// "21 Nov"
    pub label: String,
    pub chats: u32,
    pub handoffs: u32,
    pub queued: u32,
    pub missed: u32,
    pub median_accept_ms: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub days: Vec<Day>,
    pub chats: u32,
    pub handoffs: u32,
    pub queued: u32,
    pub missed: u32,
    pub median_accept_ms: Option<i64>,
    /// How many conversations were rated 1, 2, … 5.
    pub ratings: [u32; 5],
}

impl Report {
    /// The average rating, when any was given.
    pub fn rating_average(&self) -> Option<f64> {
        let count: u32 = self.ratings.iter().sum();
        let sum: u32 = (1..=5).zip(self.ratings).map(|(score, n)| score * n).sum();
        (count > 0).then(|| f64::from(sum) / f64::from(count))
    }
}

const DAY_MS: i64 = 86_400_000;

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

fn label(day: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (_, m, d) = civil_from_days(day);
    format!("{d} {}", MONTHS[(m as usize).saturating_sub(1) % 12])
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

/// Rate as a whole percentage; `None` when there is nothing to divide.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| ((f64::from(part) / f64::from(whole)) * 100.0).round() as u32)
}

impl Report {
    /// Counts `facts` into the local days `first..=last` of `zone`.
    pub fn build(facts: &[Facts], first: i64, last: i64, zone: impl Zone + Copy) -> Self {
        let span = (last - first + 1).clamp(0, 366) as usize;
        let mut days: Vec<Day> = (0..span)
            .map(|i| Day {
                label: label(first + i as i64),
                ..Day::default()
            })
            .collect();
        let mut waits: Vec<Vec<i64>> = vec![Vec::new(); span];
        let mut ratings = [0u32; 5];
        for fact in facts {
            let day = local_day(fact.started_at, zone) - first;
            let Some(slot) = usize::try_from(day).ok().filter(|d| *d < span) else {
                continue;
            };
            let bucket = &mut days[slot];
            bucket.chats += 1;
            bucket.handoffs += u32::from(fact.handoff_at.is_some());
            bucket.queued += u32::from(fact.queued_at.is_some());
            bucket.missed += u32::from(fact.missed);
            if let Some(score) = fact.rating.filter(|s| (1..=5).contains(s)) {
                ratings[usize::from(score) - 1] += 1;
            }
            if let (Some(queued), Some(accepted)) = (fact.queued_at, fact.accepted_at) {
                waits[slot].push((accepted - queued).max(0));
            }
        }
        let all_waits: Vec<i64> = waits.iter().flatten().copied().collect();
        for (day, waits) in days.iter_mut().zip(waits) {
            day.median_accept_ms = median(waits);
        }
        Self {
            chats: days.iter().map(|d| d.chats).sum(),
            handoffs: days.iter().map(|d| d.handoffs).sum(),
            queued: days.iter().map(|d| d.queued).sum(),
            missed: days.iter().map(|d| d.missed).sum(),
            median_accept_ms: median(all_waits),
            ratings,
            days,
        }
    }
}

/// A round upper bound for a chart's axis (1, 2, 5 × 10^n), at least 1.
pub fn nice_max(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= max)
        .unwrap_or(10.0 * magnitude)
}

/// "1 min 5 s", "42 s" for a duration.
pub fn duration(ms: i64) -> String {
    let s = (ms + 500) / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, started: i64) -> Facts {
        Facts {
            id: id.into(),
            started_at: started,
            handoff_at: None,
            queued_at: None,
            accepted_at: None,
            missed: false,
            rating: None,
        }
    }

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
        assert_eq!(label(days_from_civil(2026, 11, 21)), "21 Nov");
    }

    #[test]
    fn report_counts_days_rates_and_medians() {
        let day = days_from_civil(2026, 11, 20);
        let t = day_start(day, 0);
        let mut handed = fact("a", t + 1_000);
        handed.handoff_at = Some(t + 2_000);
        handed.queued_at = Some(t + 2_000);
        handed.accepted_at = Some(t + 12_000);
        let mut slow = handed.clone();
        slow.id = "b".into();
        slow.accepted_at = Some(t + 32_000);
        let mut missed = fact("c", t + DAY_MS + 5);
        missed.handoff_at = Some(t + DAY_MS + 10);
        missed.queued_at = Some(t + DAY_MS + 10);
        missed.missed = true;
        let facts = [
            handed,
            slow,
            missed,
            fact("d", t + DAY_MS),
            fact("old", t - 1),
        ];
        let report = Report::build(&facts, day, day + 1, 0);
        assert_eq!(report.rating_average(), None);
        let rated: Vec<Facts> = [4, 5, 2, 9]
            .iter()
            .map(|score| Facts {
                rating: Some(*score),
                ..fact("r", t + 10)
            })
            .collect();
        let with_ratings = Report::build(&rated, day, day, 0);
        assert_eq!(
            with_ratings.ratings,
            [0, 1, 0, 1, 1],
            "out-of-scale scores are ignored"
        );
        assert_eq!(with_ratings.rating_average(), Some(11.0 / 3.0));
        assert_eq!(report.days.len(), 2);
        assert_eq!((report.days[0].chats, report.days[1].chats), (2, 2));
        assert_eq!(report.days[0].median_accept_ms, Some(20_000));
        assert_eq!(report.days[1].median_accept_ms, None);
        assert_eq!(
            (report.chats, report.handoffs, report.queued, report.missed),
            (4, 3, 3, 1)
        );
        assert_eq!(percent(report.handoffs, report.chats), Some(75));
        assert_eq!(percent(report.missed, report.queued), Some(33));
        assert_eq!(percent(0, 0), None);
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
    struct Oslo;

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
        let report = Report::build(&[fact("x", half_past_midnight)], before, after, Oslo);
        assert_eq!(
            report.days.iter().map(|d| d.chats).collect::<Vec<_>>(),
            [0, 0, 1]
        );
    }

    #[test]
    fn axis_and_durations() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(12.0), 20.0);
        assert_eq!(nice_max(100.0), 100.0);
        assert_eq!(duration(42_400), "42 s");
        assert_eq!(duration(65_000), "1 min 5 s");
    }
}

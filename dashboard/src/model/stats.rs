//! Statistics: the edge sends one fact row per conversation of the period; the dashboard counts
//! them into days of the agent's own time zone and draws them. Counting here keeps the edge's
//! answer simple and lets days follow the agent's clock.

use super::calendar::{day_label, format_date, local_day, local_hour, Zone};

pub use baton_core::stats::{Facts, StatsAnswer};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Day {
    /// "21 Nov"
    pub label: String,
    /// The local date, for the CSV export.
    pub date: String,
    pub chats: u32,
    pub handoffs: u32,
    pub queued: u32,
    pub missed: u32,
    pub bot_resolved: u32,
    pub rated: u32,
    pub rating_sum: u32,
    pub median_accept_ms: Option<i64>,
}

/// One hour of the day (local time), over the whole period: when chats came into the queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hour {
    pub queued: u32,
    pub accepted: u32,
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
    /// Conversations the bot handled without a person that the visitor did not rate badly.
    pub bot_resolved: u32,
    pub median_accept_ms: Option<i64>,
    /// How many conversations were rated 1, 2, … 5.
    pub ratings: [u32; 5],
    /// Index 0 is midnight to 1 am, in the agent's time zone.
    pub hours: [Hour; 24],
}

impl Report {
    /// The average rating, when any was given.
    pub fn rating_average(&self) -> Option<f64> {
        let count: u32 = self.ratings.iter().sum();
        let sum: u32 = (1..=5).zip(self.ratings).map(|(score, n)| score * n).sum();
        (count > 0).then(|| f64::from(sum) / f64::from(count))
    }
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
                label: day_label(first + i as i64),
                date: format_date(first + i as i64),
                ..Day::default()
            })
            .collect();
        let mut waits: Vec<Vec<i64>> = vec![Vec::new(); span];
        let mut hour_waits: Vec<Vec<i64>> = vec![Vec::new(); 24];
        let mut hours: [Hour; 24] = Default::default();
        let mut ratings = [0u32; 5];
        for fact in facts {
            let day = local_day(fact.started_at, zone) - first;
            let Some(slot) = usize::try_from(day).ok().filter(|d| *d < span) else {
                continue;
            };
            let bucket = &mut days[slot];
            let rating = fact.rating.filter(|s| (1..=5).contains(s));
            bucket.chats += 1;
            bucket.handoffs += u32::from(fact.handoff_at.is_some());
            bucket.queued += u32::from(fact.queued_at.is_some());
            bucket.missed += u32::from(fact.missed);
            bucket.bot_resolved += u32::from(fact.resolved_by_bot());
            if let Some(score) = rating {
                ratings[usize::from(score) - 1] += 1;
                bucket.rated += 1;
                bucket.rating_sum += u32::from(score);
            }
            let wait = fact
                .queued_at
                .zip(fact.accepted_at)
                .map(|(queued, accepted)| (accepted - queued).max(0));
            if let Some(wait) = wait {
                waits[slot].push(wait);
            }
            if let Some(queued) = fact.queued_at {
                let hour = &mut hours[local_hour(queued, zone)];
                hour.queued += 1;
                hour.accepted += u32::from(wait.is_some());
                hour.missed += u32::from(fact.missed);
                if let Some(wait) = wait {
                    hour_waits[local_hour(queued, zone)].push(wait);
                }
            }
        }
        let all_waits: Vec<i64> = waits.iter().flatten().copied().collect();
        for (day, waits) in days.iter_mut().zip(waits) {
            day.median_accept_ms = median(waits);
        }
        for (hour, waits) in hours.iter_mut().zip(hour_waits) {
            hour.median_accept_ms = median(waits);
        }
        Self {
            chats: days.iter().map(|d| d.chats).sum(),
            handoffs: days.iter().map(|d| d.handoffs).sum(),
            queued: days.iter().map(|d| d.queued).sum(),
            missed: days.iter().map(|d| d.missed).sum(),
            bot_resolved: days.iter().map(|d| d.bot_resolved).sum(),
            median_accept_ms: median(all_waits),
            ratings,
            hours,
            days,
        }
    }

    /// The period as CSV, one row per day (RFC 4180; every field is a number or a date, so
    /// nothing needs quoting and no cell can start a spreadsheet formula).
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "date,conversations,handoffs,resolved_by_bot,queued,missed,median_seconds_to_accept,rated,average_rating\r\n",
        );
        for day in &self.days {
            let wait = day
                .median_accept_ms
                .map_or(String::new(), |ms| format!("{:.1}", ms as f64 / 1000.0));
            let average = if day.rated > 0 {
                format!("{:.2}", f64::from(day.rating_sum) / f64::from(day.rated))
            } else {
                String::new()
            };
            out.push_str(&format!(
                "{},{},{},{},{},{},{wait},{},{average}\r\n",
                day.date,
                day.chats,
                day.handoffs,
                day.bot_resolved,
                day.queued,
                day.missed,
                day.rated
            ));
        }
        out
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
    use crate::model::calendar::tests::Oslo;
    use crate::model::calendar::{day_start, days_from_civil, DAY_MS};

    #[test]
    fn a_period_across_daylight_saving_counts_each_chat_on_its_own_date() {
        let before = days_from_civil(2026, 3, 28);
        let after = days_from_civil(2026, 3, 30);
        // 00:30 local (summer time) on the 30th is 22:30 UTC on the 29th.
        let half_past_midnight = after * DAY_MS - 2 * 3_600_000 + 30 * 60_000;
        let report = Report::build(&[fact("x", half_past_midnight)], before, after, Oslo);
        assert_eq!(
            report.days.iter().map(|d| d.chats).collect::<Vec<_>>(),
            [0, 0, 1]
        );
    }

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
    fn the_bot_resolves_what_never_reached_a_person_and_was_not_rated_badly() {
        let day = days_from_civil(2026, 11, 20);
        let t = day_start(day, 0);
        let mut handed = fact("a", t + 1_000);
        handed.handoff_at = Some(t + 2_000);
        let happy = Facts {
            rating: Some(5),
            ..fact("b", t + 3_000)
        };
        let unhappy = Facts {
            rating: Some(2),
            ..fact("c", t + 4_000)
        };
        let report = Report::build(&[handed, happy, unhappy, fact("d", t + 5_000)], day, day, 0);
        assert_eq!(
            (report.chats, report.handoffs, report.bot_resolved),
            (4, 1, 2)
        );
        assert_eq!(percent(report.bot_resolved, report.chats), Some(50));
    }

    #[test]
    fn waits_and_misses_are_counted_by_the_local_hour_they_were_queued() {
        let day = days_from_civil(2026, 11, 20);
        let t = day_start(day, -60); // midnight in UTC+1
        let queued_at = |id: &str, hour: i64, wait: Option<i64>, missed: bool| Facts {
            handoff_at: Some(t + hour * 3_600_000),
            queued_at: Some(t + hour * 3_600_000),
            accepted_at: wait.map(|w| t + hour * 3_600_000 + w),
            missed,
            ..fact(id, t + hour * 3_600_000)
        };
        let facts = [
            queued_at("a", 9, Some(10_000), false),
            queued_at("b", 9, Some(30_000), false),
            queued_at("c", 9, None, true),
            queued_at("d", 23, None, true),
        ];
        let report = Report::build(&facts, day, day, -60);
        assert_eq!(report.hours[9].queued, 3);
        assert_eq!(report.hours[9].accepted, 2);
        assert_eq!(report.hours[9].missed, 1);
        assert_eq!(report.hours[9].median_accept_ms, Some(20_000));
        assert_eq!((report.hours[23].queued, report.hours[23].missed), (1, 1));
        assert_eq!(report.hours[8], Hour::default());
        assert_eq!(local_hour(t, -60), 0, "local midnight is hour 0");
        assert_eq!(local_hour(t, 0), 23, "and 23:00 in UTC");
    }

    #[test]
    fn the_csv_has_one_row_per_day_with_every_figure() {
        let day = days_from_civil(2026, 11, 20);
        let t = day_start(day, 0);
        let mut accepted = fact("a", t + 1_000);
        accepted.handoff_at = Some(t + 1_000);
        accepted.queued_at = Some(t + 1_000);
        accepted.accepted_at = Some(t + 13_500);
        accepted.rating = Some(4);
        let report = Report::build(&[accepted, fact("b", t + 2_000)], day, day + 1, 0);
        assert_eq!(
            report.csv(),
            "date,conversations,handoffs,resolved_by_bot,queued,missed,median_seconds_to_accept,rated,average_rating\r\n\
             2026-11-20,2,1,1,1,0,12.5,1,4.00\r\n\
             2026-11-21,0,0,0,0,0,,0,\r\n"
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

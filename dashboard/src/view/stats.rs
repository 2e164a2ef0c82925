//! Statistics for a chosen period: chats per day, handoff rate, the bot's resolution rate, median
//! time to accept and missed rate, waits and misses by hour of day (for staffing), drawn as plain
//! SVG (no chart library: every byte of the bundle counts), and the days as a CSV download.

use leptos::prelude::*;

use super::{ctx, now_ms, BrowserZone};
use crate::model::calendar::{day_start, format_date, local_day, parse_date};
use crate::model::stats::{duration, nice_max, percent, Report, StatsAnswer};
use crate::net::api::{self, seg};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 22.0;

#[component]
pub fn Stats(site: String) -> impl IntoView {
    let ctx = ctx();
    let offset = BrowserZone;
    let today = local_day(now_ms(), offset);
    let from = RwSignal::new(format_date(today - 6));
    let to = RwSignal::new(format_date(today));
    let answer = RwSignal::new(None::<(i64, i64, StatsAnswer)>);
    let error = RwSignal::new(None::<String>);
    let site = StoredValue::new(site);
    let load = move || {
        let (Some(first), Some(last)) = (
            parse_date(&from.get_untracked()),
            parse_date(&to.get_untracked()),
        ) else {
            error.set(Some("Enter both dates as YYYY-MM-DD.".into()));
            return;
        };
        if last < first || last - first > 365 {
            error.set(Some(
                "The period must run forwards and span at most a year.".into(),
            ));
            return;
        }
        error.set(None);
        let path = format!(
            "/api/v1/sites/{}/stats?from={}&to={}",
            seg(&site.get_value()),
            day_start(first, offset),
            day_start(last + 1, offset)
        );
        leptos::task::spawn_local(async move {
            // The edge derives facts for a bounded batch of conversations per request.
            for _ in 0..20 {
                match api::get::<StatsAnswer>(&path).await {
                    Ok(got) => {
                        let pending = got.pending;
                        let _ = answer.try_set(Some((first, last, got)));
                        if pending == 0 {
                            break;
                        }
                    }
                    Err(failure) => {
                        ctx.failed(&failure);
                        break;
                    }
                }
            }
        });
    };
    load();
    let preset = move |days: i64| {
        from.set(format_date(today - (days - 1)));
        to.set(format_date(today));
        load();
    };
    let report = Memo::new(move |_| {
        answer.with(|a| {
            a.as_ref().map(|(first, last, got)| {
                (
                    Report::build(&got.facts, *first, *last, offset),
                    got.includes_bot_only,
                    got.pending,
                )
            })
        })
    });
    view! {
        <section class="page stats" aria-labelledby="stats-title">
            <h1 id="stats-title">"Statistics"</h1>
            <form class="period" aria-label="Period" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                <label for="stats-from">"From"</label>
                <input id="stats-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                <label for="stats-to">"To"</label>
                <input id="stats-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                <button type="submit" class="primary">"Show"</button>
                <button type="button" on:click=move |_| preset(7)>"7 days"</button>
                <button type="button" on:click=move |_| preset(30)>"30 days"</button>
                <button type="button" on:click=move |_| preset(90)>"90 days"</button>
            </form>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            {move || report.get().map(|(report, bot_only, pending)| figures(report, bot_only, pending))}
        </section>
    }
}

fn figures(report: Report, includes_bot_only: bool, pending: u32) -> impl IntoView {
    let rate = |p: Option<u32>| p.map_or("—".to_string(), |p| format!("{p} %"));
    let tiles = [
        ("Conversations", report.chats.to_string()),
        ("Handoff rate", rate(percent(report.handoffs, report.chats))),
        (
            "Resolved by the bot",
            rate(percent(report.bot_resolved, report.chats)),
        ),
        (
            "Median time to accept",
            report.median_accept_ms.map_or("—".into(), duration),
        ),
        ("Missed rate", rate(percent(report.missed, report.queued))),
        (
            "Average rating",
            report.rating_average().map_or("—".into(), |avg| {
                format!(
                    "{avg:.1} / 5 ({} rated)",
                    report.ratings.iter().sum::<u32>()
                )
            }),
        ),
        (
            "Ratings 1 · 2 · 3 · 4 · 5",
            report.ratings.map(|n| n.to_string()).join(" · "),
        ),
    ];
    let labels: Vec<String> = report.days.iter().map(|d| d.label.clone()).collect();
    let human: Vec<f64> = report.days.iter().map(|d| f64::from(d.handoffs)).collect();
    let bot: Vec<f64> = report
        .days
        .iter()
        .map(|d| f64::from(d.chats - d.handoffs))
        .collect();
    let waits: Vec<f64> = report
        .days
        .iter()
        .map(|d| d.median_accept_ms.unwrap_or(0) as f64 / 1000.0)
        .collect();
    let handoff: Vec<Option<f64>> = report
        .days
        .iter()
        .map(|d| percent(d.handoffs, d.chats).map(f64::from))
        .collect();
    let missed: Vec<Option<f64>> = report
        .days
        .iter()
        .map(|d| percent(d.missed, d.queued).map(f64::from))
        .collect();
    let hours: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let hour_waits: Vec<f64> = report
        .hours
        .iter()
        .map(|h| h.median_accept_ms.unwrap_or(0) as f64 / 1000.0)
        .collect();
    let hour_missed: Vec<f64> = report.hours.iter().map(|h| f64::from(h.missed)).collect();
    let hour_accepted: Vec<f64> = report.hours.iter().map(|h| f64::from(h.accepted)).collect();
    let csv_name = match (report.days.first(), report.days.last()) {
        (Some(first), Some(last)) => format!("statistics-{}-to-{}.csv", first.date, last.date),
        _ => "statistics.csv".into(),
    };
    let csv = StoredValue::new((csv_name, report.csv()));
    let save_csv = move |_| {
        csv.with_value(|(name, text)| {
            if let Err(error) = super::visitor_panel::download(name, "text/csv", text) {
                web_sys::console::error_1(&error);
            }
        });
    };
    view! {
        <button type="button" class="csv" on:click=save_csv>"Download CSV"</button>
        <Show when=move || { pending > 0 }>
            <p class="note" role="status">{format!("{pending} conversations are still being counted.")}</p>
        </Show>
        <Show when=move || !includes_bot_only>
            <p class="note">"No conversation the bot handled alone is counted yet: the rates cover conversations that reached a person."</p>
        </Show>
        <ul class="tiles">
            {tiles.into_iter().map(|(k, v)| view! { <li><span class="tile-value">{v}</span><span class="tile-label">{k}</span></li> }).collect_view()}
        </ul>
        <h2>"Chats per day"</h2>
        {bars("Chats per day: with a person, and bot only", &labels, &[("with a person", "s-human", &human), ("bot only", "s-bot", &bot)])}
        <h2>"Median time to accept (seconds)"</h2>
        {bars("Median time to accept per day, in seconds", &labels, &[("seconds", "s-wait", &waits)])}
        <h2>"Handoff and missed rate (%)"</h2>
        {lines("Handoff rate and missed rate per day, in percent", &labels, &[("handoff rate", "s-human", &handoff), ("missed rate", "s-missed", &missed)])}
        <h2>"Median time to accept by hour of day (seconds)"</h2>
        {bars("Median time to accept by the hour a chat was queued, in seconds", &hours, &[("seconds", "s-wait", &hour_waits)])}
        <h2>"Queued chats by hour of day"</h2>
        {bars("Queued chats by hour of day: accepted and missed", &hours, &[("accepted", "s-human", &hour_accepted), ("missed", "s-missed", &hour_missed)])}
    }
}

fn x_of(i: usize, n: usize) -> f64 {
    LEFT + (WIDTH - LEFT) * (i as f64 + 0.5) / n.max(1) as f64
}

fn y_of(value: f64, max: f64) -> f64 {
    (HEIGHT - BOTTOM) * (1.0 - value / max)
}

/// Axis lines, the top value and day labels (thinned out for long periods).
fn frame(labels: &[String], max: f64) -> impl IntoView {
    let n = labels.len();
    let every = n.div_ceil(10).max(1);
    let ticks: Vec<_> = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| (x_of(i, n), l.clone()))
        .collect();
    view! {
        <line class="axis" x1=LEFT y1="0" x2=LEFT y2=HEIGHT - BOTTOM />
        <line class="axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM />
        <text class="tick" x=LEFT - 4.0 y="10" text-anchor="end">{format!("{max}")}</text>
        <text class="tick" x=LEFT - 4.0 y=HEIGHT - BOTTOM text-anchor="end">"0"</text>
        {ticks.into_iter().map(|(x, l)| view! { <text class="tick" x=x y=HEIGHT - 6.0 text-anchor="middle">{l}</text> }).collect_view()}
    }
}

fn legend(series: &[(&'static str, &'static str)]) -> impl IntoView {
    view! {
        <ul class="legend">
            {series.iter().map(|(name, class)| view! { <li><span class=format!("swatch {class}") aria-hidden="true"></span>{*name}</li> }).collect_view()}
        </ul>
    }
}

/// Stacked bars, one column per day.
fn bars(
    title: &'static str,
    labels: &[String],
    series: &[(&'static str, &'static str, &Vec<f64>)],
) -> impl IntoView {
    let n = labels.len();
    let totals: Vec<f64> = (0..n)
        .map(|i| series.iter().map(|s| s.2[i]).sum())
        .collect();
    let max = nice_max(totals.iter().copied().fold(0.0, f64::max));
    let width = ((WIDTH - LEFT) / n.max(1) as f64 * 0.7).max(1.0);
    let mut rects = Vec::new();
    for i in 0..n {
        let mut base = 0.0;
        for (name, class, values) in series {
            let value = values[i];
            if value > 0.0 {
                let top = y_of(base + value, max);
                let height = y_of(base, max) - top;
                let tip = format!("{}: {value} {name}", labels[i]);
                rects.push(view! { <rect class=*class x=x_of(i, n) - width / 2.0 y=top width=width height=height><title>{tip}</title></rect> });
            }
            base += value;
        }
    }
    let keys: Vec<_> = series.iter().map(|(n, c, _)| (*n, *c)).collect();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title>
                {frame(labels, max)}
                {rects}
            </svg>
            {legend(&keys)}
        </figure>
    }
}

/// One line per series; days without data leave a gap.
fn lines(
    title: &'static str,
    labels: &[String],
    series: &[(&'static str, &'static str, &Vec<Option<f64>>)],
) -> impl IntoView {
    let n = labels.len();
    let max = 100.0;
    let paths: Vec<_> = series
        .iter()
        .map(|(name, class, values)| {
            let mut d = String::new();
            let mut pen_down = false;
            let mut dots = Vec::new();
            for (i, value) in values.iter().enumerate() {
                match value {
                    Some(v) => {
                        let (x, y) = (x_of(i, n), y_of(*v, max));
                        d.push_str(&format!("{}{x:.1},{y:.1} ", if pen_down { "L" } else { "M" }));
                        pen_down = true;
                        let tip = format!("{}: {v} % {name}", labels[i]);
                        dots.push(view! { <circle class=*class cx=x cy=y r="3"><title>{tip}</title></circle> });
                    }
                    None => pen_down = false,
                }
            }
            view! { <path class=format!("line {class}") d=d fill="none" />{dots} }
        })
        .collect();
    let keys: Vec<_> = series.iter().map(|(n, c, _)| (*n, *c)).collect();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title>
                {frame(labels, max)}
                {paths}
            </svg>
            {legend(&keys)}
        </figure>
    }
}

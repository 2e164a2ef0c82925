//! The conversation lists: Active and Monitor straight from the site socket, Missed and
//! Archived loaded over HTTP when shown and then kept current by the same socket.

use baton_core::{ConversationSummary, Phase};
use leptos::prelude::*;

use super::{ctx, lazy, Ctx};
use crate::model::answers;
use crate::model::lists::channel_matches;
use crate::model::route::{Route, Tab};
use crate::model::transcript::ago;
use crate::net::api::{self, seg};

#[component]
pub fn ConversationList(site: String, tab: Tab) -> impl IntoView {
    let ctx = ctx();
    let loading = RwSignal::new(false);
    if matches!(tab, Tab::Missed | Tab::Archived) {
        loading.set(true);
        let site = site.clone();
        leptos::task::spawn_local(async move {
            let path = format!(
                "/api/v1/sites/{}/conversations?list={}",
                seg(&site),
                tab.slug()
            );
            match api::read(api::json("GET", &path, None).await, answers::summaries) {
                Ok(list) => ctx.lists.update(|all| {
                    let lists = all.entry(site).or_default();
                    if tab == Tab::Missed {
                        lists.set_missed(list);
                    } else {
                        lists.set_archived(list);
                    }
                }),
                Err(error) => ctx.failed(&error),
            }
            loading.set(false);
        });
    }
    let rows_site = StoredValue::new(site.clone());
    // "" shows every channel, "widget" the website chat, any other value one platform's.
    let channel = RwSignal::new(String::new());
    let rows = move || {
        let wanted = channel.get();
        rows_of(ctx, &rows_site.get_value(), tab)
            .into_iter()
            .filter(|c| channel_matches(c, &wanted))
            .collect::<Vec<_>>()
    };
    let channels = move || channel_names(ctx, &rows_site.get_value(), tab);
    let empty_text = match tab {
        Tab::Active => "No chats waiting or in progress.",
        Tab::Monitor => "Nobody is talking to the bot right now.",
        Tab::Missed => "No missed chats.",
        _ => "Nothing archived yet.",
    };
    let connected = {
        let site = site.clone();
        move || {
            ctx.lists
                .with(|all| all.get(&site).is_some_and(|l| l.connected))
        }
    };
    view! {
        <h1 class="pane-title">{tab.title()}</h1>
        <Show when=move || !connected() && matches!(tab, Tab::Active | Tab::Monitor)>
            <p class="note" role="status">"Connecting…"</p>
        </Show>
        <Show when=move || loading.get()>
            <p class="note" role="status">"Loading…"</p>
        </Show>
        <Show when=move || !channels().is_empty() || !channel.get().is_empty()>
            {lazy::channel_filter(rows_site.get_value(), tab, channel)}
        </Show>
        <Show
            when=move || !rows().is_empty()
            fallback=move || view! { <p class="empty">{empty_text}</p> }
        >
            <ul class="rows">
                <For
                    each=rows
                    key=|c| (c.id.clone(), c.updated_at, c.phase as u8)
                    children=move |c| view! { <Row site=rows_site.get_value() tab=tab summary=c /> }
                />
            </ul>
        </Show>
    }
}

/// The rows of one list of a site, before the channel filter.
fn rows_of(ctx: Ctx, site: &str, tab: Tab) -> Vec<ConversationSummary> {
    let now = ctx.now.get();
    ctx.lists.with(|all| {
        let Some(lists) = all.get(site) else {
            return Vec::new();
        };
        match tab {
            Tab::Active => lists.active().into_iter().cloned().collect(),
            Tab::Monitor => lists.monitor(now).into_iter().cloned().collect(),
            Tab::Missed => lists.missed().map(<[_]>::to_vec).unwrap_or_default(),
            Tab::Archived => lists.archived().map(<[_]>::to_vec).unwrap_or_default(),
            _ => Vec::new(),
        }
    })
}

/// The outside channels a list's rows came from, sorted and each once (inserted in place: no
/// sort's code in the first screen).
fn channel_names(ctx: Ctx, site: &str, tab: Tab) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in rows_of(ctx, site, tab)
        .into_iter()
        .filter_map(|c| c.channel)
    {
        if let Err(at) = names.binary_search(&name) {
            names.insert(at, name);
        }
    }
    names
}

/// The channel filter, shown only when a list has rows from an outside channel: a lazy part in
/// the chat's module (`lazy.rs`), as most sites have none.
#[component]
pub fn ChannelFilter(site: String, tab: Tab, channel: RwSignal<String>) -> impl IntoView {
    let ctx = ctx();
    let channels = move || channel_names(ctx, &site, tab);
    view! {
        <label class="channel-filter">"Channel "
            <select on:change=move |ev| channel.set(event_target_value(&ev))>
                <option value="">"All channels"</option>
                <option value="widget">"Website chat"</option>
                {move || channels().into_iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// "Vera" or "Visitor 5f0c" when no name was given.
pub fn visitor_label(c: &ConversationSummary) -> String {
    c.visitor
        .name
        .clone()
        .unwrap_or_else(|| format!("Visitor {}", c.id.chars().take(4).collect::<String>()))
}

/// The badge text and class for a row.
pub fn badge(c: &ConversationSummary, me: &str) -> (String, &'static str) {
    match (c.phase, &c.agent) {
        (Phase::Waiting, _) => ("Waiting".into(), "badge waiting"),
        (Phase::Live, Some(a)) if a.id == me => ("You".into(), "badge mine"),
        (Phase::Live, Some(a)) => (format!("Live · {}", a.name), "badge live"),
        (Phase::Live, None) => ("Live".into(), "badge live"),
        (Phase::Bot, _) => ("Bot".into(), "badge bot"),
        (Phase::Contact, _) => ("Giving contact".into(), "badge bot"),
        (Phase::Missed, _) => ("Missed".into(), "badge missed"),
        (Phase::Archived, _) if c.blocked => ("Blocked".into(), "badge blocked"),
        (Phase::Archived, _) => ("Archived".into(), "badge archived"),
    }
}

#[component]
fn Row(site: String, tab: Tab, summary: ConversationSummary) -> impl IntoView {
    let ctx = ctx();
    let me = ctx
        .me
        .with_untracked(|m| m.as_ref().map(|m| m.agent.id.clone()))
        .unwrap_or_default();
    let (badge_text, badge_class) = badge(&summary, &me);
    let id = summary.id.clone();
    let href = Route::chat(&site, tab, &id).to_hash();
    let selected = {
        let id = id.clone();
        move || {
            ctx.route
                .with(|r| r.conversation.as_deref() == Some(id.as_str()))
        }
    };
    let since = summary.waiting_since.unwrap_or(summary.updated_at);
    let waiting = summary.phase == Phase::Waiting;
    let name = visitor_label(&summary);
    let preview = summary.last_message.clone().unwrap_or_default();
    // Conversations handed over by an outside platform show where they came from.
    let channel = summary.channel.clone();
    let mark_seen = move |_| {
        ctx.lists.update(|all| {
            if let Some(lists) = all.get_mut(&site) {
                lists.mark_seen(&id);
            }
        });
    };
    view! {
        <li>
            <a class="row" class:waiting=waiting href=href aria-current=move || selected().then_some("true") on:click=mark_seen>
                <span class="row-top">
                    <span class="name">{name}</span>
                    {channel.map(|c| view! { <span class="badge channel" title="Channel">{c}</span> })}
                    <span class=badge_class>{badge_text}</span>
                </span>
                <span class="preview">{preview}</span>
                <span class="time">
                    {move || {
                        let age = ago(since, ctx.now.get());
                        if waiting { format!("waiting {age}") } else { format!("{age} ago") }
                    }}
                </span>
            </a>
        </li>
    }
}

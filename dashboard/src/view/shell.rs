//! The signed-in frame: header (site switcher, availability, notifications, sign-out), the
//! navigation with live counts, and the screen for the current route.

use leptos::prelude::*;

use super::sites::SiteSockets;
use super::{ctx, lazy, lists, notify, Ctx};
use crate::model::route::{document_title, Route, Tab};
use crate::net::api;

#[component]
pub fn Shell() -> impl IntoView {
    let ctx = ctx();
    let sockets = SiteSockets::new();
    provide_context(sockets);
    // Connect once per sign-in; a new session (another agent) gets fresh sockets.
    let agent_id = Memo::new(move |_| ctx.me.with(|me| me.as_ref().map(|m| m.agent.id.clone())));
    Effect::new(move |_| {
        if agent_id.get().is_some() {
            if let Some(me) = ctx.me.get_untracked() {
                sockets.connect(ctx, &me);
            }
        }
    });
    on_cleanup(move || sockets.close_all());
    let site = Memo::new(move |_| ctx.site());
    // The tab title counts chats waiting on every site.
    Effect::new(move |_| {
        let waiting: usize = ctx
            .lists
            .with(|all| all.values().map(|l| l.waiting_count()).sum());
        let tab = ctx.route.with(|r| r.tab);
        let name = ctx.me.with(|me| {
            let site = site.get().unwrap_or_default();
            me.as_ref()
                .and_then(|m| m.site(&site))
                .map(|m| m.site_name.clone())
                .unwrap_or_default()
        });
        document().set_title(&document_title(waiting, tab, &name));
    });
    view! {
        <header class="top" on:click=|_| notify::unlock_audio()>
            <p class="brand"><span class="logo" aria-hidden="true">"◆"</span>" Baton"</p>
            <super::sites::SiteSwitcher />
            <Availability />
            <NotifyToggle />
            // Reactive text here returns `String` (as the status line does): each other type
            // would bring its own copy of Leptos' render effect (README, "What Leptos costs").
            <span class="who">{move || ctx.me.with(|m| m.as_ref().map(|m| m.agent.name.clone())).unwrap_or_default()}</span>
            <button type="button" class="link" on:click=move |_| sign_out(ctx, sockets)>"Sign out"</button>
        </header>
        <Nav />
        <main id="main" on:click=|_| notify::unlock_audio()>
            <super::invitations::Invitations />
            {move || screen(ctx, site.get())}
        </main>
    }
}

fn screen(ctx: Ctx, site: Option<String>) -> AnyView {
    let Some(site) = site else {
        return view! { <p class="empty">"You are not an agent of any site yet. Ask an admin to add you."</p> }.into_any();
    };
    let member = ctx
        .me
        .with(|me| me.as_ref().is_some_and(|m| m.site(&site).is_some()));
    if !member {
        return view! {
            <section class="denied" aria-labelledby="denied-title">
                <h1 id="denied-title">"No access"</h1>
                <p>"You are not an agent of this site."</p>
                <a href="#/">"Back to your sites"</a>
            </section>
        }
        .into_any();
    }
    let tab = ctx.route.with(|r| r.tab);
    match tab {
        Tab::Stats => lazy::stats(site),
        Tab::Settings => lazy::settings(site),
        _ => split(ctx, site, tab).into_any(),
    }
}

/// A list beside the open chat (on a phone: one or the other).
fn split(ctx: Ctx, site: String, tab: Tab) -> impl IntoView {
    let open = Memo::new(move |_| ctx.route.with(|r| r.conversation.clone()));
    let list_site = site.clone();
    view! {
        <div class="split" class:has-chat=move || open.with(Option::is_some)>
            <section class="list-pane" aria-label=tab.title()>
                {match tab {
                    Tab::Tickets => lazy::tickets(list_site),
                    _ => view! { <lists::ConversationList site=list_site tab=tab /> }.into_any(),
                }}
            </section>
            <section class="chat-pane" aria-label="Conversation">
                {move || match open.get() {
                    Some(id) => lazy::chat(site.clone(), id, tab),
                    None => view! { <p class="empty pick">"Pick a conversation to read it here."</p> }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let ctx = ctx();
    let item = move |tab: Tab| {
        let count = move || {
            let site = ctx.site().unwrap_or_default();
            ctx.lists.with(|all| {
                let lists = all.get(&site);
                match tab {
                    Tab::Active => lists.map(|l| l.active_count()),
                    Tab::Monitor => lists.map(|l| l.monitor(ctx.now.get()).len()),
                    Tab::Missed => lists.and_then(|l| l.missed().map(<[_]>::len)),
                    Tab::Tickets => ctx.open_tickets.with(|t| t.get(&site).copied()),
                    _ => None,
                }
            })
        };
        let waiting = move || {
            let site = ctx.site().unwrap_or_default();
            ctx.lists
                .with(|all| all.get(&site).map_or(0, |l| l.waiting_count()))
        };
        let news = move || {
            let site = ctx.site().unwrap_or_default();
            tab == Tab::Monitor
                && ctx
                    .lists
                    .with(|all| all.get(&site).is_some_and(|l| l.monitor_has_news()))
        };
        let href = move || {
            Route {
                site: ctx.site(),
                tab,
                conversation: None,
            }
            .to_hash()
        };
        let current = move || ctx.route.with(|r| r.tab == tab);
        view! {
            <li>
                <a href=href aria-current=move || current().then_some("page") class:current=current>
                    <span>{tab.title()}</span>
                    <Show when=move || count().is_some()>
                        <span class="count" class:alert=move || { tab == Tab::Active && waiting() > 0 }>
                            {move || count().map(|n| n.to_string()).unwrap_or_default()}
                        </span>
                    </Show>
                    <Show when=news>
                        <span class="live-dot" title="New bot conversation">
                            <span class="sr-only">" (new)"</span>
                        </span>
                    </Show>
                </a>
            </li>
        }
    };
    view! {
        <nav class="tabs" aria-label="Lists">
            <ul>{Tab::ALL.into_iter().map(item).collect_view()}</ul>
        </nav>
    }
}

#[component]
fn NotifyToggle() -> impl IntoView {
    let ctx = ctx();
    let permission = RwSignal::new(notify::permission());
    let muted = RwSignal::new(false);
    Effect::new(move |_| muted.set(ctx.site().is_some_and(|s| notify::muted(&s))));
    let ask = move |_| {
        notify::unlock_audio();
        notify::request_permission(move |_| permission.set(notify::permission()));
    };
    let toggle = move |_| {
        if let Some(site) = ctx.site() {
            let now = !muted.get();
            notify::set_muted(&site, now);
            muted.set(now);
        }
    };
    view! {
        <Show when=move || permission.get() == web_sys::NotificationPermission::Default>
            <button type="button" on:click=ask>"Enable notifications"</button>
        </Show>
        <button type="button" class="alerts" aria-pressed=move || (!muted.get()).to_string() on:click=toggle
            title="Sound and browser notifications for this site, on this device">
            "Alerts"
        </button>
    }
}

#[component]
fn Availability() -> impl IntoView {
    let ctx = ctx();
    let sockets = expect_context::<SiteSockets>();
    let asking = RwSignal::new(false);
    let available = move || {
        let site = ctx.site().unwrap_or_default();
        ctx.lists
            .with(|all| all.get(&site).is_some_and(|l| l.available))
    };
    let toggle = move |_| {
        if !available() {
            set_available(ctx, sockets, true);
        } else if held(ctx).is_empty() {
            set_available(ctx, sockets, false);
        } else {
            asking.set(true);
        }
    };
    view! {
        <button type="button" class="availability" class:on=available aria-pressed=move || available().to_string() on:click=toggle>
            <span class="dot" aria-hidden="true"></span>
            {move || String::from(if available() { "Available" } else { "Away" })}
        </button>
        <Show when=move || asking.get()>{lazy::going_away(asking)}</Show>
    }
}

/// The chats this agent holds right now on every site, as (site, id), the open one included.
pub(super) fn held(ctx: Ctx) -> Vec<(String, String)> {
    let me = ctx
        .me
        .with(|m| m.as_ref().map(|m| m.agent.id.clone()))
        .unwrap_or_default();
    let mut held = ctx.lists.with(|all| {
        all.iter()
            .flat_map(|(site, l)| {
                l.held_by(&me)
                    .into_iter()
                    .map(move |c| (site.clone(), c.id.clone()))
            })
            .collect::<Vec<_>>()
    });
    if let Some(open) = ctx.open_chat_mine.get() {
        if !held.contains(&open) {
            held.push(open);
        }
    }
    held
}

/// Availability on every site; says so when a socket is not connected.
pub(super) fn set_available(ctx: Ctx, sockets: SiteSockets, value: bool) {
    if !sockets.set_available(value) {
        ctx.status
            .set("Not connected; try again in a moment.".into());
    }
}

fn sign_out(ctx: Ctx, sockets: SiteSockets) {
    leptos::task::spawn_local(async move {
        // The edge forgets this device with the session; the browser forgets it too.
        crate::net::push::unsubscribe().await;
        let result = api::json("POST", "/api/v1/auth/logout", Some("null".into())).await;
        sockets.close_all();
        if let Err(error) = result.as_ref() {
            if !error.signed_out() {
                ctx.status.set(error.message.clone());
            }
        }
        ctx.lists.set(Default::default());
        ctx.me.set(None);
        ctx.navigate(Route::default());
        ctx.status.set("Signed out.".into());
    });
}

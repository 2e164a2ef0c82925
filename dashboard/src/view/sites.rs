//! One site socket per site the agent belongs to: the lists stay live on every site, so a chat
//! waiting on another site still rings (unless that site is muted on this device).

use baton_core::api::Me;
use baton_core::protocol::{ServerFrame, SiteCommand};
use leptos::prelude::*;

use super::{notify, Ctx};
use crate::model::answers;
use crate::model::keyed::Keyed;
use crate::model::lists::{Notice, SiteLists};
use crate::model::route::{Route, Tab};
use crate::model::wire;
use crate::net::api::{self, seg};
use crate::net::json;
use crate::net::socket::{ws_url, Socket};

/// The open site sockets, by site id. Not reactive: only sending goes through it.
#[derive(Clone, Copy)]
pub struct SiteSockets(StoredValue<Keyed<Socket>, LocalStorage>);

impl SiteSockets {
    pub fn new() -> Self {
        Self(StoredValue::new_local(Keyed::default()))
    }

    /// Opens a socket per site of `me`, closing any left from an earlier session.
    pub fn connect(&self, ctx: Ctx, me: &Me) {
        self.close_all();
        ctx.lists.set(
            me.sites
                .iter()
                .map(|m| (m.site_id.clone(), SiteLists::for_agent(&me.agent.id)))
                .collect(),
        );
        let mut sockets = Keyed::default();
        for membership in &me.sites {
            let site = membership.site_id.clone();
            let site_name = membership.site_name.clone();
            let path = format!("/api/v1/sites/{}/ws", seg(&site));
            let on_frame = {
                let site = site.clone();
                move |frame: ServerFrame| {
                    if matches!(frame, ServerFrame::Snapshot { .. }) {
                        super::lazy::prefetch_chat();
                    }
                    let mut notices = Vec::new();
                    ctx.lists.update(|all| {
                        notices = all.entry(site.clone()).or_default().apply(&frame);
                    });
                    for notice in notices {
                        announce(ctx, &site, &site_name, notice);
                    }
                }
            };
            let on_state = {
                let site = site.clone();
                move |open: bool| {
                    if !open {
                        ctx.lists
                            .update(|all| all.entry(site.clone()).or_default().disconnected());
                    }
                }
            };
            let url = ws_url(&path);
            load_counts(ctx, site.clone());
            sockets.insert(
                site,
                Socket::open(move || url.clone(), wire::site_frame, on_frame, on_state),
            );
        }
        self.0.set_value(sockets);
    }

    pub fn close_all(&self) {
        self.0.update_value(|sockets| {
            for socket in sockets.values() {
                socket.close();
            }
            sockets.clear();
        });
    }

    /// Sets availability on every site: one switch for the agent, as they expect.
    pub fn set_available(&self, available: bool) -> bool {
        let frame =
            json::write(|o| answers::site_command(&SiteCommand::SetAvailability { available }, o));
        // Every site gets the frame, even after one failed to send.
        let sent: Vec<bool> = self
            .0
            .with_value(|sockets| sockets.values().map(|s| s.send(&frame)).collect());
        sent.into_iter().all(|ok| ok)
    }
}

/// Missed chats and open tickets are not on the site socket: load them once at sign-in so the
/// navigation counts are right before their tabs are opened (the socket keeps Missed current).
fn load_counts(ctx: Ctx, site: String) {
    leptos::task::spawn_local(async move {
        let base = format!("/api/v1/sites/{}", seg(&site));
        let missed = api::json("GET", &format!("{base}/conversations?list=missed"), None).await;
        if let Ok(list) = api::read(missed, answers::summaries) {
            ctx.lists
                .update(|all| all.entry(site.clone()).or_default().set_missed(list));
        }
        // Only their number is shown: the tickets are counted, not read.
        let tickets = api::json("GET", &format!("{base}/tickets?status=open"), None).await;
        if let Ok(open) = api::read(tickets, answers::count) {
            ctx.open_tickets.update(|t| {
                t.insert(site, open);
            });
        }
    });
}

fn announce(ctx: Ctx, site: &str, site_name: &str, notice: Notice) {
    let (conversation, tab) = match &notice {
        Notice::ChatWaiting(c) | Notice::AssignedToMe(c) => (c, Tab::Active),
        Notice::MonitorStarted(c) => (c, Tab::Monitor),
    };
    let viewing = ctx
        .route
        .with_untracked(|r| r.conversation.as_deref() == Some(conversation.id.as_str()));
    let who = conversation
        .visitor
        .name
        .clone()
        .unwrap_or_else(|| "A visitor".into());
    let (message, urgent) = match notice {
        Notice::ChatWaiting(_) => (
            format!("{who} is waiting for an agent on {site_name}"),
            true,
        ),
        // Claimed here (Accept, Take control, Join): nothing to tell.
        Notice::AssignedToMe(_) if viewing => return,
        Notice::AssignedToMe(_) => (
            format!("A chat with {who} was assigned to you on {site_name}"),
            true,
        ),
        Notice::MonitorStarted(_) => (
            format!("{who} started talking to the bot on {site_name}"),
            false,
        ),
    };
    if urgent {
        ctx.status.set(message.clone());
    }
    if notify::muted(site) {
        return;
    }
    notify::beep(urgent);
    if urgent {
        let hash = Route::chat(site, tab, &conversation.id).to_hash();
        let body = conversation.last_message.clone().unwrap_or_default();
        notify::show(&message, &body, &conversation.id, hash);
    }
}

/// Which site is on screen; each option says how many chats wait there.
#[component]
pub fn SiteSwitcher() -> impl IntoView {
    let ctx = super::ctx();
    let options = move || {
        let sites = ctx
            .me
            .with(|me| me.as_ref().map(|m| m.sites.clone()).unwrap_or_default());
        let current = ctx.site().unwrap_or_default();
        sites
            .into_iter()
            .map(|m| {
                let waiting = ctx
                    .lists
                    .with(|all| all.get(&m.site_id).map_or(0, |l| l.waiting_count()));
                let label = if waiting > 0 {
                    format!("{} ({waiting} waiting)", m.site_name)
                } else {
                    m.site_name.clone()
                };
                let selected = m.site_id == current;
                view! { <option value=m.site_id.clone() selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let change = move |ev: leptos::ev::Event| {
        let site = event_target_value(&ev);
        let tab = ctx.route.with(|r| r.tab);
        ctx.navigate(Route {
            site: Some(site),
            tab,
            conversation: None,
        });
    };
    view! {
        <label class="sr-only" for="site-select">"Site"</label>
        <select id="site-select" class="site-select" on:change=change>{options}</select>
        <Show when=move || ctx.signup.with(Option::is_some)>
            <a class="new-site" href="#new-site">"+ New site"</a>
        </Show>
    }
}

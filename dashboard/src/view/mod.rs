//! The view: renders the model and turns clicks into commands. Shared state lives in [`Ctx`]
//! (signals only, provided once); each screen is its own module.

mod agents;
mod api_keys;
mod attach;
mod canned;
mod chat;
mod chat_actions;
mod composer;
mod deliveries;
mod digest;
mod going_away;
mod guide;
mod invitations;
mod kb;
mod lazy;
mod lists;
mod login;
mod notify;
mod privacy;
mod push;
mod settings;
mod shell;
mod signup;
mod sites;
mod stats;
mod ticket_thread;
mod tickets;
mod toolbox;
mod unanswered;
mod visitor_panel;

use baton_core::api::Me;
use leptos::prelude::*;

use crate::model::answers;
use crate::model::keyed::Keyed;
use crate::model::lists::SiteLists;
use crate::model::onboarding::Link;
use crate::model::route::Route;
use crate::net::api::{self, ApiError};

/// The state every screen shares. Signals are `Copy`, so the context is too.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// `None`: signed out (the sign-in screen shows).
    pub me: RwSignal<Option<Me>>,
    pub route: RwSignal<Route>,
    /// The lists of every site the agent belongs to, by site id.
    pub lists: RwSignal<Keyed<SiteLists>>,
    /// A polite status message for everyone (and screen readers).
    pub status: RwSignal<String>,
    /// Ticks every 10 s so "waiting 2 min" stays true.
    pub now: RwSignal<i64>,
    /// Open tickets per site, for the navigation count.
    pub open_tickets: RwSignal<Keyed<usize>>,
    /// A one-time link or the guide the page was opened with (`#verify=…`, `#new-site`).
    pub link: RwSignal<Option<Link>>,
    /// Whether this edge lets accounts sign up and create sites ("open", "invite"; None: off).
    pub signup: RwSignal<Option<String>>,
    /// The chat on screen (site, id) while this agent holds it. Its own socket says so before
    /// the site's list does (the list row follows the claim through the outbox), and going
    /// away right after an accept must still count it.
    pub open_chat_mine: RwSignal<Option<(String, String)>>,
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Minutes to add to local time to get UTC, as JavaScript reports it.
pub fn tz_offset() -> i64 {
    js_sys::Date::new_0().get_timezone_offset() as i64
}

/// The browser's time zone, asked for the offset at each instant (daylight saving included).
#[derive(Clone, Copy)]
pub struct BrowserZone;

impl crate::model::calendar::Zone for BrowserZone {
    fn offset_at(&self, at: i64) -> i64 {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64)).get_timezone_offset() as i64
    }
}

impl Ctx {
    /// The site on screen: the one in the URL if the agent belongs to it, else their first.
    pub fn site(&self) -> Option<String> {
        let me = self.me.get()?;
        let wanted = self.route.with(|r| r.site.clone());
        match wanted {
            Some(site) => Some(site),
            None => me.sites.first().map(|m| m.site_id.clone()),
        }
    }

    pub fn navigate(&self, route: Route) {
        let hash = route.to_hash();
        if location_hash().map(|h| format!("#{h}")) != Some(hash.clone()) {
            let _ = location().set_hash(&hash);
        }
        self.route.set(route);
    }

    /// Shows an API failure; a 401 means the session is over: back to sign-in.
    pub fn failed(&self, error: &ApiError) {
        if error.signed_out() {
            self.me.set(None);
            self.status
                .set("Your session ended. Please sign in again.".into());
        } else {
            self.status.set(error.message.clone());
        }
    }
}

pub fn mount() {
    console_error_panic_hook_lite();
    leptos::mount::mount_to_body(App);
}

/// A panic is a bug: say so in the console instead of failing silently.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("baton dashboard: {info}").into());
    }));
}

#[component]
fn App() -> impl IntoView {
    let ctx = Ctx {
        me: RwSignal::new(None),
        route: RwSignal::new(Route::parse(&location_hash().unwrap_or_default())),
        lists: RwSignal::new(Keyed::default()),
        status: RwSignal::new(String::new()),
        now: RwSignal::new(now_ms()),
        open_tickets: RwSignal::new(Keyed::default()),
        link: RwSignal::new(Link::parse(&location_hash().unwrap_or_default())),
        signup: RwSignal::new(None),
        open_chat_mine: RwSignal::new(None),
    };
    provide_context(ctx);
    let checked = RwSignal::new(false);
    // Who is signed in? The session cookie is HttpOnly: only the edge can tell.
    leptos::task::spawn_local(async move {
        match api::read(api::json("GET", "/api/v1/me", None).await, answers::me) {
            Ok(me) => ctx.me.set(Some(me)),
            Err(error) if error.signed_out() => {}
            Err(error) => ctx.failed(&error),
        }
        checked.set(true);
    });
    // Sign-up links show only where the operator allows sign-up (404 when off).
    leptos::task::spawn_local(async move {
        let answer = api::json("GET", "/api/v1/signup", None).await;
        if let Ok(mode) = api::read(answer, answers::signup_mode) {
            ctx.signup.set(Some(mode));
        }
    });
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = location_hash().unwrap_or_default();
        ctx.route.set(Route::parse(&hash));
        ctx.link.set(Link::parse(&hash));
    });
    let _ = set_interval_with_handle(
        move || ctx.now.set(now_ms()),
        std::time::Duration::from_secs(10),
    );
    register_service_worker();
    // Status messages fade after a while; a newer one restarts the clock.
    Effect::new(move |_| {
        let shown = ctx.status.get();
        if !shown.is_empty() {
            set_timeout(
                move || {
                    if ctx.status.try_get_untracked().as_deref() == Some(shown.as_str()) {
                        ctx.status.set(String::new());
                    }
                },
                std::time::Duration::from_secs(8),
            );
        }
    });
    view! {
        <Show
            when=move || checked.get()
            fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }
        >
            <Show when=move || ctx.me.with(Option::is_some) fallback=signed_out>
                <Show when=guide_open fallback=|| view! { <shell::Shell /> }>
                    {lazy::guide()}
                </Show>
            </Show>
        </Show>
        <p class="status" role="status" aria-live="polite">{move || ctx.status.get()}</p>
    }
}

/// Without a session: the screen a one-time link asks for, else sign-in.
fn signed_out() -> impl IntoView {
    let ctx = ctx();
    move || match ctx.link.get() {
        Some(Link::Verify(token)) => lazy::verify(token),
        Some(Link::Join(token)) => lazy::join(token),
        Some(Link::SignUp(invitation)) if ctx.signup.get().is_some() => lazy::sign_up(invitation),
        _ => view! { <login::Login /> }.into_any(),
    }
}

/// The first-run guide: for an account without a site, or asked for (`#new-site`).
fn guide_open() -> bool {
    let ctx = ctx();
    ctx.link.with(|l| *l == Some(Link::NewSite))
        || ctx
            .me
            .with(|me| me.as_ref().is_some_and(|m| m.sites.is_empty()))
}

/// Offline start and installability; the worker lives next to index.html.
fn register_service_worker() {
    let container = window().navigator().service_worker();
    let _ = container.register("./sw.js");
}

//! The browser side: `start` (called by the loader), the host page's commands, and the glue
//! between socket frames, the model and the view. Signals live in [`Ctx`]; everything that is
//! not `Send` (sockets, JS callbacks) lives in thread-locals, touched only in short borrows that
//! never call out to host-page code, so a host listener calling back into the API is safe.

mod forms;
mod net;
mod store;
mod view;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use baton_core::protocol::{ServerFrame, VisitorCommand};
use baton_core::{validate, ConversationError, ErrorCode, Phase};
use js_sys::{Function, Object, Reflect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{Lang, T};
use crate::model::{Author, Body, Chat, Notice, Outcome};
use crate::wire::Json;

/// The reactive state the view renders. All fields are signals or node refs: `Copy`.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub chat: RwSignal<Chat>,
    pub ui: RwSignal<Ui>,
    pub lang: RwSignal<Lang>,
    /// The latest news, for the aria-live region (history is never announced).
    pub announce: RwSignal<String>,
    /// The message being typed; outlives a re-render of the composer.
    pub draft: RwSignal<String>,
    pub launcher: NodeRef<html::Button>,
    pub panel: NodeRef<html::Section>,
}

/// Everything else the view shows, in one signal: each distinct signal type costs wasm bytes,
/// and these change rarely enough that coarse updates do not matter.
#[derive(Clone, Default)]
pub(crate) struct Ui {
    pub open: bool,
    /// The socket is down after having been up: show "Reconnecting…".
    pub offline: bool,
    pub alert: Option<T>,
    /// The edge refused the contact details it was given.
    pub contact_error: Option<ErrorCode>,
    pub leave_form: bool,
    pub title: String,
    pub live_chat: bool,
    pub max_bytes: usize,
    /// The signed-in user's name and email, to prefill and skip forms.
    pub known: Option<(String, String)>,
}

/// Every change to [`Ui`] goes through here: one instance of the signal's update code instead
/// of one per closure.
pub(crate) fn set_ui(ctx: Ctx, change: &mut dyn FnMut(&mut Ui)) {
    ctx.ui.update(|ui| change(ui));
}

/// A signed-in user from `Baton.identify`, with the site server's HMAC of the email.
#[derive(Clone, Debug)]
pub(crate) struct Identity {
    pub name: String,
    pub email: String,
    pub user_hash: Option<String>,
}

#[derive(Default)]
struct Host {
    site: String,
    emit: Option<Function>,
    identity: Option<Identity>,
    chosen_lang: Option<Lang>,
    site_lang: Option<String>,
    typing: bool,
    typing_stop: Option<TimeoutHandle>,
}

/// The edge's visitor message rate window (`baton_core::settings::RATE_WINDOW_MS`).
const RATE_WINDOW: Duration = Duration::from_millis(baton_core::settings::RATE_WINDOW_MS as u64);

thread_local! {
    static CTX: Cell<Option<Ctx>> = const { Cell::new(None) };
    static HOST: Rc<RefCell<Host>> = Rc::default();
}

fn ctx() -> Option<Ctx> {
    CTX.with(Cell::get)
}

fn host<R>(f: impl FnOnce(&mut Host) -> R) -> R {
    let host = HOST.with(Rc::clone);
    let mut host = host.borrow_mut();
    f(&mut host)
}

/// Reads JSON parsed by the browser (`JSON.parse`) for [`crate::wire`].
impl Json for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        Reflect::get(self, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }
    fn string(&self) -> Option<String> {
        self.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
}

/// A plain JS object from key/value pairs (host-page event details, request bodies).
pub(crate) fn object(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

fn opt(options: &JsValue, key: &str) -> JsValue {
    Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Called once by the loader with the shadow root it created. Returns the command function
/// behind `window.Baton` (`open`, `close`, `toggle`, `locale`, `identify`, `reset`, `send`).
#[wasm_bindgen]
pub fn start(root: web_sys::ShadowRoot, options: JsValue) -> Result<Function, JsValue> {
    let site = opt(&options, "site").as_string().unwrap_or_default();
    let base = opt(&options, "base").as_string().unwrap_or_default();
    host(|h| {
        h.site = site.clone();
        h.emit = opt(&options, "emit").dyn_into().ok();
    });
    net::init(base, site);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let mount: web_sys::HtmlElement = document.create_element("div")?.unchecked_into();
    root.append_child(&mount)?;
    let seen = net::session().map_or(0, |s| s.seen);
    let config = opt(&options, "config");
    leptos::mount::mount_to(mount, move || {
        let ctx = Ctx {
            chat: RwSignal::new(Chat::new(seen, client_prefix())),
            ui: RwSignal::new(Ui {
                live_chat: true,
                max_bytes: 4096,
                ..Ui::default()
            }),
            lang: RwSignal::new(Lang::En),
            announce: RwSignal::new(String::new()),
            draft: RwSignal::new(String::new()),
            launcher: NodeRef::new(),
            panel: NodeRef::new(),
        };
        CTX.with(|c| c.set(Some(ctx)));
        apply_config(ctx, &config);
        choose_lang();
        view::app(ctx)
    })
    .forget();
    listen_for_network();
    // A conversation from an earlier page: reconnect now, for its news and the unread badge.
    if net::session().is_some() {
        net::ensure(None);
    }
    emit("ready", &[]);
    let command = Closure::<dyn Fn(String, JsValue)>::new(command);
    Ok(command.into_js_value().unchecked_into())
}

fn command(name: String, arg: JsValue) {
    match name.as_str() {
        "open" => open(),
        "close" => close(),
        "toggle" => toggle(),
        "locale" => {
            host(|h| h.chosen_lang = arg.as_string().as_deref().and_then(Lang::parse));
            choose_lang();
        }
        "identify" => identify(&arg),
        "reset" => reset(),
        "send" => {
            if let Some(text) = arg.as_string() {
                open();
                send_text(&text);
            }
        }
        _ => {}
    }
}

/// A client-id prefix unique per page load, so ids never collide across tabs or reloads.
fn client_prefix() -> String {
    let n = (js_sys::Math::random() * 2f64.powi(48)) as u64;
    format!("w{n}")
}

/// The site's widget-config (`name`, `locale`, `live_chat`, `max_message_bytes`), fetched by
/// the loader in parallel with this module so the first render already has them.
fn apply_config(ctx: Ctx, config: &JsValue) {
    let mut title = config
        .get("name")
        .and_then(|v| v.string())
        .unwrap_or_default();
    let live_chat = config
        .get("live_chat")
        .and_then(|v| v.boolean())
        .unwrap_or(true);
    let max = config
        .get("max_message_bytes")
        .and_then(|v| v.number())
        .unwrap_or(4096.0);
    set_ui(ctx, &mut |u| {
        u.title = std::mem::take(&mut title);
        u.live_chat = live_chat;
        u.max_bytes = max as usize;
    });
    host(|h| h.site_lang = config.get("locale").and_then(|v| v.string()));
}

/// An explicit `Baton.setLocale`, then the site's setting, then the browser's languages.
fn choose_lang() {
    let (chosen, site) = host(|h| (h.chosen_lang, h.site_lang.clone()));
    let browser: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    let lang = chosen.unwrap_or_else(|| {
        Lang::choose(
            site.iter()
                .map(String::as_str)
                .chain(browser.iter().map(String::as_str)),
        )
    });
    // Only a real change re-renders the (language-keyed) view.
    if let Some(ctx) = ctx().filter(|c| c.lang.get_untracked() != lang) {
        ctx.lang.set(lang);
    }
}

pub(crate) fn lang_code() -> &'static str {
    ctx().map_or("en", |c| c.lang.get_untracked().code())
}

pub(crate) fn last_seq() -> baton_core::Seq {
    ctx().map_or(0, |c| c.chat.with_untracked(|chat| chat.last_seq))
}

fn listen_for_network() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let wake = Closure::<dyn Fn()>::new(|| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        if visible {
            net::hurry();
            mark_seen();
        }
    });
    let _ = window.add_event_listener_with_callback("online", wake.as_ref().unchecked_ref());
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("visibilitychange", wake.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    wake.forget();
}

/// Tells the host page's listeners (`Baton.on(name, fn)`).
fn emit(name: &str, detail: &[(&str, JsValue)]) {
    let Some(emit) = host(|h| h.emit.clone()) else {
        return;
    };
    let _ = emit.call2(&JsValue::NULL, &name.into(), &object(detail));
}

pub(crate) fn on_frame(frame: ServerFrame) {
    let Some(ctx) = ctx() else {
        return;
    };
    let outcomes = ctx
        .chat
        .try_update(|chat| chat.apply(frame))
        .unwrap_or_default();
    for outcome in outcomes {
        match outcome {
            Outcome::Fresh(index) => fresh(ctx, index),
            Outcome::Phase(phase) => phase_changed(ctx, phase),
            Outcome::Welcomed => {
                set_ui(ctx, &mut |u| u.offline = false);
                let unconfirmed = ctx.chat.with_untracked(Chat::unconfirmed);
                net::on_welcome(unconfirmed);
                if ctx.chat.with_untracked(|c| c.phase) == Phase::Contact {
                    submit_known_contact();
                }
            }
            Outcome::Error(code, _) => match code {
                ErrorCode::InvalidEmail | ErrorCode::InvalidName => {
                    set_ui(ctx, &mut |u| u.contact_error = Some(code))
                }
                ErrorCode::RateLimited => {
                    set_ui(ctx, &mut |u| u.alert = Some(T::RateLimited));
                    // The refused message stays pending; send it again once the edge's rate
                    // window has passed (same client id: stored once even if it did arrive).
                    set_timeout(
                        move || {
                            if net::welcomed() {
                                set_ui(ctx, &mut |u| u.alert = None);
                                net::on_welcome(ctx.chat.with_untracked(Chat::unconfirmed));
                            }
                        },
                        RATE_WINDOW,
                    );
                }
                ErrorCode::TooLarge => set_ui(ctx, &mut |u| u.alert = Some(T::TooLong)),
                _ => set_ui(ctx, &mut |u| u.alert = Some(T::Failed)),
            },
        }
    }
    mark_seen();
}

/// A message or notice the visitor has not seen: announce it and tell the host page.
fn fresh(ctx: Ctx, index: usize) {
    let Some(item) = ctx.chat.with_untracked(|c| c.items.get(index).cloned()) else {
        return;
    };
    let lang = ctx.lang.get_untracked();
    let text = match &item.body {
        Body::Message { author, text } => {
            let (who, name) = match author {
                Author::Agent(name) => ("agent", name.clone()),
                _ => ("bot", lang.t(T::Assistant).to_string()),
            };
            emit(
                "message",
                &[
                    ("from", who.into()),
                    ("text", text.into()),
                    ("name", name.as_str().into()),
                ],
            );
            format!("{name}: {text}")
        }
        Body::Notice(notice) => {
            if matches!(notice, Notice::TicketCreated(_)) {
                set_ui(ctx, &mut |u| u.leave_form = false);
                focus_soon(ctx);
            }
            view::notice_text(lang, notice)
        }
    };
    ctx.announce.set(text);
    if !ctx.ui.with_untracked(|u| u.open) {
        let unread = ctx.chat.with_untracked(Chat::unread);
        emit("unread", &[("count", (unread as u32).into())]);
    }
}

fn phase_changed(ctx: Ctx, phase: Phase) {
    let state = match phase {
        Phase::Contact | Phase::Waiting => "waiting",
        Phase::Live => "live",
        _ => "bot",
    };
    let agent = ctx
        .chat
        .with_untracked(|c| c.agent.clone())
        .unwrap_or_default();
    emit(
        "handover",
        &[("state", state.into()), ("agent", agent.into())],
    );
    if phase == Phase::Live {
        set_ui(ctx, &mut |u| u.leave_form = false);
    }
    if phase == Phase::Contact {
        submit_known_contact();
    }
    focus_soon(ctx);
}

/// "Skipped when already known": a signed-in user's details answer the contact request.
fn submit_known_contact() {
    if let Some(id) = host(|h| h.identity.clone()) {
        net::send(VisitorCommand::Contact {
            name: id.name,
            email: id.email,
        });
    }
}

/// While the widget is open and the tab visible, everything that arrived is seen.
fn mark_seen() {
    let Some(ctx) = ctx() else {
        return;
    };
    let visible = web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| !d.hidden());
    if !ctx.ui.with_untracked(|u| u.open) || !visible || !net::welcomed() {
        return;
    }
    if ctx.chat.try_update(Chat::mark_seen) == Some(true) {
        let seq = ctx.chat.with_untracked(|c| c.last_seq);
        net::save_seen(seq);
        net::send(VisitorCommand::Read { seq });
    }
}

pub(crate) fn connection_lost() {
    if let Some(ctx) = ctx() {
        set_ui(ctx, &mut |u| u.offline = true);
    }
}

/// Starting a conversation failed (edge unreachable, origin not allowed).
pub(crate) fn unavailable() {
    if let Some(ctx) = ctx() {
        set_ui(ctx, &mut |u| u.alert = Some(T::Unavailable));
    }
}

/// The stored conversation no longer exists: forget it and start a new one if open.
pub(crate) fn session_lost() {
    reset();
}

pub(crate) fn open() {
    let Some(ctx) = ctx() else {
        return;
    };
    if !ctx.ui.with_untracked(|u| u.open) {
        set_ui(ctx, &mut |u| u.open = true);
        store::remember_open(&host(|h| h.site.clone()), true);
        emit("open", &[]);
    }
    net::ensure(host(|h| h.identity.clone()));
    mark_seen();
    focus_soon(ctx);
}

pub(crate) fn close() {
    let Some(ctx) = ctx() else {
        return;
    };
    if ctx.ui.with_untracked(|u| u.open) {
        set_ui(ctx, &mut |u| u.open = false);
        store::remember_open(&host(|h| h.site.clone()), false);
        stop_typing();
        emit("close", &[]);
        set_timeout(
            move || {
                if let Some(button) = ctx.launcher.get_untracked() {
                    let _ = button.focus();
                }
            },
            Duration::ZERO,
        );
    }
}

pub(crate) fn toggle() {
    if ctx().is_some_and(|c| c.ui.with_untracked(|u| u.open)) {
        close();
    } else {
        open();
    }
}

/// After the view caught up: focus the first field of a form, else the message box.
pub(crate) fn focus_soon(ctx: Ctx) {
    set_timeout(
        move || {
            let Some(panel) = ctx.panel.get_untracked() else {
                return;
            };
            if !ctx.ui.with_untracked(|u| u.open) {
                return;
            }
            let active = panel.contains(
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.shadow_root())
                    .and_then(|r| r.active_element())
                    .as_ref()
                    .map(|e| e.unchecked_ref::<web_sys::Node>()),
            );
            if active {
                return;
            }
            if let Ok(Some(field)) = panel.query_selector("[data-first], textarea") {
                let _ = field.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        },
        Duration::ZERO,
    );
}

fn identify(arg: &JsValue) {
    let text = |key: &str| opt(arg, key).as_string();
    let (Some(name), Some(email)) = (text("name"), text("email")) else {
        return;
    };
    let (Ok(name), true) = (validate::name(&name), crate::valid::email(&email)) else {
        web_sys::console::warn_1(&"Baton.identify: invalid name or email".into());
        return;
    };
    let user_hash = text("userHash").or_else(|| text("user_hash"));
    // A conversation started for another signed-in user stays theirs: start a new one.
    if net::session().is_some_and(|s| s.email.is_some_and(|e| !e.eq_ignore_ascii_case(&email))) {
        reset();
    }
    host(|h| {
        h.identity = Some(Identity {
            name: name.clone(),
            email: email.clone(),
            user_hash,
        })
    });
    if let Some(ctx) = ctx() {
        set_ui(ctx, &mut |u| u.known = Some((name.clone(), email.clone())));
        if ctx.chat.with_untracked(|c| c.phase) == Phase::Contact {
            submit_known_contact();
        }
    }
}

/// The edge refused the identity (no or a wrong `user_hash`): it is neither used nor shown.
pub(crate) fn identity_refused() {
    host(|h| h.identity = None);
    if let Some(ctx) = ctx() {
        set_ui(ctx, &mut |u| u.known = None);
    }
}

/// Forgets the conversation on this device (sign-out); a new one starts on the next open.
fn reset() {
    net::forget();
    let Some(ctx) = ctx() else {
        return;
    };
    ctx.chat.set(Chat::new(0, client_prefix()));
    set_ui(ctx, &mut |u| {
        u.leave_form = false;
        u.alert = None;
        u.offline = false;
    });
    if ctx.ui.with_untracked(|u| u.open) {
        net::ensure(host(|h| h.identity.clone()));
    }
}

pub(crate) fn send_text(text: &str) -> bool {
    let Some(ctx) = ctx() else {
        return false;
    };
    match validate::message_text(text, ctx.ui.with_untracked(|u| u.max_bytes)) {
        Ok(text) => {
            stop_typing();
            set_ui(ctx, &mut |u| u.alert = None);
            if let Some(command) = ctx.chat.try_update(|chat| chat.compose(text)) {
                net::send(command);
            }
            net::ensure(host(|h| h.identity.clone()));
            true
        }
        Err(ConversationError::TooLarge { .. }) => {
            set_ui(ctx, &mut |u| u.alert = Some(T::TooLong));
            false
        }
        Err(_) => false,
    }
}

/// The visitor is typing: tell the agent once, and that it stopped after 3 s of quiet.
pub(crate) fn typing() {
    let Some(ctx) = ctx() else {
        return;
    };
    if !matches!(
        ctx.chat.with_untracked(|c| c.phase),
        Phase::Waiting | Phase::Live
    ) {
        return;
    }
    let started = host(|h| {
        if let Some(stop) = h.typing_stop.take() {
            stop.clear();
        }
        h.typing_stop = set_timeout_with_handle(stop_typing, Duration::from_secs(3)).ok();
        !std::mem::replace(&mut h.typing, true)
    });
    if started {
        net::send(VisitorCommand::Typing { typing: true });
    }
}

fn stop_typing() {
    let was = host(|h| {
        if let Some(stop) = h.typing_stop.take() {
            stop.clear();
        }
        std::mem::replace(&mut h.typing, false)
    });
    if was {
        net::send(VisitorCommand::Typing { typing: false });
    }
}

pub(crate) fn send_command(command: VisitorCommand) {
    net::send(command);
}

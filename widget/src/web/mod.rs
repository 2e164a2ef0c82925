//! The browser side: `start` (called by the loader) and the state shared by its parts: the
//! host page's commands (`api`), frames from the edge (`frames`), the socket (`net`), what is
//! stored on the device (`store`) and the view (`view`, `forms`). Signals live in [`Ctx`]; everything that is
//! not `Send` (sockets, JS callbacks) lives in thread-locals, touched only in short borrows that
//! never call out to host-page code, so a host listener calling back into the API is safe.

mod api;
mod attach;
mod forms;
mod frames;
mod net;
mod store;
mod view;

pub(crate) use api::{
    close, focus_soon, identity_refused, send_command, send_text, toggle, typing,
};
pub(crate) use forms::focus_on;
pub(crate) use frames::{connection_lost, erased, on_frame, session_lost, unavailable};

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use baton_core::ErrorCode;
use js_sys::{Function, Object, Reflect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{Lang, T};
use crate::model::Chat;
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
pub(crate) struct Host {
    site: String,
    emit: Option<Function>,
    identity: Option<Identity>,
    chosen_lang: Option<Lang>,
    site_lang: Option<String>,
    typing: bool,
    typing_stop: Option<TimeoutHandle>,
    /// Counts the agent's "typing" frames, to expire a stale indicator.
    agent_typing_mark: u32,
}

thread_local! {
    static CTX: Cell<Option<Ctx>> = const { Cell::new(None) };
    static HOST: Rc<RefCell<Host>> = Rc::default();
}

pub(crate) fn ctx() -> Option<Ctx> {
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

/// Outgoing commands are written straight into a JS object for `JSON.stringify`.
impl crate::wire::JsonOut for Object {
    fn text(&mut self, key: &str, value: &str) {
        let _ = Reflect::set(self, &key.into(), &value.into());
    }
    fn number(&mut self, key: &str, value: f64) {
        let _ = Reflect::set(self, &key.into(), &value.into());
    }
    fn boolean(&mut self, key: &str, value: bool) {
        let _ = Reflect::set(self, &key.into(), &value.into());
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

/// `JSON.stringify`: the browser's writer costs the wasm nothing.
pub(crate) fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
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
    frames::emit("ready", &[]);
    let command = Closure::<dyn Fn(String, JsValue)>::new(api::command);
    Ok(command.into_js_value().unchecked_into())
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

// The browser's languages, space-separated: one string across the boundary costs the wasm less
// than iterating the JS array (language tags have no spaces).
#[wasm_bindgen(inline_js = "export function languages() {
  return (navigator.languages || []).join(' ');
}")]
extern "C" {
    #[wasm_bindgen(js_name = languages)]
    fn browser_languages() -> String;
}

/// An explicit `Baton.setLocale`, then the site's setting, then the browser's languages.
fn choose_lang() {
    let (chosen, site) = host(|h| (h.chosen_lang, h.site_lang.clone()));
    let browser = browser_languages();
    let lang = chosen
        .unwrap_or_else(|| Lang::choose(site.iter().map(String::as_str).chain(browser.split(' '))));
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
            frames::mark_seen();
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

//! The connection to the edge: starting a conversation over HTTP, then one WebSocket that
//! reconnects by itself with backoff and resumes from the last seq the model has. Messages that
//! were not confirmed are sent again with their client id (the edge stores each id once); other
//! commands wait in an outbox until the socket is welcomed again.
//!
//! Socket callbacks are created once and shared by every socket; a callback from a socket that
//! is no longer the current one is ignored, so a late close never tears down its successor.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use leptos::prelude::{set_interval, set_timeout_with_handle, TimeoutHandle};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::store::{self, Session};
use super::{stringify, Identity};
use crate::wire::{self, Json};

const PING_EVERY: Duration = Duration::from_secs(25);
/// No frame at all for this long (not even a pong) means the socket is dead without knowing it.
const SILENCE_MS: f64 = 90_000.0;

struct Net {
    base: String,
    site: String,
    session: Option<Session>,
    socket: Option<WebSocket>,
    welcomed: bool,
    /// Closes in a row without a welcome; drives the backoff and the "is it gone?" check.
    failures: u32,
    retry: Option<TimeoutHandle>,
    creating: bool,
    outbox: Vec<VisitorCommand>,
    last_frame: f64,
    on_message: Closure<dyn FnMut(MessageEvent)>,
    on_close: Closure<dyn FnMut(CloseEvent)>,
    on_http: Closure<dyn FnMut(u32, u16, String)>,
    /// The signed-in user's email a conversation is being started for.
    starting_email: Option<String>,
}

thread_local! {
    static NET: Rc<RefCell<Option<Net>>> = Rc::default();
}

/// One non-generic thread-local access: `LocalKey::with` per closure type costs wasm bytes.
fn cell() -> Rc<RefCell<Option<Net>>> {
    NET.with(Rc::clone)
}

fn with<R>(f: impl FnOnce(&mut Net) -> R) -> Option<R> {
    cell().borrow_mut().as_mut().map(f)
}

pub fn init(base: String, site: String) {
    let session = store::load(&site);
    let net = Net {
        base: base.trim_end_matches('/').to_string(),
        site,
        session,
        socket: None,
        welcomed: false,
        failures: 0,
        retry: None,
        creating: false,
        outbox: Vec::new(),
        last_frame: 0.0,
        on_message: Closure::new(on_message),
        on_close: Closure::new(on_close),
        on_http: Closure::new(on_http),
        starting_email: None,
    };
    *cell().borrow_mut() = Some(net);
    set_interval(heartbeat, PING_EVERY);
}

pub fn session() -> Option<Session> {
    with(|net| net.session.clone()).flatten()
}

pub fn welcomed() -> bool {
    with(|net| net.welcomed && net.socket.is_some()).unwrap_or(false)
}

/// Connects to the stored conversation, or starts one (with the signed-in user, if any).
pub fn ensure(identity: Option<Identity>) {
    let todo = with(|net| match (&net.session, &net.socket, &net.retry) {
        (Some(_), None, None) => Some(true),
        (None, _, _) if !net.creating => {
            net.creating = true;
            Some(false)
        }
        _ => None,
    })
    .flatten();
    match todo {
        Some(true) => connect(),
        Some(false) => start_conversation(identity.as_ref()),
        None => {}
    }
}

/// Reconnects at once (back online, tab visible again) instead of waiting out the backoff.
pub fn hurry() {
    let due = with(|net| {
        let due = net.session.is_some() && net.socket.is_none();
        if due {
            if let Some(retry) = net.retry.take() {
                retry.clear();
            }
        }
        due
    });
    if due == Some(true) {
        connect();
    }
}

/// What an HTTP answer is for (`on_http`).
const START_IDENTIFIED: u32 = 0;
const START: u32 = 1;
const CHECK: u32 = 2;

// One HTTP exchange in the browser's own promise code: a Rust future per request (and the
// executor glue each one instantiates) cost the wasm ~2 KB brotli. `done(kind, status, text)`
// gets status 0 when the network failed.
#[wasm_bindgen(inline_js = "export function http(url, body, kind, done) {
  fetch(url, body === undefined ? undefined
    : { method: 'POST', body: body, headers: { 'content-type': 'application/json' } })
    .then((r) => r.text().then((t) => [r.status, t]))
    .catch(() => [0, ''])
    .then((a) => done(kind, a[0], a[1]));
}
export function start(url, locale, name, email, hash, kind, done) {
  // Undefined fields (no signed-in user) are left out by JSON.stringify.
  const body = { page: location.href, referrer: document.referrer, locale: locale,
    name: name, email: email, user_hash: hash };
  http(url, JSON.stringify(body), kind, done);
}")]
extern "C" {
    fn http(url: &str, body: &JsValue, kind: u32, done: &JsValue);
    /// `http` with the body that starts a conversation: the page, its referrer, the language
    /// and the signed-in user (if any).
    fn start(
        url: &str,
        locale: &str,
        name: Option<&str>,
        email: Option<&str>,
        hash: Option<&str>,
        kind: u32,
        done: &JsValue,
    );
}

/// POST /sites/{site}/conversations (with the signed-in user, if any); answered in `on_http`.
fn start_conversation(identity: Option<&Identity>) {
    let kind = if identity.is_some() {
        START_IDENTIFIED
    } else {
        START
    };
    let locale = super::lang_code();
    with(|net| {
        net.starting_email = identity.map(|id| id.email.clone());
        let url = format!("{}/api/v1/sites/{}/conversations", net.base, net.site);
        start(
            &url,
            locale,
            identity.map(|id| id.name.as_str()),
            identity.map(|id| id.email.as_str()),
            identity.and_then(|id| id.user_hash.as_deref()),
            kind,
            net.on_http.as_ref(),
        );
    });
}

/// The answer to a request made through `http`.
fn on_http(kind: u32, status: u16, text: String) {
    if kind == CHECK {
        // A 401/404 means the stored id is stale (data deleted, another edge).
        if matches!(status, 401 | 404) {
            super::session_lost();
        }
        return;
    }
    // A signed-in identity the edge refuses (bad or missing user_hash) must not cost the
    // visitor the chat: start anonymously, and they fill in the contact form instead.
    if kind == START_IDENTIFIED && status == 403 {
        web_sys::console::warn_1(
            &"Baton: identify() was refused by the edge; check user_hash".into(),
        );
        super::identity_refused();
        return start_conversation(None);
    }
    let started = if status == 201 { parse(&text) } else { None };
    let text = |key| started.as_ref()?.get(key)?.string();
    let (id, token) = (text("conversation_id"), text("token"));
    let stored = with(|net| {
        net.creating = false;
        let session = Session {
            id: id?,
            token: token?,
            seen: 0,
            email: net.starting_email.take(),
        };
        store::save(&net.site, &session);
        net.session = Some(session);
        Some(())
    })
    .flatten();
    match stored {
        Some(()) => connect(),
        None => super::unavailable(),
    }
}

/// A URL of this conversation's visitor API, `path` under it, the token and `query` appended.
pub fn conversation_url(path: &str, query: &str) -> String {
    with(|net| match &net.session {
        Some(s) => format!(
            "{}/api/v1/conversations/{}/{path}?token={}{query}",
            net.base, s.id, s.token
        ),
        None => String::new(),
    })
    .unwrap_or_default()
}

/// Where this conversation's file `id` is served (the token proves it is the visitor's).
pub fn file_url(id: &str) -> String {
    conversation_url(&format!("attachments/{id}"), "")
}

/// `JSON.parse`: the browser's parser costs the wasm nothing.
pub fn parse(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

fn connect() {
    let after = super::last_seq();
    with(|net| {
        let Some(session) = &net.session else { return };
        // http://… → ws://…, https://… → wss://…
        let url = format!(
            "ws{}/api/v1/conversations/{}/ws?token={}&after={after}",
            net.base.get(4..).unwrap_or_default(),
            session.id,
            session.token
        );
        net.retry = None;
        net.welcomed = false;
        match WebSocket::new(&url) {
            Ok(socket) => {
                socket.set_onmessage(Some(net.on_message.as_ref().unchecked_ref()));
                socket.set_onclose(Some(net.on_close.as_ref().unchecked_ref()));
                net.last_frame = js_sys::Date::now();
                net.socket = Some(socket);
            }
            Err(_) => net.socket = None,
        }
    });
}

fn current(target: Option<web_sys::EventTarget>) -> bool {
    with(|net| match (&net.socket, target) {
        (Some(socket), Some(target)) => JsValue::from(socket) == JsValue::from(target),
        _ => false,
    })
    .unwrap_or(false)
}

fn on_message(event: MessageEvent) {
    if !current(event.target()) {
        return;
    }
    with(|net| net.last_frame = js_sys::Date::now());
    let Some(text) = event.data().as_string() else {
        return;
    };
    if let Some(frame) = parse(&text).as_ref().and_then(wire::frame) {
        super::on_frame(frame);
    }
}

fn on_close(event: CloseEvent) {
    if !current(event.target()) {
        return;
    }
    if crate::model::erased_on_close(event.code()) {
        super::erased();
    } else {
        closed();
    }
}

/// The current socket is gone (closed, or silent too long): reconnect after a backoff.
fn closed() {
    let failures = with(|net| {
        if let Some(socket) = net.socket.take() {
            socket.set_onclose(None);
            socket.set_onmessage(None);
            let _ = socket.close();
        }
        if !net.welcomed {
            net.failures += 1;
        }
        net.welcomed = false;
        net.failures
    })
    .unwrap_or(0);
    super::connection_lost();
    if failures >= 3 && failures % 3 == 0 {
        check_session();
    }
    // 0.5 s, 1 s, 2 s … up to 15 s, with jitter so a restarted edge is not hit all at once.
    let backoff = (500.0 * f64::from(1u32 << failures.min(5))).min(15_000.0);
    let delay = backoff * (0.75 + 0.5 * js_sys::Math::random());
    let handle = set_timeout_with_handle(connect, Duration::from_millis(delay as u64)).ok();
    with(|net| net.retry = handle);
}

/// After repeated failures: is the conversation still there? A 401/404 means the stored id is
/// stale (data deleted, another edge); the widget then forgets it and starts afresh.
fn check_session() {
    with(|net| {
        if let Some(session) = &net.session {
            let url = format!(
                "{}/api/v1/conversations/{}/events?token={}&after=0",
                net.base, session.id, session.token
            );
            http(&url, &JsValue::UNDEFINED, CHECK, net.on_http.as_ref());
        }
    });
}

/// Sends now when the socket is welcomed; otherwise messages wait in the model (resent on the
/// next welcome), structural commands in the outbox, and typing/read/ping are dropped.
pub fn send(command: VisitorCommand) {
    let socket = with(|net| {
        let ready = net.welcomed && net.socket.as_ref().is_some_and(|s| s.ready_state() == 1);
        if !ready {
            if !matches!(
                command,
                VisitorCommand::Message { .. }
                    | VisitorCommand::Typing { .. }
                    | VisitorCommand::Read { .. }
                    | VisitorCommand::Ping
            ) {
                net.outbox.push(command.clone());
            }
            return None;
        }
        net.socket.clone()
    })
    .flatten();
    let Some(socket) = socket else { return };
    let mut json = js_sys::Object::new();
    wire::command(&command, &mut json);
    if let Some(json) = stringify(&json) {
        let _ = socket.send_with_str(&json);
    }
}

/// The replay is done: resend what the edge has not confirmed, then the outbox.
pub fn on_welcome(unconfirmed: Vec<VisitorCommand>) {
    let outbox = with(|net| {
        net.welcomed = true;
        net.failures = 0;
        std::mem::take(&mut net.outbox)
    })
    .unwrap_or_default();
    for command in unconfirmed.into_iter().chain(outbox) {
        send(command);
    }
}

pub fn save_seen(seq: baton_core::Seq) {
    with(|net| {
        if let Some(session) = net.session.as_mut() {
            session.seen = seq;
            store::save(&net.site, session);
        }
    });
}

/// Drops the conversation: closes the socket, forgets the id and token on this device.
pub fn forget() {
    with(|net| {
        if let Some(socket) = net.socket.take() {
            socket.set_onclose(None);
            socket.set_onmessage(None);
            let _ = socket.close();
        }
        if let Some(retry) = net.retry.take() {
            retry.clear();
        }
        net.session = None;
        net.welcomed = false;
        net.failures = 0;
        net.outbox.clear();
        store::forget(&net.site);
    });
}

fn heartbeat() {
    let silent = with(|net| {
        net.socket.as_ref().is_some_and(|s| s.ready_state() == 1)
            && js_sys::Date::now() - net.last_frame > SILENCE_MS
    });
    if silent == Some(true) {
        // A close handshake on a dead connection can take minutes: give up on it now.
        closed();
    } else {
        send(VisitorCommand::Ping);
    }
}

//! What the widget keeps on the visitor's device, per site: the conversation's id and secret
//! token plus how far the visitor has read (localStorage, so it survives reloads and navigation),
//! and whether the widget was open (sessionStorage: the loader reopens it on the next page of
//! this tab). Storage can be missing or full (private modes, blocked cookies): every call then
//! quietly does nothing, and the chat still works for this page.

use baton_core::Seq;
use wasm_bindgen::JsValue;
use web_sys::Storage;

use super::{object, stringify};
use crate::wire::Json;

#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub token: String,
    /// Everything up to this seq was seen with the widget open (unread badge).
    pub seen: Seq,
    /// The signed-in user this conversation was started for; another user starts a new one.
    pub email: Option<String>,
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn key(site: &str) -> String {
    format!("baton:{site}")
}

pub fn load(site: &str) -> Option<Session> {
    let raw = local()?.get_item(&key(site)).ok().flatten()?;
    let json: JsValue = js_sys::JSON::parse(&raw).ok()?;
    Some(Session {
        id: json.get("id")?.string()?,
        token: json.get("token")?.string()?,
        seen: json.get("seen").and_then(|v| v.number()).unwrap_or(0.0) as Seq,
        email: json.get("email").and_then(|v| v.string()),
    })
}

pub fn save(site: &str, session: &Session) {
    let email = session
        .email
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let json = object(&[
        ("id", session.id.as_str().into()),
        ("token", session.token.as_str().into()),
        ("seen", (session.seen as f64).into()),
        ("email", email),
    ]);
    if let (Some(store), Some(raw)) = (local(), stringify(&json)) {
        let _ = store.set_item(&key(site), &raw);
    }
}

pub fn forget(site: &str) {
    if let Some(store) = local() {
        let _ = store.remove_item(&key(site));
    }
}

/// Read by the loader (`baton:SITE:open`) to open the widget again after a navigation.
pub fn remember_open(site: &str, open: bool) {
    if let Some(store) = session_storage() {
        let key = format!("{}:open", key(site));
        let _ = if open {
            store.set_item(&key, "1")
        } else {
            store.remove_item(&key)
        };
    }
}

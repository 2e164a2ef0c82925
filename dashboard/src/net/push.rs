//! The browser half of Web Push: permission, the service worker's `pushManager` subscription,
//! and a label for this device. Small JS glue (no web-sys features for the Push API needed);
//! the subscription then goes to the edge through [`crate::net::api`].

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function push_supported() {
  return 'serviceWorker' in navigator && 'PushManager' in self && 'Notification' in self;
}
function key_bytes(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
export async function push_subscribe(key) {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site: allow them in the browser settings.');
  }
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription = existing || await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key_bytes(key),
  });
  return JSON.stringify(subscription.toJSON());
}
export async function push_unsubscribe() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration && await registration.pushManager.getSubscription();
  if (subscription) await subscription.unsubscribe();
}
export function device_label() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}
"#)]
extern "C" {
    pub fn push_supported() -> bool;
    #[wasm_bindgen(catch)]
    async fn push_subscribe(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn push_unsubscribe() -> Result<JsValue, JsValue>;
    pub fn device_label() -> String;
}

fn message(error: JsValue) -> String {
    js_sys::Reflect::get(&error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "The browser refused to subscribe".into())
}

/// Asks for permission and subscribes this browser (call from a click). The subscription as
/// `PushSubscription.toJSON()` gives it.
pub async fn subscribe(key: &str) -> Result<serde_json::Value, String> {
    let json = push_subscribe(key).await.map_err(message)?;
    let text = json.as_string().unwrap_or_default();
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Drops this browser's subscription (sign-out, or "Remove" on this device).
pub async fn unsubscribe() {
    let _ = push_unsubscribe().await;
}

//! How a waiting chat gets the agent's attention: a short tone (WebAudio, no sound file), a
//! browser notification that opens the chat when clicked, and a polite screen-reader message.
//! Each site can be muted on this device.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{
    AudioContext, Notification, NotificationOptions, NotificationPermission, OscillatorType,
};

thread_local! {
    static AUDIO: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

/// Browsers only let a page make sound after a user gesture: call this from one (sign-in,
/// any click) so later notifications can beep.
pub fn unlock_audio() {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = AudioContext::new().ok();
        }
        if let Some(context) = audio.as_ref() {
            let _ = context.resume();
        }
    });
}

/// Two short tones for a waiting chat, one lower tone for a new bot conversation.
pub fn beep(urgent: bool) {
    AUDIO.with(|audio| {
        let Some(context) = audio.borrow().clone() else {
            return;
        };
        let tones: &[(f32, f64)] = if urgent {
            &[(880.0, 0.0), (1175.0, 0.18)]
        } else {
            &[(660.0, 0.0)]
        };
        for (frequency, delay) in tones {
            let _ = tone(&context, *frequency, *delay);
        }
    });
}

fn tone(context: &AudioContext, frequency: f32, delay: f64) -> Result<(), JsValue> {
    let oscillator = context.create_oscillator()?;
    let gain = context.create_gain()?;
    oscillator.set_type(OscillatorType::Sine);
    oscillator.frequency().set_value(frequency);
    let start = context.current_time() + delay;
    gain.gain().set_value_at_time(0.0001, start)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.2, start + 0.02)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.0001, start + 0.16)?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&context.destination())?;
    oscillator.start_with_when(start)?;
    oscillator.stop_with_when(start + 0.17)?;
    Ok(())
}

pub fn permission() -> NotificationPermission {
    Notification::permission()
}

/// Asks for permission (must run in a click handler); `on_answer` gets whether it was granted.
pub fn request_permission(on_answer: impl Fn(bool) + 'static) {
    let Ok(promise) = Notification::request_permission() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
        on_answer(answer.ok().and_then(|v| v.as_string()).as_deref() == Some("granted"));
    });
}

/// A browser notification; clicking it focuses the dashboard and opens `hash`.
pub fn show(title: &str, body: &str, tag: &str, hash: String) {
    if permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    options.set_icon("./icon.svg");
    let Ok(notification) = Notification::new_with_options(title, &options) else {
        return;
    };
    let onclick = Closure::<dyn FnMut(web_sys::Event)>::new({
        let notification = notification.clone();
        move |_: web_sys::Event| {
            let _ = window().focus();
            let _ = location().set_hash(&hash);
            notification.close();
        }
    });
    notification.set_onclick(Some(onclick.as_ref().unchecked_ref()));
    // The notification owns its handler for as long as the browser keeps it.
    onclick.forget();
}

fn mute_key(site_id: &str) -> String {
    format!("baton.muted.{site_id}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Whether this site's notifications are off on this device.
pub fn muted(site_id: &str) -> bool {
    storage()
        .and_then(|s| s.get_item(&mute_key(site_id)).ok().flatten())
        .is_some()
}

pub fn set_muted(site_id: &str, muted: bool) {
    if let Some(storage) = storage() {
        let _ = if muted {
            storage.set_item(&mute_key(site_id), "1")
        } else {
            storage.remove_item(&mute_key(site_id))
        };
    }
}

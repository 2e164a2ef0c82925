//! Sending files is an add-on (widget/attach.js): fetched the first time the chat reaches a
//! person, not with the widget, so the many visitors who only talk to the bot never pay for it.
//! The wasm only shows files; the add-on draws the paperclip in the composer and listens on the
//! panel (a file chosen, pasted or dropped), uploads to the URL it was last given, and says the
//! refusal text it was given when the edge refuses. Why not in Rust: the paperclip, handlers
//! and upload cost the widget ~3.7 KB brotli (measured), this hand-over a few hundred bytes.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::Ctx;
use crate::i18n::T;
use crate::model::Chat;

// The module's name is filled in by scripts/build-widget.sh (content-hashed, next to the glue).
#[wasm_bindgen(
    inline_js = "export function addon(){return import(new URL('__BATON_ATTACH__',import.meta.url))}"
)]
extern "C" {
    fn addon() -> js_sys::Promise;
}

thread_local! {
    static LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// On every phase change: the first time a person is there or on the way, the add-on is
/// fetched; from then on it is told where files go now (nowhere: "", back with the bot).
pub(crate) fn phase(ctx: Ctx) {
    let may = ctx.chat.with_untracked(Chat::may_attach);
    let Some(panel) = ctx.panel.get_untracked() else {
        return;
    };
    if !may && !LOADED.get() {
        return;
    }
    LOADED.set(true);
    let lang = ctx.lang.get_untracked();
    let url = if may {
        super::net::conversation_url("attachments", "")
    } else {
        String::new()
    };
    let args = js_sys::Array::of4(
        &panel,
        &url.into(),
        &lang.t(T::AttachFile).into(),
        &lang.t(T::FileFailed).into(),
    );
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(module) = wasm_bindgen_futures::JsFuture::from(addon()).await else {
            return;
        };
        if let Ok(init) = js_sys::Reflect::get(&module, &"init".into()) {
            let _ = js_sys::Function::from(init).apply(&JsValue::NULL, &args);
        }
    });
}

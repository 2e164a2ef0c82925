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
// Fetched and called by the browser's promise code: a Rust future costs the wasm more. A
// failed fetch or init is ignored, as before (the chat works without files).
#[wasm_bindgen(inline_js = "export function addon(panel, url, label, failed) {
  import(new URL('__BATON_ATTACH__', import.meta.url))
    .then((m) => m.init(panel, url, label, failed))
    .catch(() => {});
}")]
extern "C" {
    fn addon(panel: &JsValue, url: &str, label: &str, failed: &str);
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
    addon(&panel, &url, lang.t(T::AttachFile), lang.t(T::FileFailed));
}

//! What the host page and the visitor do: the `window.Baton` commands, opening and closing,
//! sending, typing, identifying a signed-in user.

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::{validate, ConversationError, Phase};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::frames::{emit, mark_seen, submit_known_contact};
use super::{choose_lang, client_prefix, ctx, host, net, opt, set_ui, store, Ctx, Identity};
use crate::i18n::{Lang, T};
use crate::model::Chat;

/// Behind `window.Baton` (see the loader): one entry point for every method.
pub(crate) fn command(name: String, arg: JsValue) {
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
pub(crate) fn reset() {
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

//! Frames from the edge: through the model, then what follows from them (announcements, the
//! host page's events, read receipts, forms that open or close).

use std::time::Duration;

use baton_core::protocol::{Party, ServerFrame, VisitorCommand};
use baton_core::{ErrorCode, Phase};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::api::{focus_soon, reset};
use super::{ctx, host, net, object, set_ui, view, Ctx};
use crate::i18n::T;
use crate::model::{Author, Body, Chat, Notice, Outcome};

const TYPING_EXPIRES: Duration = Duration::from_secs(15);

/// The edge's visitor message rate window (`baton_core::settings::RATE_WINDOW_MS`).
const RATE_WINDOW: Duration = Duration::from_millis(baton_core::settings::RATE_WINDOW_MS as u64);

/// Tells the host page's listeners (`Baton.on(name, fn)`).
pub(crate) fn emit(name: &str, detail: &[(&str, JsValue)]) {
    let Some(emit) = host(|h| h.emit.clone()) else {
        return;
    };
    let _ = emit.call2(&JsValue::NULL, &name.into(), &object(detail));
}

pub(crate) fn on_frame(frame: ServerFrame) {
    let Some(ctx) = ctx() else {
        return;
    };
    let agent_typing = matches!(
        frame,
        ServerFrame::Typing {
            by: Party::Agent,
            typing: true
        }
    );
    let outcomes = ctx
        .chat
        .try_update(|chat| chat.apply(frame))
        .unwrap_or_default();
    if agent_typing {
        expire_typing(ctx);
    }
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

/// An agent whose tab closed mid-sentence never says they stopped: the indicator goes away
/// after a while without news (each new "typing" restarts the wait).
fn expire_typing(ctx: Ctx) {
    let mark = host(|h| {
        h.agent_typing_mark += 1;
        h.agent_typing_mark
    });
    set_timeout(
        move || {
            if host(|h| h.agent_typing_mark) == mark && ctx.chat.with_untracked(|c| c.agent_typing)
            {
                ctx.chat.update(|c| c.agent_typing = false);
            }
        },
        TYPING_EXPIRES,
    );
}

/// A message or notice the visitor has not seen: announce it and tell the host page.
fn fresh(ctx: Ctx, index: usize) {
    let Some(item) = ctx.chat.with_untracked(|c| c.items.get(index).cloned()) else {
        return;
    };
    let lang = ctx.lang.get_untracked();
    let text = match &item.body {
        Body::Message { author, text } => {
            // "Did you mean…?" buttons are read out with the message that offers them.
            let offered = match author {
                Author::Bot { suggestions, .. } => suggestions.join(". "),
                _ => String::new(),
            };
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
            format!("{name}: {text} {offered}")
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
    super::attach::phase(ctx);
    if phase == Phase::Contact {
        submit_known_contact();
    }
    focus_soon(ctx);
}

/// "Skipped when already known": a signed-in user's details answer the contact request.
pub(crate) fn submit_known_contact() {
    if let Some(id) = host(|h| h.identity.clone()) {
        net::send(VisitorCommand::Contact {
            name: id.name,
            email: id.email,
        });
    }
}

/// While the widget is open and the tab visible, everything that arrived is seen.
pub(crate) fn mark_seen() {
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

/// The conversation was erased (the visitor's "Delete", or an admin): it is gone for good, so
/// the widget forgets it and starts afresh instead of reconnecting, and says so.
pub(crate) fn erased() {
    reset();
    if let Some(ctx) = ctx() {
        set_ui(ctx, &mut |u| u.alert = Some(T::Erased));
        focus_soon(ctx);
    }
}

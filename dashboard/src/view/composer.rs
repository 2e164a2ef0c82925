//! The composer: a reply to the visitor (only the holder) or an internal note (any agent, never
//! shown to the visitor, and marked as such). Typing is reported to the visitor while replying.

use std::time::Duration;

use baton_core::protocol::AgentCommand;
use leptos::prelude::*;

use super::chat::ChatLink;
use crate::model::chat::ChatModel;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Reply,
    Note,
}

/// Stops the typing indicator this long after the last keystroke.
const TYPING_IDLE: Duration = Duration::from_secs(3);

fn client_id() -> String {
    format!("d-{:x}", (js_sys::Math::random() * 1e15) as u64)
}

#[component]
pub fn Composer(model: RwSignal<ChatModel>, link: ChatLink) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let chosen = RwSignal::new(Mode::Reply);
    let can_reply = Memo::new(move |_| model.with(ChatModel::can_reply));
    // Without the chat, a reply is impossible: the composer writes notes.
    let mode = move || {
        if can_reply.get() {
            chosen.get()
        } else {
            Mode::Note
        }
    };
    let typing = RwSignal::new(false);
    let keystrokes = RwSignal::new(0u32);
    // Also runs on blur, which the browser may send while the chat is being closed.
    let stop_typing = move || {
        if typing.try_get_untracked() == Some(true) {
            typing.set(false);
            link.send(&AgentCommand::Typing { typing: false });
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        if mode() != Mode::Reply {
            return;
        }
        if !typing.get_untracked() {
            typing.set(true);
            link.send(&AgentCommand::Typing { typing: true });
        }
        let stroke = keystrokes.get_untracked() + 1;
        keystrokes.set(stroke);
        set_timeout(
            move || {
                if keystrokes.try_get_untracked() == Some(stroke) {
                    stop_typing();
                }
            },
            TYPING_IDLE,
        );
    };
    let send = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let command = match mode() {
            Mode::Reply => AgentCommand::Message {
                text: body,
                client_id: Some(client_id()),
            },
            Mode::Note => AgentCommand::Comment { text: body },
        };
        if link.send(&command) {
            text.set(String::new());
            stop_typing();
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    // Enter sends, Shift+Enter starts a new line, as in every chat app.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let hint = move || {
        if can_reply.get() {
            return None;
        }
        Some(model.with(|m| match m.held_by_other() {
            Some(holder) => format!(
                "{} holds this chat: you can read it and add internal notes.",
                holder.name
            ),
            None => {
                "Accept, join or take control to reply. Internal notes are always possible.".into()
            }
        }))
    };
    view! {
        <form class="composer" class:note=move || mode() == Mode::Note aria-label="Write" on:submit=on_submit>
            <fieldset class="mode">
                <legend class="sr-only">"Send as"</legend>
                <label>
                    <input type="radio" name="mode" prop:checked=move || mode() == Mode::Reply disabled=move || !can_reply.get() on:change=move |_| chosen.set(Mode::Reply) />
                    " Reply to visitor"
                </label>
                <label class="note-label">
                    <input type="radio" name="mode" prop:checked=move || mode() == Mode::Note on:change=move |_| chosen.set(Mode::Note) />
                    " Internal note (agents only)"
                </label>
            </fieldset>
            <Show when=move || hint().is_some()>
                <p class="note">{hint}</p>
            </Show>
            <label for="composer-text" class="sr-only">
                {move || if mode() == Mode::Reply { "Reply to the visitor" } else { "Internal note, agents only" }}
            </label>
            <textarea
                id="composer-text"
                rows="2"
                placeholder=move || if mode() == Mode::Reply { "Write a reply…" } else { "Write an internal note (the visitor never sees it)…" }
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_key
                on:blur=move |_| stop_typing()
            ></textarea>
            <button type="submit" class="primary" disabled=move || !model.with(|m| m.connected)>
                {move || if mode() == Mode::Reply { "Send" } else { "Add note" }}
            </button>
        </form>
    }
}

//! The composer: a reply to the visitor (only the holder) or an internal note (any agent, never
//! shown to the visitor, and marked as such). Typing is reported to the visitor while replying.

use std::time::Duration;

use baton_core::protocol::AgentCommand;
use baton_core::toolbox::CannedReply;
use leptos::prelude::*;

use super::attach::{AttachButton, Uploader};
use super::chat::ChatLink;
use crate::model::chat::ChatModel;
use crate::model::toolbox::{insert_text, Picker};
use crate::net::api::{self, seg};

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

/// `text` is shared with the suggestions beside the composer (a click puts an answer here);
/// `canned` holds the replies `/` offers.
#[component]
pub fn Composer(
    model: RwSignal<ChatModel>,
    link: ChatLink,
    text: RwSignal<String>,
    canned: RwSignal<Vec<CannedReply>>,
) -> impl IntoView {
    let picker = RwSignal::new(None::<Picker>);
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
    // A file chosen or pasted goes on the note when writing one, else to the visitor.
    let uploader = Uploader::new(model, Signal::derive(move || mode() == Mode::Note));
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
        let value = event_target_value(&ev);
        picker.set(canned.with_untracked(|all| Picker::for_text(all, &value)));
        text.set(value);
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
    // The picker's choice replaces the `/shortcut` with the reply, variables filled in; the
    // agent reads and may edit it before sending. Counting the use is best effort.
    let choose = move |reply: CannedReply| {
        let filled = model.with_untracked(|m| insert_text(&reply, m));
        text.set(filled);
        picker.set(None);
        let path = format!(
            "/api/v1/sites/{}/canned-replies/{}/use",
            seg(&model.with_untracked(|m| m.site_id.clone())),
            seg(&reply.id)
        );
        leptos::task::spawn_local(async move {
            let _ = api::post::<_, serde_json::Value>(&path, &serde_json::json!({})).await;
        });
    };
    // Enter sends, Shift+Enter starts a new line, as in every chat app. While the `/` picker
    // is open, arrows move, Enter or Tab inserts and Escape closes it.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let open = picker.with_untracked(|p| p.as_ref().is_some_and(|p| !p.matches.is_empty()));
        if open && !ev.is_composing() {
            let key = ev.key();
            match key.as_str() {
                "ArrowDown" | "ArrowUp" => {
                    ev.prevent_default();
                    let step = if key == "ArrowDown" { 1 } else { -1 };
                    picker.update(|p| {
                        if let Some(p) = p {
                            p.move_by(step);
                        }
                    });
                    return;
                }
                "Enter" | "Tab" => {
                    ev.prevent_default();
                    let chosen =
                        picker.with_untracked(|p| p.as_ref().and_then(|p| p.chosen().cloned()));
                    if let Some(reply) = chosen {
                        choose(reply);
                    }
                    return;
                }
                "Escape" => {
                    ev.prevent_default();
                    picker.set(None);
                    return;
                }
                _ => {}
            }
        }
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
            <Show when=move || picker.with(Option::is_some)>
                <CannedList picker=picker choose=choose />
            </Show>
            <textarea
                id="composer-text"
                rows="2"
                aria-controls=move || picker.with(Option::is_some).then_some("canned-list")
                placeholder=move || if mode() == Mode::Reply { "Write a reply…" } else { "Write an internal note (the visitor never sees it)…" }
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_key
                on:blur=move |_| stop_typing()
                on:paste=move |ev| uploader.on_paste(&ev)
            ></textarea>
            <p class="help composer-help">"Type / for canned replies. Paste a screenshot to send it."</p>
            <div class="composer-files">
                <AttachButton uploader=uploader />
            </div>
            <button type="submit" class="primary" disabled=move || !model.with(|m| m.connected)>
                {move || if mode() == Mode::Reply { "Send" } else { "Add note" }}
            </button>
        </form>
    }
}

/// The `/` list above the composer: keyboard first (the textarea keeps the focus and its keys
/// drive it), clickable too.
#[component]
fn CannedList(
    picker: RwSignal<Option<Picker>>,
    choose: impl Fn(CannedReply) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let rows = move || picker.with(|p| p.as_ref().map(|p| (p.matches.clone(), p.selected)));
    view! {
        <div class="canned-picker">
            {move || match rows() {
                Some((matches, _)) if matches.is_empty() => {
                    view! { <p class="empty" id="canned-list">"No canned reply matches. Add some under Settings."</p> }.into_any()
                }
                Some((matches, selected)) => view! {
                    <ul id="canned-list" role="listbox" aria-label="Canned replies">
                        {matches.into_iter().enumerate().map(|(i, reply)| {
                            let shortcut = format!("/{}", reply.shortcut);
                            let preview: String = reply.text.chars().take(80).collect();
                            let personal = reply.personal;
                            view! {
                                <li role="option" aria-selected=(i == selected).to_string() class:selected=i == selected
                                    on:mousedown=move |ev| { ev.prevent_default(); choose(reply.clone()); }>
                                    <span class="shortcut">{shortcut}</span>
                                    <span class="preview">{preview}</span>
                                    <Show when=move || personal><span class="tag">"mine"</span></Show>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}

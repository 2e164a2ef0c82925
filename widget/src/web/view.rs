//! The view: launcher, panel (header, transcript, offers, forms, composer) and the aria-live
//! region. It only renders [`Ctx`]; every action goes through the functions in `super`.
//! All text is inserted as text nodes; links are `<a>` elements whose `href` comes from
//! [`crate::text::segments`] (http, https and mailto only).

use baton_core::protocol::VisitorCommand;
use baton_core::{Phase, Seq};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{forms, set_ui, Ctx};
use crate::i18n::{Lang, T};
use crate::model::{Author, Body, Chat, Item, Notice};
use crate::text::{segments, Segment};

/// Everything worded is rendered for one language; a language change (rare: the site's
/// setting arriving, `Baton.setLocale`) renders it again. That keeps one reactive closure per
/// dynamic value instead of one per string, which is most of the view's weight in wasm.
pub fn app(ctx: Ctx) -> impl IntoView {
    view! {
        // `into_any` here, for the transcript and for the panel's bottom: one value type for
        // all three, so Leptos's render-effect code is in the wasm once, not three times.
        {move || {
            let l = ctx.lang.get();
            view! {
                <aside class="bw" lang=l.code() aria-label=l.t(T::Messages)>
                    {launcher(ctx, l)}
                    {panel(ctx, l)}
                </aside>
            }
            .into_any()
        }}
        <div class="sr" aria-live="polite" aria-atomic="true">{move || ctx.announce.get()}</div>
    }
}

const CHAT: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const CLOSE: &str = "M6 6l12 12M18 6L6 18";
const SEND: &str = "M3 20l18-8L3 4v6l12 2-12 2z";
const TRASH: &str = "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6";

/// An icon. The path is passed as a value on purpose: a fully static subtree is built by
/// Leptos from an HTML string (`innerHTML` on a template), which pages enforcing Trusted Types
/// refuse. With a value in it, every node is created with `createElement`.
fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path />
        </svg>
    }
}

fn launcher(ctx: Ctx, l: Lang) -> impl IntoView {
    let unread = move || {
        if ctx.ui.with(|u| u.open) {
            0
        } else {
            ctx.chat.with(Chat::unread)
        }
    };
    let label = move || {
        let base = l.t(if ctx.ui.with(|u| u.open) {
            T::CloseChat
        } else {
            T::OpenChat
        });
        match unread() {
            0 => base.to_string(),
            n => format!("{base}, {}", l.fill(T::Unread, &n.to_string())),
        }
    };
    view! {
        <button type="button" class="launcher" node_ref=ctx.launcher
            aria-label=label
            // A String, as every other reactive attribute: each value type costs its own
            // copy of Leptos's render-effect code. The phone layout hides the open launcher
            // by this attribute (style.css), so no reactive class is needed either.
            aria-expanded=move || ctx.ui.with(|u| u.open).to_string()
            aria-controls="bw-panel"
            on:click=move |_| super::toggle()>
            {icon(CHAT)}
            <span class="badge" aria-hidden="true" hidden=move || unread() == 0>{move || unread().to_string()}</span>
        </button>
    }
}

fn panel(ctx: Ctx, l: Lang) -> impl IntoView {
    let status = move || {
        ctx.chat.with(|c| match (c.phase, c.queue) {
            (Phase::Waiting, Some((position, estimate))) => {
                crate::i18n::queue_text(l, position, estimate)
            }
            (Phase::Contact | Phase::Waiting, _) => l.t(T::StatusWaiting).to_string(),
            (Phase::Live, _) => l.fill(T::StatusLive, c.agent.as_deref().unwrap_or("")),
            _ => l.t(T::StatusBot).to_string(),
        })
    };
    // A memo, so the form is built again only when the mode changes: rebuilding it on every
    // chat update would wipe what the visitor is typing into it.
    let mode = Memo::new(move |_| {
        if ctx.chat.with(|c| c.phase) == Phase::Contact {
            Mode::Contact
        } else if ctx.ui.with(|u| u.leave_form) {
            Mode::Leave
        } else {
            Mode::Chat
        }
    });
    let on_key = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            super::close();
        }
    };
    view! {
        <section id="bw-panel" class="panel" role="dialog" aria-labelledby="bw-title"
            node_ref=ctx.panel hidden=move || !ctx.ui.with(|u| u.open) on:keydown=on_key>
            <header class="head">
                <div>
                    <h2 id="bw-title">{move || ctx.ui.with(|u| u.title.clone())}</h2>
                    <p class="status">{status}</p>
                </div>
                {head_button(ctx, l.t(T::EraseButton), TRASH, Chat::offers_erase, |ctx| {
                    ctx.chat.update(|c| c.erase_asked = true);
                    // The question's safe answer, Cancel, is the first offer shown.
                    super::focus_on(ctx, ".offer:not([hidden])");
                })}
                {head_button(ctx, l.t(T::CloseChat), CLOSE, |_| true, |_| super::close())}
            </header>
            {transcript(ctx, l)}
            <p class="typing">
                {move || ctx.chat.with(|c| if c.agent_typing { l.fill(T::Typing, c.agent.as_deref().unwrap_or("")) } else { String::new() })}
            </p>
            <p class="banner" role="status" hidden=move || !ctx.ui.with(|u| u.offline)>{l.t(T::Reconnecting)}</p>
            // Also asks "Delete this conversation?": role=alert announces the question.
            <p class="alert" role="alert">{move || {
                let asked = ctx.chat.with(|c| c.erase_asked).then_some(T::EraseAsk);
                asked.or(ctx.ui.with(|u| u.alert)).map_or(String::new(), |key| l.t(key).to_string())
            }}</p>
            {offers(ctx, l)}
            {move || match mode.get() {
                Mode::Contact => forms::contact(ctx, l).into_any(),
                Mode::Leave => forms::leave_message(ctx, l).into_any(),
                Mode::Chat => composer(ctx, l).into_any(),
            }}
        </section>
    }
}

/// An icon button in the header (delete, close); one shared instance of its view code.
fn head_button(
    ctx: Ctx,
    label: &'static str,
    path: &'static str,
    shown: fn(&Chat) -> bool,
    act: fn(Ctx),
) -> impl IntoView {
    view! {
        <button type="button" class="close" aria-label=label
            hidden=move || !ctx.chat.with(shown) on:click=move |_| act(ctx)>
            {icon(path)}
        </button>
    }
}

/// What the bottom of the panel shows.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Chat,
    Contact,
    Leave,
}

fn transcript(ctx: Ctx, l: Lang) -> impl IntoView {
    let list = NodeRef::<leptos::html::Ol>::new();
    // Keep the newest line in view as the transcript grows.
    Effect::new(move |_| {
        ctx.chat.with(|c| c.items.len());
        ctx.ui.with(|u| u.open);
        if let Some(list) = list.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });
    view! {
        <ol class="log" node_ref=list tabindex="0" aria-label=l.t(T::Messages)>
            // Re-rendered as a whole on every change: rows rebuild in place (text nodes only
            // change when their text does), and dropping the keyed diff saves ~5 KB brotli.
            {move || {
                ctx.chat.with(|c| {
                    let seen = c.seen_marker();
                    c.items.iter().map(|item| row(l, item, seen)).collect::<Vec<_>>().into_any()
                })
            }}
        </ol>
    }
}

fn row(l: Lang, item: &Item, seen: Option<Seq>) -> AnyView {
    let pending = item.pending();
    let seen = item.seq.is_some() && item.seq == seen;
    match &item.body {
        Body::Notice(notice) => {
            view! { <li class="notice">{linkify(&notice_text(l, notice), None)}</li> }.into_any()
        }
        Body::Message { author, text } => {
            let (class, who) = match author {
                Author::Visitor => ("msg me", None),
                Author::Bot { .. } => ("msg bot", None),
                Author::Agent(name) => ("msg agent", Some(name.clone())),
            };
            let hidden_author = match author {
                Author::Visitor => l.t(T::You),
                Author::Bot { .. } => l.t(T::Assistant),
                Author::Agent(_) => "",
            };
            view! {
                <li class=class>
                    {who.map(|name| view! { <span class="who">{name}</span> })}
                    <p class="bubble"><span class="sr">{hidden_author}" "</span>{linkify(text, item.file.as_ref())}</p>
                    {pending.then(|| view! { <span class="meta">{l.t(T::Sending)}</span> })}
                    {seen.then(|| view! { <span class="meta">{l.t(T::Seen)}</span> })}
                </li>
            }
            .into_any()
        }
    }
}

/// A message's text with its links; or a file, as its name linked (an image also shown above
/// it). Links open in a new tab; the edge serves anything but an image as a download. One link
/// view for both, so showing files costs the widget little.
fn linkify(text: &str, file: Option<&(String, bool)>) -> Vec<AnyView> {
    let segments = match file {
        Some((id, inline)) => vec![Segment::Link {
            href: super::net::file_url(id),
            label: text,
            thumb: *inline,
        }],
        None => segments(text),
    };
    segments
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.to_string().into_any(),
            Segment::Link { href, label, thumb } => {
                let image = thumb.then(|| view! { <img src=href.clone() alt="" /> });
                view! {
                    <a href=href target="_blank" rel="noopener noreferrer nofollow">{image}{label.to_string()}</a>
                }
                .into_any()
            }
        })
        .collect()
}

/// "Did you mean…?" buttons and "Talk to a person" under an answer that did not help; "Leave a
/// message" when offered.
fn offers(ctx: Ctx, l: Lang) -> impl IntoView {
    let talk = move |ctx: Ctx| ctx.ui.with(|u| u.live_chat) && ctx.chat.with(Chat::offers_human);
    let leave = move |ctx: Ctx| {
        !ctx.ui.with(|u| u.leave_form)
            && ctx.chat.with(|c| c.leave_offered && c.phase != Phase::Live)
    };
    let transcript = |ctx: Ctx| ctx.chat.with(Chat::offers_transcript);
    let asked = |ctx: Ctx| ctx.chat.with(|c| c.erase_asked);
    let any = move || {
        talk(ctx)
            || leave(ctx)
            || transcript(ctx)
            || asked(ctx)
            || ctx.chat.with(|c| !c.choices().is_empty())
    };
    view! {
        <div class="offers" hidden=move || !any()>
            // The answers to "Delete this conversation?", first: Cancel gets the focus. Cancel
            // returns it to the delete button; Delete sends the erase, and the edge's close
            // (`CLOSE_ERASED`) starts the widget afresh.
            {offer(ctx, l.t(T::Cancel), asked, |ctx| {
                ctx.chat.update(|c| c.erase_asked = false);
                super::focus_on(ctx, ".close");
            })}
            {offer(ctx, l.t(T::EraseConfirm), asked, |ctx| {
                if let Some(command) = ctx.chat.try_update(|c| c.answer_erase(true)).flatten() {
                    super::send_command(command);
                }
            })}
            {suggestion(ctx, 0)}
            {suggestion(ctx, 1)}
            {suggestion(ctx, 2)}
            {suggestion(ctx, 3)}
            {suggestion(ctx, 4)}
            {offer(ctx, l.t(T::TalkToPerson), talk, |_| super::send_command(VisitorCommand::RequestHuman))}
            {offer(ctx, l.t(T::LeaveButton), leave, |ctx| {
                set_ui(ctx, &mut |u| u.leave_form = true);
                super::focus_soon(ctx);
            })}
            {offer(ctx, l.t(T::EmailTranscript), transcript, |_| super::send_command(VisitorCommand::EmailTranscript))}
        </div>
    }
}

/// One fixed offer button; plain function pointers, so all of them share one instance of the
/// view code (measured: a closure per button costs a copy each).
fn offer(ctx: Ctx, label: &'static str, shown: fn(Ctx) -> bool, act: fn(Ctx)) -> impl IntoView {
    view! {
        <button type="button" class="offer" hidden=move || !shown(ctx) on:click=move |_| act(ctx)>
            {label}
        </button>
    }
}

/// The `i`-th "Did you mean…?" button (the bot offers at most three): one fixed button each,
/// hidden when unused, which costs fewer bytes than a keyed list. It sends the question as the
/// visitor's message (shown at once, resent after a reconnect); the edge knows it was offered.
///
/// While a rating is asked for, the same buttons are its scores (1–5, or 👍 👎): a click sends
/// the score with the composer's text as the comment. Reusing them costs the widget far less
/// than a form of its own (~2.5 KB brotli measured).
fn suggestion(ctx: Ctx, i: usize) -> impl IntoView {
    let question = move || ctx.chat.with(|c| c.choices().get(i).cloned());
    view! {
        <button type="button" class="offer" hidden=move || question().is_none()
            on:click=move |_| {
                if let Some(score) = ctx.chat.with_untracked(|c| c.score_of(i)) {
                    super::send_command(VisitorCommand::Rate { score, comment: ctx.draft.get_untracked() });
                    clear_draft(ctx);
                } else if let Some(question) = question() {
                    super::send_text(&question);
                }
            }>
            {move || question().unwrap_or_default()}
        </button>
    }
}

/// Empties the composer. Written to the element itself: a reactive `prop:value` would cost its
/// own copy of Leptos's render-effect code (~1 KB of wasm).
fn clear_draft(ctx: Ctx) {
    ctx.draft.set(String::new());
    if let Some(Ok(Some(field))) = ctx
        .panel
        .get_untracked()
        .map(|panel| panel.query_selector("#bw-input"))
    {
        field
            .unchecked_into::<web_sys::HtmlTextAreaElement>()
            .set_value("");
    }
}

fn composer(ctx: Ctx, l: Lang) -> impl IntoView {
    let draft = ctx.draft;
    let send = move || {
        if super::send_text(&draft.get_untracked()) {
            clear_draft(ctx);
        }
    };
    let on_key = move |event: ev::KeyboardEvent| {
        // Enter sends, Shift+Enter makes a new line (and IME composition is left alone).
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    view! {
        <form class="composer" on:submit=move |event: ev::SubmitEvent| {
            event.prevent_default();
            send();
        }>
            <label class="sr" for="bw-input">{l.t(T::MessageLabel)}</label>
            <textarea id="bw-input" rows="1"
                placeholder=l.t(T::Placeholder)
                // What was typed before the composer was last rebuilt (a form came and went).
                prop:value=draft.get_untracked()
                on:input=move |event| {
                    draft.set(event_target_value(&event));
                    super::typing();
                }
                on:keydown=on_key></textarea>
            <button type="submit" class="send" aria-label=l.t(T::Send)>
                {icon(SEND)}
            </button>
        </form>
    }
}

/// Structural events, worded in the visitor's language. Contact details come from the site.
pub fn notice_text(lang: Lang, notice: &Notice) -> String {
    let with_details = |key: T, details: &str| {
        if details.is_empty() {
            lang.t(key).to_string()
        } else {
            format!("{} {details}", lang.t(key))
        }
    };
    match notice {
        Notice::Waiting => lang.t(T::Waiting).to_string(),
        Notice::WaitNotice => lang.t(T::WaitNotice).to_string(),
        Notice::LeaveMessageOffered => lang.t(T::LeaveOffered).to_string(),
        Notice::NoAgents(details) => with_details(T::NoAgents, details),
        Notice::AgentJoined(name) => lang.fill(T::AgentJoined, name),
        Notice::AgentLeft(name) => lang.fill(T::AgentLeft, name),
        Notice::Missed(details) => with_details(T::Missed, details),
        Notice::Forwarded => lang.t(T::Forwarded).to_string(),
        Notice::TicketCreated(_) => lang.t(T::TicketCreated).to_string(),
        Notice::RateAsked => lang.t(T::RateTitle).to_string(),
        Notice::TranscriptSent => lang.t(T::TranscriptSent).to_string(),
        Notice::Rated => lang.t(T::Rated).to_string(),
    }
}

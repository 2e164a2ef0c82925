//! One conversation: its whole history (HTTP), then live frames over the agent's conversation
//! socket, resuming after the last event seen. Every visitor-typed string is rendered as text.

use baton_core::protocol::AgentCommand;
use baton_core::toolbox::{CannedReply, HandoffSummary};
use baton_core::{ConversationSummary, Event};
use leptos::html;
use leptos::prelude::*;
use serde::Deserialize;

use super::chat_actions::ChatActions;
use super::composer::Composer;
use super::lists::visitor_label;
use super::toolbox::{HandoffPanel, Suggestions};
use super::visitor_panel::VisitorPanel;
use super::{ctx, tz_offset};
use crate::model::chat::ChatModel;
use crate::model::route::{Route, Tab};
use crate::model::transcript::{clock, file_url, line};
use crate::model::wire;
use crate::net::api::{self, seg};
use crate::net::socket::{ws_url, Socket};

#[derive(Deserialize)]
struct History {
    summary: ConversationSummary,
    events: Vec<Event>,
    #[serde(default)]
    handoff: Option<HandoffSummary>,
}

/// The conversation socket, shared by the action bar and the composer.
#[derive(Clone, Copy)]
pub struct ChatLink(StoredValue<Option<Socket>, LocalStorage>);

impl ChatLink {
    /// Sends a command; false (and a status message) when the socket is not open.
    pub fn send(&self, command: &AgentCommand) -> bool {
        let json = serde_json::to_string(command).unwrap_or_default();
        let sent = self
            .0
            .try_with_value(|s| s.as_ref().is_some_and(|s| s.send(&json)))
            .unwrap_or(false);
        if !sent {
            ctx()
                .status
                .set("Not connected to this chat; reconnecting…".into());
        }
        sent
    }
}

#[component]
pub fn ChatView(site: String, id: String, tab: Tab) -> impl IntoView {
    let ctx = ctx();
    let Some(me) = ctx
        .me
        .with_untracked(|m| m.as_ref().map(|m| m.agent.clone()))
    else {
        return ().into_any();
    };
    let model = RwSignal::new(ChatModel::new(&site, &id, me));
    let link = ChatLink(StoredValue::new_local(None));
    let failure = RwSignal::new(None::<String>);
    let handoff = RwSignal::new(None::<HandoffSummary>);
    let draft = RwSignal::new(String::new());
    let canned = RwSignal::new(Vec::<CannedReply>::new());
    let base = format!("/api/v1/sites/{}/conversations/{}", seg(&site), seg(&id));
    {
        let path = format!("/api/v1/sites/{}/canned-replies", seg(&site));
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::get::<Vec<CannedReply>>(&path).await {
                let _ = canned.try_set(list);
            }
        });
    }
    {
        let base = base.clone();
        leptos::task::spawn_local(async move {
            match api::get::<History>(&base).await {
                Ok(history) => {
                    let _ = handoff.try_set(history.handoff);
                    let _ = model.try_update(|m| {
                        m.apply_summary(&history.summary);
                        m.add_events(history.events);
                    });
                }
                Err(error) if error.status == 403 || error.status == 404 => {
                    failure.set(Some(
                        "This conversation does not exist or is not yours to see.".into(),
                    ));
                    return;
                }
                Err(error) => ctx.failed(&error),
            }
            let url_base = ws_url(&format!("{base}/ws"));
            // Each (re)connect resumes after the last event already shown.
            let url = move || {
                let after = model.try_with_untracked(ChatModel::last_seq).unwrap_or(0);
                format!("{url_base}?after={after}")
            };
            let on_frame = move |frame| {
                let _ = model.try_update(|m| m.apply(&frame));
            };
            let on_state = move |open: bool| {
                let _ = model.try_update(|m| m.connected = open);
            };
            let socket = Socket::open(url, wire::frame, on_frame, on_state);
            if link.0.try_set_value(Some(socket.clone())).is_some() {
                socket.close(); // the view was closed while the history loaded
            }
        });
    }
    on_cleanup(move || {
        if let Some(Some(socket)) = link.0.try_get_value() {
            socket.close();
        }
    });
    // The site socket's summary (phase, holder) is the freshest word on the conversation.
    {
        let (site, id) = (site.clone(), id.clone());
        Effect::new(move |_| {
            let summary = ctx
                .lists
                .with(|all| all.get(&site).and_then(|l| l.find(&id).cloned()));
            if let Some(summary) = summary {
                model.update(|m| m.apply_summary(&summary));
            }
        });
    }
    // Going away counts this chat as soon as its socket says it is ours (see Ctx).
    {
        let this = (site.clone(), id.clone());
        let on_screen = this.clone();
        Effect::new(move |_| {
            let mine = model.with(ChatModel::mine);
            let now_mine = mine.then(|| this.clone());
            ctx.open_chat_mine.maybe_update(|open| {
                if mine || open.as_ref() == Some(&this) {
                    let changed = *open != now_mine;
                    *open = now_mine;
                    changed
                } else {
                    false
                }
            });
        });
        on_cleanup(move || {
            let _ = ctx.open_chat_mine.try_maybe_update(|open| {
                let ours = open.as_ref() == Some(&on_screen);
                if ours {
                    *open = None;
                }
                (ours, ())
            });
        });
    }
    // The holder tells the visitor what they have read.
    let last_seq = Memo::new(move |_| model.with(ChatModel::last_seq));
    Effect::new(move |_| {
        let seq = last_seq.get();
        if seq > 0 && model.with_untracked(ChatModel::mine) {
            link.send(&AgentCommand::Read { seq });
        }
    });
    let name = move || {
        model
            .with(|m| m.summary.as_ref().map(visitor_label))
            .unwrap_or_else(|| "Conversation".into())
    };
    let back = Route {
        site: Some(site.clone()),
        tab,
        conversation: None,
    }
    .to_hash();
    view! {
        <Show
            when=move || failure.with(Option::is_none)
            fallback=move || view! { <p class="error" role="alert">{failure.get()}</p> }
        >
            <article class="chat" aria-labelledby="chat-title">
                <header class="chat-head">
                    <a class="back" href=back.clone()>"← Back to the list"</a>
                    <h1 id="chat-title">{name}</h1>
                    <p class="chat-status" role="status">
                        {move || model.with(ChatModel::status_line)}
                        <Show when=move || !model.with(|m| m.connected)>
                            <span class="offline">" · connecting…"</span>
                        </Show>
                    </p>
                </header>
                <ChatActions model=model link=link site=site.clone() />
                <HandoffPanel summary=handoff />
                <div class="chat-body">
                    <Transcript model=model />
                    <VisitorPanel model=model base=base.clone() />
                </div>
                <p class="typing" aria-live="polite">
                    {move || model.with(|m| m.visitor_typing.then(|| format!("{} is typing…", name())))}
                </p>
                <div class="composer-row">
                    <Composer model=model link=link text=draft canned=canned />
                    <Suggestions model=model text=draft />
                </div>
            </article>
        </Show>
    }
    .into_any()
}

#[component]
fn Transcript(model: RwSignal<ChatModel>) -> impl IntoView {
    let list = NodeRef::<html::Div>::new();
    let offset = tz_offset();
    let count = Memo::new(move |_| model.with(|m| m.events.len()));
    // Follow new messages to the bottom, unless the agent scrolled up to read. The last line
    // is scrolled into view, so this works whichever element scrolls (the list on a desktop,
    // the whole page on a phone). Two frames: the list renders the new lines in between.
    let following = StoredValue::new(true);
    Effect::new(move |_| {
        // `get`, not `track`: a memo nobody reads is never recomputed, so would never notify.
        let _lines = count.get();
        if !following.get_value() {
            return;
        }
        request_animation_frame(move || {
            request_animation_frame(move || {
                // The chat may have been closed in between: `try_`, never a panic.
                let last = list
                    .try_get_untracked()
                    .flatten()
                    .and_then(|el| el.query_selector("li:last-child").ok().flatten());
                if let Some(last) = last {
                    last.scroll_into_view_with_bool(false);
                }
            });
        });
    });
    // Only the agent scrolling *up* stops the following. Judging by the distance to the bottom
    // alone was wrong: on a busy machine more lines arrive between our own scroll and its scroll
    // event, and that event then looked like the agent reading back.
    let last_top = StoredValue::new(0);
    let on_scroll = move |_| {
        if let Some(el) = list.try_get_untracked().flatten() {
            let top = el.scroll_top();
            let gap = el.scroll_height() - top - el.client_height();
            if gap < 80 {
                following.set_value(true);
            } else if top < last_top.get_value() {
                following.set_value(false);
            }
            last_top.set_value(top);
        }
    };
    let visitor_name = move || {
        model
            .with(|m| m.summary.as_ref().and_then(|s| s.visitor.name.clone()))
            .unwrap_or_else(|| "Visitor".into())
    };
    let (site_id, conversation_id) = model.with_untracked(|m| (m.site_id.clone(), m.id.clone()));
    view! {
        <div class="transcript" role="log" aria-label="Messages" node_ref=list tabindex="0" on:scroll=on_scroll>
            <ol>
                <For
                    each=move || model.with(|m| m.events.iter().map(line).collect::<Vec<_>>())
                    key=|l| l.seq
                    children=move |l| {
                        let label = l.speaker.label(&visitor_name());
                        let has_label = !label.is_empty();
                        let internal = matches!(l.speaker, crate::model::transcript::Speaker::Internal(_));
                        view! {
                            <li class=l.speaker.class()>
                                <Show when=move || has_label>
                                    <span class="who">{label.clone()}</span>
                                </Show>
                                <Show when=move || internal>
                                    <span class="tag">"Agents only"</span>
                                </Show>
                                <time class="at">{clock(l.at, offset)}</time>
                                {match &l.file {
                                    // An image opens full size in a new tab; any other file is
                                    // served as a download (the edge says so).
                                    Some(file) => {
                                        let url = file_url(&site_id, &conversation_id, file);
                                        let text = l.text.clone();
                                        if file.inline {
                                            let alt = format!("Image: {}", file.name);
                                            let href = url.clone();
                                            view! {
                                                <a class="file" href=href target="_blank" rel="noopener">
                                                    <img class="thumb" src=url alt=alt loading="lazy" />
                                                    <span class="file-name">{text}</span>
                                                </a>
                                            }.into_any()
                                        } else {
                                            view! { <a class="file" href=url download=file.name.clone()>{format!("📎 {text}")}</a> }.into_any()
                                        }
                                    }
                                    None => view! { <p class="text">{l.text.clone()}</p> }.into_any(),
                                }}
                            </li>
                        }
                    }
                />
            </ol>
            <p class="seen">{move || model.with(|m| m.seen_by_visitor().then_some("Seen by the visitor"))}</p>
        </div>
    }
}

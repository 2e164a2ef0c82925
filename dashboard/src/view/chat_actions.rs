//! What an agent can do with a chat: accept, take control, join, leave & archive, review &
//! archive, forward to a group, block the visitor. Which buttons show is the model's decision.

use baton_core::protocol::AgentCommand;
use baton_core::SiteSettings;
use leptos::prelude::*;

use super::chat::ChatLink;
use super::ctx;
use crate::model::chat::{ChatModel, Refusal};
use crate::net::api::{self, seg};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    None,
    Forward,
    Block,
}

#[component]
pub fn ChatActions(model: RwSignal<ChatModel>, link: ChatLink, site: String) -> impl IntoView {
    let ctx = ctx();
    let actions = Memo::new(move |_| model.with(ChatModel::actions));
    // Commands go over the conversation socket: until it is open, buttons wait.
    let offline = Memo::new(move |_| !model.with(|m| m.connected));
    let form = RwSignal::new(Form::None);
    let run = move |command: AgentCommand| {
        model.update(|m| m.refusal = None);
        form.set(Form::None);
        link.send(&command);
    };
    let groups = RwSignal::new(Vec::<String>::new());
    let open_forward = move |_| {
        form.set(Form::Forward);
        let site = site.clone();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/sites/{}/settings", seg(&site));
            match api::get::<SiteSettings>(&path).await {
                Ok(settings) => groups.set(settings.groups),
                Err(error) => ctx.failed(&error),
            }
        });
    };
    let button = move |show: fn(&crate::model::chat::Actions) -> bool,
                       label: &'static str,
                       class: &'static str,
                       command: fn() -> AgentCommand| {
        view! {
            <Show when=move || show(&actions.get())>
                <button type="button" class=class disabled=move || offline.get() on:click=move |_| run(command())>{label}</button>
            </Show>
        }
    };
    view! {
        <div class="actions" role="group" aria-label="Chat actions">
            {button(|a| a.accept, "Accept", "primary", || AgentCommand::Accept)}
            {button(|a| a.take_control, "Take control", "primary", || AgentCommand::TakeControl)}
            {button(|a| a.join, "Join", "primary", || AgentCommand::Join)}
            {button(|a| a.leave_and_archive, "Leave & archive", "", || AgentCommand::LeaveAndArchive)}
            {button(|a| a.review_and_archive, "Review & archive", "", || AgentCommand::ReviewAndArchive)}
            <Show when=move || actions.get().forward>
                <button type="button" disabled=move || offline.get() aria-expanded=move || (form.get() == Form::Forward).to_string() on:click=open_forward.clone()>"Forward…"</button>
            </Show>
            <Show when=move || actions.get().block>
                <button type="button" class="danger" disabled=move || offline.get() aria-expanded=move || (form.get() == Form::Block).to_string() on:click=move |_| form.set(Form::Block)>"Block visitor…"</button>
            </Show>
        </div>
        <Show when=move || model.with(|m| m.taken_by.is_some())>
            <p class="taken" role="alert">
                {move || model.with(|m| m.taken_by.as_ref().map(|a| format!("Taken by {}", a.name)))}
            </p>
        </Show>
        <Show when=move || model.with(|m| m.refusal.is_some())>
            <p class="error" role="alert">{move || model.with(|m| m.refusal.as_ref().map(Refusal::explain))}</p>
        </Show>
        <Show when=move || form.get() == Form::Forward>
            <ForwardForm groups=groups on_send=Callback::new(move |group| run(AgentCommand::Forward { group })) on_cancel=Callback::new(move |_| form.set(Form::None)) />
        </Show>
        <Show when=move || form.get() == Form::Block>
            <BlockForm on_send=Callback::new(move |(reason, message)| run(AgentCommand::Block { reason, message })) on_cancel=Callback::new(move |_| form.set(Form::None)) />
        </Show>
    }
}

#[component]
fn ForwardForm(
    groups: RwSignal<Vec<String>>,
    on_send: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let group = chosen.get();
        let group = if group.is_empty() {
            groups.with(|g| g.first().cloned()).unwrap_or_default()
        } else {
            group
        };
        if !group.is_empty() {
            on_send.run(group);
        }
    };
    view! {
        <form class="inline-form" aria-label="Forward to a group" on:submit=submit>
            <Show
                when=move || groups.with(|g| !g.is_empty())
                fallback=|| view! { <p class="note">"This site has no groups to forward to. An admin can add them in Settings."</p> }
            >
                <label for="forward-group">"Forward to group"</label>
                <select id="forward-group" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {move || groups.get().into_iter().map(|g| view! { <option value=g.clone()>{g.clone()}</option> }).collect_view()}
                </select>
                <button type="submit" class="primary">"Forward"</button>
            </Show>
            <button type="button" class="link" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </form>
    }
}

#[component]
fn BlockForm(on_send: Callback<(String, String)>, on_cancel: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let message =
        RwSignal::new("This chat has been closed. You can still ask the assistant.".to_string());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_send.run((reason.get(), message.get()));
    };
    view! {
        <form class="inline-form" aria-label="Block visitor" on:submit=submit>
            <label for="block-reason">"Reason (agents only)"</label>
            <input id="block-reason" required prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <label for="block-message">"Message to the visitor"</label>
            <textarea id="block-message" required prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            <p class="note">"The chat is archived; from now on only the bot answers this visitor, and asking for a person again shows this message."</p>
            <button type="submit" class="danger">"Block"</button>
            <button type="button" class="link" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </form>
    }
}

//! The two forms: name + email before a handover, and leave-a-message. Validation is the same
//! code the edge runs (`baton_core::validate`), shown inline under each field once the visitor
//! has tried to submit, and the first invalid field gets the focus.

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::{validate, ErrorCode};
use leptos::ev;
use leptos::prelude::*;

use super::{set_ui, Ctx};
use crate::i18n::{Lang, T};

/// One labelled input with its inline error.
struct Field {
    id: &'static str,
    label: T,
    kind: &'static str,
    autocomplete: &'static str,
    error: T,
    first: bool,
}

fn input(l: Lang, field: Field, value: RwSignal<String>, invalid: Signal<bool>) -> impl IntoView {
    let error_id = format!("{}-err", field.id);
    let aria_invalid = move || if invalid.get() { "true" } else { "false" };
    let control = if field.kind == "textarea" {
        view! {
            <textarea id=field.id rows="4" aria-invalid=aria_invalid aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=field.id type=field.kind autocomplete=field.autocomplete
                data-first=field.first.then_some("")
                aria-invalid=aria_invalid aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event)) />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=field.id>{l.t(field.label)}</label>
            {control}
            <p id=error_id class="err" hidden=move || !invalid.get()>{l.t(field.error)}</p>
        </div>
    }
}

fn focus_first_invalid(ctx: Ctx) {
    set_timeout(
        move || {
            if let Some(Ok(Some(field))) = ctx
                .panel
                .get_untracked()
                .map(|panel| panel.query_selector("[aria-invalid=true]"))
            {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(field).focus();
            }
        },
        Duration::ZERO,
    );
}

/// Asked for by the edge (`contact_requested`) before a visitor is queued for an agent.
pub fn contact(ctx: Ctx, l: Lang) -> impl IntoView {
    let (known_name, known_email) = ctx
        .ui
        .with_untracked(|u| u.known.clone())
        .unwrap_or_default();
    let name = RwSignal::new(known_name);
    let email = RwSignal::new(known_email);
    let tried = RwSignal::new(false);
    let refused = move |code| ctx.ui.with(|u| u.contact_error) == Some(code);
    let name_bad = Signal::derive(move || {
        (tried.get() && validate::name(&name.get()).is_err()) || refused(ErrorCode::InvalidName)
    });
    let email_bad = Signal::derive(move || {
        (tried.get() && !crate::valid::email(&email.get())) || refused(ErrorCode::InvalidEmail)
    });
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        set_ui(ctx, &mut |u| u.contact_error = None);
        let email = email.get_untracked();
        match (
            validate::name(&name.get_untracked()),
            crate::valid::email(&email),
        ) {
            (Ok(name), true) => super::send_command(VisitorCommand::Contact {
                name,
                email: email.trim().to_string(),
            }),
            _ => focus_first_invalid(ctx),
        }
    };
    let name_field = Field {
        id: "bw-name",
        label: T::Name,
        kind: "text",
        autocomplete: "name",
        error: T::NameError,
        first: true,
    };
    let email_field = Field {
        id: "bw-email",
        label: T::Email,
        kind: "email",
        autocomplete: "email",
        error: T::EmailError,
        first: false,
    };
    view! {
        <form class="form" novalidate on:submit=submit>
            <p class="intro">{l.t(T::ContactIntro)}</p>
            {input(l, name_field, name, name_bad)}
            {input(l, email_field, email, email_bad)}
            <button type="submit" class="primary">{l.t(T::StartChat)}</button>
        </form>
    }
}

/// Offered while waiting (ladder step 2), when nobody is online, and after a missed chat.
pub fn leave_message(ctx: Ctx, l: Lang) -> impl IntoView {
    let (known_name, known_email) = ctx
        .ui
        .with_untracked(|u| u.known.clone())
        .or_else(|| ctx.chat.with_untracked(|c| c.contact.clone()))
        .unwrap_or_default();
    let name = RwSignal::new(known_name);
    let email = RwSignal::new(known_email);
    let message = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let max = ctx.ui.with_untracked(|u| u.max_bytes);
    let name_bad = Signal::derive(move || tried.get() && validate::name(&name.get()).is_err());
    let email_bad = Signal::derive(move || tried.get() && !crate::valid::email(&email.get()));
    let message_bad =
        Signal::derive(move || tried.get() && validate::message_text(&message.get(), max).is_err());
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        let email = email.get_untracked();
        match (
            validate::name(&name.get_untracked()),
            crate::valid::email(&email),
            validate::message_text(&message.get_untracked(), max),
        ) {
            (Ok(name), true, Ok(message)) => super::send_command(VisitorCommand::LeaveMessage {
                name,
                email: email.trim().to_string(),
                message,
            }),
            _ => focus_first_invalid(ctx),
        }
    };
    let name_field = Field {
        id: "bw-lname",
        label: T::Name,
        kind: "text",
        autocomplete: "name",
        error: T::NameError,
        first: true,
    };
    let email_field = Field {
        id: "bw-lemail",
        label: T::Email,
        kind: "email",
        autocomplete: "email",
        error: T::EmailError,
        first: false,
    };
    let message_field = Field {
        id: "bw-lmsg",
        label: T::YourMessage,
        kind: "textarea",
        autocomplete: "off",
        error: T::MessageError,
        first: false,
    };
    view! {
        <form class="form" novalidate on:submit=submit>
            <p class="intro">{l.t(T::LeaveIntro)}</p>
            {input(l, name_field, name, name_bad)}
            {input(l, email_field, email, email_bad)}
            {input(l, message_field, message, message_bad)}
            <div class="row">
                <button type="button" class="secondary" on:click=move |_| {
                    set_ui(ctx, &mut |u| u.leave_form = false);
                    super::focus_soon(ctx);
                }>{l.t(T::Cancel)}</button>
                <button type="submit" class="primary">{l.t(T::SendMessage)}</button>
            </div>
        </form>
    }
}

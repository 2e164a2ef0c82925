//! The two forms: name + email before a handover, and leave-a-message. Validation is the same
//! code the edge runs (`baton_core::validate`), shown inline under each field once the visitor
//! has tried to submit, and the first invalid field gets the focus.

use std::sync::Arc;
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

/// Whether a field is invalid. A shared closure rather than `Signal::derive`: the derived
/// signal's machinery costs the wasm more than the few fields that use it.
type Check = Arc<dyn Fn() -> bool + Send + Sync>;

/// The field starts with `value` (a known name or email) and writes what is typed back to it;
/// nothing else changes it, so the value is not reactive (that would cost the wasm ~1 KB).
fn input(l: Lang, field: Field, value: RwSignal<String>, invalid: Check) -> impl IntoView {
    let error_id = format!("{}-err", field.id);
    let shown = invalid.clone();
    let aria_invalid = move || invalid().to_string();
    let control = if field.kind == "textarea" {
        view! {
            <textarea id=field.id rows="4" aria-invalid=aria_invalid aria-describedby=error_id.clone()
                prop:value=value.get_untracked()
                on:input=move |event| value.set(event_target_value(&event))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=field.id type=field.kind autocomplete=field.autocomplete
                data-first=field.first.then_some("")
                aria-invalid=aria_invalid aria-describedby=error_id.clone()
                prop:value=value.get_untracked()
                on:input=move |event| value.set(event_target_value(&event)) />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=field.id>{l.t(field.label)}</label>
            {control}
            <p id=error_id class="err" hidden=move || !shown()>{l.t(field.error)}</p>
        </div>
    }
}

/// Focuses the panel's first element matching `selector` once the view has caught up.
pub(crate) fn focus_on(ctx: Ctx, selector: &'static str) {
    set_timeout(
        move || {
            if let Some(Ok(Some(field))) = ctx
                .panel
                .get_untracked()
                .map(|panel| panel.query_selector(selector))
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
    let name_bad: Check = Arc::new(move || {
        (tried.get() && validate::name(&name.get()).is_err()) || refused(ErrorCode::InvalidName)
    });
    let email_bad: Check = Arc::new(move || {
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
            _ => focus_on(ctx, "[aria-invalid=true]"),
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
    let name_bad: Check = Arc::new(move || tried.get() && validate::name(&name.get()).is_err());
    let email_bad: Check = Arc::new(move || tried.get() && !crate::valid::email(&email.get()));
    let message_bad: Check =
        Arc::new(move || tried.get() && validate::message_text(&message.get(), max).is_err());
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
            _ => focus_on(ctx, "[aria-invalid=true]"),
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

//! Site settings (admins): every setting from the field table, the bot's knowledge base with the
//! questions it could not answer, and the site's agents. Saved settings apply to the next conversation; running ones keep theirs.

use leptos::prelude::*;

use super::agents::Agents;
use super::api_keys::ApiKeys;
use super::canned::CannedReplies;
use super::ctx;
use super::deliveries::Deliveries;
use super::digest::DigestSettings;
use super::kb::KnowledgeBase;
use super::privacy::Privacy;
use super::push::PushSettings;
use super::unanswered::Unanswered;
use crate::model::settings_fields::{Field, Kind, FIELDS, SECTIONS};
use crate::model::settings_form::SettingsForm;
use crate::net::api::{self, seg};

#[component]
pub fn Settings(site: String) -> impl IntoView {
    let ctx = ctx();
    let admin = ctx
        .me
        .with_untracked(|m| m.as_ref().is_some_and(|m| m.is_admin(&site)));
    if !admin {
        return view! {
            <section class="page" aria-labelledby="settings-title">
                <h1 id="settings-title">"Settings"</h1>
                <PushSettings />
                <DigestSettings />
                <p>"Only an admin of this site can change its settings."</p>
                <CannedReplies site=site.clone() admin=false />
            </section>
        }
        .into_any();
    }
    let form = RwSignal::new(None::<SettingsForm>);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let path = format!("/api/v1/sites/{}/settings", seg(&site));
    {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match api::get::<serde_json::Value>(&path).await {
                Ok(json) => {
                    let _ = form.try_set(Some(SettingsForm::from_json(&json)));
                }
                Err(failure) => ctx.failed(&failure),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = form.get_untracked() else {
            return;
        };
        let json = match current.to_json() {
            Ok(json) => json,
            Err((label, why)) => {
                error.set(Some(format!("{label}: {why}")));
                return;
            }
        };
        error.set(None);
        saving.set(true);
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match api::put::<_, serde_json::Value>(&path, &json).await {
                Ok(saved) => {
                    let _ = form.try_set(Some(SettingsForm::from_json(&saved)));
                    ctx.status
                        .set("Settings saved. They apply to the next conversation.".into());
                }
                Err(failure) if failure.signed_out() => ctx.failed(&failure),
                Err(failure) => error.set(Some(failure.message)),
            }
            let _ = saving.try_set(false);
        });
    };
    let sections = move || {
        SECTIONS
            .iter()
            .map(|section| {
                let fields: Vec<&'static Field> = FIELDS
                    .iter()
                    .filter(|f| f.section == *section)
                    .filter(|f| form.with_untracked(|s| s.as_ref().is_some_and(|s| s.has(f.key))))
                    .collect();
                view! {
                    <fieldset class="settings-section">
                        <legend>{*section}</legend>
                        {fields.into_iter().map(|f| field_view(form, f)).collect_view()}
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <section class="page settings" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            <PushSettings />
                <DigestSettings />
            {move || match form.with(Option::is_some) {
                false => view! { <p class="note" role="status">"Loading…"</p> }.into_any(),
                true => view! {
                    <form on:submit=save.clone() aria-label="Site settings">
                        {sections}
                        <KnowledgeBase form=form />
                        <Show when=move || error.with(Option::is_some)>
                            <p class="error" role="alert">{move || error.get()}</p>
                        </Show>
                        <div class="sticky-save">
                            <button type="submit" class="primary" disabled=move || saving.get()>"Save settings"</button>
                        </div>
                    </form>
                }
                .into_any(),
            }}
            <Unanswered site=site.clone() form=form />
            <CannedReplies site=site.clone() admin=true />
            <Agents site=site.clone() />
            <ApiKeys site=site.clone() />
            <Deliveries site=site.clone() />
            <Privacy site=site.clone() />
        </section>
    }
    .into_any()
}

fn field_view(form: RwSignal<Option<SettingsForm>>, field: &'static Field) -> impl IntoView {
    let id = format!("setting-{}", field.key);
    let help_id = format!("{id}-help");
    let value = move || {
        form.with(|f| f.as_ref().and_then(|f| f.values.get(field.key).cloned()))
            .unwrap_or_default()
    };
    let set = move |text: String| {
        form.update(|f| {
            if let Some(f) = f {
                f.set(field.key, text)
            }
        })
    };
    let described = (!field.help.is_empty()).then(|| help_id.clone());
    let input = match field.kind {
        Kind::Flag => view! {
            <input id=id.clone() type="checkbox" aria-describedby=described.clone()
                prop:checked=move || value() == "true"
                on:change=move |ev| set(event_target_checked(&ev).to_string()) />
        }
        .into_any(),
        Kind::LongText | Kind::Lines => view! {
            <textarea id=id.clone() rows="3" aria-describedby=described.clone()
                prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        kind => {
            let (kind_attr, mode) = match kind {
                Kind::Seconds | Kind::Days => ("text", "decimal"),
                Kind::Count => ("text", "numeric"),
                Kind::Secret => ("password", "text"),
                _ => ("text", "text"),
            };
            view! {
                <input id=id.clone() type=kind_attr inputmode=mode aria-describedby=described.clone()
                    autocomplete="off" prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
            }
            .into_any()
        }
    };
    let flag = field.kind == Kind::Flag;
    let secret = (field.kind == Kind::Secret).then(|| secret_state(form, field, &id));
    view! {
        <div class="field" class:flag=flag>
            <label for=id>{field.label}</label>
            {input}
            {secret}
            <Show when=move || !field.help.is_empty()>
                <p class="help" id=help_id.clone()>{field.help}</p>
            </Show>
        </div>
    }
}

/// A write-only secret: whether it is set (never its value), and a way to remove it.
fn secret_state(
    form: RwSignal<Option<SettingsForm>>,
    field: &'static Field,
    id: &str,
) -> impl IntoView {
    let is_set = move || {
        form.with(|f| {
            f.as_ref()
                .is_some_and(|f| f.secrets_set.contains(field.key))
        })
    };
    let clear_id = format!("{id}-clear");
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        form.update(|f| {
            if let Some(f) = f {
                if on {
                    f.clear_secrets.insert(field.key);
                } else {
                    f.clear_secrets.remove(field.key);
                }
            }
        })
    };
    view! {
        <p class="help" role="status">
            {move || if is_set() { "Set. Type a new one to replace it; leave empty to keep it." } else { "Not set." }}
        </p>
        <Show when=is_set>
            <span class="flag">
                <input id=clear_id.clone() type="checkbox" on:change=toggle
                    prop:checked=move || form.with(|f| f.as_ref().is_some_and(|f| f.clear_secrets.contains(field.key))) />
                <label for=clear_id.clone()>"Remove on save"</label>
            </span>
        </Show>
    }
}

//! Sending files from the composer: the "Attach a file" button (a real file input, so the
//! keyboard and screen readers reach it), or an image pasted into the composer. Each file goes
//! up as its own request; the edge checks its bytes and the chat's socket brings it back as an
//! event, so the transcript shows it like any other line. Refusals are said in words.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::chat::ChatModel;
use crate::net::api;

/// What pasting or choosing files does: upload each, reporting progress and refusals.
#[derive(Clone, Copy)]
pub struct Uploader {
    model: RwSignal<ChatModel>,
    internal: Signal<bool>,
    status: RwSignal<String>,
}

impl Uploader {
    pub fn new(model: RwSignal<ChatModel>, internal: Signal<bool>) -> Self {
        Self {
            model,
            internal,
            status: RwSignal::new(String::new()),
        }
    }

    pub fn send(&self, files: Vec<web_sys::File>) {
        let (site, id) = self
            .model
            .with_untracked(|m| (m.site_id.clone(), m.id.clone()));
        let internal = self.internal.get_untracked();
        let status = self.status;
        for file in files {
            let (site, id) = (site.clone(), id.clone());
            let name = file.name();
            status.set(format!("Sending {name}…"));
            leptos::task::spawn_local(async move {
                let said = match api::upload(&site, &id, &file, internal).await {
                    Ok(_) => format!("{name} sent."),
                    Err(error) => format!("{name} was not sent: {}", error.message),
                };
                let _ = status.try_set(said);
            });
        }
    }

    /// The files of a paste (a screenshot), if any; the text of a paste is left to the
    /// textarea.
    pub fn on_paste(&self, ev: &web_sys::ClipboardEvent) {
        let files = ev
            .clipboard_data()
            .and_then(|data| data.files())
            .map(list)
            .unwrap_or_default();
        if !files.is_empty() {
            ev.prevent_default();
            self.send(files);
        }
    }
}

fn list(files: web_sys::FileList) -> Vec<web_sys::File> {
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// The button and its status line.
#[component]
pub fn AttachButton(uploader: Uploader) -> impl IntoView {
    let Uploader {
        internal, status, ..
    } = uploader;
    let input = NodeRef::<html::Input>::new();
    let on_change = move |_| {
        let Some(input) = input.get_untracked() else {
            return;
        };
        let element: &web_sys::HtmlInputElement = input.unchecked_ref();
        let files = element.files().map(list).unwrap_or_default();
        // Cleared, so choosing the same file again is a change too.
        element.set_value("");
        uploader.send(files);
    };
    view! {
        <label class="attach">
            <input
                type="file"
                class="sr-only"
                multiple
                node_ref=input
                on:change=on_change
                accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain"
            />
            {move || if internal.get() { "Attach a file to the note" } else { "Attach a file" }}
        </label>
        <p class="attach-status" role="status">{move || status.get()}</p>
    }
}

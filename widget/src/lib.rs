//! Baton's visitor widget: a Leptos (CSR) app in a shadow root that a site adds with one
//! `<script src="…/widget.js" data-site="…" async>` tag. The loader (`loader.js`) draws the
//! launcher and fetches this WebAssembly only when the browser is idle or the visitor opens it.
//!
//! The conversation model ([`model`]), the strings ([`i18n`]) and link detection ([`text`]) are
//! plain Rust, tested natively; everything touching the browser is compiled for wasm32 only.
//! It refuses to render any text as HTML, to add globals beyond the loader's `window.Baton`,
//! and to touch the host page outside its shadow root.

pub mod i18n;
pub mod model;
pub mod text;
pub mod valid;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod web;

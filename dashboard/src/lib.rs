//! Baton's agent dashboard: a Leptos (client-side rendered) app the edge serves at `/app/`,
//! same origin as the API so the HttpOnly session cookie signs every request and socket.
//!
//! [`model`] holds the state as plain structs (`apply(frame)`), tested natively; the view and
//! browser glue exist only in the wasm build. It refuses to render anything a visitor typed as
//! HTML: every such string goes into the page as text.

pub mod model;

#[cfg(target_arch = "wasm32")]
mod net;
#[cfg(target_arch = "wasm32")]
mod view;

/// Entry point called by the boot script after the wasm module loads.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    view::mount();
}

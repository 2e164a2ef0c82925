//! Baton's stand-in for `wasm-streams` 0.5, for the widget and the dashboard.
//!
//! Why: Leptos always enables its server functions' browser client (`server_fn/browser`), which
//! uses `wasm-streams` 0.5 for streaming request and response bodies. Neither Leptos app defines
//! a server function, so none of that code runs, but the real crate's `#[wasm_bindgen]` classes
//! (`IntoUnderlyingSource` and friends) are exports, roots no optimiser may remove, and they keep
//! their futures executor, closures and JS glue in each app (the widget: ~5 KB brotli).
//!
//! What: only the items `server_fn` 0.8 names (`ReadableStream::{from_raw, from_stream,
//! into_raw, into_stream}` and the stream type), so it compiles unchanged. Wrapping and
//! unwrapping a JS stream work; turning a Rust stream into a JS one panics, as only a streaming
//! server function could call it. The edge is untouched: `worker` depends on wasm-streams 0.7,
//! which the root Cargo.toml's `[patch]` of 0.5 does not replace.

use core::convert::Infallible;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;
use web_sys::wasm_bindgen::JsValue;

const UNSUPPORTED: &str =
    "wasm-streams stub: Baton's Leptos apps have no streaming server functions";

/// A JS `ReadableStream`, held as is.
#[derive(Debug)]
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a JS stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// Never called by Baton: panics (see the crate's documentation).
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        panic!("{UNSUPPORTED}")
    }

    /// The JS stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// Never called by Baton: panics (see the crate's documentation).
    pub fn into_stream(self) -> IntoStream<'static> {
        panic!("{UNSUPPORTED}")
    }
}

/// The type `into_stream` names. It has no values (`Infallible`), so it is never polled.
#[derive(Debug)]
pub struct IntoStream<'reader> {
    never: Infallible,
    _reader: PhantomData<&'reader ()>,
}

impl Stream for IntoStream<'_> {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.never {}
    }
}

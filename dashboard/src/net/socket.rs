//! A WebSocket that reconnects by itself (1 s, 2 s, … up to 10 s) until closed. The URL is
//! asked for again on every attempt, so a conversation socket resumes after the last event seen
//! (`after=SEQ`) and nothing comes twice.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use baton_core::protocol::ServerFrame;
use leptos::prelude::set_timeout;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::model::wire;

type Url = Box<dyn Fn() -> String>;
/// The frame reader: `wire::site_frame` or `wire::frame` (a conversation socket).
type Read = fn(&JsValue) -> Option<ServerFrame>;
type OnFrame = Box<dyn Fn(ServerFrame)>;
type OnState = Box<dyn Fn(bool)>;

struct Inner {
    url: Url,
    read: Read,
    on_frame: OnFrame,
    on_state: OnState,
    ws: RefCell<Option<WebSocket>>,
    closed: Cell<bool>,
    failures: Cell<u32>,
    /// The handlers of the current socket; dropped with it.
    handlers: RefCell<Vec<Box<dyn std::any::Any>>>,
}

#[derive(Clone)]
pub struct Socket {
    inner: Rc<Inner>,
}

/// `/api/v1/...` → `ws://host/api/v1/...` on the page's own origin.
pub fn ws_url(path: &str) -> String {
    let location = leptos::prelude::location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{path}")
}

impl Socket {
    pub fn open(
        url: impl Fn() -> String + 'static,
        read: Read,
        on_frame: impl Fn(ServerFrame) + 'static,
        on_state: impl Fn(bool) + 'static,
    ) -> Self {
        let inner = Rc::new(Inner {
            url: Box::new(url),
            read,
            on_frame: Box::new(on_frame),
            on_state: Box::new(on_state),
            ws: RefCell::new(None),
            closed: Cell::new(false),
            failures: Cell::new(0),
            handlers: RefCell::new(Vec::new()),
        });
        connect(&inner);
        Self { inner }
    }

    /// Sends a JSON frame; false when the socket is not open right now.
    pub fn send(&self, json: &str) -> bool {
        let ws = self.inner.ws.borrow();
        match ws.as_ref() {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(json).is_ok(),
            _ => false,
        }
    }

    /// Closes for good: no reconnect.
    pub fn close(&self) {
        self.inner.closed.set(true);
        if let Some(ws) = self.inner.ws.borrow_mut().take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
        // close() may run inside one of these handlers: drop them only after it returns.
        let handlers = std::mem::take(&mut *self.inner.handlers.borrow_mut());
        set_timeout(move || drop(handlers), Duration::ZERO);
    }
}

fn connect(inner: &Rc<Inner>) {
    if inner.closed.get() {
        return;
    }
    let Ok(ws) = WebSocket::new(&(inner.url)()) else {
        retry(inner);
        return;
    };
    let weak = Rc::downgrade(inner);
    let on_open = Closure::<dyn FnMut()>::new({
        let weak = weak.clone();
        move || {
            if let Some(inner) = weak.upgrade() {
                inner.failures.set(0);
                (inner.on_state)(true);
            }
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |event: MessageEvent| {
            let (Some(inner), Some(text)) = (weak.upgrade(), event.data().as_string()) else {
                return;
            };
            // The browser's parser and our reader: serde's tagged-enum machinery stays out of
            // the wasm (model::wire).
            let frame = js_sys::JSON::parse(&text)
                .ok()
                .and_then(|json| (inner.read)(&json));
            if let Some(frame) = frame {
                (inner.on_frame)(frame);
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
        if let Some(inner) = weak.upgrade() {
            (inner.on_state)(false);
            retry(&inner);
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    *inner.handlers.borrow_mut() =
        vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
    *inner.ws.borrow_mut() = Some(ws);
}

fn retry(inner: &Rc<Inner>) {
    if inner.closed.get() {
        return;
    }
    let failures = inner.failures.get();
    inner.failures.set(failures + 1);
    let delay = Duration::from_millis((1000u64 << failures.min(3)).min(10_000));
    let weak: Weak<Inner> = Rc::downgrade(inner);
    set_timeout(
        move || {
            if let Some(inner) = weak.upgrade() {
                connect(&inner);
            }
        },
        delay,
    );
}

/// Opens a conversation socket just to send one command (returning chats to the queue when
/// going offline), then closes it once the edge has answered or after a few seconds.
pub fn send_once(path: &str, command: String) {
    let holder: Rc<RefCell<Option<Socket>>> = Rc::new(RefCell::new(None));
    let sent = Rc::new(Cell::new(false));
    let socket = Socket::open(
        {
            let url = ws_url(path);
            move || url.clone()
        },
        wire::frame,
        {
            let holder = holder.clone();
            let sent = sent.clone();
            move |frame| {
                // The welcome comes first; any later answer (event or error) means it was handled.
                let done = sent.get()
                    && !matches!(
                        frame,
                        ServerFrame::Welcome { .. } | ServerFrame::Event { .. }
                    );
                if done || matches!(frame, ServerFrame::Error { .. }) {
                    if let Some(socket) = holder.borrow_mut().take() {
                        socket.close();
                    }
                }
            }
        },
        {
            let holder = holder.clone();
            move |open| {
                if open && !sent.get() {
                    if let Some(socket) = holder.borrow().as_ref() {
                        sent.set(socket.send(&command));
                    }
                }
            }
        },
    );
    *holder.borrow_mut() = Some(socket);
    set_timeout(
        move || {
            if let Some(socket) = holder.borrow_mut().take() {
                socket.close();
            }
        },
        Duration::from_secs(5),
    );
}

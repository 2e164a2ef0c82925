//! The optional LLM answerer: asked before the rules run, with a deadline; any failure (no
//! answer in time, an error status, an unusable body) leaves the embedded bot to answer.

use std::time::Duration;

use baton_core::bot::llm::{parse_reply, request_body};
use baton_core::BotReply;
use futures_util::future::{select, Either};
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

use super::ConversationRoom;

impl ConversationRoom {
    /// The model's reply to `text`, or `None` when the embedded bot should answer. Asked only
    /// if core's rules would let the bot answer this message at all.
    pub(super) async fn ask_llm(&self, text: &str, client_id: Option<&str>) -> Option<BotReply> {
        // After hibernation the cache is empty: load, do not skip. Read in place: most
        // messages (the LLM off, or a person answering) stop here, and need no copy.
        let (llm, settings) = self
            .with_loaded(|c| {
                let bot_answers = c.bot_would_answer(text, client_id, crate::util::now());
                let llm = c.settings.llm.clone().filter(|_| bot_answers)?;
                Some((llm, std::sync::Arc::clone(&c.settings)))
            })
            .ok()
            .flatten()?;
        // Checked again at call time: the operator may have narrowed the list since the
        // settings were saved, and the platform key must never leave for another host.
        if let Err(why) = crate::util::llm_policy(&self.env).allows(&llm.url) {
            worker::console_warn!("LLM endpoint refused ({why}); the embedded bot answers");
            return None;
        }
        let body = request_body(&llm, &settings.knowledge_base, text);
        let headers = Headers::new();
        headers.set("content-type", "application/json").ok()?;
        if let Ok(key) = self.env.secret("LLM_API_KEY") {
            headers
                .set("authorization", &format!("Bearer {key}"))
                .ok()?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let request = Request::new_with_init(&llm.url, &init).ok()?;
        let call = Box::pin(async move {
            let mut response = match Fetch::Request(request).send().await {
                Ok(response) => response,
                Err(error) => {
                    worker::console_warn!("LLM answerer unreachable: {error}");
                    return None;
                }
            };
            if response.status_code() != 200 {
                worker::console_warn!("LLM answerer answered {}", response.status_code());
                return None;
            }
            response.text().await.ok()
        });
        let deadline = Box::pin(Delay::from(Duration::from_millis(u64::from(
            llm.timeout_ms,
        ))));
        match select(call, deadline).await {
            Either::Left((Some(body), _)) => {
                let reply = parse_reply(&body, text);
                if reply.is_none() {
                    worker::console_warn!("LLM answerer gave an unusable completion");
                }
                reply
            }
            Either::Left((None, _)) => None,
            Either::Right(_) => {
                worker::console_warn!("LLM answerer timed out; the embedded bot answers");
                None
            }
        }
    }
}

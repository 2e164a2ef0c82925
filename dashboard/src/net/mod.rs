//! The dashboard's two ways to the edge: JSON over HTTP ([`api`]) and self-healing WebSockets
//! ([`socket`]). Both go to the page's own origin, so the session cookie comes along.

pub mod api;
pub mod json;
pub mod push;
pub mod socket;

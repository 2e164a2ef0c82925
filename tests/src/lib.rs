//! Test and benchmark harness: real HTTP and WebSocket clients for a running `wrangler dev`,
//! speaking the wire protocol through `baton_core`'s own types (no second copy of the format).
//!
//! Waiting is always for an event with a deadline, never a sleep.

pub mod clients;
pub mod edge;

pub use clients::{AgentSocket, SiteSocket, VisitorSocket};
pub use edge::{Edge, TestAgent, TestSite};

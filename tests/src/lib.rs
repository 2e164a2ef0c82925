//! Test and benchmark harness: real HTTP and WebSocket clients for a running `wrangler dev`,
//! speaking the wire protocol through `baton_core`'s own types (no second copy of the format).
//!
//! Waiting is always for an event with a deadline, never a sleep.

pub mod api;
pub mod bench;
pub mod chaos;
pub mod clients;
pub mod edge;
pub mod hooks;
pub mod mail;
pub mod privacy;
pub mod push;
pub mod signup;

pub use clients::{AgentSocket, SiteSocket, VisitorSocket};
pub use edge::{Edge, TestAgent, TestSite};

/// What a site's server computes to vouch for its signed-in user: hex HMAC-SHA256(secret, email).
pub fn hmac_sha256_hex(secret: &[u8], message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! The chaos run behind `baton-chaos`: visitors leave messages, chats are missed, archived and
//! forwarded, tickets fire webhooks at a loopback receiver that fails 30 % of requests, and
//! workerd is killed (`kill -9`, by its pid) at a random instant of every round. After the last
//! restart every ticket, index row, statistics fact and webhook must exist exactly once.
//!
//! The truth is each conversation's own event history (read from its Durable Object); D1 is read
//! independently with `wrangler d1 execute`, the webhooks from the receiver's own log.
//!
//! [`round`] plays one round and kills workerd; [`settle`] then waits for the deliveries and
//! [`check`] counts ([`Counts`]) what is missing or wrong against the two independent reads
//! (`chaos/reads.rs`).

mod check;
mod counts;
mod reads;
mod round;

pub use check::{check, settle};
pub use counts::Counts;
pub use reads::{d1, history, History};
pub use round::{round, workerd_pids, Rng, Scenario, Started};

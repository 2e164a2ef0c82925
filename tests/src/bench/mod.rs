//! Benchmarks that print figures (not timed tests): message latency under load, claim races,
//! ladder accuracy, fan-out, and memory. Run by `scripts/bench.sh` against a real `wrangler dev`.

pub mod claim;
pub mod fanout;
pub mod ladder;
pub mod latency;
pub mod push;
pub mod stats;

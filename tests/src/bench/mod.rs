//! Benchmarks that print figures (not timed tests): message latency under load (beside a minimal
//! stored relay as the baseline), claim races, ladder accuracy, fan-out, and memory. Run by
//! `scripts/bench.sh` against a real `wrangler dev`.

pub mod claim;
pub mod direct;
pub mod fanout;
pub mod ladder;
pub mod latency;
pub mod load;
pub mod procs;
pub mod push;
pub mod relay;
pub mod stats;
pub mod sweep;

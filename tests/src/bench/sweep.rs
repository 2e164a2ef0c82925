//! The highest message rate a target sustains (issue 15): on live conversations already open,
//! the rate goes up step by step until fewer than 99 % of the messages arrive within the run or
//! their p99 reaches 100 ms. Baton and the relay baseline take the same steps, alternately, on
//! the same number of chats, so a busy minute of the machine hits both.

use std::time::Duration;

use super::load::{self, SocketPair};

/// A step holds if at least this share of the messages sent arrived…
pub const DELIVERED_SHARE: f64 = 0.99;
/// …and their p99 (both directions together) stayed under this.
pub const P99_LIMIT: Duration = Duration::from_millis(100);

/// Run before the first step, at its rate, and not counted.
const WARM_UP: Duration = Duration::from_secs(1);

/// One rate, as the target took it.
pub struct Step {
    /// Messages per second, both directions together.
    pub rate: f64,
    pub delivered: usize,
    pub sent: usize,
    /// p99 latency in microseconds.
    pub p99: u64,
    /// Conversations whose sockets broke during the step.
    pub lost: usize,
    /// The target's workerd CPU time per delivered message.
    pub cpu_per_message: Duration,
}

impl Step {
    pub fn holds(&self) -> bool {
        self.sent > 0
            && self.lost == 0
            && self.delivered as f64 >= DELIVERED_SHARE * self.sent as f64
            && self.p99 < P99_LIMIT.as_micros() as u64
    }
}

/// One target's sweep: its conversations and the steps taken so far.
pub struct Sweep {
    pairs: Vec<SocketPair>,
    conversations: usize,
    pub steps: Vec<Step>,
    /// The target's workerd processes (their CPU time per message is recorded per step).
    watch: Vec<u32>,
}

impl Sweep {
    pub fn new(pairs: Vec<SocketPair>, watch: Vec<u32>) -> Self {
        Self {
            conversations: pairs.len(),
            pairs,
            steps: Vec::new(),
            watch,
        }
    }

    /// Whether the last step taken still held (a failed target takes no further step: its
    /// backlog would only spill into the next one).
    pub fn going(&self) -> bool {
        self.conversations > 0 && self.steps.last().is_none_or(Step::holds)
    }

    /// Runs `rate` messages per second for `duration`, if the target is still going.
    pub async fn step(&mut self, rate: f64, duration: Duration) {
        if !self.going() || rate <= 0.0 {
            return;
        }
        // Each conversation sends one message each way per interval.
        let interval = Duration::from_secs_f64(2.0 * self.conversations as f64 / rate);
        let mut pairs = std::mem::take(&mut self.pairs);
        if self.steps.is_empty() {
            // Not counted: the objects may have hibernated while the other target ran, and
            // waking them is not the rate being measured.
            let (_, warm) = load::drive(pairs, interval, WARM_UP, &[]).await;
            pairs = warm;
        }
        let (delivered, pairs) = load::drive(pairs, interval, duration, &self.watch).await;
        // A broken socket fails the step (the rate would no longer be what it says).
        let lost = self.conversations.saturating_sub(pairs.len());
        self.pairs = pairs;
        self.steps.push(Step {
            rate,
            delivered: delivered.count(),
            sent: delivered.sent,
            p99: delivered.both().percentile(99.0),
            lost,
            cpu_per_message: delivered.cpu_per_message(),
        });
    }

    /// The highest rate of the steps that held, all of them in a row from the first.
    pub fn highest(&self) -> Option<f64> {
        self.steps
            .iter()
            .take_while(|s| s.holds())
            .map(|s| s.rate)
            .last()
    }
}

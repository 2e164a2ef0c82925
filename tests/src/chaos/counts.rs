//! What the chaos check counts: rows expected, missing and wrong, per kind of effect.

/// What the final check counted.
#[derive(Default, Debug)]
pub struct Counts {
    pub conversations: usize,
    pub tickets_expected: usize,
    pub tickets_missing: usize,
    /// Rows in D1 that no conversation created (or a second row for one).
    pub tickets_extra: usize,
    pub index_expected: usize,
    pub index_missing: usize,
    /// Present with the wrong phase, or present for a conversation never missed/archived/live.
    pub index_wrong: usize,
    /// Waiting or live conversations, each of which must be on the site's Active list.
    pub list_expected: usize,
    pub list_missing: usize,
    /// On the Active/Monitor list with a phase its conversation left, or listed after it left.
    pub list_wrong: usize,
    pub facts_expected: usize,
    pub facts_missing: usize,
    /// Present but not what the conversation's events say (or older than its index row).
    pub facts_wrong: usize,
    pub webhooks_expected: usize,
    pub webhooks_missing: usize,
    /// Accepted under a key no ticket has.
    pub webhooks_unknown: usize,
    /// Accepted again under a key already accepted (at least once; the receiver deduplicates).
    pub webhook_redeliveries: usize,
    pub webhook_attempts: usize,
    pub webhook_failed_attempts: usize,
    /// One line per wrong or missing row, so a failing run says what and why.
    pub problems: Vec<String>,
}

impl Counts {
    pub fn lost(&self) -> usize {
        self.tickets_missing
            + self.index_missing
            + self.list_missing
            + self.facts_missing
            + self.webhooks_missing
    }

    pub fn wrong(&self) -> usize {
        self.tickets_extra
            + self.index_wrong
            + self.list_wrong
            + self.facts_wrong
            + self.webhooks_unknown
    }
}

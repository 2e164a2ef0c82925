//! Percentiles and the printed table.

use std::time::Duration;

/// Sorted samples in microseconds.
pub struct Samples(Vec<u64>);

impl Samples {
    pub fn new(mut micros: Vec<u64>) -> Self {
        micros.sort_unstable();
        Self(micros)
    }

    pub fn from_durations(durations: &[Duration]) -> Self {
        Self::new(durations.iter().map(|d| d.as_micros() as u64).collect())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value below which `p` percent of the samples fall (nearest rank).
    pub fn percentile(&self, p: f64) -> u64 {
        if self.0.is_empty() {
            return 0;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    /// The samples, sorted ascending.
    pub fn micros(&self) -> &[u64] {
        &self.0
    }

    pub fn max(&self) -> u64 {
        self.0.last().copied().unwrap_or(0)
    }
}

pub fn ms(micros: u64) -> String {
    format!("{:.2} ms", micros as f64 / 1000.0)
}

/// One printed row: what, the figures, the target.
pub struct Row {
    pub what: String,
    pub figures: String,
    pub target: String,
}

pub fn print_table(rows: &[Row]) {
    let width = rows.iter().map(|r| r.what.len()).max().unwrap_or(10);
    let figures = rows.iter().map(|r| r.figures.len()).max().unwrap_or(10);
    println!(
        "\n| {:width$} | {:figures$} | target |",
        "benchmark", "figures"
    );
    println!(
        "|{}|{}|--------|",
        "-".repeat(width + 2),
        "-".repeat(figures + 2)
    );
    for row in rows {
        println!(
            "| {:width$} | {:figures$} | {} |",
            row.what, row.figures, row.target
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples = Samples::new((1..=100).collect());
        assert_eq!(samples.percentile(50.0), 50);
        assert_eq!(samples.percentile(99.0), 99);
        assert_eq!(samples.percentile(100.0), 100);
        assert_eq!(Samples::new(vec![7]).percentile(1.0), 7);
        assert_eq!(Samples::new(Vec::new()).percentile(50.0), 0);
    }
}

//! Character trigram similarity between a message and each entry, the second ranker fused with
//! word BM25: it sees what whole words miss, such as closed compounds ("Zahnarzttermin",
//! "giftcard"), morphology a stemmer leaves apart, and slips beyond the typo budget.

use super::text::FastMap;

/// Trigrams of a word padded with spaces, packed into a `u32` (bytes, so any script works).
fn grams(word: &str, mut each: impl FnMut(u32)) {
    let bytes: Vec<u8> = std::iter::once(b' ')
        .chain(word.bytes())
        .chain(std::iter::once(b' '))
        .collect();
    for w in bytes.windows(3) {
        each(u32::from(w[0]) << 16 | u32::from(w[1]) << 8 | u32::from(w[2]));
    }
}

/// Share of trigrams two words have in common (Dice coefficient), 0..=1.
pub(crate) fn dice(a: &str, b: &str) -> f32 {
    let mut left = Vec::new();
    grams(a, |g| left.push(g));
    let mut right = Vec::new();
    grams(b, |g| right.push(g));
    let total = left.len() + right.len();
    let mut common = 0;
    for g in &left {
        if let Some(at) = right.iter().position(|r| r == g) {
            right.swap_remove(at);
            common += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        2.0 * common as f32 / total as f32
    }
}

/// Trigram TF-IDF vectors of the entries, as an inverted index.
pub(crate) struct Grams {
    postings: FastMap<u32, Vec<(u32, f32)>>,
    norms: Vec<f32>,
    entries: usize,
}

impl Grams {
    /// `entries[e]` is the content words of entry `e`, each with its weight.
    pub(crate) fn new(entries: &[Vec<(String, f32)>]) -> Self {
        let mut postings: FastMap<u32, Vec<(u32, f32)>> = FastMap::default();
        let mut counts: FastMap<u32, f32> = FastMap::default();
        for (e, words) in entries.iter().enumerate() {
            for (word, weight) in words {
                grams(word, |g| *counts.entry(g).or_default() += weight);
            }
            for (g, tf) in counts.drain() {
                postings.entry(g).or_default().push((e as u32, tf));
            }
        }
        let n = entries.len();
        let mut norms = vec![0.0f32; n];
        for list in postings.values() {
            let idf = idf(n, list.len());
            for (e, tf) in list {
                norms[*e as usize] += (tf.sqrt() * idf).powi(2);
            }
        }
        for norm in &mut norms {
            *norm = norm.sqrt();
        }
        Self {
            postings,
            norms,
            entries: n,
        }
    }

    /// Cosine similarity of `words` to every entry.
    pub(crate) fn similarity(&self, words: &[&str]) -> Vec<f32> {
        let mut query: FastMap<u32, f32> = FastMap::default();
        for word in words {
            grams(word, |g| *query.entry(g).or_default() += 1.0);
        }
        let mut dots = vec![0.0f32; self.entries];
        let mut query_norm = 0.0f32;
        for (g, tf) in query {
            let Some(list) = self.postings.get(&g) else {
                // A trigram no entry has still makes the message longer.
                query_norm += (tf.sqrt() * idf(self.entries, 0)).powi(2);
                continue;
            };
            let idf = idf(self.entries, list.len());
            let q = tf.sqrt() * idf;
            query_norm += q * q;
            for (e, dtf) in list {
                dots[*e as usize] += q * dtf.sqrt() * idf;
            }
        }
        let query_norm = query_norm.sqrt();
        for (dot, norm) in dots.iter_mut().zip(&self.norms) {
            *dot = if *norm > 0.0 && query_norm > 0.0 {
                *dot / (norm * query_norm)
            } else {
                0.0
            };
        }
        dots
    }
}

fn idf(n: usize, df: usize) -> f32 {
    (1.0 + n as f32 / (df as f32 + 1.0)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_and_plurals_are_close() {
        assert!(dice("kajaktour", "kajak") > 0.5);
        assert!(dice("sneakers", "sneaker") >= 0.75);
        assert!(dice("refund", "parking") < 0.2);
    }

    #[test]
    fn ranks_the_entry_sharing_most_trigrams() {
        let entries = vec![
            vec![
                ("zahnarzttermin".to_string(), 1.0),
                ("buchen".to_string(), 1.0),
            ],
            vec![("parkplatz".to_string(), 1.0)],
        ];
        let grams = Grams::new(&entries);
        let sims = grams.similarity(&["termin"]);
        assert!(sims[0] > 0.2 && sims[1] == 0.0, "{sims:?}");
    }
}

//! A map from string keys kept as one `Vec` sorted by key, in place of `BTreeMap`.
//!
//! Why: it iterates in the same key order as a `BTreeMap` (so ties in the lists sort as they
//! did), and the dashboard holds a handful of sites and a few dozen live conversations, where a
//! binary search and a shifted `Vec` are as fast; but the B-tree's node code, instantiated per
//! value type, was ~35 KB of the first screen's wasm (before `wasm-opt`).

/// Entries sorted by key, each key once.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyed<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

/// A key's place, found or to be filled (`Keyed::entry`).
pub struct Entry<'a, V> {
    map: &'a mut Keyed<V>,
    key: String,
}

impl<'a, V: Default> Entry<'a, V> {
    pub fn or_default(self) -> &'a mut V {
        let at = match self.map.find(&self.key) {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, (self.key, V::default()));
                at
            }
        };
        &mut self.map.entries[at].1
    }
}

impl<V> Keyed<V> {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|at| &self.entries[at].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.find(key).ok().map(|at| &mut self.entries[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn entry(&mut self, key: String) -> Entry<'_, V> {
        Entry { map: self, key }
    }

    /// Sets the value of `key`, replacing any earlier one.
    pub fn insert(&mut self, key: String, value: V) {
        match self.find(&key) {
            Ok(at) => self.entries[at].1 = value,
            Err(at) => self.entries.insert(at, (key, value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|at| self.entries.remove(at).1)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        self.entries.retain(|(k, v)| keep(k, v));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// In key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// As `BTreeMap` collects: a later value for the same key wins.
impl<V> FromIterator<(String, V)> for Keyed<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> Self {
        let mut map = Self::default();
        for (key, value) in items {
            map.insert(key, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::Keyed;

    /// The same operations on a `BTreeMap` and on `Keyed` leave the same entries, in the same order.
    #[test]
    fn behaves_as_a_btree_map() {
        let keys = ["s3", "s1", "s2", "s1", "a", "z9", "s10"];
        let mut tree = BTreeMap::new();
        let mut keyed = Keyed::default();
        for (n, key) in keys.iter().enumerate() {
            tree.insert(key.to_string(), n);
            keyed.insert(key.to_string(), n);
        }
        *tree.entry("s2".to_string()).or_default() += 10;
        *keyed.entry("s2".to_string()).or_default() += 10;
        *tree.entry("new".to_string()).or_default() += 1;
        *keyed.entry("new".to_string()).or_default() += 1;
        assert_eq!(tree.remove("s3"), keyed.remove("s3"));
        assert_eq!(tree.remove("nope"), keyed.remove("nope"));
        tree.retain(|k, _| k != "a");
        keyed.retain(|k, _| k != "a");
        let listed: Vec<_> = keyed.iter().map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(listed, tree.clone().into_iter().collect::<Vec<_>>());
        assert_eq!(keyed.get("s1"), tree.get("s1"));
        assert_eq!(keyed.get("s4"), None);
        assert!(keyed.contains_key("z9") && !keyed.contains_key("a"));
        let collected: Keyed<usize> = keys
            .iter()
            .enumerate()
            .map(|(n, k)| (k.to_string(), n))
            .collect();
        let expected: BTreeMap<String, usize> = keys
            .iter()
            .enumerate()
            .map(|(n, k)| (k.to_string(), n))
            .collect();
        assert_eq!(
            collected.values().copied().collect::<Vec<_>>(),
            expected.into_values().collect::<Vec<_>>()
        );
        keyed.clear();
        assert!(keyed.is_empty());
    }
}

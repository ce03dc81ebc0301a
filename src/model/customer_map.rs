//! The customers of a sales ledger by identity key.
//!
//! The reader looks a customer up once per row, so the lookup is a hash probe, not a walk down
//! a B-tree: with 80,000 customers a B-tree lookup compared the key against some twenty others,
//! each behind its own pointer, and once the ledger outgrew the processor's cache every one of
//! those compares was a miss (the 4,000,000-row sample spent a sixth of its time in them).
//! Everything that lists customers — tables, sheets, JSON, merges — sees them in key order, as
//! before: the order is sorted once, when first asked for after a change, and kept until the
//! next customer is added.

use std::sync::OnceLock;

use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use super::CustomerLedger;

/// Customers by key: hashed for lookups, listed in key order.
#[derive(Debug, Clone, Default)]
pub struct CustomerMap {
    /// In the order first seen.
    map: IndexMap<String, CustomerLedger, FxBuildHasher>,
    /// Positions in `map` in key order; made on the first listing after a change.
    sorted: OnceLock<Vec<u32>>,
    /// Where the last [`CustomerMap::get_mut`] or [`CustomerMap::slot`] found its customer.
    last: usize,
}

impl PartialEq for CustomerMap {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl CustomerMap {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&CustomerLedger> {
        self.map.get(key)
    }

    /// The ledger of `key`; the customer found is remembered, so that the next call for the
    /// same key (the rest of the row, the next line of one order) needs no lookup.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut CustomerLedger> {
        let i = match self.map.get_index(self.last) {
            Some((k, _)) if k == key => self.last,
            _ => self.map.get_index_of(key)?,
        };
        self.last = i;
        Some(&mut self.map[i])
    }

    /// The ledger of `key`, a new empty one (and the key copied) when there is none yet.
    pub fn slot(&mut self, key: &str) -> &mut CustomerLedger {
        // Looked up by reference first: most rows belong to a customer already seen, and the
        // entry API would take a key copy for every row.
        if self.get_mut(key).is_some() {
            return &mut self.map[self.last];
        }
        self.last = self.map.len();
        self.insert(key.to_string(), CustomerLedger::default())
    }

    /// Puts `ledger` under `key`, replacing what was there; the ledger now kept.
    pub fn insert(&mut self, key: String, ledger: CustomerLedger) -> &mut CustomerLedger {
        let (i, old) = self.map.insert_full(key, ledger);
        if old.is_none() {
            self.sorted = OnceLock::new();
        }
        &mut self.map[i]
    }

    fn order(&self) -> &[u32] {
        self.sorted.get_or_init(|| {
            let len = u32::try_from(self.map.len()).expect("fewer than 4 billion customers");
            let mut order: Vec<u32> = (0..len).collect();
            order.sort_unstable_by(|&a, &b| {
                let key = |i: u32| self.map.get_index(i as usize).map(|(k, _)| k);
                key(a).cmp(&key(b))
            });
            order
        })
    }

    /// Every customer, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &CustomerLedger)> {
        self.order()
            .iter()
            .filter_map(|&i| self.map.get_index(i as usize))
    }

    /// Every customer's ledger, in key order.
    pub fn values(&self) -> impl Iterator<Item = &CustomerLedger> {
        self.iter().map(|(_, c)| c)
    }

    /// Every customer's ledger, to change in place, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut CustomerLedger> {
        self.map.values_mut()
    }

    /// Every customer by value, in key order.
    pub fn into_sorted(mut self) -> impl Iterator<Item = (String, CustomerLedger)> {
        self.map.sort_unstable_keys();
        self.map.into_iter()
    }

    /// Gives back the room the table grew into.
    pub fn shrink_to_fit(&mut self) {
        self.map.shrink_to_fit();
    }
}

impl std::ops::Index<&str> for CustomerMap {
    type Output = CustomerLedger;

    /// The ledger of `key`; panics when there is none (as a map's index does).
    fn index(&self, key: &str) -> &CustomerLedger {
        &self.map[key]
    }
}

impl<'a> IntoIterator for &'a CustomerMap {
    type Item = (&'a String, &'a CustomerLedger);
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl FromIterator<(String, CustomerLedger)> for CustomerMap {
    fn from_iter<I: IntoIterator<Item = (String, CustomerLedger)>>(iter: I) -> Self {
        let mut m = CustomerMap::default();
        for (k, c) in iter {
            m.insert(k, c);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(n: u32) -> CustomerLedger {
        CustomerLedger {
            email: Some(format!("{n}")),
            ..CustomerLedger::default()
        }
    }

    #[test]
    fn lists_in_key_order_whatever_the_order_added() {
        let mut m = CustomerMap::default();
        for k in ["kim", "abe", "park", "lee"] {
            m.slot(k);
        }
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["abe", "kim", "lee", "park"]);
        // A customer added after a listing is listed in its place.
        m.slot("choi");
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["abe", "choi", "kim", "lee", "park"]);
        let by_value: Vec<String> = m.clone().into_sorted().map(|(k, _)| k).collect();
        assert_eq!(by_value, ["abe", "choi", "kim", "lee", "park"]);
    }

    #[test]
    fn slot_finds_the_same_customer_and_insert_replaces() {
        let mut m = CustomerMap::default();
        m.slot("kim").email = Some("kim@example.com".into());
        assert_eq!(
            m.slot("kim").email.as_deref(),
            Some("kim@example.com"),
            "the second slot is the first one's ledger"
        );
        m.insert("kim".into(), named(7));
        assert_eq!(m.len(), 1);
        assert_eq!(m.get("kim").and_then(|c| c.email.as_deref()), Some("7"));
        assert!(m.get("lee").is_none());
    }

    #[test]
    fn equal_whatever_the_order_added() {
        let a: CustomerMap = [("b".to_string(), named(2)), ("a".to_string(), named(1))]
            .into_iter()
            .collect();
        let b: CustomerMap = [("a".to_string(), named(1)), ("b".to_string(), named(2))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        let c: CustomerMap = [("a".to_string(), named(1)), ("b".to_string(), named(3))]
            .into_iter()
            .collect();
        assert_ne!(a, c);
    }
}

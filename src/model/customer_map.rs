//! The customers of a sales ledger by identity key.
//!
//! The reader looks a customer up once per row, so the lookup is a hash probe, not a walk down
//! a B-tree: with 80,000 customers a B-tree lookup compared the key against some twenty others,
//! each behind its own pointer, and once the ledger outgrew the processor's cache every one of
//! those compares was a miss (the 4,000,000-row sample spent a sixth of its time in them).
//!
//! A probe does not read the customer's key either: the table holds 96 bits of each key's
//! 128-bit fingerprint ([`key_fingerprint`]) beside the customer's position (the low bits pick
//! the slot), so finding a customer reads the small table (16 bytes a customer) and then only
//! the customer's own entry. Two different keys are taken for one with probability about
//! n²/2⁹⁷ — for a million customers about one in 10¹⁷, far below the chance of a memory error;
//! the order fingerprints' 64 bits are the weaker link. (Test builds compare the keys too.)
//!
//! The reader adds rows a few at a time ([`crate::model::SalesLedger::find_rows`]): it finds
//! every row's customer first and asks the processor for their entries, then for their newest
//! orders and their lists of several channels, spellings or phones
//! ([`CustomerMap::prefetch_at`], [`CustomerMap::prefetch_parts_at`]), then adds the rows,
//! so the waits for memory overlap instead of coming one after another.
//!
//! Everything that lists customers — tables, sheets, JSON, merges — sees them in key order, as
//! before: the order is sorted once, when first asked for after a change, and kept until the
//! next customer is added.

use std::sync::OnceLock;

use super::CustomerLedger;

/// One customer: the key and the ledger, with the low half of the key's fingerprint (the
/// table's hash, kept for growing the table without hashing the keys again).
#[derive(Debug, Clone)]
struct Entry {
    hash: u64,
    key: String,
    ledger: CustomerLedger,
}

/// Where a customer is: the high half of its key's fingerprint and the top 32 bits of the low
/// half (the table's hash), and its position in [`CustomerMap::entries`].
#[derive(Debug, Clone, Copy)]
struct Probe {
    check: u64,
    top: u32,
    at: u32,
}

impl Probe {
    /// An empty slot's position.
    const NONE: u32 = u32::MAX;
    const EMPTY: Probe = Probe {
        check: 0,
        top: 0,
        at: Probe::NONE,
    };

    fn is(&self, fp: (u64, u64)) -> bool {
        self.check == fp.1 && self.top == (fp.0 >> 32) as u32
    }
}

/// The probe table: open addressing with linear probing, a power of two slots at most three
/// quarters full, a key's first slot picked by the low bits of its fingerprint. (A table of its
/// own rather than a library's so that the reader can ask for a key's slot before it looks:
/// [`Probes::prefetch`].)
#[derive(Debug, Clone, Default)]
struct Probes {
    slots: Vec<Probe>,
}

impl Probes {
    fn home(&self, hash: u64) -> usize {
        (hash as usize) & (self.slots.len() - 1)
    }

    fn find(&self, fp: (u64, u64)) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mut i = self.home(fp.0);
        loop {
            let p = &self.slots[i];
            if p.at == Probe::NONE {
                return None;
            }
            if p.is(fp) {
                return Some(p.at as usize);
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }

    /// Starts fetching the first slot of `hash` into the processor's cache.
    fn prefetch(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch(&self.slots[self.home(hash)]);
        }
    }

    /// Puts a probe not in the table yet into its first free slot (room made beforehand).
    fn put(&mut self, hash: u64, probe: Probe) {
        let mut i = self.home(hash);
        while self.slots[i].at != Probe::NONE {
            i = (i + 1) & (self.slots.len() - 1);
        }
        self.slots[i] = probe;
    }

    /// Room for `len` customers (rebuilt, at least 16 slots, when the table is too small or
    /// more than four times too big); `entries` give each probe's hash.
    fn fit(&mut self, len: usize, entries: &[Entry]) {
        let want = (len * 4 / 3 + 1).next_power_of_two().max(16);
        let have = self.slots.len();
        if have >= want && have <= want * 4 {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Probe::EMPTY; want]);
        for p in old.into_iter().filter(|p| p.at != Probe::NONE) {
            self.put(entries[p.at as usize].hash, p);
        }
    }
}

/// Customers by key: hashed for lookups, listed in key order.
#[derive(Debug, Clone, Default)]
pub struct CustomerMap {
    /// In the order first seen.
    entries: Vec<Entry>,
    table: Probes,
    /// Positions in `entries` in key order; made on the first listing after a change.
    sorted: OnceLock<Vec<u32>>,
    /// The fingerprint and position of the customer the last lookup found: the rest of a row
    /// and the next line of one order need no probe.
    last: Option<((u64, u64), usize)>,
}

impl PartialEq for CustomerMap {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The 128-bit fingerprint of a customer key: two 64-bit lanes of a fixed-key multiply-fold
/// hash (the same in every run), each finished with splitmix64's mixer.
pub fn key_fingerprint(key: &str) -> (u64, u64) {
    use super::ledger::mix::{K0, K1, K2, K3, finish, fold, words};
    let bytes = key.as_bytes();
    let len = bytes.len() as u64;
    let (mut a, mut b) = (K0 ^ len.wrapping_mul(K1), K3 ^ len.wrapping_mul(K2));
    let (full, last) = words(bytes);
    for w in full {
        a = fold(a ^ w, K1);
        b = fold(b ^ w.rotate_left(29), K3);
    }
    if let Some(w) = last {
        a = fold(a ^ w, K2);
        b = fold(b ^ w.rotate_left(29), K0);
    }
    (finish(a), finish(b ^ a.rotate_left(17)))
}

impl CustomerMap {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of the customer with this fingerprint (`key` only checked in test builds).
    fn find(&self, fp: (u64, u64), key: &str) -> Option<usize> {
        let at = self.table.find(fp)?;
        debug_assert_eq!(self.entries[at].key, key, "two keys with one fingerprint");
        Some(at)
    }

    /// The position of `key`'s customer (for [`CustomerMap::at_mut`]), remembered for the next
    /// lookup.
    pub fn locate(&mut self, key: &str) -> Option<usize> {
        self.locate_by(key_fingerprint(key), key)
    }

    /// [`CustomerMap::locate`] with the key's fingerprint worked out already.
    pub fn locate_by(&mut self, fp: (u64, u64), key: &str) -> Option<usize> {
        if let Some((last, at)) = self.last
            && last == fp
        {
            return Some(at);
        }
        let at = self.find(fp, key)?;
        self.last = Some((fp, at));
        Some(at)
    }

    pub fn get(&self, key: &str) -> Option<&CustomerLedger> {
        let at = self.find(key_fingerprint(key), key)?;
        Some(&self.entries[at].ledger)
    }

    /// The ledger of `key`; the customer found is remembered, so that the next call for the
    /// same key (the rest of the row, the next line of one order) needs no probe.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut CustomerLedger> {
        let at = self.locate(key)?;
        Some(&mut self.entries[at].ledger)
    }

    /// Starts fetching the probe slot of a key's fingerprint into the processor's cache, so
    /// that [`CustomerMap::locate_by`] then finds it there.
    pub fn prefetch_probe(&self, fp: (u64, u64)) {
        self.table.prefetch(fp.0);
    }

    /// The ledger at a position [`CustomerMap::locate`] gave.
    pub fn at_mut(&mut self, at: usize) -> &mut CustomerLedger {
        &mut self.entries[at].ledger
    }

    /// Starts fetching the parts of the customer at `at` that adding a row reads into the
    /// processor's cache, without waiting for them.
    pub fn prefetch_at(&self, at: usize) {
        if let Some(e) = self.entries.get(at) {
            let c = &e.ledger;
            prefetch(&c.names);
            prefetch(&c.phones);
            prefetch(&c.channels);
            prefetch(&c.orders);
        }
    }

    /// Starts fetching what the entry of the customer at `at` points to (the entry should be
    /// on its way already: this reads where those parts are): the orders the row's order
    /// (the fingerprint `order`) is compared with first, and the
    /// spellings, channels and phones of a customer with more than one of them, kept apart
    /// from the entry (a customer who buys through several channels reads that list on every
    /// row, and with 80,000 customers it was a wait for memory on nearly each one).
    pub fn prefetch_parts_at(&self, at: usize, order: u64) {
        if let Some(e) = self.entries.get(at) {
            let c = &e.ledger;
            c.orders.prefetch(order);
            c.names.prefetch_spilled();
            c.channels.prefetch_spilled();
            prefetch_spilled(&c.phones);
        }
    }

    /// The ledger of `key`, a new empty one (and the key copied) when there is none yet.
    pub fn slot(&mut self, key: &str) -> &mut CustomerLedger {
        match self.locate(key) {
            Some(at) => &mut self.entries[at].ledger,
            None => self.insert(key.to_string(), CustomerLedger::default()),
        }
    }

    /// Puts `ledger` under `key`, replacing what was there; the ledger now kept.
    pub fn insert(&mut self, key: String, ledger: CustomerLedger) -> &mut CustomerLedger {
        let fp = key_fingerprint(&key);
        let at = if let Some(at) = self.find(fp, &key) {
            self.entries[at].ledger = ledger;
            at
        } else {
            let at = self.entries.len();
            let probe = Probe {
                check: fp.1,
                top: (fp.0 >> 32) as u32,
                at: u32::try_from(at).expect("fewer than 4 billion customers"),
            };
            if (at + 1) * 4 > self.table.slots.len() * 3 {
                self.table.fit((at + 1) * 2, &self.entries);
            }
            self.table.put(fp.0, probe);
            self.entries.push(Entry {
                hash: fp.0,
                key,
                ledger,
            });
            self.sorted = OnceLock::new();
            at
        };
        self.last = Some((fp, at));
        &mut self.entries[at].ledger
    }

    fn order(&self) -> &[u32] {
        self.sorted.get_or_init(|| {
            let len = u32::try_from(self.entries.len()).expect("fewer than 4 billion customers");
            let mut order: Vec<u32> = (0..len).collect();
            order.sort_unstable_by(|&a, &b| {
                self.entries[a as usize]
                    .key
                    .cmp(&self.entries[b as usize].key)
            });
            order
        })
    }

    /// Every customer, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &CustomerLedger)> {
        self.order().iter().map(|&i| {
            let e = &self.entries[i as usize];
            (&e.key, &e.ledger)
        })
    }

    /// Every customer's ledger, in key order.
    pub fn values(&self) -> impl Iterator<Item = &CustomerLedger> {
        self.iter().map(|(_, c)| c)
    }

    /// Every customer's ledger, to change in place, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut CustomerLedger> {
        self.entries.iter_mut().map(|e| &mut e.ledger)
    }

    /// Every customer by value, in key order.
    pub fn into_sorted(mut self) -> impl Iterator<Item = (String, CustomerLedger)> {
        self.entries.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        self.entries.into_iter().map(|e| (e.key, e.ledger))
    }

    /// Gives back the room the table grew into.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        self.table.fit(self.entries.len(), &self.entries);
    }
}

/// Asks the processor to fetch the cache line holding `value` without waiting for it (a hint:
/// it reads nothing and changes nothing); nothing on processors without the instruction.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    safe_arch::prefetch_t0(value);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = value;
}

/// Starts fetching the items of `v` into the processor's cache when they are kept apart from
/// it (more than fit in place).
pub(crate) fn prefetch_spilled<A: smallvec::Array>(v: &smallvec::SmallVec<A>) {
    if v.spilled()
        && let Some(first) = v.first()
    {
        prefetch(first);
    }
}

impl std::ops::Index<&str> for CustomerMap {
    type Output = CustomerLedger;

    /// The ledger of `key`; panics when there is none (as a map's index does).
    fn index(&self, key: &str) -> &CustomerLedger {
        self.get(key).expect("a customer of the ledger")
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
    use crate::model::ledger::{FirstCell, Text};
    use chrono::NaiveDateTime;

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
    fn fingerprints_tell_a_million_keys_apart_in_the_bits_a_probe_compares() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..250_000u32 {
            for key in [
                format!("customer{i}@example.com"),
                format!("고객{i}"),
                format!("{i}"),
                format!("kim.minji{i}@naver.com "),
            ] {
                let (lo, hi) = key_fingerprint(&key);
                // The 96 bits a probe compares (the high half and the low half's top 32).
                assert!(seen.insert((hi, lo >> 32)), "{key} collides");
            }
        }
        assert_ne!(key_fingerprint(""), key_fingerprint("\0"));
        assert_ne!(key_fingerprint("ab"), key_fingerprint("ba"));
        assert_eq!(
            key_fingerprint("kim@example.com"),
            key_fingerprint("kim@example.com")
        );
    }

    #[test]
    fn a_located_customer_is_the_one_its_key_finds() {
        let mut m = CustomerMap::default();
        for n in 0..5_000u32 {
            m.slot(&format!("c{n}")).email = Some(format!("{n}"));
        }
        // One customer with two channels, spellings and phones: kept apart from the entry,
        // and fetched ahead from there.
        let many = m.slot("c777");
        for t in ["자사몰", "쿠팡"] {
            *many.channels.slot(t, || 0) += 1;
            many.phones.push(Text::from(t));
        }
        for n in ["김민지", "김민지 "] {
            many.names.slot(n, || {
                (1, NaiveDateTime::default(), FirstCell { sheet: 0, row: 1 })
            });
        }
        for n in [0u32, 1, 777, 4_999] {
            let key = format!("c{n}");
            let at = m.locate(&key).expect("located");
            assert_eq!(m.at_mut(at).email, Some(format!("{n}")));
            m.prefetch_at(at);
            m.prefetch_parts_at(at, 7);
            assert_eq!(
                m.get(&key).and_then(|c| c.email.clone()),
                Some(format!("{n}"))
            );
        }
        let many = m.get("c777").expect("c777");
        assert_eq!(
            many.channels.iter().collect::<Vec<_>>(),
            [("자사몰", &1), ("쿠팡", &1)]
        );
        assert_eq!((many.names.len(), many.phones.len()), (2, 2));
        assert_eq!(m.locate("c5000"), None);
        m.shrink_to_fit();
        assert_eq!(
            m.get("c4321").and_then(|c| c.email.as_deref()),
            Some("4321")
        );
        assert_eq!(m.len(), 5_000);
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

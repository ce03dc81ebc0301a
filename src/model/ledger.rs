//! Streaming accumulators for sales: rows are added one at a time, so a million-row sheet is
//! never held in memory; what is kept grows with customers and orders, not rows — and an order
//! costs 16 bytes however long its id: it is kept under a 64-bit fingerprint of its key
//! ([`fingerprint`]), with its earliest time, amount and line count, compactly ([`Orders`];
//! exactly, at more cost, when a value does not fit the compact form).

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::{CellRef, CustomerMap, SaleKind, SaleRow};

/// One order (all lines sharing an order id, or one row when there is no order-id column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderAgg {
    /// The earliest line's date and time.
    pub at: NaiveDateTime,
    /// Sum of the order's lines.
    pub amount: Decimal,
    pub lines: u32,
}

impl OrderAgg {
    fn merge(&mut self, other: &OrderAgg) {
        self.at = self.at.min(other.at);
        self.amount += other.amount;
        self.lines += other.lines;
    }
}

/// The 64-bit fingerprint an order is kept under instead of its id: a fixed-key hash of the key
/// (the same in every run and on every machine; it is never written anywhere).
///
/// The top bit tells a per-row key (`#Sales!17`, made up for a sheet without an order-id
/// column) from a real order id, so [`is_row_key`] is exact; the other 63 bits are the hash.
/// Two different ids of one customer share a fingerprint with probability about n²/2⁶⁴ for n
/// orders — for a shop with a million orders looked up against each other (the funnel's
/// order-id links) about 3 in 100 million; a collision would count two orders as one. The hash
/// is not keyed, so ids built on purpose to collide could merge orders: the input is the
/// shop's own records, not an adversary's.
pub fn fingerprint(key: &str) -> u64 {
    use mix::{K0, K1, K2, finish, fold, words};
    let bytes = key.as_bytes();
    let mut h = K0 ^ (bytes.len() as u64).wrapping_mul(K1);
    let (full, last) = words(bytes);
    for w in full {
        h = fold(h ^ w, K1);
    }
    if let Some(w) = last {
        h = fold(h ^ w, K2);
    }
    let h = finish(h);
    let row_key = u64::from(bytes.first() == Some(&b'#')) << 63;
    (h >> 1) | row_key
}

/// The fixed-key multiply-fold hash the order fingerprints and the customer key fingerprints
/// ([`super::customer_map::key_fingerprint`]) are made with.
pub(crate) mod mix {
    pub const K0: u64 = 0x9E37_79B9_7F4A_7C15;
    pub const K1: u64 = 0xBF58_476D_1CE4_E5B9;
    pub const K2: u64 = 0x94D0_49BB_1331_11EB;
    pub const K3: u64 = 0xD6E8_FEB8_6659_FD93;

    /// A 64×64→128-bit multiply folded to 64 bits (wyhash's mixer).
    pub fn fold(a: u64, b: u64) -> u64 {
        let r = u128::from(a) * u128::from(b);
        (r as u64) ^ ((r >> 64) as u64)
    }

    /// splitmix64's finaliser: every input bit moves every output bit.
    pub fn finish(mut h: u64) -> u64 {
        h ^= h >> 30;
        h = h.wrapping_mul(K1);
        h ^= h >> 27;
        h = h.wrapping_mul(K2);
        h ^ (h >> 31)
    }

    /// The little-endian 8-byte words of `bytes`, and the last few bytes padded with zeros
    /// (`None` when the length is a multiple of eight).
    pub fn words(bytes: &[u8]) -> (impl Iterator<Item = u64> + '_, Option<u64>) {
        let chunks = bytes.chunks_exact(8);
        let rest = chunks.remainder();
        let last = (!rest.is_empty()).then(|| {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        });
        let full = chunks.map(|c| {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            u64::from_le_bytes(w)
        });
        (full, last)
    }
}

/// Whether a fingerprint is that of a per-row key (`#Sales!17`), not of a real order id.
pub fn is_row_key(fp: u64) -> bool {
    fp >> 63 == 1
}

/// Up to this many orders a set is one sorted vector (16 bytes an order, grown by an eighth);
/// beyond, new orders go to a second, short sorted vector first, merged into the first when it
/// holds about the square root of the set's size (at least [`MIN_TAIL`]) — so that a new order
/// moves a few dozen slots, not half the set: in the 4,000,000-row sample nine orders in ten
/// belong to customers with more than 64, up to 725, and moving half of such a set (1.6 KB on
/// average) for each new order was a tenth of the reading's time, most of it waiting for memory.
const FEW_ORDERS: usize = 64;
/// The fewest orders a set's second vector takes before it is merged into the first.
const MIN_TAIL: usize = 16;

/// The first minute an order can be kept compactly at (1900-01-01 00:00), as days of the
/// proleptic Gregorian calendar from 0001-01-01.
const BASE_DAY: i32 = 693_595;
/// Minutes from [`BASE_DAY`] a compact order can be dated (27 bits: until 2155).
const MINUTE_BITS: u32 = 27;
/// The scales a compact amount can have (4 bits: up to 15 decimal places).
const MAX_SCALE: u32 = 15;
/// The top bit of [`Slot::word`]: the order is kept exactly, in [`More::exact`].
const EXACT: u32 = 1 << 31;

/// The amounts a compact slot holds: a 24-bit mantissa (±8,388,607 units of its last place).
const AMOUNT_MAX: i32 = (1 << 23) - 1;
/// The line counts a compact slot holds (8 bits).
const LINES_MAX: u32 = 255;

/// One order as a set keeps it, in 16 bytes: the [`fingerprint`] of its key, its earliest
/// time in whole minutes since 1900, its amount as a 24-bit mantissa with its scale, and its
/// line count (up to 255). An order that does not fit (a time with seconds, before 1900 or
/// after 2155, an amount past ±8,388,607 units of its last decimal place or with more than 15
/// places, a negative zero, more lines) is kept exactly instead: `word` has [`EXACT`] and
/// `packed` is its index in [`More::exact`], so every order reads back exactly as it was
/// added. (In the 1M-row sample, 0.2 % of the orders are kept exactly.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// The fingerprint's high and low 32 bits (two words, so the slot is 16 bytes aligned to
    /// 4, not 24).
    fp: [u32; 2],
    /// [`EXACT`], the scale (bits 27–30) and the minutes (bits 0–26).
    word: u32,
    /// The amount's mantissa (bits 8–31, signed) and the line count (bits 0–7); the index in
    /// [`More::exact`] when exact.
    packed: u32,
}

impl Slot {
    fn fp(&self) -> u64 {
        (u64::from(self.fp[0]) << 32) | u64::from(self.fp[1])
    }

    fn is_exact(&self) -> bool {
        self.word & EXACT != 0
    }

    fn amount(&self) -> i32 {
        (self.packed as i32) >> 8
    }

    /// A compact slot's minutes since 1900-01-01 00:00.
    fn minutes(&self) -> u32 {
        self.word & ((1 << MINUTE_BITS) - 1)
    }

    /// A compact slot's scale.
    fn scale(&self) -> u32 {
        (self.word & !EXACT) >> MINUTE_BITS
    }

    fn lines(&self) -> u32 {
        self.packed & 0xFF
    }

    /// The packed amount and line count; `None` when either does not fit.
    fn pack(amount: i32, lines: u32) -> Option<u32> {
        ((-AMOUNT_MAX - 1..=AMOUNT_MAX).contains(&amount) && lines <= LINES_MAX)
            .then_some(((amount << 8) as u32) | lines)
    }

    /// The order in compact form; `None` when it does not fit.
    fn compact(fp: u64, o: &OrderAgg) -> Option<Slot> {
        use chrono::{Datelike, Timelike};
        let (mantissa, scale) = (o.amount.mantissa(), o.amount.scale());
        let packed = Slot::pack(i32::try_from(mantissa).ok()?, o.lines)?;
        if scale > MAX_SCALE || (mantissa == 0 && o.amount.is_sign_negative()) {
            return None;
        }
        let t = o.at.time();
        if t.second() != 0 || t.nanosecond() != 0 {
            return None;
        }
        let days = u32::try_from(o.at.date().num_days_from_ce() - BASE_DAY).ok()?;
        let minutes = days
            .checked_mul(1440)?
            .checked_add(t.hour() * 60 + t.minute())
            .filter(|m| *m < 1 << MINUTE_BITS)?;
        Some(Slot {
            fp: [(fp >> 32) as u32, fp as u32],
            word: (scale << MINUTE_BITS) | minutes,
            packed,
        })
    }

    /// The order of a compact slot (not [`EXACT`]).
    fn order(&self) -> OrderAgg {
        let (minutes, scale) = (self.minutes(), self.scale());
        let (days, minute) = (minutes / 1440, minutes % 1440);
        let at = chrono::NaiveDate::from_num_days_from_ce_opt(BASE_DAY + days as i32)
            .and_then(|d| d.and_hms_opt(minute / 60, minute % 60, 0))
            .unwrap_or_default();
        OrderAgg {
            at,
            amount: Decimal::new(i64::from(self.amount()), scale),
            lines: self.lines(),
        }
    }
}

/// One customer's distinct orders (or the shop's orders without a customer), each under the
/// [`fingerprint`] of its key, in fingerprint order, 16 bytes each ([`Slot`]).
#[derive(Debug, Clone, Default)]
pub struct Orders {
    /// Sorted by fingerprint.
    slots: Vec<Slot>,
    /// What a large set, or one with an order kept exactly, also holds.
    more: Option<Box<More>>,
}

#[derive(Debug, Clone, Default)]
struct More {
    /// The orders added to a set of more than [`FEW_ORDERS`] since `slots` last took them in,
    /// sorted by fingerprint (none of them in `slots`).
    tail: Vec<Slot>,
    /// The orders that do not fit a compact slot, by the index their slot holds.
    exact: Vec<OrderAgg>,
}

impl PartialEq for Orders {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Two sorted runs of slots, in fingerprint order.
struct Merged<'a> {
    a: &'a [Slot],
    b: &'a [Slot],
}

impl<'a> Iterator for Merged<'a> {
    type Item = &'a Slot;
    fn next(&mut self) -> Option<&'a Slot> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(x), Some(y)) => x.fp() < y.fp(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        let run = if take_a { &mut self.a } else { &mut self.b };
        let (first, rest) = run.split_first()?;
        *run = rest;
        Some(first)
    }
}

impl Orders {
    pub fn len(&self) -> usize {
        self.slots.len() + self.more.as_ref().map_or(0, |m| m.tail.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn tail(&self) -> &[Slot] {
        self.more.as_ref().map_or(&[], |m| &m.tail)
    }

    /// The order with this key (an order id, or a per-row key).
    pub fn get(&self, key: &str) -> Option<OrderAgg> {
        self.get_fingerprint(fingerprint(key))
    }

    /// The order with this fingerprint.
    pub fn get_fingerprint(&self, fp: u64) -> Option<OrderAgg> {
        let slot = if let Ok(i) = search(&self.slots, fp) {
            &self.slots[i]
        } else {
            let tail = self.tail();
            &tail[search(tail, fp).ok()?]
        };
        Some(self.read(slot))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The order a slot stands for.
    fn read(&self, slot: &Slot) -> OrderAgg {
        match &self.more {
            Some(m) if slot.is_exact() => m.exact[slot.packed as usize],
            _ => slot.order(),
        }
    }

    /// The orders with their fingerprints, in fingerprint order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, OrderAgg)> + '_ {
        Merged {
            a: &self.slots,
            b: self.tail(),
        }
        .map(|s| (s.fp(), self.read(s)))
    }

    /// What the orders dated up to `as_of` add up to, and those of them from `start` on,
    /// read straight from the compact slots: the same numbers as adding [`Orders::values`]
    /// one by one to [`Decimal::ZERO`] (the sums to the same scale, a zero's scale kept only
    /// when every order is zero, as decimal addition does). `None` — add them one by one —
    /// when the set keeps orders exactly or apart, an amount is negative, or a sum would not
    /// fit a decimal at its scale (where adding one by one starts to round).
    pub fn window_sums(&self, start: NaiveDate, as_of: NaiveDate) -> Option<WindowSums> {
        if self.more.is_some() {
            return None;
        }
        let minute = |d: NaiveDate| (i64::from(d.num_days_from_ce()) - i64::from(BASE_DAY)) * 1440;
        let (from, until) = (minute(start), minute(as_of) + 1440);
        let (mut all, mut within) = (DecimalSum::default(), DecimalSum::default());
        let (mut count_all, mut count_within) = (0u32, 0u32);
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for slot in &self.slots {
            let at = i64::from(slot.minutes());
            if at >= until {
                continue;
            }
            let (amount, scale) = (slot.amount(), slot.scale());
            if amount < 0 {
                return None;
            }
            count_all += 1;
            all.add(amount, scale);
            first = first.min(at);
            last = last.max(at);
            if at >= from {
                count_within += 1;
                within.add(amount, scale);
            }
        }
        let day = |at: i64| {
            i32::try_from(at / 1440)
                .ok()
                .and_then(|d| NaiveDate::from_num_days_from_ce_opt(BASE_DAY + d))
        };
        Some(WindowSums {
            count_all,
            total_all: all.total()?,
            count_within,
            total_within: within.total()?,
            first: (count_all > 0).then(|| day(first)).flatten(),
            last: (count_all > 0).then(|| day(last)).flatten(),
        })
    }

    /// Whether an order is dated on or before `until` (read from the slots, the first such one
    /// ending the search).
    pub fn any_by(&self, until: NaiveDate) -> bool {
        let end = (i64::from(until.num_days_from_ce()) - i64::from(BASE_DAY) + 1) * 1440;
        self.slots.iter().chain(self.tail()).any(|slot| {
            if slot.is_exact() {
                self.read(slot).at.date() <= until
            } else {
                i64::from(slot.minutes()) < end
            }
        })
    }

    /// The day of the newest order dated on or before `until`, read straight from the compact
    /// slots (the same day as the newest of [`Orders::values`] on or before it).
    pub fn newest_day(&self, until: NaiveDate) -> Option<NaiveDate> {
        let end = (i64::from(until.num_days_from_ce()) - i64::from(BASE_DAY) + 1) * 1440;
        let mut newest: Option<i64> = None;
        let mut exact: Option<NaiveDate> = None;
        for slot in self.slots.iter().chain(self.tail()) {
            if slot.is_exact() {
                let d = self.read(slot).at.date();
                if d <= until {
                    exact = exact.max(Some(d));
                }
                continue;
            }
            let at = i64::from(slot.minutes());
            if at < end {
                newest = newest.max(Some(at));
            }
        }
        let compact = newest.and_then(|m| {
            i32::try_from(m / 1440)
                .ok()
                .and_then(|d| NaiveDate::from_num_days_from_ce_opt(BASE_DAY + d))
        });
        compact.max(exact)
    }

    /// The orders, in fingerprint order.
    pub fn values(&self) -> impl Iterator<Item = OrderAgg> + '_ {
        self.iter().map(|(_, o)| o)
    }

    /// Puts an order under `key`, replacing (and returning) one already there.
    pub fn insert(&mut self, key: impl AsRef<str>, order: OrderAgg) -> Option<OrderAgg> {
        let fp = fingerprint(key.as_ref());
        let old = self.get_fingerprint(fp);
        self.upsert(fp, order, true);
        old
    }

    /// Adds one line to the order `fp`; `true` when it is a new order.
    fn add(&mut self, fp: u64, at: NaiveDateTime, amount: Decimal) -> bool {
        let line = OrderAgg {
            at,
            amount,
            lines: 1,
        };
        self.upsert(fp, line, false)
    }

    /// Takes in an order (of another part of the data), merging it with one of the same key.
    fn merge_one(&mut self, fp: u64, order: &OrderAgg) {
        self.upsert(fp, *order, false);
    }

    /// The slot of `order` under `fp`: compact when it fits, else exact (kept in `more`).
    fn slot(more: &mut Option<Box<More>>, fp: u64, order: &OrderAgg) -> Slot {
        Slot::compact(fp, order).unwrap_or_else(|| {
            let exact = &mut more.get_or_insert_with(Box::default).exact;
            exact.push(*order);
            Slot {
                fp: [(fp >> 32) as u32, fp as u32],
                word: EXACT,
                packed: (exact.len() - 1) as u32,
            }
        })
    }

    /// The order in `slot` replaced by `order`, or merged with it (the earlier time, the sum
    /// of the amounts and of the lines); the slot rewritten, exact from then on when the result
    /// does not fit. Two compact orders of one scale are merged without leaving the slot.
    fn update_slot(more: &mut Option<Box<More>>, slot: &mut Slot, order: &OrderAgg, replace: bool) {
        if slot.is_exact()
            && let Some(m) = more
        {
            let o = &mut m.exact[slot.packed as usize];
            if replace {
                *o = *order;
            } else {
                o.merge(order);
            }
            return;
        }
        if !replace
            && let Some(new) = Slot::compact(slot.fp(), order)
            && (new.word ^ slot.word) >> MINUTE_BITS == 0
            && let Some(packed) =
                Slot::pack(slot.amount() + new.amount(), slot.lines() + new.lines())
        {
            // The same scale (and neither exact): the minutes are the low bits.
            slot.word = slot.word.min(new.word);
            slot.packed = packed;
            return;
        }
        let mut o = slot.order();
        if replace {
            o = *order;
        } else {
            o.merge(order);
        }
        *slot = Self::slot(more, slot.fp(), &o);
    }

    /// `order` under `fp` when there is none yet (`true`), else the one there replaced by it
    /// (`replace`) or merged with it.
    fn upsert(&mut self, fp: u64, order: OrderAgg, replace: bool) -> bool {
        if self.slots.len() >= FEW_ORDERS || !self.tail().is_empty() {
            return self.upsert_large(fp, order, replace);
        }
        let i = match search(&self.slots, fp) {
            Ok(i) => {
                Self::update_slot(&mut self.more, &mut self.slots[i], &order, replace);
                return false;
            }
            Err(i) => i,
        };
        {
            let slot = Self::slot(&mut self.more, fp, &order);
            let v = &mut self.slots;
            if v.len() == v.capacity() {
                // An eighth more (at least four): little room left unused in the hundreds of
                // thousands of small sets.
                v.reserve_exact((v.len() / 8).max(4));
            }
            v.insert(i, slot);
            true
        }
    }

    /// [`Orders::upsert`] for a set past [`FEW_ORDERS`]: the second vector searched first (an
    /// order's next line finds it there while it is new), then the first.
    fn upsert_large(&mut self, fp: u64, order: OrderAgg, replace: bool) -> bool {
        let j = match search(self.tail(), fp) {
            Ok(j) => {
                let mut s = self.tail()[j];
                Self::update_slot(&mut self.more, &mut s, &order, replace);
                if let Some(m) = &mut self.more {
                    m.tail[j] = s;
                }
                return false;
            }
            Err(j) => j,
        };
        if let Ok(i) = search(&self.slots, fp) {
            Self::update_slot(&mut self.more, &mut self.slots[i], &order, replace);
            return false;
        }
        let slot = Self::slot(&mut self.more, fp, &order);
        let m = self.more.get_or_insert_with(Box::default);
        m.tail.insert(j, slot);
        if m.tail.len() * m.tail.len() >= self.slots.len().max(MIN_TAIL * MIN_TAIL) {
            let tail = std::mem::take(&mut m.tail);
            merge_sorted(&mut self.slots, &tail);
            // The emptied vector keeps its room for the next orders.
            if let Some(m) = &mut self.more {
                m.tail = tail;
                m.tail.clear();
            }
        }
        true
    }

    /// Starts fetching the slots the order `fp` is compared with first (the newest-sorted end
    /// of a small set; where the search of a large one starts, and its second vector; see
    /// [`search`]) into the processor's cache.
    pub fn prefetch(&self, fp: u64) {
        let n = self.slots.len();
        if n <= SCAN_ORDERS {
            // Four slots to a cache line: the last three lines.
            for back in [1, 5, 9] {
                if let Some(s) = n.checked_sub(back).and_then(|i| self.slots.get(i)) {
                    super::customer_map::prefetch(s);
                }
            }
            return;
        }
        // Where the search starts, and the short second vector it reads first.
        super::customer_map::prefetch(&self.slots[guess(fp, n)]);
        if let Some(m) = &self.more {
            for s in m.tail.iter().step_by(4) {
                super::customer_map::prefetch(s);
            }
        }
    }

    /// The second vector merged into the first, and what `more` holds dropped when the set
    /// keeps no order exactly: a set done growing, read straight from its slots (see
    /// [`Orders::window_sums`]).
    fn settle(&mut self) {
        if let Some(m) = &mut self.more {
            if !m.tail.is_empty() {
                let tail = std::mem::take(&mut m.tail);
                merge_sorted(&mut self.slots, &tail);
            }
            if self.more.as_ref().is_some_and(|m| m.exact.is_empty()) {
                self.more = None;
            }
        }
    }

    fn shrink_to_fit(&mut self) {
        self.settle();
        self.slots.shrink_to_fit();
        if let Some(m) = &mut self.more {
            m.tail.shrink_to_fit();
        }
    }

    /// Merges `other`'s orders into these.
    fn merge(&mut self, other: &Orders) {
        for (fp, o) in other.iter() {
            self.merge_one(fp, &o);
        }
    }

    /// Moves `other`'s orders into these, merging those with the same key: two sets of
    /// compact orders in one pass into a vector of their joint size (not grown an order at a
    /// time, which left each smaller vector behind, freed, in the allocator), others order by
    /// order.
    fn absorb(&mut self, mut other: Orders) {
        if self.is_empty() {
            *self = other;
            return;
        }
        self.settle();
        other.settle();
        if self.more.is_some() || other.more.is_some() {
            self.merge(&other);
            return;
        }
        let (a, b) = (std::mem::take(&mut self.slots), other.slots);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].fp().cmp(&b[j].fp()) {
                std::cmp::Ordering::Less => {
                    out.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let mut s = a[i];
                    Self::update_slot(&mut self.more, &mut s, &b[j].order(), false);
                    out.push(s);
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        self.slots = out;
    }
}

/// A customer's orders up to a day and within a window (see [`Orders::window_sums`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSums {
    pub count_all: u32,
    pub total_all: Decimal,
    pub count_within: u32,
    pub total_within: Decimal,
    /// The days of the first and the last order up to the day.
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

/// Non-negative compact amounts added up by scale, as decimal addition would add them.
#[derive(Default)]
struct DecimalSum {
    by_scale: [i128; MAX_SCALE as usize + 1],
    /// The largest scale of an amount that is not zero.
    top: Option<u32>,
    /// The scale of the last zero added (the sum when every amount is zero).
    zero: Option<u32>,
}

impl DecimalSum {
    fn add(&mut self, mantissa: i32, scale: u32) {
        if mantissa == 0 {
            self.zero = Some(scale);
        } else {
            self.by_scale[scale as usize] += i128::from(mantissa);
            self.top = self.top.max(Some(scale));
        }
    }

    /// The sum; `None` when it does not fit a decimal at its scale.
    fn total(&self) -> Option<Decimal> {
        let Some(top) = self.top else {
            return Some(self.zero.map_or(Decimal::ZERO, |s| Decimal::new(0, s)));
        };
        let mut sum: i128 = 0;
        for (scale, part) in (0..=top).zip(&self.by_scale) {
            sum = sum.checked_add(part.checked_mul(10i128.checked_pow(top - scale)?)?)?;
        }
        Decimal::try_from_i128_with_scale(sum, top).ok()
    }
}

/// Up to this many orders a set is searched from its end, one slot after another, instead of
/// by halves: a new order goes in where the search stops, so the slots it reads are the ones
/// the insertion moves anyway, read in a row (which the processor fetches ahead), where a
/// binary search waits for one uncached slot after another.
const SCAN_ORDERS: usize = 64;

/// Where `fp` is in the sorted `slots` (`Ok`), or where it would go (`Err`), as
/// `binary_search` gives it. Past [`SCAN_ORDERS`] the search starts where `fp` falls if the
/// fingerprints are spread evenly, as a hash's are ([`guess`]), and widens from there, one
/// slot, two, four, before it halves: a few neighbouring slots read instead of one slot in
/// each of eight cache lines, as halving a set of 200 does.
fn search(slots: &[Slot], fp: u64) -> Result<usize, usize> {
    let n = slots.len();
    if n > SCAN_ORDERS {
        let g = guess(fp, n);
        let at = slots[g].fp();
        let (lo, hi) = match at.cmp(&fp) {
            std::cmp::Ordering::Equal => return Ok(g),
            std::cmp::Ordering::Less => {
                // The place is past `g`: find a slot not below `fp`.
                let (mut lo, mut step) = (g + 1, 1);
                loop {
                    let probe = g + step;
                    if probe >= n {
                        break (lo, n);
                    }
                    if slots[probe].fp() >= fp {
                        break (lo, probe + 1);
                    }
                    lo = probe + 1;
                    step *= 2;
                }
            }
            std::cmp::Ordering::Greater => {
                // The place is at `g` or before: find a slot not above `fp`.
                let (mut hi, mut step) = (g, 1);
                loop {
                    let Some(probe) = g.checked_sub(step) else {
                        break (0, hi);
                    };
                    if slots[probe].fp() <= fp {
                        break (probe, hi);
                    }
                    hi = probe;
                    step *= 2;
                }
            }
        };
        return match slots[lo..hi].binary_search_by_key(&fp, Slot::fp) {
            Ok(i) => Ok(lo + i),
            Err(i) => Err(lo + i),
        };
    }
    match slots.iter().rposition(|s| s.fp() <= fp) {
        Some(i) if slots[i].fp() == fp => Ok(i),
        Some(i) => Err(i + 1),
        None => Err(0),
    }
}

/// Where `fp` would be among `n` (at least one) sorted fingerprints spread evenly over the
/// 64 bits: its share of the range times `n`.
fn guess(fp: u64, n: usize) -> usize {
    let at = (u128::from(fp) * n as u128) >> 64;
    (at as usize).min(n - 1)
}

/// Merges the sorted `tail` (no fingerprint of it in `slots`) into the sorted `slots`, in
/// place from the back.
fn merge_sorted(slots: &mut Vec<Slot>, tail: &[Slot]) {
    let (n, m) = (slots.len(), tail.len());
    slots.reserve_exact(m.max(n / 8));
    slots.extend_from_slice(tail);
    let (mut i, mut j, mut k) = (n, m, n + m);
    while j > 0 {
        k -= 1;
        if i > 0 && slots[i - 1].fp() > tail[j - 1].fp() {
            slots[k] = slots[i - 1];
            i -= 1;
        } else {
            slots[k] = tail[j - 1];
            j -= 1;
        }
    }
}

/// A return: a credit against earlier sales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReturnAgg {
    pub at: NaiveDateTime,
    /// Negative.
    pub amount: Decimal,
}

/// A short text kept in place: up to 24 bytes (a name, a phone, a channel) without a pointer
/// to another allocation, longer ones on the heap.
pub type Text = CompactString;

/// A few texts with a value each (a customer's spellings of the name, channels), sorted by the
/// text, the first one kept in place: most customers have one of each, so finding a row's name
/// or channel reads the customer's own entry and nothing else (with 80,000 customers, each
/// pointer followed to a name was a miss of the processor's cache).
#[derive(Debug, Clone, PartialEq)]
pub struct TextMap<V>(SmallVec<[(Text, V); 1]>);

impl<V> Default for TextMap<V> {
    fn default() -> Self {
        TextMap(SmallVec::new())
    }
}

impl<V> TextMap<V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|e| e.0.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        let i = self.find(key).ok()?;
        Some(&self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let i = self.find(key).ok()?;
        Some(&mut self.0[i].1)
    }

    /// The value of `key`, made by `make` (and the key copied) when there is none yet.
    pub fn slot(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                if self.0.len() == self.0.capacity() {
                    // Half as many again (at least one): a customer's second name or channel
                    // should not make room for four.
                    self.0.reserve_exact((self.0.len() / 2).max(1));
                }
                self.0.insert(i, (Text::from(key), make()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Starts fetching the texts into the processor's cache when there are more than one (and
    /// so kept apart from the map itself).
    pub fn prefetch_spilled(&self) {
        super::customer_map::prefetch_spilled(&self.0);
    }

    /// The texts and their values, in text order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<V> IntoIterator for TextMap<V> {
    type Item = (Text, V);
    type IntoIter = smallvec::IntoIter<[(Text, V); 1]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A customer's phones, as written, in text order; the first kept in place (see [`TextMap`]).
pub type Phones = SmallVec<[Text; 1]>;

/// Where a spelling of a name was first read: a row (0-based) of the sheet at `sheet` in
/// [`SalesLedger::sheets`] (its column is the sheet's customer column). Eight bytes, so a
/// warning about a name can name its cell without reading the workbook again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FirstCell {
    pub sheet: u32,
    pub row: u32,
}

impl FirstCell {
    /// The first cell of `cell`'s row, its sheet numbered in `sheets` (added when new).
    fn of(cell: &CellRef, sheets: &mut Vec<String>) -> FirstCell {
        let i = sheets
            .iter()
            .position(|s| *s == cell.sheet)
            .unwrap_or_else(|| {
                sheets.push(cell.sheet.clone());
                sheets.len() - 1
            });
        FirstCell {
            sheet: u32::try_from(i).unwrap_or(u32::MAX),
            row: cell.row,
        }
    }
}

/// The sheet numbers of `other` in `sheets` (its new names added), and whether they are the
/// same numbers.
fn sheet_map(sheets: &mut Vec<String>, other: &[String]) -> (Vec<u32>, bool) {
    let map: Vec<u32> = other
        .iter()
        .map(|name| FirstCell::of(&CellRef::new(name.as_str(), 0, 0), sheets).sheet)
        .collect();
    let same = map.iter().enumerate().all(|(i, m)| *m as usize == i);
    (map, same)
}

/// Everything dangol keeps about one customer's purchases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerLedger {
    /// Each spelling of the name → (times seen, latest time seen, where first read).
    pub names: TextMap<(u32, NaiveDateTime, FirstCell)>,
    pub email: Option<String>,
    /// Phones seen, as written (one form per number, see `Dataset::phone_form`).
    pub phones: Phones,
    /// Channels seen with their order counts.
    pub channels: TextMap<u32>,
    /// Orders by the fingerprint of their key.
    pub orders: Orders,
    pub returns: Vec<ReturnAgg>,
}

impl CustomerLedger {
    /// The name to show: the most frequent spelling, then the latest.
    pub fn display_name(&self) -> Option<&str> {
        self.names
            .iter()
            .max_by(|a, b| a.1.0.cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)).then(b.0.cmp(a.0)))
            .map(|(n, _)| n)
    }

    /// Add one row of this customer (an order line or a return; never a void).
    fn add(&mut self, row: &SaleRow, order_key: u64, sheets: &mut Vec<String>) {
        if let Some(n) = &row.name {
            let e = self
                .names
                .slot(n, || (0, row.at, FirstCell::of(&row.cell, sheets)));
            e.0 += 1;
            e.1 = e.1.max(row.at);
        }
        if self.email.is_none() {
            self.email.clone_from(&row.email);
        }
        if let Some(p) = &row.phone
            && let Err(i) = self.phones.binary_search_by(|q| q.as_str().cmp(p))
        {
            self.phones.insert(i, Text::from(p.as_str()));
        }
        if row.kind == SaleKind::Return {
            self.returns.push(ReturnAgg {
                at: row.at,
                amount: -row.amount.abs(),
            });
        } else {
            // A channel counts once per order: when the row starts one.
            if self.orders.add(order_key, row.at, row.amount)
                && let Some(ch) = &row.channel
            {
                *self.channels.slot(ch, || 0) += 1;
            }
        }
    }

    /// Merge another ledger of the same customer (from another sheet or thread).
    pub fn merge(&mut self, other: &CustomerLedger) {
        for (n, (c, t, first)) in other.names.iter() {
            let e = self.names.slot(n, || (0, *t, *first));
            e.0 += c;
            e.1 = e.1.max(*t);
            e.2 = e.2.min(*first);
        }
        if self.email.is_none() {
            self.email.clone_from(&other.email);
        }
        for p in &other.phones {
            if !self.phones.contains(p) {
                self.phones.push(p.clone());
            }
        }
        self.phones.sort();
        for (c, n) in other.channels.iter() {
            *self.channels.slot(c, || 0) += n;
        }
        self.orders.merge(&other.orders);
        self.returns.extend_from_slice(&other.returns);
        self.returns.sort();
    }

    /// Takes in the ledger of the same customer from a later part of the data (the next sheet,
    /// read on another thread): the same as adding that part's rows after this one's, returns
    /// kept in row order. Only for parts without channels (an order spanning both parts would
    /// count its channel twice).
    fn absorb(&mut self, other: CustomerLedger) {
        // This part was read first: its first cells stay.
        for (n, (c, t, first)) in other.names {
            let e = self.names.slot(&n, || (0, t, first));
            e.0 += c;
            e.1 = e.1.max(t);
        }
        if self.email.is_none() {
            self.email = other.email;
        }
        for p in other.phones {
            if !self.phones.contains(&p) {
                self.phones.push(p);
            }
        }
        self.phones.sort();
        for (c, n) in other.channels {
            *self.channels.slot(&c, || 0) += n;
        }
        self.orders.absorb(other.orders);
        self.returns.extend(other.returns);
    }

    /// The first cells' sheet numbers changed by `map` (another ledger's numbering).
    fn renumber(&mut self, map: &[u32]) {
        for (_, (_, _, first)) in &mut self.names.0 {
            first.sheet = map
                .get(first.sheet as usize)
                .copied()
                .unwrap_or(first.sheet);
        }
    }
}

/// The rows [`SalesLedger::find_rows`] finds customers for at once: enough for the waits to
/// overlap, few enough that their entries stay in the cache until they are used.
pub const ADD_ROWS: usize = 16;

/// Shop-wide sales: per-customer ledgers plus what has no customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesLedger {
    pub customers: CustomerMap,
    /// Orders of rows with no customer identity (still shop revenue).
    pub anonymous_orders: Orders,
    /// Returns with no customer identity.
    pub anonymous_returns: Vec<ReturnAgg>,
    /// Rows read, by kind.
    pub order_rows: u64,
    pub void_rows: u64,
    pub return_rows: u64,
    /// Return rows whose order id carries the cancel prefix (`C536379`: the UCI data's
    /// cancelled invoices); counted by the reader, which knows the prefix.
    pub prefixed_return_rows: u64,
    /// Rows (orders or returns) that had no customer.
    pub anonymous_rows: u64,
    /// Rows dated after the as-of day, not added (counted by the reader, which knows the day).
    pub later_rows: u64,
    /// Rows dated after both the as-of day and today (reported as warnings, not added).
    pub future_rows: u64,
    /// The sheets names were read from, in the order first seen (the sheet order): what a
    /// [`FirstCell`] numbers.
    pub sheets: Vec<String>,
}

impl SalesLedger {
    /// Add one row. `order_key` identifies the order: the order id, or a per-row key when the
    /// sheet has no order-id column.
    pub fn add(&mut self, row: &SaleRow, order_key: &str) {
        self.add_fingerprint(row, fingerprint(order_key));
    }

    /// [`SalesLedger::add`] with the order key's [`fingerprint`] already worked out.
    pub fn add_fingerprint(&mut self, row: &SaleRow, order_key: u64) {
        self.add_to(row, order_key, None);
    }

    /// Finds the customers of up to [`ADD_ROWS`] rows (their positions in
    /// [`SalesLedger::customers`], `None` for a row without one or a customer not seen yet) and
    /// starts fetching their entries, newest orders and lists of several channels, spellings or
    /// phones into the processor's cache, all rows first: with tens of thousands of customers
    /// the waits for memory then overlap instead of coming one per row (see `model::customer_map`). [`SalesLedger::add_found`] adds them.
    pub fn find_rows(&mut self, rows: &[(SaleRow, u64)]) -> [Option<usize>; ADD_ROWS] {
        let mut fps = [(0, 0); ADD_ROWS];
        for (fp, (row, _)) in fps.iter_mut().zip(rows) {
            if let Some(k) = row.customer.as_deref() {
                *fp = super::customer_map::key_fingerprint(k);
                self.customers.prefetch_probe(*fp);
            }
        }
        let mut at = [None; ADD_ROWS];
        for ((a, fp), (row, _)) in at.iter_mut().zip(&fps).zip(rows) {
            *a = row
                .customer
                .as_deref()
                .and_then(|k| self.customers.locate_by(*fp, k));
            if let Some(i) = *a {
                self.customers.prefetch_at(i);
            }
        }
        for (a, (_, order)) in at.iter().zip(rows) {
            if let Some(i) = a {
                self.customers.prefetch_parts_at(*i, *order);
            }
        }
        at
    }

    /// Adds the rows [`SalesLedger::find_rows`] found customers for (each with its order key's
    /// [`fingerprint`]), as [`SalesLedger::add_fingerprint`] one after another would.
    pub fn add_found(&mut self, rows: &[(SaleRow, u64)], at: &[Option<usize>; ADD_ROWS]) {
        for (i, (row, fp)) in rows.iter().enumerate() {
            self.add_to(row, *fp, at.get(i).copied().flatten());
        }
    }

    /// A row added to the customer at `at` in [`SalesLedger::customers`] (found by the row's
    /// key when `None`).
    fn add_to(&mut self, row: &SaleRow, order_key: u64, at: Option<usize>) {
        match row.kind {
            SaleKind::Void => {
                self.void_rows += 1;
                return;
            }
            SaleKind::Return => self.return_rows += 1,
            SaleKind::Order => self.order_rows += 1,
        }
        let Some(key) = &row.customer else {
            self.anonymous_rows += 1;
            if row.kind == SaleKind::Return {
                self.anonymous_returns.push(ReturnAgg {
                    at: row.at,
                    amount: -row.amount.abs(),
                });
            } else {
                self.anonymous_orders.add(order_key, row.at, row.amount);
            }
            return;
        };
        let customer = match at {
            Some(i) => self.customers.at_mut(i),
            None => self.customers.slot(key),
        };
        customer.add(row, order_key, &mut self.sheets);
    }

    /// Merge a ledger built from another part of the data.
    pub fn merge(&mut self, other: &SalesLedger) {
        let (map, same) = sheet_map(&mut self.sheets, &other.sheets);
        for (k, c) in &other.customers {
            let mine = self.customers.slot(k);
            if same {
                mine.merge(c);
            } else {
                let mut c = c.clone();
                c.renumber(&map);
                mine.merge(&c);
            }
        }
        self.anonymous_orders.merge(&other.anonymous_orders);
        self.anonymous_returns
            .extend_from_slice(&other.anonymous_returns);
        self.anonymous_returns.sort();
        self.order_rows += other.order_rows;
        self.void_rows += other.void_rows;
        self.return_rows += other.return_rows;
        self.prefixed_return_rows += other.prefixed_return_rows;
        self.anonymous_rows += other.anonymous_rows;
        self.later_rows += other.later_rows;
        self.future_rows += other.future_rows;
    }

    /// Takes in the ledger of a later part of the data (the next sheet, read on another thread),
    /// by value: the result is the ledger that adding that part's rows after this part's rows
    /// gives — returns stay in row order, unlike [`SalesLedger::merge`], which sorts them. Only
    /// for parts without a channel column (see [`CustomerLedger::absorb`]).
    pub fn absorb(&mut self, mut other: SalesLedger) {
        let (map, same) = sheet_map(&mut self.sheets, &other.sheets);
        if !same {
            for c in other.customers.values_mut() {
                c.renumber(&map);
            }
        }
        if self.customers.is_empty() {
            self.customers = other.customers;
        } else {
            for (k, c) in other.customers.into_sorted() {
                match self.customers.get_mut(&k) {
                    Some(mine) => mine.absorb(c),
                    None => {
                        self.customers.insert(k, c);
                    }
                }
            }
        }
        self.anonymous_orders.absorb(other.anonymous_orders);
        self.anonymous_returns.extend(other.anonymous_returns);
        self.order_rows += other.order_rows;
        self.void_rows += other.void_rows;
        self.return_rows += other.return_rows;
        self.prefixed_return_rows += other.prefixed_return_rows;
        self.anonymous_rows += other.anonymous_rows;
        self.later_rows += other.later_rows;
        self.future_rows += other.future_rows;
    }

    /// Gives back the room the order sets and return lists grew into (once the reading is
    /// done: the next order would grow a set again).
    pub fn shrink_to_fit(&mut self) {
        self.anonymous_orders.shrink_to_fit();
        self.anonymous_returns.shrink_to_fit();
        self.customers.shrink_to_fit();
        for c in self.customers.values_mut() {
            c.orders.shrink_to_fit();
            c.returns.shrink_to_fit();
        }
    }

    /// Net revenue of the whole shop: orders minus returns, with or without a customer.
    pub fn shop_total(&self) -> Decimal {
        let mut t: Decimal = self.anonymous_orders.values().map(|o| o.amount).sum();
        t += self
            .anonymous_returns
            .iter()
            .map(|r| r.amount)
            .sum::<Decimal>();
        for c in self.customers.values() {
            t += c.orders.values().map(|o| o.amount).sum::<Decimal>();
            t += c.returns.iter().map(|r| r.amount).sum::<Decimal>();
        }
        t
    }

    /// The sheet and row (0-based) where the spelling `name` was first read, over every
    /// customer: the first in sheet order, then row order.
    pub fn first_cell_of(&self, name: &str) -> Option<(&str, u32)> {
        let first = self
            .customers
            .values()
            .filter_map(|c| c.names.get(name).map(|e| e.2))
            .min()?;
        let sheet = self.sheets.get(first.sheet as usize)?;
        Some((sheet.as_str(), first.row))
    }

    /// Sort return lists so that ledgers built in any row order compare equal.
    pub fn normalise(&mut self) {
        self.anonymous_returns.sort();
        for c in self.customers.values_mut() {
            c.returns.sort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;
    use std::collections::BTreeMap;

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 3, day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("a date")
    }

    /// A row of `customer` spelled `name`, read at `sheet` row `row`.
    fn named(sheet: &str, row: u32, customer: &str, name: &str) -> SaleRow {
        SaleRow {
            cell: CellRef::new(sheet, row, 0),
            at: at(1 + row),
            customer: Some(customer.into()),
            name: Some(name.into()),
            email: None,
            phone: None,
            order_id: None,
            product: None,
            amount: Decimal::ONE,
            kind: SaleKind::Order,
            channel: None,
        }
    }

    #[test]
    fn each_spelling_keeps_the_cell_it_was_first_read_from_across_parts() {
        let rows = [
            named("Sales", 4, "kim", "Kim"),
            named("Sales", 2, "kim", "KIM"),
            named("Sales", 7, "lee", "Lee"),
            named("Online", 1, "kim", "Kim"),
            named("Online", 3, "park", "Park"),
        ];
        let mut whole = SalesLedger::default();
        for (i, r) in rows.iter().enumerate() {
            whole.add(r, &format!("#{i}"));
        }
        assert_eq!(whole.sheets, ["Sales", "Online"]);
        assert_eq!(whole.first_cell_of("Kim"), Some(("Sales", 4)));
        assert_eq!(whole.first_cell_of("KIM"), Some(("Sales", 2)));
        assert_eq!(whole.first_cell_of("Park"), Some(("Online", 3)));
        assert_eq!(whole.first_cell_of("Choi"), None);
        // Read as two parts (a part numbering only the sheet it read), taken in in order or
        // merged: the same cells.
        let (mut a, mut b) = (SalesLedger::default(), SalesLedger::default());
        for (i, r) in rows.iter().enumerate() {
            let part = if i < 3 { &mut a } else { &mut b };
            part.add(r, &format!("#{i}"));
        }
        assert_eq!(b.first_cell_of("Kim"), Some(("Online", 1)));
        let mut merged = a.clone();
        merged.merge(&b);
        a.absorb(b);
        for l in [&a, &merged] {
            assert_eq!(l.sheets, ["Sales", "Online"]);
            for name in ["Kim", "KIM", "Lee", "Park"] {
                assert_eq!(l.first_cell_of(name), whole.first_cell_of(name), "{name}");
            }
        }
    }

    #[test]
    fn fingerprints_tell_ids_apart_and_mark_row_keys() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..200_000u32 {
            for id in [
                i.to_string(),
                format!("C{i}"),
                format!("INV-{i:08}"),
                format!("#Sales!{i}"),
            ] {
                assert!(seen.insert(fingerprint(&id)), "{id} collides");
                assert_eq!(is_row_key(fingerprint(&id)), id.starts_with('#'));
            }
        }
        assert_ne!(fingerprint(""), fingerprint("\0"));
        assert_eq!(fingerprint("536365"), fingerprint("536365"));
    }

    #[test]
    fn an_order_set_adds_lines_and_merges_the_same_past_its_vector() {
        for n in [
            3usize,
            SCAN_ORDERS,
            SCAN_ORDERS + 1,
            FEW_ORDERS,
            FEW_ORDERS + 1,
            3 * FEW_ORDERS,
        ] {
            let mut whole = Orders::default();
            let (mut a, mut b) = (Orders::default(), Orders::default());
            for i in 0..2 * n {
                let id = format!("{}", 1000 + i % n);
                let amount = Decimal::from(i);
                whole.add(fingerprint(&id), at(1 + (i % 28) as u32), amount);
                let part = if i < n { &mut a } else { &mut b };
                part.add(fingerprint(&id), at(1 + (i % 28) as u32), amount);
            }
            assert_eq!(whole.len(), n);
            assert_eq!(whole.more.is_some(), n > FEW_ORDERS);
            let mut merged = a.clone();
            merged.merge(&b);
            assert_eq!(merged, whole);
            a.absorb(b);
            assert_eq!(a, whole);
            let o = whole.get("1001").expect("order 1001");
            assert_eq!((o.lines, o.amount), (2, Decimal::from(1 + 1 + n)));
            assert!(whole.get(&(1000 + n).to_string()).is_none());
            let fps: Vec<u64> = whole.iter().map(|(k, _)| k).collect();
            assert!(
                fps.windows(2).all(|w| w[0] < w[1]),
                "not in fingerprint order"
            );
        }
    }

    #[test]
    fn one_name_phone_and_channel_are_kept_in_the_customers_entry() {
        let mut l = SalesLedger::default();
        let mut row = named("Sales", 1, "kim@example.com", "김민지");
        row.phone = Some("010-1234-5678".into());
        row.channel = Some("스마트스토어".into());
        l.add(&row, "A-1");
        l.add(&row, "A-2");
        let c = &l.customers["kim@example.com"];
        // Nothing of them on the heap: a row's name, phone and channel are compared with the
        // customer's without leaving the entry.
        assert!(!c.names.0.spilled() && !c.names.0[0].0.is_heap_allocated());
        assert!(!c.phones.spilled() && !c.phones[0].is_heap_allocated());
        assert!(!c.channels.0.spilled() && !c.channels.0[0].0.is_heap_allocated());
        assert_eq!(
            c.names.iter().collect::<Vec<_>>(),
            [("김민지", &(2, at(2), FirstCell { sheet: 0, row: 1 }))]
        );
        assert_eq!(c.channels.get("스마트스토어"), Some(&2));
        // A second phone and a longer name: in order, the long one on the heap.
        row.phone = Some("010-0000-1111".into());
        row.name = Some("김민지 (본점 단골, 2층 사무실 배송)".into());
        l.add(&row, "A-3");
        let c = &l.customers["kim@example.com"];
        assert_eq!(c.phones.as_slice(), ["010-0000-1111", "010-1234-5678"]);
        assert_eq!(c.names.len(), 2);
        assert_eq!(c.display_name(), Some("김민지"));
    }

    proptest::proptest! {
        /// Rows added a few at a time (the reader's way: their customers found and fetched
        /// first, `find_rows` then `add_found`) give the ledger that adding them one by one
        /// gives — new customers within one batch, rows without a customer, returns and voids
        /// included, and a batch longer than `ADD_ROWS`.
        #[test]
        fn rows_added_a_few_at_a_time_give_the_same_ledger(
            rows in proptest::collection::vec(
                (
                    proptest::option::weighted(0.9, 0u8..40),
                    0u8..3,
                    0u8..6,
                    proptest::option::of(0u8..3),
                    proptest::option::of(0u8..2),
                    -3i64..50,
                    0u32..20,
                ),
                0..200,
            ),
            batch in 1usize..40,
        ) {
            let rows: Vec<(SaleRow, u64)> = rows
                .into_iter()
                .enumerate()
                .map(|(i, (who, kind, spelling, phone, channel, amount, order))| {
                    let row = SaleRow {
                        cell: CellRef::new("Sales", i as u32 + 1, 0),
                        at: at(1 + (i % 28) as u32),
                        customer: who.map(|w| format!("customer{w}@example.com")),
                        name: who.map(|w| format!("Name{w}{}", "x".repeat(usize::from(spelling)))),
                        email: who.map(|w| format!("customer{w}@example.com")),
                        phone: phone.map(|p| format!("010-0000-000{p}")),
                        order_id: None,
                        product: None,
                        amount: Decimal::from(amount),
                        kind: [SaleKind::Order, SaleKind::Return, SaleKind::Void][usize::from(kind)],
                        channel: channel.map(|c| ["매장", "자사몰"][usize::from(c)].to_string()),
                    };
                    (row, fingerprint(&format!("ORD-{order}")))
                })
                .collect();
            let mut one_by_one = SalesLedger::default();
            for (row, fp) in &rows {
                one_by_one.add_fingerprint(row, *fp);
            }
            let mut batched = SalesLedger::default();
            for part in rows.chunks(batch) {
                let at = batched.find_rows(part);
                batched.add_found(part, &at);
            }
            proptest::prop_assert_eq!(&batched, &one_by_one);
            proptest::prop_assert_eq!(batched.customers.len(), one_by_one.customers.len());
        }
    }

    /// The orders as the 40-byte records kept them before (a map by fingerprint): what the
    /// compact slots must read back exactly.
    fn model(lines: &[(u16, NaiveDateTime, Decimal)]) -> BTreeMap<u64, OrderAgg> {
        let mut m: BTreeMap<u64, OrderAgg> = BTreeMap::new();
        for (id, at, amount) in lines {
            let line = OrderAgg {
                at: *at,
                amount: *amount,
                lines: 1,
            };
            m.entry(fingerprint(&id.to_string()))
                .and_modify(|o| o.merge(&line))
                .or_insert(line);
        }
        m
    }

    /// The same order read back: the same time, the same decimal to the digit and the scale
    /// (`5.0` is not `5`), the same line count.
    fn same(a: &OrderAgg, b: &OrderAgg) -> bool {
        a.at == b.at && a.amount.to_string() == b.amount.to_string() && a.lines == b.lines
    }

    #[test]
    fn orders_that_do_not_fit_a_compact_slot_read_back_exactly() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time");
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        for (at, amount) in [
            (t("2024-03-01 10:00:00"), d("8388607")),
            (t("2024-03-01 10:00:00"), d("-8388608")),
            (t("2024-03-01 10:00:00"), d("8388608")),
            (t("2024-03-01 10:00:00"), d("83886.08")),
            (t("2024-03-01 10:00:00"), d("2147483647")),
            (t("2024-03-01 10:00:00"), d("2147483648")),
            (t("2024-03-01 10:00:00"), d("-0")),
            (t("2024-03-01 10:00:00"), d("0.1234567890123456")),
            (
                t("2024-03-01 10:00:00"),
                d("7922816251426433759354395033.5"),
            ),
            (t("2024-03-01 10:00:07"), d("5.0")),
            (t("1899-12-31 23:59:00"), d("5")),
            (t("1900-01-01 00:00:00"), d("5")),
            (t("2155-02-15 00:00:00"), d("5")),
            (t("2155-12-31 23:59:00"), d("5")),
            (t("9999-12-31 23:59:00"), d("5")),
        ] {
            let mut o = Orders::default();
            let fp = fingerprint("A-1");
            assert!(o.add(fp, at, amount));
            let want = OrderAgg {
                at,
                amount,
                lines: 1,
            };
            let got = o.get("A-1").expect("the order");
            assert!(same(&got, &want), "{got:?} for {want:?}");
            // A second line that takes the sum past the compact form, and one that does not.
            assert!(!o.add(fp, at, d("2147483647")));
            let mut whole = want;
            whole.merge(&OrderAgg {
                at,
                amount: d("2147483647"),
                lines: 1,
            });
            let got = o.get("A-1").expect("the order");
            assert!(same(&got, &whole), "{got:?} for {whole:?}");
        }
        let mut o = Orders::default();
        o.add(fingerprint("B"), t("2024-03-01 10:00:00"), d("2147483647"));
        o.add(fingerprint("B"), t("2024-02-01 09:30:00"), d("1"));
        let b = o.get("B").expect("B");
        assert_eq!((b.amount, b.lines), (d("2147483648"), 2));
        assert_eq!(b.at, t("2024-02-01 09:30:00"));
        assert!(o.more.is_some(), "kept exactly once past 24 bits");
        // 255 lines fit, the 256th moves the order to the exact records.
        let mut o = Orders::default();
        for i in 0..256u32 {
            o.add(fingerprint("C"), t("2024-03-01 10:00:00"), Decimal::from(i));
            assert_eq!(o.more.is_some(), i == 255, "line {i}");
        }
        let c = o.get("C").expect("C");
        assert_eq!((c.lines, c.amount), (256, Decimal::from(255 * 128)));
    }

    /// What [`Orders::window_sums`] must give: the orders added one by one (to the digit and
    /// the scale).
    fn window_sums_one_by_one(o: &Orders, start: NaiveDate, as_of: NaiveDate) -> WindowSums {
        let mut w = WindowSums {
            count_all: 0,
            total_all: Decimal::ZERO,
            count_within: 0,
            total_within: Decimal::ZERO,
            first: None,
            last: None,
        };
        for order in o.values().filter(|x| x.at.date() <= as_of) {
            let day = order.at.date();
            w.count_all += 1;
            w.total_all += order.amount;
            w.first = Some(w.first.map_or(day, |f| f.min(day)));
            w.last = w.last.max(Some(day));
            if start <= day {
                w.count_within += 1;
                w.total_within += order.amount;
            }
        }
        w
    }

    #[test]
    fn window_sums_keep_the_scale_decimal_addition_gives() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        let at = |d: NaiveDate, h| d.and_hms_opt(h, 0, 0).expect("time");
        let mut o = Orders::default();
        o.add(1, at(day(2026, 1, 5), 9), Decimal::new(0, 2));
        o.add(2, at(day(2026, 3, 1), 9), Decimal::new(0, 1));
        let (start, as_of) = (day(2026, 1, 1), day(2026, 12, 31));
        let w = o.window_sums(start, as_of).expect("compact");
        // Only zeros: the sum is the last zero added (in fingerprint order), as `+=` leaves it.
        assert_eq!(w.total_all.to_string(), "0.0");
        assert_eq!(w, window_sums_one_by_one(&o, start, as_of));
        o.add(3, at(day(2026, 2, 1), 9), Decimal::new(5, 0));
        o.add(4, at(day(2025, 12, 31), 9), Decimal::new(125, 2));
        o.add(5, at(day(2027, 1, 1), 0), Decimal::new(7, 0));
        let w = o.window_sums(start, as_of).expect("compact");
        assert_eq!(w.total_all.to_string(), "6.25");
        assert_eq!(w.total_within.to_string(), "5");
        assert_eq!((w.count_all, w.count_within), (4, 3));
        assert_eq!(
            (w.first, w.last),
            (Some(day(2025, 12, 31)), Some(day(2026, 3, 1)))
        );
        assert_eq!(w, window_sums_one_by_one(&o, start, as_of));
        // A negative amount: added one by one instead.
        o.add(6, at(day(2026, 4, 1), 9), Decimal::new(-1, 0));
        assert_eq!(o.window_sums(start, as_of), None);
    }

    proptest::proptest! {
        /// Read from the slots, the sums are those of adding the orders one by one.
        #[test]
        fn window_sums_are_the_orders_added_one_by_one(
            orders in proptest::collection::vec(
                (
                    0u64..400,
                    0i64..800,
                    proptest::prop_oneof![
                        (0i64..100_000).prop_map(|m| (m, 0u32)),
                        (0i64..3).prop_map(|m| (m, 2u32)),
                        (0i64..8_000_000).prop_map(|m| (m, 1u32)),
                        (0i64..1_000).prop_map(|m| (m, 15u32)),
                    ],
                ),
                0..300,
            ),
            start in 0i64..800,
            len in 0i64..800,
        ) {
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).expect("base");
            let mut o = Orders::default();
            for (fp, day, (m, scale)) in &orders {
                let at = (base + chrono::Duration::days(*day))
                    .and_hms_opt(10, 30, 0)
                    .expect("time");
                o.add(*fp, at, Decimal::new(*m, *scale));
            }
            let start = base + chrono::Duration::days(start);
            let as_of = start + chrono::Duration::days(len);
            let want = window_sums_one_by_one(&o, start, as_of);
            match o.window_sums(start, as_of) {
                Some(got) => {
                    proptest::prop_assert_eq!(got, want);
                    proptest::prop_assert_eq!(got.total_all.to_string(), want.total_all.to_string());
                    proptest::prop_assert_eq!(
                        got.total_within.to_string(),
                        want.total_within.to_string()
                    );
                }
                None => proptest::prop_assert!(o.more.is_some()),
            }
        }
    }

    proptest::proptest! {
        /// Lines added in any order, to a small or a large set, read back as the map of
        /// 40-byte records did: each order's earliest time, exact sum and line count — also
        /// after a merge of two parts and a take-in of a later part.
        #[test]
        fn compact_orders_read_back_as_the_exact_records(
            lines in proptest::collection::vec(
                (
                    0u16..1500,
                    -60_000i64..4_000_000,
                    0u32..3,
                    proptest::prop_oneof![
                        (0i64..100_000).prop_map(|m| (m, 0u32)),
                        (-5i64..5).prop_map(|m| (m, 1u32)),
                        (0i64..3_000_000_000).prop_map(|m| (m, 2u32)),
                        (0i64..1_000).prop_map(|m| (m, 17u32)),
                    ],
                ),
                0..1200,
            ),
            cut in 0usize..1200,
        ) {
            let base = chrono::NaiveDate::from_ymd_opt(1990, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("base");
            let lines: Vec<(u16, NaiveDateTime, Decimal)> = lines
                .into_iter()
                .map(|(id, minutes, secs, (m, scale))| {
                    let at = base
                        + chrono::Duration::minutes(minutes * 7)
                        + chrono::Duration::seconds(i64::from(secs) * 13);
                    (id, at, Decimal::new(m, scale))
                })
                .collect();
            let want = model(&lines);
            let mut whole = Orders::default();
            for (id, at, amount) in &lines {
                whole.add(fingerprint(&id.to_string()), *at, *amount);
            }
            let cut = cut.min(lines.len());
            let (mut a, mut b) = (Orders::default(), Orders::default());
            for (i, (id, at, amount)) in lines.iter().enumerate() {
                let part = if i < cut { &mut a } else { &mut b };
                part.add(fingerprint(&id.to_string()), *at, *amount);
            }
            let mut merged = a.clone();
            merged.merge(&b);
            a.absorb(b);
            // The parts added up on their own, then merged order by order: a decimal sum's
            // scale depends on the grouping (`0 + 5.0` is `5.0`, `0.0 + 5` is `5`).
            let mut want_split = model(&lines[..cut]);
            for (fp, o) in model(&lines[cut..]) {
                want_split
                    .entry(fp)
                    .and_modify(|w| w.merge(&o))
                    .or_insert(o);
            }
            for (orders, want) in [(&whole, &want), (&merged, &want_split), (&a, &want_split)] {
                proptest::prop_assert_eq!(orders.len(), want.len());
                let got: Vec<(u64, OrderAgg)> = orders.iter().collect();
                for ((fp, o), (wfp, w)) in got.iter().zip(want) {
                    proptest::prop_assert_eq!(fp, wfp);
                    proptest::prop_assert!(same(o, w), "{:?} for {:?}", o, w);
                }
                for (id, _, _) in &lines {
                    let fp = fingerprint(&id.to_string());
                    let o = orders.get_fingerprint(fp);
                    proptest::prop_assert!(o.is_some_and(|o| same(&o, &want[&fp])));
                }
                // The newest day read from the slots, on and before days around the orders'.
                for (_, at, _) in lines.iter().take(5) {
                    for until in [at.date(), at.date() - chrono::Duration::days(1)] {
                        let newest = want.values().map(|w| w.at.date()).filter(|d| *d <= until).max();
                        proptest::prop_assert_eq!(orders.newest_day(until), newest);
                        proptest::prop_assert_eq!(orders.any_by(until), newest.is_some());
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// The search from where a fingerprint should fall finds what halving finds, however
        /// unevenly the fingerprints are spread: hashes, per-row keys (the top bit set), a
        /// crowd of near neighbours, sets just past the scanned size.
        #[test]
        fn the_search_from_the_guessed_place_finds_what_halving_finds(
            spread in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::u64::ANY,
                    proptest::num::u64::ANY.prop_map(|f| f | 1 << 63),
                    (0u64..5_000).prop_map(|f| f << 40),
                    (0u64..300).prop_map(|f| u64::MAX - f),
                ],
                0..700,
            ),
            wanted in proptest::collection::vec(proptest::num::u64::ANY, 0..20),
        ) {
            use proptest::prelude::*;
            let mut fps = spread;
            fps.sort_unstable();
            fps.dedup();
            let slots: Vec<Slot> = fps
                .iter()
                .map(|&fp| Slot { fp: [(fp >> 32) as u32, fp as u32], word: 0, packed: 0 })
                .collect();
            let near = |d: u64| fps.iter().map(move |f| f.wrapping_add(d));
            let probes = wanted.iter().copied().chain(near(0)).chain(near(1)).chain(near(u64::MAX));
            for fp in probes {
                prop_assert_eq!(search(&slots, fp), slots.binary_search_by_key(&fp, Slot::fp));
            }
        }
    }

    #[test]
    fn a_large_set_settles_into_one_vector_and_sums_from_its_slots() {
        let mut o = Orders::default();
        for i in 0..(FEW_ORDERS * 3 + 7) {
            o.add(
                fingerprint(&format!("INV-{i}")),
                at(1 + (i % 28) as u32),
                Decimal::new(i as i64, 2),
            );
        }
        assert!(
            !o.tail().is_empty(),
            "the newest orders wait in the second vector"
        );
        assert_eq!(o.window_sums(at(1).date(), at(28).date()), None);
        let before: Vec<(u64, OrderAgg)> = o.iter().collect();
        o.shrink_to_fit();
        assert!(o.more.is_none());
        assert_eq!(o.iter().collect::<Vec<_>>(), before);
        let sums = o
            .window_sums(at(1).date(), at(28).date())
            .expect("read from the slots");
        let n = FEW_ORDERS * 3 + 7;
        assert_eq!(sums.count_all, n as u32);
        assert_eq!(sums.total_all, Decimal::new((n * (n - 1) / 2) as i64, 2));
        assert_eq!(
            o.get("INV-100").map(|x| x.amount),
            Some(Decimal::new(100, 2))
        );
    }
}

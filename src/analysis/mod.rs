//! Pure analysis: typed rows and settings in, plain tables out (no I/O, no clock).

pub mod carts;
pub mod customers;
pub mod flows;
pub mod funnel;
pub mod group_sheets;
pub mod groups;
pub mod remind;
pub mod rfm;
pub mod select;
pub mod stock;
pub mod stock_import;
pub mod value;
pub mod weekly;

/// Below this many items, [`each_on_two_cores`] stays on one thread: starting another costs
/// more than it saves.
const TWO_CORES_FROM: usize = 4096;

/// `f` on each item, the second half on another thread (the machine a shop runs dangol on
/// has two cores; the reading that kept both busy is done when a table is made). This thread
/// takes that half too when the other has not started on it by the time its own is done, or
/// could not be started; one thread does it all when the items are few. The other thread
/// speaks the workbook's language too (`i18n::current`).
pub fn each_on_two_cores<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync) {
    if items.len() < TWO_CORES_FROM {
        items.iter_mut().for_each(f);
        return;
    }
    let half = items.len() / 2;
    let (mine, theirs) = items.split_at_mut(half);
    let theirs = std::sync::Mutex::new(Some(theirs));
    let take = || theirs.lock().map_or(None, |mut t| t.take());
    let (f, take, lang) = (&f, &take, crate::i18n::current());
    std::thread::scope(|s| {
        // Not started: this thread takes the half below.
        let _ = std::thread::Builder::new()
            .name("dangol-half".into())
            .spawn_scoped(s, move || {
                speak(lang);
                take().into_iter().flatten().for_each(f);
            });
        mine.iter_mut().for_each(f);
        take().into_iter().flatten().for_each(f);
    });
}

/// A thread made to share a table's work speaks the workbook's language, as the one that
/// read it does.
fn speak(lang: Option<crate::model::Lang>) {
    if let Some(l) = lang {
        crate::i18n::set_current(l);
    }
}

/// Decimals as whole numbers of the finest decimal place among them (`12.5` and `3` as `125`
/// and `30`), which order as the decimals do, so that sorting 80,000 customers' totals
/// compares integers side by side instead of decimals; `None` when one would not
/// fit.
pub fn as_integers(values: &[rust_decimal::Decimal]) -> Option<Vec<i128>> {
    let scale = values
        .iter()
        .map(rust_decimal::Decimal::scale)
        .max()
        .unwrap_or(0);
    values
        .iter()
        .map(|d| {
            let up = 10i128.checked_pow(scale - d.scale())?;
            d.mantissa().checked_mul(up)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    proptest::proptest! {
        /// The whole numbers order as the decimals do, equal decimals written to different
        /// places (`5`, `5.00`, a negative zero) equal too; past what fits, there are none.
        #[test]
        fn whole_numbers_order_as_the_decimals(
            values in proptest::collection::vec(
                (proptest::num::i64::ANY, 0u32..29),
                0..60,
            ),
        ) {
            let ds: Vec<Decimal> = values.iter().map(|&(m, s)| Decimal::new(m % 1_000_000_000, s)).collect();
            match as_integers(&ds) {
                Some(ints) => {
                    for (i, a) in ds.iter().enumerate() {
                        for (j, b) in ds.iter().enumerate() {
                            proptest::prop_assert_eq!(ints[i].cmp(&ints[j]), a.cmp(b));
                        }
                    }
                }
                None => proptest::prop_assert!(ds.iter().any(|d| d.scale() > 0)),
            }
        }
    }

    #[test]
    fn each_item_is_worked_on_once_on_either_core_in_the_workbooks_language() {
        for n in [
            0,
            1,
            TWO_CORES_FROM - 1,
            TWO_CORES_FROM,
            3 * TWO_CORES_FROM + 1,
        ] {
            crate::i18n::set_current(crate::model::Lang::Ko);
            let mut items: Vec<(usize, u32, Option<crate::model::Lang>)> =
                (0..n).map(|i| (i, 0, None)).collect();
            each_on_two_cores(&mut items, |(i, times, lang)| {
                *i = *i * 3 + 1;
                *times += 1;
                *lang = crate::i18n::current();
            });
            for (k, (i, times, lang)) in items.iter().enumerate() {
                assert_eq!((*i, *times), (k * 3 + 1, 1), "item {k} of {n}");
                assert_eq!(*lang, Some(crate::model::Lang::Ko), "item {k} of {n}");
            }
        }
    }

    #[test]
    fn whole_numbers_of_mixed_places() {
        let ds: Vec<Decimal> = ["12.5", "3", "12.50", "-0", "0", "-7.25", "100.001"]
            .iter()
            .map(|t| t.parse().expect("decimal"))
            .collect();
        assert_eq!(
            as_integers(&ds),
            Some(vec![12_500, 3_000, 12_500, 0, 0, -7_250, 100_001])
        );
    }
}

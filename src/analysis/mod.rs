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

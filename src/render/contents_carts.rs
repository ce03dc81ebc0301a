//! The Cart Recovery generated sheet (장바구니복구, SPEC §12) as typed tables in the workbook's
//! language: abandoned and recovered carts by week, the most abandoned products, the open carts
//! to recover now and every cart with what became of it.
//!
//! The sheet is not called `Carts`: that is the name SPEC §12 gives the owner's own export
//! sheet, and dangol never replaces a sheet it did not make.

use rust_decimal::Decimal;

use crate::analysis::carts::{CartLine, CartReport, CartState};
use crate::model::Lang;
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

/// What became of a cart, in `lang`.
pub fn state_label(s: CartState, lang: Lang) -> &'static str {
    match s {
        CartState::Completed(_) => lang.pick("결제 완료", "completed"),
        CartState::Ordered(_) => lang.pick("주문으로 복구", "recovered by an order"),
        CartState::Open => lang.pick("복구 대기", "open"),
        CartState::Lost => lang.pick("이탈", "lost"),
    }
}

fn cols<'a>(lang: Lang, pairs: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    pairs.iter().map(|(ko, en)| lang.pick(ko, en)).collect()
}

fn opt(s: Option<&String>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::text(s.clone()))
}

fn who(c: &CartLine) -> Cell {
    opt(c.name.as_ref().or(c.email.as_ref()).or(c.phone.as_ref()))
}

/// The whole generated sheet.
pub fn cart_sheet(r: &CartReport, lang: Lang) -> SheetContent {
    SheetContent {
        sheet: GeneratedSheet::CartRecovery,
        tables: vec![
            weeks_table(r, lang),
            products_table(r, lang),
            recovery_table(r, lang),
            all_carts_table(r, lang),
        ],
    }
}

/// Carts started each week: abandoned, recovered, value and rate.
pub fn weeks_table(r: &CartReport, lang: Lang) -> SheetTable {
    let t = r.totals();
    let rate = if t.carts == 0 {
        "–".to_string()
    } else {
        crate::analysis::weekly::display::percent(
            Decimal::from(t.recovered) * Decimal::from(100) / Decimal::from(t.carts),
        )
    };
    let title = match lang {
        Lang::Ko => format!(
            "주별 장바구니 이탈·복구 (복구 기준 {}일): 장바구니 {}개 중 {}개 복구 ({rate})",
            r.recovery_days, t.carts, t.recovered
        ),
        Lang::En => format!(
            "Abandoned and recovered carts by week (recovered within {} days): {} of {} carts recovered ({rate})",
            r.recovery_days, t.recovered, t.carts
        ),
    };
    let mut table = SheetTable::new(
        title,
        &cols(
            lang,
            &[
                ("주차", "Week"),
                ("시작일", "Week start"),
                ("이탈", "Abandoned"),
                ("이탈 금액", "Abandoned value"),
                ("복구", "Recovered"),
                ("복구 금액", "Recovered value"),
                ("복구율", "Recovery rate"),
            ],
        ),
    );
    for w in &r.weeks {
        table.push(vec![
            Cell::text(w.week.label()),
            Cell::Date(w.week.start()),
            Cell::Int(i64::from(w.abandoned)),
            Cell::Money(w.abandoned_value),
            Cell::Int(i64::from(w.recovered)),
            Cell::Money(w.recovered_value),
            w.recovery_rate()
                .map_or(Cell::Empty, |p| Cell::Percent(p.round_dp(1))),
        ]);
    }
    table
}

/// Products by the number of unrecovered carts holding them.
pub fn products_table(r: &CartReport, lang: Lang) -> SheetTable {
    let mut table = SheetTable::new(
        lang.pick("가장 많이 남겨진 상품", "Most abandoned products"),
        &cols(
            lang,
            &[
                ("상품", "Product"),
                ("미복구 장바구니", "Carts not recovered"),
                ("복구된 장바구니", "Carts recovered"),
            ],
        ),
    );
    for p in &r.products {
        table.push(vec![
            Cell::text(p.product.clone()),
            Cell::Int(i64::from(p.abandoned)),
            Cell::Int(i64::from(p.recovered)),
        ]);
    }
    table
}

/// Open carts, the most valuable first: who to contact, with the store's link.
pub fn recovery_table(r: &CartReport, lang: Lang) -> SheetTable {
    let open = r.recovery_list();
    let title = match lang {
        Lang::Ko => format!("복구 대상 장바구니 {}개", open.len()),
        Lang::En => format!("Open carts to recover: {}", open.len()),
    };
    let mut table = SheetTable::new(
        title,
        &cols(
            lang,
            &[
                ("장바구니ID", "Cart"),
                ("생성일", "Created"),
                ("고객", "Customer"),
                ("이메일", "Email"),
                ("전화번호", "Phone"),
                ("상품", "Items"),
                ("금액", "Value"),
                ("경과일", "Age (days)"),
                ("복구링크", "Recovery link"),
                ("장바구니 위치", "Cart row"),
            ],
        ),
    );
    for c in open {
        table.push(vec![
            Cell::text(c.cart_id.clone()),
            Cell::Date(c.created.date()),
            who(c),
            opt(c.email.as_ref()),
            opt(c.phone.as_ref()),
            Cell::text(c.items.join(", ")),
            Cell::Money(c.total),
            Cell::Int(c.age_days),
            opt(c.recovery_url.as_ref()),
            Cell::text(c.cell.to_string()),
        ]);
    }
    table
}

/// Every cart with what became of it, oldest first.
pub fn all_carts_table(r: &CartReport, lang: Lang) -> SheetTable {
    let mut table = SheetTable::new(
        lang.pick("전체 장바구니", "Every cart"),
        &cols(
            lang,
            &[
                ("장바구니ID", "Cart"),
                ("생성일", "Created"),
                ("고객", "Customer"),
                ("상품", "Items"),
                ("금액", "Value"),
                ("상태", "Status"),
                ("복구일", "Recovered on"),
                ("장바구니 위치", "Cart row"),
            ],
        ),
    );
    for c in &r.carts {
        let on = match c.state {
            CartState::Completed(d) | CartState::Ordered(d) => Cell::Date(d),
            CartState::Open | CartState::Lost => Cell::Empty,
        };
        table.push(vec![
            Cell::text(c.cart_id.clone()),
            Cell::Date(c.created.date()),
            who(c),
            Cell::text(c.items.join(", ")),
            Cell::Money(c.total),
            Cell::text(state_label(c.state, lang)),
            on,
            Cell::text(c.cell.to_string()),
        ]);
    }
    table
}

/// The plain sentence where carts would be shown when the workbook has no carts sheet.
pub fn no_carts(lang: Lang) -> &'static str {
    lang.pick(
        "장바구니 시트가 없어 장바구니 이탈을 볼 수 없습니다 — 쇼핑몰의 이탈 장바구니 내보내기를 '장바구니' 시트로 넣어 주세요",
        "No carts sheet, so dangol cannot see abandoned carts — add the store's abandoned-checkout export as a 'Carts' sheet",
    )
}

//! The Cart Recovery generated sheet (장바구니복구, SPEC §12) as typed tables in the workbook's
//! language: abandoned and recovered carts by week, the most abandoned products, the open carts
//! to recover now and every cart with what became of it.
//!
//! The sheet is not called `Carts`: that is the name SPEC §12 gives the owner's own export
//! sheet, and dangol never replaces a sheet it did not make.

use rust_decimal::Decimal;

use super::columns::{self, Column, Fact, Kind};
use crate::analysis::carts::{CartLine, CartReport, CartState, CartWeek, ProductLine};
use crate::model::Lang;
use crate::render::table::{GeneratedSheet, SheetContent, SheetTable};

/// What became of a cart, in `lang`.
pub fn state_label(s: CartState, lang: Lang) -> &'static str {
    match s {
        CartState::Completed(_) => lang.pick("결제 완료", "completed"),
        CartState::Ordered(_) => lang.pick("주문으로 복구", "recovered by an order"),
        CartState::Open => lang.pick("복구 대기", "open"),
        CartState::Lost => lang.pick("이탈", "lost"),
    }
}

fn who(c: &CartLine) -> Fact {
    c.name
        .as_ref()
        .or(c.email.as_ref())
        .or(c.phone.as_ref())
        .map(String::as_str)
        .into()
}

/// The sheet's week table: carts started each week.
pub const WEEK_COLUMNS: &[Column<CartWeek>] = {
    type C = Column<CartWeek>;
    &[
        C::sheet("week", ("주차", "Week"), Kind::Text, |w, _| {
            Fact::Text(w.week.label())
        }),
        C::sheet(
            "week_start",
            ("시작일", "Week start"),
            Kind::Date,
            |w, _| w.week.start().into(),
        ),
        C::sheet("abandoned", ("이탈", "Abandoned"), Kind::Count, |w, _| {
            w.abandoned.into()
        }),
        C::sheet(
            "abandoned_value",
            ("이탈 금액", "Abandoned value"),
            Kind::Money,
            |w, _| w.abandoned_value.into(),
        ),
        C::sheet("recovered", ("복구", "Recovered"), Kind::Count, |w, _| {
            w.recovered.into()
        }),
        C::sheet(
            "recovered_value",
            ("복구 금액", "Recovered value"),
            Kind::Money,
            |w, _| w.recovered_value.into(),
        ),
        C::sheet(
            "recovery_rate",
            ("복구율", "Recovery rate"),
            Kind::Percent,
            |w, _| w.recovery_rate().map(|p| p.round_dp(1)).into(),
        ),
    ]
};

/// The most abandoned products.
pub const PRODUCT_COLUMNS: &[Column<ProductLine>] = {
    type C = Column<ProductLine>;
    &[
        C::sheet("product", ("상품", "Product"), Kind::Text, |p, _| {
            p.product.as_str().into()
        }),
        C::sheet(
            "abandoned",
            ("미복구 장바구니", "Carts not recovered"),
            Kind::Count,
            |p, _| p.abandoned.into(),
        ),
        C::sheet(
            "recovered",
            ("복구된 장바구니", "Carts recovered"),
            Kind::Count,
            |p, _| p.recovered.into(),
        ),
    ]
};

/// The carts' columns: the shared ones once, then the two tables of the sheet (the open carts
/// to recover with the contact columns, every cart with its state).
type CartCol = Column<CartLine>;

const CART_ID: CartCol = CartCol::sheet("cart", ("장바구니ID", "Cart"), Kind::Text, |c, _| {
    c.cart_id.as_str().into()
});
const CREATED: CartCol = CartCol::sheet("created", ("생성일", "Created"), Kind::Date, |c, _| {
    c.created.date().into()
});
const CUSTOMER: CartCol = CartCol::sheet("customer", ("고객", "Customer"), Kind::Text, |c, _| {
    who(c)
});
const ITEMS: CartCol = CartCol::sheet("items", ("상품", "Items"), Kind::Text, |c, _| {
    Fact::Text(c.items.join(", "))
});
const VALUE: CartCol = CartCol::sheet("value", ("금액", "Value"), Kind::Money, |c, _| {
    c.total.into()
});
const CELL: CartCol = CartCol::sheet(
    "cell",
    ("장바구니 위치", "Cart row"),
    Kind::Cell,
    |c, _| Fact::Text(c.cell.to_string()),
);

/// The open carts to recover now.
pub const RECOVERY_COLUMNS: &[CartCol] = &[
    CART_ID,
    CREATED,
    CUSTOMER,
    CartCol::sheet("email", ("이메일", "Email"), Kind::Email, |c, _| {
        c.email.as_deref().into()
    }),
    CartCol::sheet("phone", ("전화번호", "Phone"), Kind::Phone, |c, _| {
        c.phone.as_deref().into()
    }),
    ITEMS,
    VALUE,
    CartCol::sheet(
        "age_days",
        ("경과일", "Age (days)"),
        Kind::Count,
        |c, _| c.age_days.into(),
    ),
    CartCol::sheet(
        "recovery_link",
        ("복구링크", "Recovery link"),
        Kind::Text,
        |c, _| c.recovery_url.as_deref().into(),
    ),
    CELL,
];

/// Every cart with what became of it.
pub const ALL_CART_COLUMNS: &[CartCol] = &[
    CART_ID,
    CREATED,
    CUSTOMER,
    ITEMS,
    VALUE,
    CartCol::sheet("status", ("상태", "Status"), Kind::Text, |c, out| {
        state_label(c.state, out.lang()).into()
    }),
    CartCol::sheet(
        "recovered_on",
        ("복구일", "Recovered on"),
        Kind::Date,
        |c, _| match c.state {
            CartState::Completed(d) | CartState::Ordered(d) => d.into(),
            CartState::Open | CartState::Lost => Fact::None,
        },
    ),
    CELL,
];

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
    columns::sheet_table(WEEK_COLUMNS, title, &r.weeks, lang)
}

/// Products by the number of unrecovered carts holding them.
pub fn products_table(r: &CartReport, lang: Lang) -> SheetTable {
    columns::sheet_table(
        PRODUCT_COLUMNS,
        lang.pick("가장 많이 남겨진 상품", "Most abandoned products")
            .to_string(),
        &r.products,
        lang,
    )
}

/// Open carts, the most valuable first: who to contact, with the store's link.
pub fn recovery_table(r: &CartReport, lang: Lang) -> SheetTable {
    let open = r.recovery_list();
    let title = match lang {
        Lang::Ko => format!("복구 대상 장바구니 {}개", open.len()),
        Lang::En => format!("Open carts to recover: {}", open.len()),
    };
    columns::sheet_table(RECOVERY_COLUMNS, title, open, lang)
}

/// Every cart with what became of it, oldest first.
pub fn all_carts_table(r: &CartReport, lang: Lang) -> SheetTable {
    columns::sheet_table(
        ALL_CART_COLUMNS,
        lang.pick("전체 장바구니", "Every cart").to_string(),
        &r.carts,
        lang,
    )
}

/// The plain sentence where carts would be shown when the workbook has no carts sheet.
pub fn no_carts(lang: Lang) -> &'static str {
    lang.pick(
        "장바구니 시트가 없어 장바구니 이탈을 볼 수 없습니다 — 쇼핑몰의 이탈 장바구니 내보내기를 '장바구니' 시트로 넣어 주세요",
        "No carts sheet, so dangol cannot see abandoned carts — add the store's abandoned-checkout export as a 'Carts' sheet",
    )
}

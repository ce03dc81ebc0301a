//! Where everything goes on the page: header, KPI tiles, the 12-week revenue chart, the quote
//! funnel, the tables and the footers. Sections flow top to bottom onto at most two pages;
//! a table that would need a third page is cut with an "and N more" line and a warning.

// Drawing code reads best with the usual short names (x, y, w, h, c for the canvas).
#![allow(clippy::many_single_char_names)]

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::TextKind;
use super::canvas::{Align, Canvas, PAGE_H, PAGE_W, Rgb8, Style};
use crate::analysis::weekly::{Direction, NONE, WeeklyReport, display};
use crate::model::{Currency, Lang};

const M: f32 = 40.0;
const CW: f32 = PAGE_W - 2.0 * M;
/// Lowest baseline for content; the footer lives below.
const BOTTOM: f32 = PAGE_H - 50.0;
const ROW: f32 = 15.0;
const SECTION_GAP: f32 = 16.0;
/// Grade changes shown at most: a sliding window can move hundreds of customers in a week,
/// and the reminders, customer value, low stock, abandoned carts and price check after them
/// must still fit.
const MAX_GRADE_ROWS: usize = 8;
/// Reminders listed in the PDF at most (oldest first); the full list is the Reminders sheet
/// and `dangol remind`.
const MAX_REMINDER_ROWS: usize = 10;

const INK: Rgb8 = Rgb8(0x22, 0x25, 0x2b);
const GREY: Rgb8 = Rgb8(0x6b, 0x72, 0x80);
const RULE: Rgb8 = Rgb8(0xd5, 0xd9, 0xe0);
const TILE: Rgb8 = Rgb8(0xf3, 0xf5, 0xf8);
const ZEBRA: Rgb8 = Rgb8(0xf7, 0xf8, 0xfa);
const ACCENT: Rgb8 = Rgb8(0x2f, 0x6f, 0xb0);
const ACCENT_LIGHT: Rgb8 = Rgb8(0xa9, 0xc4, 0xe2);
const UP: Rgb8 = Rgb8(0x1e, 0x8e, 0x3e);
const DOWN: Rgb8 = Rgb8(0xc5, 0x22, 0x1f);

fn st(size: f32, bold: bool, color: Rgb8) -> Style {
    Style { size, bold, color }
}

/// A copy of the report whose every data string the font can draw: missing characters become
/// `?` and are reported with where they came from.
pub fn clean_report(r: &WeeklyReport, c: &mut Canvas) -> WeeklyReport {
    let mut r = r.clone();
    r.shop_name = c.clean(&r.shop_name, TextKind::ShopName);
    for t in &mut r.top_customers {
        t.name = c.clean(&t.name, TextKind::CustomerName);
    }
    for s in &mut r.low_stock {
        s.product = c.clean(&s.product, TextKind::ProductName);
    }
    for f in &mut r.funnel {
        f.label = c.clean(&f.label, TextKind::FunnelStage);
    }
    for g in &mut r.grade_changes {
        g.customer = c.clean(&g.customer, TextKind::CustomerName);
        g.from = c.clean(&g.from, TextKind::GradeName);
        g.to = c.clean(&g.to, TextKind::GradeName);
    }
    for v in r.value.top.iter_mut().chain(r.value.at_risk.iter_mut()) {
        v.name = c.clean(&v.name, TextKind::CustomerName);
    }
    if let Some(k) = &mut r.carts {
        for (p, _) in &mut k.products {
            *p = c.clean(p, TextKind::ProductName);
        }
    }
    for m in &mut r.reminders {
        m.customer = c.clean(&m.customer, TextKind::CustomerName);
        m.quote_id = c.clean(&m.quote_id, TextKind::QuoteId);
    }
    r
}

/// The PDF's title metadata.
pub fn document_title(r: &WeeklyReport) -> String {
    let what = r.lang.pick("주간 리포트", "Weekly report");
    if r.shop_name.trim().is_empty() {
        format!("{what} {}", r.week.label())
    } else {
        format!("{} — {what} {}", r.shop_name.trim(), r.week.label())
    }
}

/// Draw the whole report, one section after the other.
pub fn draw(r: &WeeklyReport, c: &mut Canvas) {
    let mut y = header(r, c);
    y = tiles(r, c, y) + SECTION_GAP;
    y = trend_chart(r, c, y) + SECTION_GAP;
    y = funnel(r, c, y) + SECTION_GAP;
    y = top_customers(r, c, y) + SECTION_GAP;
    y = grade_changes(r, c, y) + SECTION_GAP;
    let y = reminders(r, c, y) + SECTION_GAP;
    let y = value_section(r, c, y);
    let y = if r.low_stock.is_empty() {
        y
    } else {
        low_stock(r, c, y + SECTION_GAP)
    };
    let y = carts_section(r, c, y + SECTION_GAP);
    price_check_line(r, c, y + SECTION_GAP);

    footers(r, c);
}

/// The week's top customers.
fn top_customers(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let money = |d: Decimal| crate::i18n::money(r.lang, d, r.currency);
    let top: Vec<Vec<String>> = r
        .top_customers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                (i + 1).to_string(),
                t.name.clone(),
                t.orders.to_string(),
                money(t.revenue),
            ]
        })
        .collect();
    table(
        r,
        c,
        y,
        &Table {
            title: l.pick("이번 주 상위 고객", "Top customers this week"),
            what: "top customers",
            cols: &[
                Col {
                    header: "#",
                    w: 24.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("고객", "Customer"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("주문", "Orders"),
                    w: 60.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("순매출", "Net revenue"),
                    w: 130.0,
                    align: Align::Right,
                },
            ],
            empty: l.pick("이번 주 주문 없음", "No orders this week"),
            max_rows: usize::MAX,
        },
        &top,
    )
}

/// The grade changes since the week before (the first [`MAX_GRADE_ROWS`]).
fn grade_changes(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let (up, down) = if c.has('▲') && c.has('▼') {
        ("▲ ", "▼ ")
    } else {
        ("", "")
    };
    let grades: Vec<Vec<String>> = r
        .grade_changes
        .iter()
        .map(|g| {
            let dir = if g.up {
                format!("{up}{}", l.pick("상향", "Up"))
            } else {
                format!("{down}{}", l.pick("하향", "Down"))
            };
            vec![g.customer.clone(), g.from.clone(), g.to.clone(), dir]
        })
        .collect();
    table(
        r,
        c,
        y,
        &Table {
            title: l.pick("등급 변동", "Grade changes"),
            what: "grade changes",
            cols: &[
                Col {
                    header: l.pick("고객", "Customer"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("이전 등급", "From"),
                    w: 110.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("현재 등급", "To"),
                    w: 110.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("변동", "Change"),
                    w: 70.0,
                    align: Align::Left,
                },
            ],
            empty: l.pick("등급 변동 없음", "No grade changes"),
            max_rows: MAX_GRADE_ROWS,
        },
        &grades,
    )
}

/// The reminders due (the first [`MAX_REMINDER_ROWS`]).
fn reminders(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let reminders: Vec<Vec<String>> = r
        .reminders
        .iter()
        .map(|m| {
            let days = match l {
                Lang::Ko => format!("{}일", m.days_since_sent),
                Lang::En if m.days_since_sent == 1 => "1 day".to_string(),
                Lang::En => format!("{} days", m.days_since_sent),
            };
            vec![m.customer.clone(), m.quote_id.clone(), days]
        })
        .collect();
    table(
        r,
        c,
        y,
        &Table {
            title: l.pick("리마인드 대상", "Reminders due"),
            what: "reminders",
            cols: &[
                Col {
                    header: l.pick("고객", "Customer"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("견적번호", "Quote"),
                    w: 150.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("발송 후 경과", "Since sent"),
                    w: 100.0,
                    align: Align::Right,
                },
            ],
            empty: l.pick("리마인드 대상 없음", "No reminders due"),
            max_rows: MAX_REMINDER_ROWS,
        },
        &reminders,
    )
}

/// Abandoned carts (SPEC §12) in two lines: the week's abandoned and recovered carts, then the
/// open ones and the most abandoned products; without a carts sheet, one line saying dangol
/// cannot see carts. No section title: page 2 is full on a busy week.
fn carts_section(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let money = |d: Decimal| crate::i18n::money(l, d, r.currency);
    let lines: Vec<String> = match &r.carts {
        None => vec![format!(
            "{}: {}",
            l.pick("장바구니 이탈", "Abandoned carts"),
            crate::render::contents_carts::no_carts(l)
        )],
        Some(k) => {
            let w = &k.week;
            let rate = w
                .recovery_rate()
                .map_or_else(|| "–".to_string(), display::percent);
            let (abandoned, recovered) = (money(w.abandoned_value), money(w.recovered_value));
            let products = k
                .products
                .iter()
                .map(|(p, n)| format!("{p} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let open = money(k.open_value);
            match l {
                Lang::Ko => vec![
                    format!(
                        "이번 주 장바구니 이탈 {}개 ({abandoned}) · 복구 {}개 ({recovered}) · 복구율 {rate}",
                        w.abandoned, w.recovered
                    ),
                    if products.is_empty() {
                        format!("복구 대상 {}개 ({open}) — 장바구니복구 시트 참고", k.open)
                    } else {
                        format!(
                            "복구 대상 {}개 ({open}) · 많이 남겨진 상품: {products} — 장바구니복구 시트 참고",
                            k.open
                        )
                    },
                ],
                Lang::En => vec![
                    format!(
                        "Abandoned carts this week: {} ({abandoned}) · recovered {} ({recovered}) · recovery rate {rate}",
                        w.abandoned, w.recovered
                    ),
                    if products.is_empty() {
                        format!(
                            "Open carts to recover: {} ({open}) — see the Cart Recovery sheet",
                            k.open
                        )
                    } else {
                        format!(
                            "Open carts to recover: {} ({open}) · most abandoned: {products} — see the Cart Recovery sheet",
                            k.open
                        )
                    },
                ],
            }
        }
    };
    let Some(mut y) = room(r, c, y, ROW * lines.len() as f32) else {
        return y;
    };
    for (i, line) in lines.iter().enumerate() {
        c.text_fit(M, y + 11.0, line, CW, st(9.5, i == 0, INK), Align::Left);
        y += ROW;
    }
    y
}

/// Customer value (SPEC §11): the most valuable customers, then the valuable ones most at risk.
fn value_section(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let v = &r.value;
    let empty = v.blank.as_ref().map_or_else(
        || l.pick("해당 고객 없음", "None").to_string(),
        |b| crate::render::contents_value::blank_reason(b, l),
    );
    let pct = |p: f64| format!("{:.0}%", p * 100.0);
    let money = |m: Option<f64>| {
        m.and_then(|m| Decimal::try_from(m).ok())
            .map_or_else(String::new, |d| crate::i18n::money(r.lang, d, r.currency))
    };
    let top: Vec<Vec<String>> = v
        .top
        .iter()
        .map(|t| vec![t.name.clone(), pct(t.p_alive), money(t.clv)])
        .collect();
    let y = table(
        r,
        c,
        y,
        &Table {
            title: l.pick(
                "고객가치 상위 (12개월 예상)",
                "Most valuable customers (next 12 months)",
            ),
            what: "customer value",
            cols: &[
                Col {
                    header: l.pick("고객", "Customer"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("활동 확률", "P(active)"),
                    w: 80.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("12개월 가치", "12-month value"),
                    w: 130.0,
                    align: Align::Right,
                },
            ],
            empty: &empty,
            max_rows: usize::MAX,
        },
        &top,
    ) + SECTION_GAP;
    let risk: Vec<Vec<String>> = v
        .at_risk
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                crate::i18n::money(r.lang, t.spent, r.currency),
                pct(t.p_alive),
            ]
        })
        .collect();
    table(
        r,
        c,
        y,
        &Table {
            title: l.pick("이탈 위험 우수고객", "Valuable customers at risk"),
            what: "customers at risk",
            cols: &[
                Col {
                    header: l.pick("고객", "Customer"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("누적 구매", "Spent so far"),
                    w: 130.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("활동 확률", "P(active)"),
                    w: 80.0,
                    align: Align::Right,
                },
            ],
            empty: &empty,
            max_rows: usize::MAX,
        },
        &risk,
    )
}

/// The low-stock section (SPEC §10): only when the workbook has a Stock sheet and something
/// is low or out.
fn low_stock(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    let l = r.lang;
    let n = |d: Decimal| d.normalize().to_string();
    let rows: Vec<Vec<String>> = r
        .low_stock
        .iter()
        .map(|s| {
            vec![
                s.product.clone(),
                n(s.stock),
                n(s.threshold),
                s.days_of_cover.map_or_else(
                    || "–".to_string(),
                    |d| match l {
                        Lang::Ko => format!("{}일", n(d)),
                        Lang::En => format!("{} days", n(d)),
                    },
                ),
                n(s.suggested_order),
            ]
        })
        .collect();
    table(
        r,
        c,
        y,
        &Table {
            title: l.pick("재고 부족", "Low stock"),
            what: "low-stock products",
            cols: &[
                Col {
                    header: l.pick("상품", "Product"),
                    w: 0.0,
                    align: Align::Left,
                },
                Col {
                    header: l.pick("재고", "Stock"),
                    w: 60.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("안전재고", "Safety stock"),
                    w: 80.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("재고일수", "Cover"),
                    w: 80.0,
                    align: Align::Right,
                },
                Col {
                    header: l.pick("발주제안", "Order"),
                    w: 70.0,
                    align: Align::Right,
                },
            ],
            empty: "",
            max_rows: MAX_REMINDER_ROWS,
        },
        &rows,
    )
}

/// One line about the Price Check sheet when sales were charged a wrong price (SPEC §7).
fn price_check_line(r: &WeeklyReport, c: &mut Canvas, y: f32) {
    if r.price_mismatches == 0 {
        return;
    }
    let Some(y) = room(r, c, y, ROW + 4.0) else {
        return;
    };
    let n = r.price_mismatches;
    let text = match r.lang {
        Lang::Ko => format!("단가 검증: 적용 단가와 다르게 청구된 판매 {n}건 — 단가검증 시트를 확인하세요"),
        Lang::En if n == 1 => "Price check: 1 sales line charged differently from the price that applied — see the Price Check sheet".to_string(),
        Lang::En => format!("Price check: {n} sales lines charged differently from the price that applied — see the Price Check sheet"),
    };
    c.text_fit(M, y + 11.0, &text, CW, st(9.5, true, DOWN), Align::Left);
}

fn header(r: &WeeklyReport, c: &mut Canvas) -> f32 {
    let l = r.lang;
    let title = if r.shop_name.trim().is_empty() {
        l.pick("주간 리포트", "Weekly report").to_string()
    } else {
        r.shop_name.trim().to_string()
    };
    c.text_fit(M, M + 18.0, &title, CW, st(20.0, true, INK), Align::Left);
    let sub = format!("{} · {}", l.pick("주간 리포트", "Weekly report"), r.week);
    c.text_fit(M, M + 36.0, &sub, CW, st(11.0, false, GREY), Align::Left);
    c.line(M, M + 46.0, M + CW, M + 46.0, 0.8, RULE);
    M + 58.0
}

/// A smaller running head for page 2.
fn continuation_header(r: &WeeklyReport, c: &mut Canvas) -> f32 {
    let what = r.lang.pick("주간 리포트", "Weekly report");
    let text = if r.shop_name.trim().is_empty() {
        format!("{what} · {}", r.week)
    } else {
        format!("{} · {what} · {}", r.shop_name.trim(), r.week)
    };
    c.text_fit(M, M + 10.0, &text, CW, st(8.5, false, GREY), Align::Left);
    c.line(M, M + 16.0, M + CW, M + 16.0, 0.6, RULE);
    M + 30.0
}

/// Start page 2 when `need` points do not fit below `y`. `None` when there is no page left.
fn room(r: &WeeklyReport, c: &mut Canvas, y: f32, need: f32) -> Option<f32> {
    if y + need <= BOTTOM {
        Some(y)
    } else if c.page_count() < 2 {
        c.new_page();
        Some(continuation_header(r, c))
    } else {
        None
    }
}

fn section_title(c: &mut Canvas, y: f32, title: &str) -> f32 {
    c.text_fit(M, y + 11.0, title, CW, st(11.5, true, INK), Align::Left);
    y + 20.0
}

fn tiles(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    const GAP: f32 = 8.0;
    const TH: f32 = 66.0;
    const PAD: f32 = 9.0;
    let tw = (CW - 3.0 * GAP) / 4.0;
    let inner = tw - 2.0 * PAD;
    let last_week = r.lang.pick("지난주", "Last week");
    let has_arrows = c.has('▲') && c.has('▼');
    for (i, k) in crate::render::weekly::kpi_rows(r).iter().enumerate() {
        let x = M + (i % 4) as f32 * (tw + GAP);
        let ty = y + (i / 4) as f32 * (TH + GAP);
        c.rect(x, ty, tw, TH, TILE);
        let label = r.lang.pick(k.label_ko, k.label_en);
        c.text_fit(
            x + PAD,
            ty + 15.0,
            label,
            inner,
            st(8.5, false, GREY),
            Align::Left,
        );
        c.text_fit(
            x + PAD,
            ty + 36.0,
            &k.value,
            inner,
            st(15.0, true, INK),
            Align::Left,
        );

        let (color, arrow) = match k.direction {
            Direction::Up => (UP, Some(true)),
            Direction::Down => (DOWN, Some(false)),
            Direction::Flat | Direction::Unknown => (GREY, None),
        };
        let mut change = k.change.clone();
        if k.change_pct != NONE {
            change = format!("{change} ({})", k.change_pct);
        }
        let style = st(7.5, false, color);
        match arrow {
            Some(up) if has_arrows => {
                let t = format!("{} {change}", if up { '▲' } else { '▼' });
                c.text_fit(x + PAD, ty + 50.0, &t, inner, style, Align::Left);
            }
            Some(up) => {
                // The font has no ▲/▼: draw the arrow as a shape.
                c.triangle(x + PAD + 3.0, ty + 49.5, 6.0, up, color);
                c.text_fit(
                    x + PAD + 9.0,
                    ty + 50.0,
                    &change,
                    inner - 9.0,
                    style,
                    Align::Left,
                );
            }
            None => c.text_fit(x + PAD, ty + 50.0, &change, inner, style, Align::Left),
        }
        let prev = format!("{last_week} {}", k.previous);
        c.text_fit(
            x + PAD,
            ty + 61.0,
            &prev,
            inner,
            st(7.0, false, GREY),
            Align::Left,
        );
    }
    y + 2.0 * TH + GAP
}

/// A table's name in warnings about it, in `lang`.
pub fn table_name(what: &'static str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return what;
    }
    match what {
        "top customers" => "상위 고객",
        "grade changes" => "등급 변동",
        "reminders" => "리마인드",
        "customer value" => "고객가치",
        "customers at risk" => "이탈 위험 고객",
        "low-stock products" => "재고 부족 상품",
        other => other,
    }
}

/// Short money for chart labels: `450만원`, `12.3억원` in Korean; `£355K`, `£1.2B` in English.
pub fn compact_money(d: Decimal, cur: Currency, lang: Lang) -> String {
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    // Display only: the label is rounded anyway, so a float is fine here (never in sums).
    let a = d.abs().to_f64().unwrap_or(0.0);
    let units: &[(f64, &str)] = match lang {
        Lang::Ko => &[(1e8, "억"), (1e4, "만")],
        Lang::En => &[(1e9, "B"), (1e6, "M"), (1e3, "K")],
    };
    // Korean text writes won after the number (`450만원`, SPEC promise 6).
    let (sym, won) = if lang == Lang::Ko && cur == Currency::Krw {
        ("", "원")
    } else {
        (cur.symbol(), "")
    };
    for &(u, name) in units {
        if a >= u {
            let x = a / u;
            let n = if x >= 100.0 {
                display::number(Decimal::from(x.round() as i64))
            } else {
                let t = format!("{x:.1}");
                t.strip_suffix(".0").map_or(t.clone(), str::to_string)
            };
            return format!("{sign}{sym}{n}{name}{won}");
        }
    }
    format!(
        "{sign}{sym}{}{won}",
        display::number(Decimal::from(a.round() as i64))
    )
}

/// A round step of about `raw`: 1, 2, 2.5 or 5 × 10ⁿ, as an exact decimal (1 when `raw` is not
/// a positive number; the largest such step a decimal holds when `raw` is beyond it).
fn nice_step(raw: f64) -> Decimal {
    if raw.is_nan() || raw <= 0.0 {
        return Decimal::ONE;
    }
    let exp = raw.log10().floor() as i32;
    let frac = raw / 10f64.powi(exp);
    let m: i64 = match frac {
        f if f <= 1.0 => 10,
        f if f <= 2.0 => 20,
        f if f <= 2.5 => 25,
        f if f <= 5.0 => 50,
        _ => 100,
    };
    // m × 10^(exp-1), exactly, within what a decimal can hold (28 places either way).
    let e = (exp - 1).clamp(-28, 27);
    Decimal::from_scientific(&format!("{m}e{e}"))
        .or_else(|_| Decimal::from_scientific(&format!("{m}e{}", e - 1)))
        .unwrap_or(Decimal::MAX)
}

/// The axis of a chart of values from `lo` (≤ 0) to `hi` (≥ 0): its step and its lowest and
/// highest tick. Checked arithmetic throughout: amounts near the decimal's limit give a
/// coarser axis, never an overflow, and never more than a handful of ticks.
fn axis(lo: Decimal, hi: Decimal) -> (Decimal, Decimal, Decimal) {
    let span = hi.checked_sub(lo).unwrap_or(Decimal::MAX);
    let span = span.to_f64().unwrap_or(0.0);
    let step = nice_step(if span > 0.0 { span / 4.0 } else { 1.0 });
    let ceil = (hi / step)
        .ceil()
        .checked_mul(step)
        .unwrap_or(Decimal::MAX)
        .max(step);
    let floor = (lo / step)
        .floor()
        .checked_mul(step)
        .unwrap_or(Decimal::MIN);
    (step, floor, ceil)
}

/// Most ticks an axis draws (a step of a quarter of the span gives 5 or 6).
const MAX_TICKS: usize = 8;

fn trend_chart(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    const CH: f32 = 130.0;
    const AXIS: f32 = 58.0;
    let l = r.lang;
    let Some(y) = room(r, c, y, 20.0 + CH + 26.0) else {
        return y;
    };
    let y = section_title(c, y, l.pick("최근 12주 매출", "Revenue, last 12 weeks"));
    let (x0, x1) = (M + AXIS, M + CW);
    let (top, bottom) = (y + 12.0, y + CH);

    let vals: Vec<Decimal> = r.trend.iter().map(|t| t.revenue).collect();
    let hi = vals.iter().copied().fold(Decimal::ZERO, Decimal::max);
    let lo = vals.iter().copied().fold(Decimal::ZERO, Decimal::min);
    let (step, vmin, vmax) = axis(lo, hi);
    // In floating point: the span of two extreme decimals may not fit a decimal.
    let (fmin, fmax) = (vmin.to_f64().unwrap_or(0.0), vmax.to_f64().unwrap_or(1.0));
    let range = ((fmax - fmin) as f32).max(f32::MIN_POSITIVE);
    let y_of =
        |v: Decimal| bottom - ((v.to_f64().unwrap_or(0.0) - fmin) as f32) / range * (bottom - top);

    let label = st(7.0, false, GREY);
    let mut tick = vmin;
    for _ in 0..MAX_TICKS {
        if tick > vmax {
            break;
        }
        let ty = y_of(tick);
        c.line(x0, ty, x1, ty, if tick.is_zero() { 0.8 } else { 0.4 }, RULE);
        let t = compact_money(tick, r.currency, l);
        c.text_fit(x0 - 5.0, ty + 2.5, &t, AXIS - 8.0, label, Align::Right);
        match tick.checked_add(step) {
            Some(next) => tick = next,
            None => break,
        }
    }

    let n = vals.len().max(1) as f32;
    let slot = (x1 - x0) / n;
    let bw = slot * 0.62;
    let zero = y_of(Decimal::ZERO);
    for (i, t) in r.trend.iter().enumerate() {
        let cx = x0 + (i as f32 + 0.5) * slot;
        let vy = y_of(t.revenue);
        let current = t.week == r.week;
        let fill = if current { ACCENT } else { ACCENT_LIGHT };
        c.rect(cx - bw / 2.0, vy.min(zero), bw, (zero - vy).abs(), fill);
        if !t.revenue.is_zero() {
            let ly = if t.revenue.is_sign_negative() {
                vy + 8.0
            } else {
                vy - 2.5
            };
            let v = compact_money(t.revenue, r.currency, l);
            let s = st(6.5, current, if current { INK } else { GREY });
            c.text_fit(cx, ly, &v, slot - 1.0, s, Align::Center);
        }
        let (iso_y, iso_w) = t.week.iso();
        let _ = iso_y;
        c.text_fit(
            cx,
            bottom + 10.0,
            &format!("W{iso_w:02}"),
            slot,
            st(7.0, current, INK),
            Align::Center,
        );
        let date = t.week.start().format("%m-%d").to_string();
        c.text_fit(
            cx,
            bottom + 19.0,
            &date,
            slot,
            st(6.0, false, GREY),
            Align::Center,
        );
    }
    bottom + 24.0
}

fn funnel(r: &WeeklyReport, c: &mut Canvas, y: f32) -> f32 {
    const LABEL_W: f32 = 110.0;
    const VALUE_W: f32 = 90.0;
    const BAR_H: f32 = 11.0;
    const STEP: f32 = 17.0;
    let l = r.lang;
    let rows = r.funnel.len().max(1) as f32;
    let Some(y) = room(r, c, y, 20.0 + rows * STEP) else {
        return y;
    };
    let mut y = section_title(c, y, l.pick("이번 주 견적 퍼널", "Quote funnel this week"));
    if r.funnel.is_empty() {
        c.text(
            M,
            y + 10.0,
            l.pick("견적 데이터 없음", "No quote data"),
            st(9.0, false, GREY),
            Align::Left,
        );
        return y + STEP;
    }
    let max = r.funnel.iter().map(|f| f.count).max().unwrap_or(0).max(1) as f32;
    let bar_max = CW - LABEL_W - VALUE_W;
    for f in &r.funnel {
        c.text_fit(
            M,
            y + 9.5,
            &f.label,
            LABEL_W - 8.0,
            st(9.0, false, INK),
            Align::Left,
        );
        let w = (f.count as f32 / max * bar_max).max(if f.count > 0 { 1.5 } else { 0.0 });
        c.rect(M + LABEL_W, y + 1.0, bar_max, BAR_H, TILE);
        c.rect(M + LABEL_W, y + 1.0, w, BAR_H, ACCENT);
        let pct = f.pct.map_or_else(|| NONE.to_string(), display::percent);
        let text = format!("{} ({pct})", display::number(Decimal::from(f.count)));
        c.text_fit(
            M + LABEL_W + bar_max + 6.0,
            y + 9.5,
            &text,
            VALUE_W - 6.0,
            st(8.5, false, INK),
            Align::Left,
        );
        y += STEP;
    }
    y
}

struct Col<'a> {
    header: &'a str,
    /// 0 = takes what the others leave.
    w: f32,
    align: Align,
}

struct Table<'a> {
    title: &'a str,
    /// For the warning when rows are cut (see [`table_name`]).
    what: &'static str,
    cols: &'a [Col<'a>],
    empty: &'a str,
    /// Rows shown at most; the rest become one "and N more" line (no warning: a choice, not
    /// a lack of room).
    max_rows: usize,
}

fn table(r: &WeeklyReport, c: &mut Canvas, y: f32, t: &Table<'_>, rows: &[Vec<String>]) -> f32 {
    const PAD: f32 = 5.0;
    let fixed: f32 = t.cols.iter().map(|c| c.w).sum();
    let flex = t.cols.iter().filter(|c| c.w == 0.0).count().max(1) as f32;
    let widths: Vec<f32> = t
        .cols
        .iter()
        .map(|c| if c.w == 0.0 { (CW - fixed) / flex } else { c.w })
        .collect();
    let cell_x = |i: usize| -> (f32, f32) {
        let left = M + widths[..i].iter().sum::<f32>();
        match t.cols[i].align {
            Align::Right => (left + widths[i] - PAD, widths[i] - 2.0 * PAD),
            Align::Center => (left + widths[i] / 2.0, widths[i] - 2.0 * PAD),
            Align::Left => (left + PAD, widths[i] - 2.0 * PAD),
        }
    };
    let draw_head = |c: &mut Canvas, y: f32, title: &str| -> f32 {
        let y = section_title(c, y, title);
        for (i, col) in t.cols.iter().enumerate() {
            let (x, w) = cell_x(i);
            c.text_fit(x, y + 9.0, col.header, w, st(8.0, true, GREY), col.align);
        }
        c.line(M, y + 13.0, M + CW, y + 13.0, 0.6, RULE);
        y + 15.0
    };

    let Some(y) = room(r, c, y, 20.0 + 15.0 + ROW) else {
        c.warnings.push(super::PdfWarning::NoRoom {
            table: t.what,
            rows: rows.len(),
        });
        return y;
    };
    let mut y = draw_head(c, y, t.title);
    if rows.is_empty() {
        c.text(
            M + PAD,
            y + 10.5,
            t.empty,
            st(8.5, false, GREY),
            Align::Left,
        );
        return y + ROW;
    }
    let more_text = |n: usize| match r.lang {
        Lang::Ko => format!("… 외 {n}건"),
        Lang::En => format!("… and {n} more"),
    };
    for (k, row) in rows.iter().enumerate() {
        let left = rows.len() - k;
        if k == t.max_rows {
            c.text(
                M + PAD,
                y + 10.5,
                &more_text(left),
                st(8.5, false, GREY),
                Align::Left,
            );
            return y + ROW;
        }
        // Keep a line free for "and N more" while rows remain after this one.
        let need = if left > 1 { 2.0 * ROW } else { ROW };
        if y + need > BOTTOM {
            if c.page_count() < 2 {
                c.new_page();
                let top = continuation_header(r, c);
                let cont = format!("{} ({})", t.title, r.lang.pick("계속", "continued"));
                y = draw_head(c, top, &cont);
            } else {
                c.text(
                    M + PAD,
                    y + 10.5,
                    &more_text(left),
                    st(8.5, false, GREY),
                    Align::Left,
                );
                c.warnings.push(super::PdfWarning::Cut {
                    table: t.what,
                    shown: k,
                    total: rows.len(),
                });
                return y + ROW;
            }
        }
        if k % 2 == 1 {
            c.rect(M, y, CW, ROW, ZEBRA);
        }
        for (i, cell) in row.iter().enumerate().take(t.cols.len()) {
            let (x, w) = cell_x(i);
            c.text_fit(x, y + 10.5, cell, w, st(8.5, false, INK), t.cols[i].align);
        }
        y += ROW;
    }
    y
}

fn footers(r: &WeeklyReport, c: &mut Canvas) {
    let total = c.page_count();
    let left = format!(
        "dangol · {} {}",
        r.lang.pick("기준일", "As of"),
        r.as_of.format("%Y-%m-%d")
    );
    let pages = std::mem::take(&mut c.pages);
    let mut done = Vec::with_capacity(total);
    for (i, ops) in pages.into_iter().enumerate() {
        c.pages = vec![ops];
        let fy = PAGE_H - 26.0;
        c.line(M, fy - 10.0, M + CW, fy - 10.0, 0.5, RULE);
        c.text(M, fy, &left, st(7.5, false, GREY), Align::Left);
        let page = match r.lang {
            Lang::Ko => format!("{} / {}쪽", i + 1, total),
            Lang::En => format!("Page {} of {}", i + 1, total),
        };
        c.text(M + CW, fy, &page, st(7.5, false, GREY), Align::Right);
        done.append(&mut c.pages);
    }
    c.pages = done;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels() {
        let d = |n: i64| Decimal::from(n);
        assert_eq!(
            compact_money(d(4_500_000), Currency::Krw, Lang::Ko),
            "450만원"
        );
        assert_eq!(
            compact_money(d(1_234_567_890), Currency::Krw, Lang::Ko),
            "12.3억원"
        );
        assert_eq!(
            compact_money(d(12_345_678), Currency::Krw, Lang::Ko),
            "1,235만원"
        );
        assert_eq!(compact_money(d(0), Currency::Krw, Lang::Ko), "0원");
        assert_eq!(compact_money(d(355_000), Currency::Gbp, Lang::En), "£355K");
        assert_eq!(
            compact_money(d(-1_200_000_000), Currency::Usd, Lang::En),
            "-$1.2B"
        );
        assert_eq!(
            compact_money(Decimal::new(85_049, 2), Currency::Gbp, Lang::En),
            "£850"
        );
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(112_500.0), Decimal::from(200_000));
        assert_eq!(nice_step(20.0), Decimal::from(20));
        assert_eq!(nice_step(2.3), Decimal::new(25, 1));
        assert_eq!(nice_step(0.07), Decimal::new(1, 1));
        assert_eq!(nice_step(0.0), Decimal::ONE);
        assert_eq!(
            nice_step(1.25e24),
            Decimal::from_scientific("2e24").unwrap()
        );
        // Beyond what a decimal holds: the largest step that fits, never a panic.
        assert!(nice_step(1e40) > Decimal::from_scientific("1e27").unwrap());
    }
}

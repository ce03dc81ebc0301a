//! Tests of the value analysis on ledgers built in the test.
#![allow(clippy::float_cmp)] // exact edge values

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::model::{CellRef, SaleKind, SaleRow};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn sale(customer: &str, date: &str, amount: i64, n: u32) -> (SaleRow, String) {
    let row = SaleRow {
        cell: CellRef::new("Sales", n, 0),
        at: day(date).and_hms_opt(0, 0, 0).unwrap(),
        customer: Some(customer.to_string()),
        name: Some(customer.to_string()),
        email: None,
        phone: None,
        order_id: None,
        product: None,
        amount: Decimal::from(amount),
        kind: if amount < 0 {
            SaleKind::Return
        } else {
            SaleKind::Order
        },
        channel: None,
    };
    (row, format!("row{n}"))
}

fn ledger(rows: &[(&str, &str, i64)]) -> SalesLedger {
    let mut l = SalesLedger::default();
    for (i, (c, d, a)) in rows.iter().enumerate() {
        let (row, key) = sale(c, d, *a, u32::try_from(i).unwrap() + 2);
        l.add(&row, &key);
    }
    l
}

#[test]
fn histories_count_purchase_days_and_net_repeat_value() {
    let l = ledger(&[
        ("kim", "2025-01-01", 10_000),
        ("kim", "2025-01-01", 5_000), // same day: one purchase
        ("kim", "2025-01-11", 20_000),
        ("kim", "2025-01-21", 30_000),
        ("kim", "2025-01-22", -4_000), // a return after the first day
        ("kim", "2025-03-01", 99_000), // after the as-of day: unseen
        ("lee", "2025-01-05", 7_000),
    ]);
    let h = histories(&l, day("2025-02-01"));
    assert_eq!(h.len(), 2);
    let kim = &h[0];
    assert_eq!((kim.x, kim.t_x, kim.t), (2, 20, 31));
    assert_eq!(kim.repeat_value, Some(Decimal::from(46_000)));
    assert_eq!(kim.avg_repeat(), Some(Decimal::from(23_000)));
    let lee = &h[1];
    assert_eq!((lee.x, lee.t_x, lee.t, lee.repeat_value), (0, 0, 27, None));
    assert_eq!(lee.spend(), None);
    // A customer whose first purchase is after the as-of day is not there yet.
    assert!(histories(&l, day("2024-12-31")).is_empty());
}

#[test]
fn a_repeat_customer_whose_returns_cancel_the_repeat_spend_is_left_out_of_the_spend_fit() {
    let l = ledger(&[
        ("kim", "2025-01-01", 10_000),
        ("kim", "2025-01-11", 20_000),
        ("kim", "2025-01-12", -20_000),
    ]);
    let h = histories(&l, day("2025-02-01"));
    assert_eq!(h[0].x, 1);
    assert_eq!(h[0].repeat_value, Some(Decimal::ZERO));
    assert_eq!(h[0].spend(), None);
    let t = value_table(&l, day("2025-02-01"), ValueOptions::default());
    assert_eq!((t.repeaters, t.excluded_spend), (1, 1));
}

#[test]
fn a_tiny_shop_gets_blank_columns_with_the_reason() {
    let l = ledger(&[
        ("kim", "2025-01-01", 10_000),
        ("kim", "2025-01-11", 20_000),
        ("lee", "2025-01-05", 7_000),
    ]);
    let t = value_table(&l, day("2025-02-01"), ValueOptions::default());
    assert_eq!((t.customers, t.repeaters), (2, 1));
    let too_few = Blank::TooFewRepeaters {
        repeaters: 1,
        needed: 30,
    };
    assert_eq!(t.bgnbd, Err(too_few.clone()));
    assert_eq!(t.gamma_gamma, Err(too_few));
    assert_eq!(t.clv_blank, Some(Blank::NoPurchaseModel));
    for r in &t.rows {
        assert_eq!(
            (
                r.p_alive,
                r.expected_90,
                r.expected_365,
                r.expected_avg_order,
                r.clv
            ),
            (None, None, None, None, None)
        );
    }
}

#[test]
fn all_one_time_buyers_get_blank_columns_even_with_no_minimum() {
    let rows: Vec<(String, String)> = (0..50)
        .map(|i| (format!("c{i:02}"), format!("2025-01-{:02}", 1 + i % 28)))
        .collect();
    let rows: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|(c, d)| (c.as_str(), d.as_str(), 10_000))
        .collect();
    let l = ledger(&rows);
    let options = ValueOptions {
        min_repeaters: 0,
        ..ValueOptions::default()
    };
    let t = value_table(&l, day("2025-03-01"), options);
    assert_eq!(t.repeaters, 0);
    assert_eq!(
        t.bgnbd,
        Err(Blank::TooFewRepeaters {
            repeaters: 0,
            needed: 1
        })
    );
    assert!(
        t.rows
            .iter()
            .all(|r| r.p_alive.is_none() && r.clv.is_none())
    );
}

/// A made-up shop of 300 customers who buy at their own pace and drop out after a purchase
/// with their own probability (what BG/NBD assumes), from a fixed pseudo-random sequence.
fn busy_shop() -> SalesLedger {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut uniform = move || {
        // xorshift64*: small, deterministic, good enough for test data.
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    let start = day("2024-01-01");
    for c in 0..300_u32 {
        let mean_gap = 10.0 + 80.0 * uniform();
        let drop = 0.05 + 0.4 * uniform();
        let spend = 20_000.0 + 60_000.0 * uniform();
        let mut at = (uniform() * 200.0).floor();
        loop {
            let d = start + chrono::Days::new(at as u64);
            if d > day("2024-12-31") {
                break;
            }
            let amount = (spend * (0.5 + uniform())) as i64;
            rows.push((format!("c{c:03}"), d.to_string(), amount));
            if uniform() < drop {
                break;
            }
            at += (-mean_gap * (1.0 - uniform()).ln()).ceil();
        }
    }
    let refs: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|(c, d, a)| (c.as_str(), d.as_str(), *a))
        .collect();
    ledger(&refs)
}

#[test]
fn a_busy_shop_gets_finite_values_for_everyone() {
    let l = busy_shop();
    let t = value_table(&l, day("2024-09-30"), ValueOptions::default());
    let bg = t.bgnbd.as_ref().expect("BG/NBD fits");
    let gg = t.gamma_gamma.as_ref().expect("Gamma-Gamma fits");
    assert!(bg.ln_likelihood.is_finite() && bg.iterations > 0);
    assert!(gg.params.q > 1.0, "{gg:?}");
    assert_eq!(t.clv_blank, None);
    for r in &t.rows {
        let p = r.p_alive.unwrap();
        assert!((0.0..=1.0).contains(&p));
        let (e90, e365) = (r.expected_90.unwrap(), r.expected_365.unwrap());
        assert!(e90.is_finite() && e90 >= 0.0 && e90 <= e365 + 1e-12);
        let clv = r.clv.unwrap();
        // Discounting makes the value less than undiscounted orders × average order.
        assert!(clv.is_finite() && clv <= e365 * r.expected_avg_order.unwrap() + 1e-6);
    }
    // The maximum is a maximum: nudging any parameter lowers the likelihood.
    let rft: Vec<Rft> = histories(&l, day("2024-09-30"))
        .iter()
        .map(History::rft)
        .collect();
    let p = bg.params;
    for nudged in [
        BgNbd { r: p.r * 1.01, ..p },
        BgNbd {
            alpha: p.alpha * 0.99,
            ..p
        },
        BgNbd { a: p.a * 1.01, ..p },
        BgNbd { b: p.b * 0.99, ..p },
    ] {
        assert!(nudged.total_ln_likelihood(&rft) < bg.ln_likelihood);
    }
}

#[test]
fn the_same_ledger_gives_the_same_bits() {
    let l = busy_shop();
    let a = value_table(&l, day("2024-09-30"), ValueOptions::default());
    let b = value_table(&l, day("2024-09-30"), ValueOptions::default());
    assert_eq!(a, b);
}

#[test]
fn the_holdout_check_counts_purchase_days_after_the_cut() {
    let l = busy_shop();
    let h = holdout(
        &l,
        day("2024-09-30"),
        day("2024-12-31"),
        ValueOptions::default(),
    )
    .expect("fits");
    assert_eq!(h.days, 92);
    // Actual = purchase days in October–December of customers known by September.
    let known = histories(&l, day("2024-09-30"));
    let mut actual = 0;
    for k in &known {
        let c = &l.customers[&k.key];
        let days: std::collections::BTreeSet<_> = c
            .orders
            .values()
            .map(|o| o.at.date())
            .filter(|d| *d > day("2024-09-30") && *d <= day("2024-12-31"))
            .collect();
        actual += days.len() as u64;
    }
    assert_eq!(h.actual, actual);
    assert_eq!(h.customers, known.len());
    assert_eq!(h.deciles.len(), 10);
    assert_eq!(
        h.deciles.iter().map(|d| d.customers).sum::<usize>(),
        known.len()
    );
    assert_eq!(h.deciles.iter().map(|d| d.actual).sum::<u64>(), actual);
    assert!((h.deciles.iter().map(|d| d.predicted).sum::<f64>() - h.predicted).abs() < 1e-9);
    assert!(h.deciles[0].predicted >= h.deciles[9].predicted);
}

#[test]
fn grade_rules_can_name_p_alive_expected_orders_and_clv() {
    use crate::rules::Rule;
    use crate::settings::{GradeName, GradeRule, Origin, Settings};
    let l = busy_shop();
    let as_of = day("2024-09-30");
    let rule = |en: &str, text: &str| GradeRule {
        grade: GradeName {
            en: en.to_string(),
            ko: en.to_string(),
        },
        rule: Rule::parse(text).unwrap(),
        origin: Origin::Default,
    };
    let mut settings = Settings::defaults();
    settings.vip_rules = vec![
        rule("At risk", "p_alive < 30% and clv > 0"),
        rule("Coming back", "expected_orders_365 >= 1"),
        rule("Other", "true"),
    ];
    let t = crate::analysis::customers::customer_table(&l, &[], &[], &settings, as_of);
    let values = value_table(&l, as_of, ValueOptions::default());
    let (mut risk, mut back) = (0, 0);
    for row in &t.rows {
        let v = values.get(&row.key).unwrap();
        let p = v.p_alive.unwrap();
        assert_eq!(
            row.value().p_alive,
            Decimal::try_from(p).ok().map(|d| d.round_dp(4))
        );
        let want = if p < 0.3 && v.clv.unwrap() > 0.0 {
            risk += 1;
            "At risk"
        } else if v.expected_365.unwrap() >= 0.99995 {
            back += 1;
            "Coming back"
        } else {
            "Other"
        };
        assert_eq!(row.vip.name.en, want, "{}", row.key);
    }
    assert!(risk > 0 && back > 0, "{risk} {back}");
    // With the default rules the fit is not run and the metrics stay empty.
    let plain =
        crate::analysis::customers::customer_table(&l, &[], &[], &Settings::defaults(), as_of);
    assert!(plain.rows.iter().all(|r| r.value.is_none()));
}

#[test]
fn a_fit_that_does_not_converge_leaves_every_column_blank() {
    // Six months into the made-up shop the dropout probabilities are barely identified: the
    // likelihood keeps rising along a ridge (a and b growing together) and the search gives up.
    let l = busy_shop();
    let t = value_table(&l, day("2024-06-30"), ValueOptions::default());
    assert!(t.repeaters >= 30, "{}", t.repeaters);
    let Err(Blank::NotConverged { iterations }) = t.bgnbd else {
        panic!("expected no convergence, got {:?}", t.bgnbd);
    };
    assert!(iterations >= 5_000);
    assert_eq!(t.clv_blank, Some(Blank::NoPurchaseModel));
    for r in &t.rows {
        assert_eq!(
            (r.p_alive, r.expected_90, r.expected_365, r.clv),
            (None, None, None, None)
        );
    }
    // The holdout check says the same.
    assert!(matches!(
        holdout(
            &l,
            day("2024-06-30"),
            day("2024-09-30"),
            ValueOptions::default()
        ),
        Err(Blank::NotConverged { .. })
    ));
}

#[test]
fn the_prepared_fits_find_the_same_bits_as_the_plain_likelihoods() {
    let l = busy_shop();
    let hist = histories(&l, day("2024-09-30"));
    let rft: Vec<Rft> = hist.iter().map(History::rft).collect();
    let spends: Vec<Spend> = hist.iter().filter_map(History::spend).collect();
    let bg = fit_bgnbd(&rft, 30).unwrap();
    let plain = |z: &[f64]| {
        if !within(z) {
            return f64::INFINITY;
        }
        let p = BgNbd {
            r: special::exp(z[0]),
            alpha: special::exp(z[1]),
            a: special::exp(z[2]),
            b: special::exp(z[3]),
        };
        -p.total_ln_likelihood(&rft)
    };
    let mean_t = rft.iter().map(|c| c.t).sum::<f64>() / rft.len() as f64;
    let m = optim::minimise(&plain, &[0.0, special::ln(mean_t.max(1.0)), 0.0, 0.0]);
    assert_eq!((bg.ln_likelihood, bg.iterations), (-m.f, m.iterations));
    assert_eq!(bg.params.r, special::exp(m.x[0]));
    assert_eq!(bg.params.b, special::exp(m.x[3]));

    let gg = fit_gamma_gamma(&spends, 30).unwrap();
    let plain = |z: &[f64]| {
        if !within(z) {
            return f64::INFINITY;
        }
        let g = GammaGamma {
            p: special::exp(z[0]),
            q: special::exp(z[1]),
            gamma: special::exp(z[2]),
        };
        -g.total_ln_likelihood(&spends)
    };
    let mean_m = spends.iter().map(|s| s.m).sum::<f64>() / spends.len() as f64;
    let m = optim::minimise(&plain, &[0.0, 0.0, special::ln(mean_m)]);
    assert_eq!((gg.ln_likelihood, gg.iterations), (-m.f, m.iterations));
    assert_eq!(gg.params.gamma, special::exp(m.x[2]));
}

#[test]
fn customers_valued_on_two_threads_are_those_valued_in_turn() {
    let l = busy_shop();
    let t = value_table(&l, day("2024-09-30"), ValueOptions::default());
    let one = histories(&l, day("2024-09-30"));
    // Enough customers for the second half to go to another thread.
    let many: Vec<History> = std::iter::repeat_n(one, 2 * ROWS_PER_THREAD / 300 + 2)
        .flatten()
        .collect();
    assert!(many.len() >= 2 * ROWS_PER_THREAD);
    let (bg, gg) = (t.bgnbd.as_ref().ok(), t.gamma_gamma.as_ref().ok());
    let in_turn: Vec<CustomerValue> = many
        .iter()
        .cloned()
        .map(|h| value_one(h, bg, gg, ValueOptions::default()))
        .collect();
    assert_eq!(value_rows(many, bg, gg, ValueOptions::default()), in_turn);
}

#!/usr/bin/env python3
"""Independent per-customer totals for the UCI Online Retail data (SPEC §2 rules), to check
`dangol customers` against.

Reads an Online Retail (or Online Retail II) workbook or CSV and prints, per customer id:
orders (distinct invoices of order lines), net total (Quantity x UnitPrice, returns netted)
and last order date, as CSV on stdout sorted by customer; a summary on stderr.

Rules, written out independently of the Rust code:
  * a *return* line has a negative quantity or amount, or an invoice starting with "C";
    its amount, taken as negative (-|amount|), is subtracted from the customer's net total
    and it is not an order;
  * every other line is an order line; orders are distinct invoice numbers; an order's day
    is its earliest line's day; last_order = the latest order day;
  * lines without a customer id count in the shop total only;
  * money is exact decimal: a float cell is taken at its shortest repr (2.55 stays 2.55).

Usage:
  python3 scripts/uci_customer_totals.py "../shared/data/online-retail/derived/Online Retail (rebuilt from parquet).xlsx" > totals.csv
  python3 scripts/uci_customer_totals.py data.csv --as-of 2011-12-09 > totals.csv

Needs openpyxl for .xlsx (pip install openpyxl); CSV needs only the standard library.
"""

import argparse
import csv
import datetime as dt
import sys
from decimal import Decimal

HEADERS = {
    "invoice": {"invoiceno", "invoice"},
    "quantity": {"quantity"},
    "date": {"invoicedate"},
    "price": {"unitprice", "price"},
    "customer": {"customerid"},
}


def key(h):
    return "".join(ch for ch in str(h or "").lower() if ch not in " _-.")


def dec(v):
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, float):
        return Decimal(repr(v))
    return Decimal(str(v).strip())


def day(v):
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"not a date: {s!r}")


def customer_key(v):
    if v is None:
        return None
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    s = str(v).strip()
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s or None


def tables(path):
    """Yield (sheet name, row iterator) for every sheet (or the CSV)."""
    if path.lower().endswith((".csv", ".tsv")):
        with open(path, newline="", encoding="utf-8-sig") as f:
            yield path, csv.reader(f, delimiter="\t" if path.lower().endswith(".tsv") else ",")
        return
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        yield ws.title, ws.iter_rows(values_only=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--as-of", help="ignore lines after this day (YYYY-MM-DD)")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None

    orders = {}  # customer -> {invoice: earliest day}
    totals = {}  # customer -> Decimal
    shop = Decimal(0)
    anon = Decimal(0)
    lines = 0
    for sheet, rows in tables(args.path):
        header = next(rows, None)
        if header is None:
            continue
        cols = {}
        for i, h in enumerate(header):
            for field, names in HEADERS.items():
                if key(h) in names and field not in cols:
                    cols[field] = i
        missing = set(HEADERS) - set(cols)
        if missing:
            print(f"{sheet}: skipped, no column for {sorted(missing)}", file=sys.stderr)
            continue
        for r in rows:
            if r is None or all(v in (None, "") for v in r):
                continue
            lines += 1
            d = day(r[cols["date"]])
            if as_of and d > as_of:
                continue
            inv = str(r[cols["invoice"]]).strip()
            if inv.endswith(".0") and inv[:-2].isdigit():
                inv = inv[:-2]
            qty = dec(r[cols["quantity"]])
            amount = qty * dec(r[cols["price"]])
            is_return = qty < 0 or amount < 0 or inv.upper().startswith("C")
            if is_return:
                amount = -abs(amount)
            shop += amount
            c = customer_key(r[cols["customer"]])
            if c is None:
                anon += amount
                continue
            totals[c] = totals.get(c, Decimal(0)) + amount
            inv_days = orders.setdefault(c, {})
            if not is_return:
                inv_days[inv] = min(d, inv_days.get(inv, d))

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["customer", "orders", "total", "last_order"])
    for c in sorted(totals):
        inv_days = orders.get(c, {})
        last = max(inv_days.values()).isoformat() if inv_days else ""
        out.writerow([c, len(inv_days), format(totals[c].normalize(), "f"), last])
    print(
        f"{lines} lines, {len(totals)} customers, customer net total {totals_sum(totals)}, "
        f"no-customer net {anon}, shop net total {shop}",
        file=sys.stderr,
    )


def totals_sum(totals):
    return sum(totals.values(), Decimal(0))


if __name__ == "__main__":
    main()

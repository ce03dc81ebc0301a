#!/usr/bin/env python3
"""Independent per-file counts for `dangol check` on the UCI Online Retail workbooks, used to
state the expected numbers in `tests/integration/real_data.rs`.

For every sheet whose header row has InvoiceNo/Invoice, Quantity, InvoiceDate, UnitPrice/Price
and CustomerID/Customer ID, counts (openpyxl read-only mode, nothing from the Rust code):
  * rows       -- non-blank rows below the header;
  * c_invoices -- rows whose invoice is text starting with "C" followed by a digit;
  * returns    -- rows that are a C invoice, or have Quantity < 0, or Quantity x Price < 0
                  (the SPEC's return rule);
  * no_customer-- rows whose customer-id cell is blank;
  * bad        -- rows whose date is not a date, or quantity/price not a number;
  * customers  -- distinct customer ids over all the file's sales sheets (TOTAL line).

Usage: python3 scripts/uci_check_counts.py FILE.xlsx [...]   (pip install openpyxl)
"""

import datetime as dt
import sys
from decimal import Decimal

import openpyxl

WANT = {
    "invoice": {"invoiceno", "invoice"},
    "quantity": {"quantity"},
    "date": {"invoicedate"},
    "price": {"unitprice", "price"},
    "customer": {"customerid"},
}


def key(h):
    return "".join(ch for ch in str(h or "").lower() if ch not in " _-.")


def num(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    try:
        return Decimal(str(v).strip().replace(",", ""))
    except Exception:  # noqa: BLE001 - any unparsable text is a bad value
        return None


def blank(v):
    return v is None or (isinstance(v, str) and not v.strip())


def sheet_counts(ws, ids):
    rows = ws.iter_rows(values_only=True)
    cols = None
    for header in rows:
        keys = [key(h) for h in header]
        found = {f: next((i for i, k in enumerate(keys) if k in names), None) for f, names in WANT.items()}
        if all(v is not None for v in found.values()):
            cols = found
            break
    if cols is None:
        return None
    n = c_inv = ret = anon = bad = 0
    for r in rows:
        if all(blank(v) for v in r):
            continue
        n += 1
        get = lambda f: r[cols[f]] if cols[f] < len(r) else None  # noqa: E731
        inv, q, p, d, c = get("invoice"), num(get("quantity")), num(get("price")), get("date"), get("customer")
        if not isinstance(d, dt.datetime) or q is None or p is None:
            bad += 1
            continue
        inv_s = str(inv).strip() if inv is not None else ""
        is_c = isinstance(inv, str) and inv_s[:1] == "C" and inv_s[1:2].isdigit()
        c_inv += is_c
        if is_c or q < 0 or q * p < 0:
            ret += 1
        if blank(c):
            anon += 1
        else:
            ids.add(str(int(c)) if isinstance(c, (int, float)) else str(c).strip().lower())
    return {"rows": n, "c_invoices": c_inv, "returns": ret, "no_customer": anon, "bad": bad}


def main():
    for path in sys.argv[1:]:
        wb = openpyxl.load_workbook(path, read_only=True)
        total = {}
        ids = set()
        for ws in wb.worksheets:
            c = sheet_counts(ws, ids)
            print(f"{path} | {ws.title}: {c}")
            for k, v in (c or {}).items():
                total[k] = total.get(k, 0) + v
        total["customers"] = len(ids)
        print(f"{path} | TOTAL: {total}")


if __name__ == "__main__":
    main()

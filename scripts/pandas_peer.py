#!/usr/bin/env python3
"""The pandas peer of `dangol run`: what a shop owner's own pandas script doing dangol's nightly
job would do, written the way pandas users write it (and written well: vectorised, no per-row
Python).

1. read every sheet of the workbook with `pd.read_excel(sheet_name=None, engine="openpyxl")`
   and concatenate the sales sheets (those with invoice / quantity / price / customer columns);
2. per customer (`Customer ID`), up to the end of --as-of:
   - a *return* line has an invoice starting with "C", a negative quantity or a negative amount
     (Quantity x Price); its amount counts as -|amount| in the net total and it is not an order;
   - orders = distinct invoices of the other lines; net total = sum of amounts, returns netted;
   - average order = net total / orders (2 places); first / last order date (order lines);
   - recency days = as-of minus the last order date;
3. write the table back into the same workbook as the sheet "Customer Stats" through
   `pd.ExcelWriter(path, engine="openpyxl", mode="a", if_sheet_exists="replace")`, which loads
   the workbook with `openpyxl.load_workbook(path)` and re-encodes every part of it.

Timings per phase (read, compute, write) go to stderr, with the number of customers and the
grand net total.

Usage:
  pip install pandas openpyxl
  cp "../shared/data/online-retail/derived/online_retail_II (rebuilt).xlsx" /tmp/peer.xlsx
  chmod u+w /tmp/peer.xlsx
  /usr/bin/time -v python3 scripts/pandas_peer.py /tmp/peer.xlsx --as-of 2011-12-10
"""

import argparse
import sys
import time

import openpyxl  # noqa: F401  (the engine of read_excel and ExcelWriter)
import pandas as pd

# both spellings of the UCI data: Online Retail (InvoiceNo, UnitPrice, CustomerID) and
# Online Retail II (Invoice, Price, Customer ID)
RENAME = {
    "InvoiceNo": "Invoice",
    "UnitPrice": "Price",
    "CustomerID": "Customer ID",
}
NEEDED = ["Invoice", "Quantity", "InvoiceDate", "Price", "Customer ID"]
OUT_SHEET = "Customer Stats"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read(path):
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    frames = []
    for name, df in sheets.items():
        df = df.rename(columns=RENAME)
        if all(c in df.columns for c in NEEDED):
            frames.append(df[NEEDED])
        else:
            log(f"  skipping sheet {name!r} (not a sales sheet)")
    sales = pd.concat(frames, ignore_index=True)
    return sales, list(sheets)


def compute(sales, as_of):
    df = sales.copy()
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    df = df[df["InvoiceDate"] < as_of + pd.Timedelta(days=1)]
    df = df[df["Customer ID"].notna()]
    # 12346.0 (float column) -> "12346"
    cust = df["Customer ID"]
    if pd.api.types.is_float_dtype(cust):
        cust = cust.astype("int64")
    df["Customer ID"] = cust.astype(str)

    invoice = df["Invoice"].astype(str)
    amount = df["Quantity"] * df["Price"]
    is_return = invoice.str.startswith("C") | (df["Quantity"] < 0) | (amount < 0)
    df["amount"] = amount.where(~is_return, -amount.abs())
    df["Invoice"] = invoice
    df["day"] = df["InvoiceDate"].dt.normalize()

    total = df.groupby("Customer ID")["amount"].sum()
    order_lines = df[~is_return]
    g = order_lines.groupby("Customer ID")
    stats = pd.DataFrame(
        {
            "Orders": g["Invoice"].nunique(),
            "First order": g["day"].min(),
            "Last order": g["day"].max(),
        }
    )
    stats = stats.reindex(total.index)
    stats.insert(1, "Net total", total.round(2))
    stats["Orders"] = stats["Orders"].fillna(0).astype("int64")
    stats.insert(
        2,
        "Average order",
        (total / stats["Orders"].where(stats["Orders"] > 0)).round(2),
    )
    stats["Recency days"] = (as_of - stats["Last order"]).dt.days.astype("Int64")
    stats["First order"] = stats["First order"].dt.date
    stats["Last order"] = stats["Last order"].dt.date
    stats = stats.sort_values("Net total", ascending=False)
    stats.index.name = "Customer ID"
    return stats.reset_index(), float(total.sum())


def write(path, stats):
    # the usual recipe: append / replace one sheet in the existing book. In mode "a" pandas
    # opens the file with openpyxl.load_workbook(path) itself (so loading it a second time
    # here would only double the cost); openpyxl holds every sheet in memory and, on close,
    # writes every part of the package anew
    with pd.ExcelWriter(
        path, engine="openpyxl", mode="a", if_sheet_exists="replace"
    ) as writer:
        stats.to_excel(writer, sheet_name=OUT_SHEET, index=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook")
    ap.add_argument("--as-of", default="2011-12-10")
    args = ap.parse_args()
    as_of = pd.Timestamp(args.as_of)

    t0 = time.perf_counter()
    sales, sheet_names = read(args.workbook)
    t1 = time.perf_counter()
    log(f"read     {t1 - t0:8.2f} s  ({len(sales):,} rows from {len(sheet_names)} sheets)")

    stats, grand = compute(sales, as_of)
    t2 = time.perf_counter()
    log(f"compute  {t2 - t1:8.2f} s  ({len(stats):,} customers, net total {grand:,.3f})")

    write(args.workbook, stats)
    t3 = time.perf_counter()
    log(f"write    {t3 - t2:8.2f} s  (sheet {OUT_SHEET!r})")
    log(f"total    {t3 - t0:8.2f} s")


if __name__ == "__main__":
    main()

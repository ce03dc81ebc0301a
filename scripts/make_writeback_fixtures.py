#!/usr/bin/env python3
"""Builds the workbooks under tests/fixtures/writeback/ (run once; the results are committed).

Needs openpyxl + pillow (pip) and LibreOffice (Debian: libreoffice-calc-nogui).

- openpyxl_features.xlsx: written by openpyxl: styles, number formats, merged cells, data
  validation, conditional formatting, a bar chart, an image, a comment, global and sheet-local
  defined names, a second sheet with formulas.
- libreoffice_features.xlsx: the same workbook opened and saved by LibreOffice, so formulas
  carry cached values and the package has LibreOffice's own layout.
- macro.xlsm: libreoffice_features.xlsx turned into a macro workbook with the vbaProject.bin
  that ships with rust_xlsxwriter's examples (MIT/Apache-2.0).
"""
import datetime
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PilImage

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "writeback")
FIXED = datetime.datetime(2025, 4, 14, 9, 0, 0)


def build_openpyxl(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws["A1"] = "단골 상회 — 판매 기록"
    ws.merge_cells("A1:E1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    headers = ["주문일", "고객", "품목", "수량", "금액"]
    thin = Side(style="thin", color="999999")
    for i, h in enumerate(headers, start=1):
        c = ws.cell(row=2, column=i, value=h)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="4472C4")
        c.border = Border(bottom=thin)
    rows = [
        (datetime.date(2025, 3, 3), "김민지", "커피 원두", 2, 36000),
        (datetime.date(2025, 3, 9), "Lee & Sons", "드립백", 10, 15000),
        (datetime.date(2025, 3, 21), "김민지", "머그컵", 1, 12500.5),
        (datetime.date(2025, 4, 2), "박서준", "커피 원두", 3, 54000),
    ]
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            if c == 1:
                cell.number_format = "yyyy-mm-dd"
            if c == 5:
                cell.number_format = '#,##0"원"'
    ws["D7"] = "=SUM(D3:D6)"
    ws["E7"] = "=SUM(E3:E6)"
    ws["E7"].number_format = '#,##0"원"'
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 12
    ws.freeze_panes = "A3"
    dv = DataValidation(type="list", formula1='"커피 원두,드립백,머그컵"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C3:C100")
    ws.conditional_formatting.add(
        "E3:E100", CellIsRule(operator="greaterThan", formula=["40000"], fill=PatternFill("solid", fgColor="FFC7CE"))
    )
    ws.conditional_formatting.add(
        "D3:D100", ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="63BE7B")
    )
    ws["B3"].comment = Comment("첫 주문 고객", "owner")
    chart = BarChart()
    chart.title = "금액"
    chart.add_data(Reference(ws, min_col=5, min_row=2, max_row=6), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=6))
    ws.add_chart(chart, "G2")
    img = PilImage.new("RGB", (24, 16), (200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    ws.add_image(Image(buf), "G20")

    notes = wb.create_sheet("Notes")
    notes["A1"] = "합계"
    notes["B1"] = "=Sales!E7"
    notes["A2"] = "평균"
    notes["B2"] = "=AVERAGE(Sales!E3:E6)"
    notes["A3"] = "메모"
    notes["B3"] = "4월 재고 확인"

    wb.defined_names["TotalSales"] = DefinedName("TotalSales", attr_text="Sales!$E$7")
    notes.defined_names["LocalNote"] = DefinedName("LocalNote", attr_text="Notes!$B$3")
    ws.print_title_rows = "2:2"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)


def libreoffice_convert(src, dest_dir, filter_name):
    subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", filter_name, "--outdir", dest_dir, src],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def make_xlsm(src, dest, vba):
    ct_main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ct_macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(ct_main, ct_macro)
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)
        zi = zipfile.ZipInfo("xl/vbaProject.bin", date_time=(1980, 1, 1, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        with open(vba, "rb") as f:
            zout.writestr(zi, f.read())


def main():
    os.makedirs(OUT, exist_ok=True)
    build_openpyxl(os.path.join(OUT, "openpyxl_features.xlsx"))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "libreoffice_features.xlsx")
        shutil.copy(os.path.join(OUT, "openpyxl_features.xlsx"), src)
        outdir = os.path.join(tmp, "out")
        libreoffice_convert(src, outdir, "xlsx:Calc MS Excel 2007 XML")
        shutil.copy(os.path.join(outdir, "libreoffice_features.xlsx"), OUT)
    vba = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/rust_xlsxwriter-*/examples/vbaProject.bin"))
    if not vba:
        sys.exit("vbaProject.bin from rust_xlsxwriter's examples not found")
    make_xlsm(os.path.join(OUT, "libreoffice_features.xlsx"), os.path.join(OUT, "macro.xlsm"), vba[0])


if __name__ == "__main__":
    main()

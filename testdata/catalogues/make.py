#!/usr/bin/env python3
"""Makes the catalogue fixtures of testdata/catalogues/ (see README.md there).

The workbooks are written as a person would make them in a spreadsheet program: a merged
title row above the header, a code Excel stored as a number, page counts stored as text
and as 12.0, an empty row, a title with a comma and one with a line break. XLSX comes
from openpyxl; XLS, ODS and the UTF-8 CSV are LibreOffice's own conversions of it
(`soffice --headless --convert-to`); the GBK, UTF-16 and semicolon variants re-encode
LibreOffice's CSV the way Excel in a Chinese or European locale saves it.

Run from this folder: pip install openpyxl; apt-get install libreoffice-calc-nogui;
python3 make.py
"""
import csv, io, os, subprocess, tempfile
import openpyxl

TITLE = "某档案馆 文书档案目录"
HEADER = ["档号", "题名", "页数", "备注"]
ROWS = [
    ["J001-WS-2020-0001", "关于档案工作的通知", 3, None],
    ["J001-WS-2020-0002", "会议纪要，第一次, with a comma", "12", "页数存为文本"],
    [20200003, "以数字存储的档号", 5.0, None],
    None,  # an empty row
    ["J001-WS-2020-0004", "多行\n题名", 1, None],
]


def records_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案卷目录"
    ws.append([TITLE])
    ws.merge_cells("A1:D1")
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row or [])
    ws["B7"].alignment = openpyxl.styles.Alignment(wrap_text=True)
    notes = wb.create_sheet("说明")
    notes.append(["本工作簿由 make.py 生成"])
    wb.save(path)


def volumes_xlsx(path):
    wb = openpyxl.Workbook()
    vols = wb.active
    vols.title = "案卷目录"
    vols.append(["某档案馆 案卷目录"])
    vols.merge_cells("A1:C1")
    vols.append(["档号", "案卷题名", "页数"])
    vols.append(["J001-WS-2020-Y-0001", "第一卷", 10])
    vols.append(["J001-WS-2020-Y-0002", "第二卷", 6])
    items = wb.create_sheet("卷内目录")
    items.append(["案卷档号", "件号", "文件题名", "页号"])
    items.append(["J001-WS-2020-Y-0001", 1, "通知", "1"])
    items.append([None, 2, "请示", 4])
    items.append([None, 3, "批复", "8-10"])
    items.merge_cells("A2:A4")  # the volume code, merged over its items
    items.append(["J001-WS-2020-Y-0002", 1, "报告", "1-3"])
    items.append(["J001-WS-2020-Y-0002", 2, "函", "4-6"])
    wb.save(path)


def soffice(src, fmt, outdir):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", fmt, "--outdir", outdir, src],
        check=True, capture_output=True,
    )


def main():
    records_xlsx("records.xlsx")
    volumes_xlsx("volumes.xlsx")
    soffice("records.xlsx", "xls", ".")
    soffice("records.xlsx", "ods", ".")
    with tempfile.TemporaryDirectory() as tmp:
        # Text CSV filter: comma, double quote, UTF-8 (76), first sheet.
        soffice("records.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76", tmp)
        text = open(os.path.join(tmp, "records.csv"), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    open("records-utf8.csv", "w", encoding="utf-8", newline="").write(text)
    open("records-utf8-bom.csv", "w", encoding="utf-8-sig", newline="").write(text)
    open("records-gbk.csv", "w", encoding="gb18030", newline="").write(text)
    for name, delim, enc in [("records-utf16.txt", "\t", "utf-16"), ("records-semicolon.csv", ";", "utf-8")]:
        out = io.StringIO()
        csv.writer(out, delimiter=delim, lineterminator="\r\n").writerows(rows)
        open(name, "w", encoding=enc, newline="").write(out.getvalue())


if __name__ == "__main__":
    main()

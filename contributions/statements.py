"""Downloadable statements of contributions: CSV (UTF-8 with BOM, so spreadsheets show the
Vietnamese names) and PDF (one page per year, DejaVu Sans for the diacritics)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.csv_safe import csv_writer
from contributions.models import RecordStatus
from contributions.months import month_format

FONT_NAME = "DejaVuSans"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
SCHEME_LABELS = {
    "compulsory_si": "BHXH bắt buộc",
    "voluntary_si": "BHXH tự nguyện",
    "unemployment": "BHTN",
    "health": "BHYT",
}
STATUS_LABELS = {"paid": "Đã đóng", "owed": "Còn nợ", "reversed": "Thoái thu"}
CSV_COLUMNS = [
    "month",
    "scheme",
    "employer_code",
    "employer_name",
    "salary_base",
    "employee_amount",
    "employer_amount",
    "state_subsidy",
    "status",
]
AMOUNT_KEYS = ("employee_amount", "employer_amount", "state_subsidy")


@dataclass(frozen=True)
class StatementHeader:
    full_name: str
    social_insurance_number: str
    date_of_birth: date
    month_from: date | None
    month_to: date | None
    issued_on: date


def paid_totals(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(AMOUNT_KEYS, 0)
    for row in rows:
        if row["status"] == RecordStatus.PAID:
            for key in AMOUNT_KEYS:
                totals[key] += row[key]
    return totals


def statement_csv(header: StatementHeader, rows: list[dict[str, Any]]) -> bytes:
    """Details, a blank line, the table (machine column names), and the paid totals."""
    out = io.StringIO(newline="")
    writer = csv_writer(out)  # text that looks like a formula is neutralised
    writer.writerow(["Họ và tên", header.full_name])
    writer.writerow(["Mã số BHXH", header.social_insurance_number])
    writer.writerow(["Ngày sinh", header.date_of_birth.strftime("%d/%m/%Y")])
    writer.writerow(["Ngày lập", header.issued_on.isoformat()])
    writer.writerow([])
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                month_format(row["month"]),
                row["scheme"],
                row["employer__code"] or "",
                row["employer__name"] or "",
                row["salary_base"],
                row["employee_amount"],
                row["employer_amount"],
                row["state_subsidy"],
                row["status"],
            ]
        )
    totals = paid_totals(rows)
    writer.writerow(["total_paid", "", "", "", "", *(totals[key] for key in AMOUNT_KEYS), ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


def statement_pdf(header: StatementHeader, rows: list[dict[str, Any]]) -> bytes:
    """One page per calendar year with records (a long year flows onto a second page)."""
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=12, leading=15, spaceAfter=2)
    text = ParagraphStyle("text", fontName=font, fontSize=8.5, leading=11)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"Quá trình tham gia BHXH - {header.full_name}",
    )
    story: list[Any] = []
    years = [(year, list(items)) for year, items in groupby(rows, key=lambda r: r["month"].year)]
    for index, (year, items) in enumerate(years or [(header.issued_on.year, [])]):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(f"QUÁ TRÌNH THAM GIA BẢO HIỂM - NĂM {year}", title))
        story.append(Paragraph(_details(header), text))
        story.append(Spacer(1, 3 * mm))
        story.append(_year_table(font, items))
    document.build(story)
    return buffer.getvalue()


def _details(header: StatementHeader) -> str:
    period = ""
    if header.month_from or header.month_to:
        start = month_format(header.month_from) if header.month_from else "…"
        end = month_format(header.month_to) if header.month_to else "…"
        period = f"<br/>Kỳ: {start} đến {end}"
    return (
        f"Họ và tên: {escape(header.full_name)}<br/>"
        f"Mã số BHXH: {header.social_insurance_number} &nbsp; "
        f"Ngày sinh: {header.date_of_birth:%d/%m/%Y} &nbsp; Ngày lập: {header.issued_on:%d/%m/%Y}"
        f"{period}"
    )


def _year_table(font: str, rows: list[dict[str, Any]]) -> Table:
    data: list[list[str]] = [
        ["Tháng", "Loại", "Đơn vị", "Mức đóng", "NLĐ đóng", "Đơn vị đóng", "NN hỗ trợ", "TT"]
    ]
    for row in rows:
        data.append(
            [
                month_format(row["month"]),
                SCHEME_LABELS.get(row["scheme"], row["scheme"]),
                (row["employer__name"] or "Tự đóng")[:48],
                _vnd(row["salary_base"]),
                _vnd(row["employee_amount"]),
                _vnd(row["employer_amount"]),
                _vnd(row["state_subsidy"]),
                STATUS_LABELS.get(row["status"], row["status"]),
            ]
        )
    totals = paid_totals(rows)
    data.append(["Tổng đã đóng", "", "", "", *(_vnd(totals[key]) for key in AMOUNT_KEYS), ""])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("LEADING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f0f0f0")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (3, 1), (6, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table

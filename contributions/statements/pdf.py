"""The statement as a PDF (reportlab, A4 portrait) laid out like an official document.

First page: the issuing agency and its address beside the national motto, the title, the
holder (name, social insurance number, national ID masked but for its last 4 digits, date of
birth), the period and the moment of issue. Then a table per year: every record, the gap months
as gap rows, a subtotal. At the end: the totals per scheme with the participation time, the
months owed, a note and the legend of every abbreviation. On every page: the verification block
(QR, code, where to check) and "page N of M". The font is DejaVu Sans (bundled), so Vietnamese
renders and can be extracted as text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from contributions.statements import labels
from contributions.statements.content import (
    AMOUNT_KEYS,
    Gap,
    StatementContent,
    Verification,
    YearSection,
)
from contributions.statements.pdf_page import (
    FONT,
    FONT_BOLD,
    FOOTER_HEIGHT,
    INK,
    MARGIN,
    RULE,
    PageDecoration,
    numbered_canvas,
)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
HEAD_FILL = colors.HexColor("#e3e8f0")
GAP_FILL = colors.HexColor("#fbf3e4")
TOTAL_FILL = colors.HexColor("#f0f2f5")
# Month, scheme, employer, salary base, employee, employer, state, status: 180 mm in all.
COLUMN_WIDTHS = [16 * mm, 15 * mm, 57 * mm, 20 * mm, 19 * mm, 20 * mm, 17 * mm, 16 * mm]
TOTAL_WIDTHS = [30 * mm, 16 * mm, 30 * mm, 22 * mm, 22 * mm, 20 * mm, 16 * mm, 24 * mm]


def _fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))


def _style(name: str, size: float, *, bold: bool = False, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=size * 1.3,
        textColor=INK,
        **extra,
    )


STYLES = {
    "agency": _style("agency", 9.5, bold=True, alignment=TA_CENTER),
    "address": _style("address", 7.5, alignment=TA_CENTER),
    "title": _style("title", 11, bold=True, alignment=TA_CENTER, spaceBefore=4 * mm),
    "subtitle": _style("subtitle", 9, alignment=TA_CENTER, spaceAfter=3 * mm),
    "label": _style("label", 8),
    "value": _style("value", 8.5, bold=True),
    "year": _style("year", 9.5, bold=True, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    "cell": _style("cell", 6.8),
    "note": _style("note", 7.2),
    "heading": _style("heading", 9.5, bold=True, spaceBefore=4 * mm, spaceAfter=1.5 * mm),
}


def statement_pdf(content: StatementContent, verification: Verification) -> bytes:
    """Render in the active language (``translation.override`` around the call)."""
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=FOOTER_HEIGHT + 4 * mm,
        title=_title(),
        author=labels.issuer_name(),
        subject=f"{content.holder.full_name} {verification.code}",
    )
    page = PageDecoration(content, verification)
    story = [*_header(content, verification), *_years(content), *_totals(content), *_legend()]
    document.build(
        story,
        onFirstPage=page.draw,
        onLaterPages=page.draw,
        canvasmaker=numbered_canvas(pgettext("statement", "Page %(page)s of %(pages)s")),
    )
    return buffer.getvalue()


def _title() -> str:
    return pgettext(
        "statement", "STATEMENT OF SOCIAL, UNEMPLOYMENT AND HEALTH INSURANCE CONTRIBUTIONS"
    )


# --- First page: agency, title, holder ----------------------------------------------------------


def _header(content: StatementContent, verification: Verification) -> list[Any]:
    holder = content.holder
    agency = [
        Paragraph(escape(labels.issuer_name()), STYLES["agency"]),
        Paragraph(escape(settings.STATEMENT_ISSUER_ADDRESS), STYLES["address"]),
    ]
    motto = [
        Paragraph(pgettext("statement", "SOCIALIST REPUBLIC OF VIET NAM"), STYLES["agency"]),
        Paragraph(pgettext("statement", "Independence - Freedom - Happiness"), STYLES["address"]),
    ]
    top = Table([[agency, motto]], colWidths=[90 * mm, 90 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    pairs = [
        (pgettext("statement", "Full name"), holder.full_name),
        (pgettext("statement", "Date of birth"), labels.date_text(holder.date_of_birth)),
        (pgettext("statement", "SIN"), holder.social_insurance_number),
        (pgettext("statement", "ID"), holder.masked_national_id or "—"),
        (
            pgettext("statement", "Period"),
            labels.period_text(content.month_from, content.month_to),
        ),
        (pgettext("statement", "Issued at"), labels.datetime_text(verification.issued_at)),
        (pgettext("statement", "Verification code"), verification.code),
        (pgettext("statement", "Valid until"), labels.date_text(verification.expires_at)),
    ]
    cells = [
        [Paragraph(escape(label), STYLES["label"]), Paragraph(escape(value), STYLES["value"])]
        for label, value in pairs
    ]
    grid = Table(
        [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)],
        colWidths=[30 * mm, 60 * mm, 30 * mm, 60 * mm],
    )
    grid.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
                ("BACKGROUND", (2, 0), (2, -1), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [
        top,
        Paragraph(escape(_title()), STYLES["title"]),
        Paragraph(
            escape(labels.period_text(content.month_from, content.month_to)), STYLES["subtitle"]
        ),
        grid,
    ]


# --- Per year --------------------------------------------------------------------------------


def _column_heads() -> list[str]:
    return [
        pgettext("statement", "Month"),
        pgettext("statement", "Scheme"),
        pgettext("statement", "Employer"),
        pgettext("statement", "Salary base"),
        pgettext("statement", "EE"),
        pgettext("statement", "ER"),
        pgettext("statement", "State"),
        pgettext("statement", "St."),
    ]


def _years(content: StatementContent) -> list[Any]:
    story: list[Any] = []
    for section in content.years():
        heading = Paragraph(
            escape(pgettext("statement", "Year %(year)s") % {"year": section.year}),
            STYLES["year"],
        )
        # a year's heading never ends a page: it starts on the next one with its first rows
        story += [CondPageBreak(30 * mm), heading, _year_table(section)]
    return story


def _year_table(section: YearSection) -> Table:
    data: list[list[Any]] = [_column_heads()]
    commands: list[tuple[Any, ...]] = []
    for entry in section.entries:
        if isinstance(entry, Gap):
            row = len(data)
            data.append([_gap_text(entry), "", "", "", "", "", "", ""])
            commands += [
                ("SPAN", (0, row), (-1, row)),
                ("BACKGROUND", (0, row), (-1, row), GAP_FILL),
            ]
            continue
        employer = entry["employer__name"] or pgettext("statement", "Self-paid")
        if entry["employer__code"]:
            employer = f"{entry['employer__code']} {labels.DASH} {employer}"
        data.append(
            [
                labels.month_text(entry["month"]),
                labels.scheme_abbreviation(entry["scheme"]),
                Paragraph(escape(employer), STYLES["cell"]),
                labels.money_text(entry["salary_base"]),
                *(labels.money_text(entry[key]) for key in AMOUNT_KEYS),
                labels.status_text(entry["status"]),
            ]
        )
    if section.has_rows:
        subtotal = pgettext("statement", "Subtotal %(year)s (%(months)s months paid)") % {
            "year": section.year,
            "months": section.months_paid,
        }
        data.append(
            [
                subtotal,
                "",
                "",
                "",
                *(labels.money_text(section.subtotal[k]) for k in AMOUNT_KEYS),
                "",
            ]
        )
        last = len(data) - 1
        commands += [
            ("SPAN", (0, last), (3, last)),
            ("BACKGROUND", (0, last), (-1, last), TOTAL_FILL),
            ("FONTNAME", (0, last), (-1, last), FONT_BOLD),
        ]
    table = Table(data, colWidths=COLUMN_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle(_table_style() + commands))
    return table


def _gap_text(gap: Gap) -> str:
    return pgettext(
        "statement", "No contribution from %(first)s to %(last)s (%(months)s months, a gap)"
    ) % {
        "first": labels.month_text(gap.first),
        "last": labels.month_text(gap.last),
        "months": gap.months,
    }


def _table_style() -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("LEADING", (0, 0), (-1, -1), 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.25, RULE),
        ("ALIGN", (3, 0), (6, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]


# --- Totals and legend -----------------------------------------------------------------------


def _totals(content: StatementContent) -> list[Any]:
    totals = content.totals
    heads = [
        pgettext("statement", "Scheme"),
        pgettext("statement", "Months paid"),
        pgettext("statement", "Participation time"),
        pgettext("statement", "EE"),
        pgettext("statement", "ER"),
        pgettext("statement", "State"),
        pgettext("statement", "Months owed"),
        pgettext("statement", "Amount owed"),
    ]
    data: list[list[Any]] = [[Paragraph(escape(head), STYLES["cell"]) for head in heads]]
    for item in totals["schemes"]:
        time = item["participation_time"]
        data.append(
            [
                labels.scheme_abbreviation(item["scheme"]),
                str(item["months_contributed"]),
                labels.duration_text(time["years"], time["months"]),
                labels.money_text(item["employee_total"]),
                labels.money_text(item["employer_total"]),
                labels.money_text(item["state_total"]),
                str(item["months_owed"]),
                labels.money_text(item["owed_total"]),
            ]
        )
    data.append(
        [
            pgettext("statement", "Total"),
            "",
            "",
            labels.money_text(totals["employee_total"]),
            labels.money_text(totals["employer_total"]),
            labels.money_text(totals["state_total"]),
            "",
            labels.money_text(totals["owed_total"]),
        ]
    )
    table = Table(data, colWidths=TOTAL_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_table_style(),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("ALIGN", (6, 1), (7, -1), "RIGHT"),
                ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
                ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
            ]
        )
    )
    si = totals["social_insurance_time"]
    si_line = pgettext(
        "statement",
        "Social insurance time (CSI and VSI, each calendar month counted once): %(time)s.",
    ) % {"time": labels.duration_text(si["years"], si["months"])}
    note = pgettext(
        "statement",
        "Participation time counts the months with a paid contribution, each calendar month "
        "once per scheme. Amounts owed and reversed months are not counted as paid.",
    )
    return [
        KeepTogether(
            [
                Paragraph(
                    escape(
                        f"{pgettext('statement', 'Totals by scheme')} "
                        f"({pgettext('statement', 'VND')})"
                    ),
                    STYLES["heading"],
                ),
                table,
                Spacer(1, 2 * mm),
                Paragraph(f"<b>{escape(si_line)}</b>", STYLES["note"]),
                Paragraph(escape(note), STYLES["note"]),
            ]
        )
    ]


def _legend() -> list[Any]:
    rows = [
        [
            Paragraph(f"<b>{escape(abbr)}</b>", STYLES["note"]),
            Paragraph(escape(meaning), STYLES["note"]),
        ]
        for abbr, meaning in labels.legend()
    ]
    table = Table(rows, colWidths=[22 * mm, 158 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
            ]
        )
    )
    heading = Paragraph(escape(pgettext("statement", "Abbreviations")), STYLES["heading"])
    return [KeepTogether([heading, table])]

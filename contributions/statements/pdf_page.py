"""What every page of the statement carries: the verification block (the QR drawn as vector
modules, the code, where to check, the validity), a running head after the first page, and
"page N of M" (a canvas that holds its pages until the count is known)."""

from __future__ import annotations

from typing import Any

import qrcode
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from contributions.statements import labels
from contributions.statements.content import StatementContent, Verification

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FOOTER_HEIGHT = 46 * mm
QR_SIZE = 38 * mm
INK = colors.HexColor("#1f2a44")
RULE = colors.HexColor("#8a94a6")


class PageDecoration:
    def __init__(self, content: StatementContent, verification: Verification) -> None:
        self.content = content
        self.verification = verification
        self.matrix = _qr_matrix(verification.token)

    def draw(self, canvas: pdf_canvas.Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setFillColor(INK)
        if canvas.getPageNumber() > 1:
            self._running_head(canvas)
        self._verification_block(canvas)
        canvas.restoreState()

    def _running_head(self, canvas: pdf_canvas.Canvas) -> None:
        holder = self.content.holder
        top = PAGE_HEIGHT - 9 * mm
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, top, labels.issuer_name())
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN,
            top,
            f"{holder.full_name} · {pgettext('statement', 'SIN')} "
            f"{holder.social_insurance_number} · {self.verification.code}",
        )
        canvas.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)

    def _verification_block(self, canvas: pdf_canvas.Canvas) -> None:
        top = FOOTER_HEIGHT
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top, PAGE_WIDTH - MARGIN, top)
        _draw_qr(canvas, self.matrix, MARGIN, top - 3 * mm - QR_SIZE, QR_SIZE)
        x = MARGIN + QR_SIZE + 6 * mm
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawString(x, top - 8 * mm, pgettext("statement", "VERIFICATION"))
        canvas.setFont(FONT, 8)
        canvas.drawString(
            x,
            top - 13.5 * mm,
            f"{pgettext('statement', 'Verification code')}: ",
        )
        label_width = canvas.stringWidth(f"{pgettext('statement', 'Verification code')}: ", FONT, 8)
        canvas.setFont(FONT_BOLD, 11)
        canvas.drawString(x + label_width, top - 13.5 * mm, self.verification.code)
        canvas.setFont(FONT, 7.5)
        lines = [
            pgettext("statement", "Check online: %(url)s") % {"url": self.verification.verify_url},
            pgettext(
                "statement",
                "Or scan the QR code: it is signed by the agency (EdDSA) and checks offline",
            ),
            pgettext("statement", "against the public keys at %(url)s.")
            % {"url": self.verification.jwks_url},
            pgettext(
                "statement",
                "Valid until %(date)s unless revoked; a revocation shows in the online check.",
            )
            % {"date": labels.date_text(self.verification.expires_at)},
        ]
        for index, line in enumerate(lines):
            _draw_fitted(canvas, line, x, top - (19 + 4.2 * index) * mm, PAGE_WIDTH - MARGIN - x)


def _draw_fitted(canvas: pdf_canvas.Canvas, text: str, x: float, y: float, width: float) -> None:
    """Draw one line at 7.5 pt, smaller if it would run past ``width`` (a long address)."""
    size = 7.5
    while size > 5 and canvas.stringWidth(text, FONT, size) > width:
        size -= 0.25
    canvas.setFont(FONT, size)
    canvas.drawString(x, y, text)


def _qr_matrix(token: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(token)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(
    canvas: pdf_canvas.Canvas, matrix: list[list[bool]], x: float, y: float, size: float
) -> None:
    """Dark modules as filled rectangles, one per horizontal run (vector: sharp at any zoom)."""
    module = size / len(matrix)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + start * module, top, (column - start) * module, module + 0.05, 0, 1)


def numbered_canvas(template: str) -> type[pdf_canvas.Canvas]:
    """A canvas that holds its pages until the end, then writes "page N of M" on each."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(INK)
                self.drawRightString(
                    PAGE_WIDTH - MARGIN,
                    8 * mm,
                    template % {"page": self._pageNumber, "pages": total},
                )
                super().showPage()
            super().save()

    return NumberedCanvas

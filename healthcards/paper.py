"""The unsigned text printed as a QR on today's paper cards, in its two layouts.

- 2016: ``card number|name hex|birth|gender|address hex|facility|from|to|issued|office|parent
  hex|area|five-year|token|$``
- 2023: the 10-digit social insurance number first, then the same fields and ``benefit
  level|address hex|$``.

Anyone can write this text, so it only identifies a card; the verdict comes from the database
(card status) and from comparing name and date of birth with the record.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from accounts.selectors import identifier_kind
from healthcards.beneficiaries import CARD_NUMBER_RE

_HEX_RE = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")
_BIRTH_FULL_RE = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")
_BIRTH_YEAR_RE = re.compile(r"^[0-9]{4}$")
LAYOUT_2016_FIELDS = 14
LAYOUT_2023_FIELDS = 16


class PaperCardMalformed(ValueError):
    pass


@dataclass(frozen=True)
class PaperCard:
    card_number: str | None  # 2016 layout
    social_insurance_number: str | None  # 2023 layout
    full_name: str
    birth_text: str  # "dd/mm/yyyy" or "yyyy"
    gender: str  # "1" male, "2" female
    facility_code: str  # "01C54"


def looks_like_paper_card(text: str) -> bool:
    return "|" in text and text.rstrip().endswith("$")


def paper_card_parse(text: str) -> PaperCard:
    fields = text.strip().split("|")
    if fields[-1] != "$":
        raise PaperCardMalformed("The text does not end with '|$'.")
    fields = [field.strip() for field in fields[:-1]]
    first = fields[0]
    if CARD_NUMBER_RE.match(first) and len(fields) == LAYOUT_2016_FIELDS:
        number, sin = first, None
    elif (
        identifier_kind(value=first) == "social_insurance_number"
        and len(fields) == LAYOUT_2023_FIELDS
    ):
        number, sin = None, first
    else:
        raise PaperCardMalformed("Neither the 2016 nor the 2023 layout.")
    birth = fields[2]
    if not (_BIRTH_FULL_RE.match(birth) or _BIRTH_YEAR_RE.match(birth)):
        raise PaperCardMalformed("The date of birth is neither dd/mm/yyyy nor yyyy.")
    return PaperCard(
        card_number=number,
        social_insurance_number=sin,
        full_name=hex_text_decode(fields[1]),
        birth_text=birth,
        gender=fields[3],
        facility_code=fields[5].replace(" ", "").replace("-", ""),
    )


def hex_text_decode(value: str) -> str:
    if not _HEX_RE.match(value):
        raise PaperCardMalformed("A name is hex of UTF-8.")
    try:
        return bytes.fromhex(value).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PaperCardMalformed("A name is hex of UTF-8.") from error


def name_key(name: str) -> str:
    """Compare names without case, diacritics or extra spaces ("NGUYỄN  Thị" == "nguyen thi"):
    hospital systems print them either way, and a forger gains nothing from the difference."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


def birth_matches(birth_text: str, born: date) -> bool:
    full = _BIRTH_FULL_RE.match(birth_text)
    if full:
        day, month, year = (int(part) for part in full.groups())
        return (year, month, day) == (born.year, born.month, born.day)
    return int(birth_text) == born.year

"""The unsigned text of the QR on the chip-based citizen identity card (CCCD, căn cước).

``national ID|old ID or empty|full name|ddmmyyyy|Nam or Nữ|address|issue ddmmyyyy`` followed,
on cards issued since 2024, by further ``|`` fields that are ignored. Scanners type the text as
keystrokes: surrounding whitespace is dropped and Unicode is brought to NFC (some send NFD,
with combining accents).

Like the paper card's, this text is unsigned: it only says whose card to look up. The verdict
comes from the database (the person's current card and its status) and from comparing the name
(without case, diacritics or extra spaces, as for paper cards) and the date of birth with the
record. Nothing of it is kept: the address, old ID and issue date are read and dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from accounts.selectors import identifier_kind

ID_CARD_FIELDS = 7
_NATIONAL_ID_RE = re.compile(r"^[0-9]{12}$")
_OLD_ID_RE = re.compile(r"^(?:[0-9]{9}|[0-9]{12})?$")
_DDMMYYYY_RE = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{4})$")
_GENDERS = {"nam": "male", "nữ": "female"}


class IdCardMalformed(ValueError):
    pass


@dataclass(frozen=True)
class IdCard:
    national_id: str
    full_name: str
    date_of_birth: date
    gender: str  # "male" or "female"


def id_card_text_normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def looks_like_id_card(text: str) -> bool:
    """Pipe-separated, no paper-card ``$`` terminator, a 12-digit number first."""
    text = id_card_text_normalize(text)
    if "|" not in text or text.endswith("$"):
        return False
    return bool(_NATIONAL_ID_RE.match(text.split("|", 1)[0].strip()))


def id_card_parse(text: str) -> IdCard:
    fields = [field.strip() for field in id_card_text_normalize(text).split("|")]
    if len(fields) < ID_CARD_FIELDS:
        raise IdCardMalformed("An identity card's QR has at least 7 fields.")
    national_id, old_id, full_name, born, gender = fields[:5]
    if identifier_kind(value=national_id) != "national_id":
        raise IdCardMalformed("The first field is not a national ID.")
    if not _OLD_ID_RE.match(old_id):
        raise IdCardMalformed("The old ID is empty, 9 or 12 digits (CMND).")
    if not full_name:
        raise IdCardMalformed("The name is empty.")
    if gender.casefold() not in _GENDERS:
        raise IdCardMalformed("The gender is Nam or Nữ.")
    date_parse(fields[6])  # the issue date: checked for shape, then dropped
    return IdCard(
        national_id=national_id,
        full_name=full_name,
        date_of_birth=date_parse(born),
        gender=_GENDERS[gender.casefold()],
    )


def date_parse(value: str) -> date:
    """``ddmmyyyy`` as printed on the card."""
    match = _DDMMYYYY_RE.match(value)
    if not match:
        raise IdCardMalformed("A date is ddmmyyyy.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise IdCardMalformed("A date is ddmmyyyy.") from error

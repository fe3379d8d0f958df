"""The committed Vietnamese catalogue (.mo) is compiled from the .po beside it."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


def test_compiled_catalogue_matches_the_source():
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(str(LOCALE / "django.po"))}
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    assert source, "the catalogue is empty"
    stale = {msgid for msgid, text in source.items() if compiled.gettext(msgid) != text}
    assert stale == set(), "run `make messages` after editing django.po"

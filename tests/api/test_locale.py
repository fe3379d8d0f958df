"""The committed Vietnamese catalogue (.mo) is compiled from the .po beside it."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


def test_compiled_catalogue_matches_the_source():
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(str(LOCALE / "django.po"))
    }
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def lookup(context: str | None, msgid: str) -> str:
        return compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)

    assert source, "the catalogue is empty"
    stale = {key for key, text in source.items() if lookup(*key) != text}
    assert stale == set(), "run `make messages` after editing django.po"

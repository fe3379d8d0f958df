"""The registry of notification kinds: for each, its category and its title and body in vi
and en (gettext). Callers name a kind and hand data (ids, amounts, dates, never text); the
text is rendered here, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from notifications.models import Category


class Kind(StrEnum):
    SECURITY_NEW_LOGIN = "security_new_login"
    SECURITY_PASSWORD_CHANGED = "security_password_changed"  # noqa: S105 - a kind name
    SECURITY_ACCOUNT_RESET = "security_account_reset"
    SECURITY_ACCOUNT_UNLOCKED = "security_account_unlocked"
    SECURITY_PHONE_CHANGE_REQUESTED = "security_phone_change_requested"
    SECURITY_PHONE_CHANGED = "security_phone_changed"
    CONTRIBUTIONS_POSTED = "contributions_posted"
    EMPLOYER_ARREARS = "employer_arrears"
    BENEFIT_PAID = "benefit_paid"
    HEALTHCARD_SCANNED = "healthcard_scanned"
    HEALTHCARD_EXPIRING = "healthcard_expiring"
    CAMPAIGN = "campaign"


Params = Callable[[dict[str, Any], str], dict[str, str]]


def _when(value: Any) -> str:
    """An ISO datetime as local "HH:MM dd/mm/yyyy"."""
    if not value:
        return ""
    moment = datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


def _day(value: Any) -> str:
    return f"{date.fromisoformat(str(value)[:10]):%d/%m/%Y}" if value else ""


def _amount(value: Any, language: str) -> str:
    grouped = f"{int(value or 0):,}"
    return grouped.replace(",", ".") if language == "vi" else grouped


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key, ""))


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    category: str
    title: Promise
    body: Promise
    params: Params = lambda data, language: {}


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in [
        KindSpec(
            Kind.SECURITY_NEW_LOGIN,
            Category.SECURITY,
            _("New sign-in to your account"),
            _(
                "Your account was signed in on %(device)s at %(time)s. If this was not you, "
                "change your password now or call the hotline."
            ),
            lambda d, lang: {"device": _text(d, "device"), "time": _when(d.get("at"))},
        ),
        KindSpec(
            Kind.SECURITY_PASSWORD_CHANGED,
            Category.SECURITY,
            _("Your password was changed"),
            _(
                "The password of your account was changed at %(time)s. If this was not you, "
                "call the hotline now."
            ),
            lambda d, lang: {"time": _when(d.get("at"))},
        ),
        KindSpec(
            Kind.SECURITY_ACCOUNT_RESET,
            Category.SECURITY,
            _("Your account was reset by support"),
            _(
                "Support staff reset your account at %(time)s. Set a new password with the code "
                "sent to your phone."
            ),
            lambda d, lang: {"time": _when(d.get("at"))},
        ),
        KindSpec(
            Kind.SECURITY_ACCOUNT_UNLOCKED,
            Category.SECURITY,
            _("Your account was unlocked"),
            _("Support staff unlocked your account at %(time)s."),
            lambda d, lang: {"time": _when(d.get("at"))},
        ),
        KindSpec(
            Kind.SECURITY_PHONE_CHANGE_REQUESTED,
            Category.SECURITY,
            _("Your phone number is about to change"),
            _(
                "The phone number of your account will change on %(time)s. If you did not ask "
                "for this, open the app to cancel it or call the hotline."
            ),
            lambda d, lang: {"time": _when(d.get("effective_at"))},
        ),
        KindSpec(
            Kind.SECURITY_PHONE_CHANGED,
            Category.SECURITY,
            _("Your phone number was changed"),
            _("Codes are now sent to %(phone)s."),
            lambda d, lang: {"phone": _text(d, "phone_hint")},
        ),
        KindSpec(
            Kind.CONTRIBUTIONS_POSTED,
            Category.CONTRIBUTIONS,
            _("Your contributions were updated"),
            _(
                "The agency has recorded new months of your contributions. See them under "
                "Contributions."
            ),
        ),
        KindSpec(
            Kind.EMPLOYER_ARREARS,
            Category.CONTRIBUTIONS,
            _("Your employer owes contributions"),
            _(
                "%(employer)s has not paid your contributions since %(since)s (%(amount)s VND "
                "owed). Your benefits may be affected: contact your employer or the agency."
            ),
            lambda d, lang: {
                "employer": _text(d, "employer_name"),
                "since": _day(d.get("since")),
                "amount": _amount(d.get("amount"), lang),
            },
        ),
        KindSpec(
            Kind.BENEFIT_PAID,
            Category.BENEFITS,
            _("A benefit was paid"),
            _("A benefit payment of %(amount)s VND was made on %(date)s."),
            lambda d, lang: {
                "amount": _amount(d.get("amount"), lang),
                "date": _day(d.get("paid_on")),
            },
        ),
        KindSpec(
            Kind.HEALTHCARD_SCANNED,
            Category.HEALTHCARD,
            _("Your health-insurance card was scanned"),
            _(
                "%(facility)s checked card %(card_number)s (%(holder)s) at %(time)s. If this was "
                "not you, report it in the app."
            ),
            lambda d, lang: {
                "facility": _text(d, "facility_name"),
                "card_number": _text(d, "card_number"),
                "holder": _text(d, "holder_name"),
                "time": _when(d.get("scanned_at")),
            },
        ),
        KindSpec(
            Kind.HEALTHCARD_EXPIRING,
            Category.HEALTHCARD,
            _("Your health-insurance card expires soon"),
            _("Card %(card_number)s (%(holder)s) expires on %(date)s. Renew it to stay covered."),
            lambda d, lang: {
                "card_number": _text(d, "card_number"),
                "holder": _text(d, "holder_name"),
                "date": _day(d.get("valid_to")),
            },
        ),
        KindSpec(Kind.CAMPAIGN, Category.CAMPAIGN, _("Announcement"), _("Announcement")),
    ]
}


def kind_spec(kind: str) -> KindSpec:
    """The registered kind; an unknown kind is a programming error, raised at once."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown notification kind {kind!r}; register it in kinds.py") from None


def kind_render(
    *, kind: str, data: dict[str, Any], language: str, texts: dict[str, Any] | None = None
) -> tuple[str, str]:
    """The (title, body) of a notification in ``language``. ``texts`` holds a campaign's own
    ``{"title": {"vi", "en"}, "body": {...}}``."""
    if texts is not None:
        return _pick(texts["title"], language), _pick(texts["body"], language)
    spec = kind_spec(kind)
    with translation.override(language):
        params = spec.params(data, language)
        return str(spec.title), str(spec.body) % params


def _pick(localized: dict[str, str], language: str) -> str:
    return localized.get(language) or localized.get("vi") or next(iter(localized.values()), "")

"""Stable error codes of the accounts app. Never rename one: clients switch on them."""

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    INSUREE_NOT_FOUND = "insuree_not_found"

"""Stable machine codes of the contributions app's errors. Add, never rename."""

from enum import StrEnum


class ContributionErrorCode(StrEnum):
    IMPORT_INVALID = "import_invalid"
    IMPORT_FILE_UNREADABLE = "import_file_unreadable"
    IMPORT_FILE_TOO_LARGE = "import_file_too_large"
    IMPORT_EMPTY = "import_empty"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    NO_RECORDS = "no_records"
    STATEMENT_CODE_INVALID = "statement_code_invalid"
    # An import job's end when its worker failed (not a row or file error): nothing written.
    IMPORT_FAILED = "import_failed"
    IMPORT_INTERRUPTED = "import_interrupted"


class RowErrorCode(StrEnum):
    """Codes of per-row errors in an import report."""

    REQUIRED = "required"
    INVALID = "invalid"
    UNKNOWN_INSUREE = "unknown_insuree"
    UNKNOWN_EMPLOYER = "unknown_employer"
    EMPLOYER_REQUIRED = "employer_required"
    EMPLOYER_NOT_ALLOWED = "employer_not_allowed"
    FUTURE_MONTH = "future_month"
    NO_RATE = "no_rate"
    AMOUNT_MISMATCH = "amount_mismatch"
    OUT_OF_RANGE = "out_of_range"
    DUPLICATE_IN_FILE = "duplicate_in_file"

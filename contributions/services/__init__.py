"""Writes of the contributions app: importing declaration files, now or through a worker;
benefit payments; verifiable statements. The names other modules use are re-exported here."""

from contributions.services.benefits import benefit_payment_record
from contributions.services.imports import ImportResult, declaration_check, declaration_import
from contributions.services.jobs import import_job_create, import_job_run, import_jobs_reap
from contributions.services.posting import contributions_posted_notify, five_year_dates_refresh
from contributions.services.statements import (
    IssuedStatement,
    statement_issue,
    statement_revoke,
    statement_verify_url,
)

__all__ = [
    "ImportResult",
    "IssuedStatement",
    "benefit_payment_record",
    "contributions_posted_notify",
    "declaration_check",
    "declaration_import",
    "five_year_dates_refresh",
    "import_job_create",
    "import_job_run",
    "import_jobs_reap",
    "statement_issue",
    "statement_revoke",
    "statement_verify_url",
]

"""The import service's branches that HTTP cannot reach on demand."""

from __future__ import annotations

import hashlib

import pytest

from contributions.models import ContributionRecord, Declaration
from contributions.services import declaration_import
from tests.contributions.test_api_imports import csv_of, good_rows

pytestmark = pytest.mark.django_db


def test_a_concurrent_import_of_the_same_file_is_answered_as_a_replay(citizen, employer):
    # given another import of the same file committing while this one checks its rows
    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))
    digest = hashlib.sha256(content).hexdigest()

    def other_import_lands(stage, done, total):
        if stage == "check" and done == total:
            Declaration.objects.create(file_sha256=digest, status="posted", file_name="other")

    # when
    result = declaration_import(content=content, progress=other_import_lands)

    # then this import wrote nothing and answers with the other one
    assert result.replayed is True
    assert result.declaration.file_name == "other"
    assert ContributionRecord.objects.count() == 0


def test_progress_is_reported_for_both_stages(citizen, employer):
    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))
    seen = []

    declaration_import(content=content, progress=lambda *args: seen.append(args))

    assert ("check", 5, 5) in seen
    assert ("write", 5, 5) in seen

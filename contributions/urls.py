from django.urls import URLPattern, URLResolver, path

from contributions.views import agency, citizen, statements

app_name = "contributions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("contributions/", citizen.ContributionListApi.as_view(), name="contribution-list"),
    path(
        "contributions/summary",
        citizen.ContributionSummaryApi.as_view(),
        name="contribution-summary",
    ),
    path(
        "contributions/statement",
        statements.ContributionStatementApi.as_view(),
        name="contribution-statement",
    ),
    path(
        "contributions/statements",
        statements.StatementListApi.as_view(),
        name="statement-list",
    ),
    path(
        "contributions/statements/<str:statement_id>/revoke",
        statements.StatementRevokeApi.as_view(),
        name="statement-revoke",
    ),
    path(
        "statements/verify/<str:code>",
        statements.StatementVerifyApi.as_view(),
        name="statement-verify",
    ),
    path("benefits/", citizen.BenefitListApi.as_view(), name="benefit-list"),
    path("pension/estimate", citizen.PensionEstimateApi.as_view(), name="pension-estimate"),
    path("agency/imports", agency.DeclarationImportApi.as_view(), name="import-create"),
    path(
        "agency/imports/<int:declaration_id>",
        agency.DeclarationDetailApi.as_view(),
        name="import-detail",
    ),
    path(
        "agency/imports/jobs/<uuid:job_id>",
        agency.ImportJobDetailApi.as_view(),
        name="import-job-detail",
    ),
]

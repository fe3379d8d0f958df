from django.urls import URLPattern, URLResolver, path

from contributions import views

app_name = "contributions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("contributions/", views.ContributionListApi.as_view(), name="contribution-list"),
    path(
        "contributions/summary",
        views.ContributionSummaryApi.as_view(),
        name="contribution-summary",
    ),
    path("benefits/", views.BenefitListApi.as_view(), name="benefit-list"),
]

from django.urls import URLPattern, URLResolver

app_name = "healthcards"

urlpatterns: list[URLPattern | URLResolver] = []

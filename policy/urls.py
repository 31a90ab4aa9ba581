from django.urls import path

from . import views

# A reference holds slashes (2026/ENG/12): the search addresses come first.
urlpatterns = [
    path("", views.search_page, name="policy-search"),
    path("search.json", views.search_json, name="policy-search-json"),
    path("search.csv", views.search_csv, name="policy-search-csv"),
    path("<path:reference>/status/", views.change_status, name="policy-status"),
    path("<path:reference>/", views.entry_page, name="policy-entry"),
]

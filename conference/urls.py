from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from desk import public as desk_public

from . import health, views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("policy/", include("policy.urls")),
    path("login/", views.StaffLoginView.as_view(), name="staff-login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="index"), name="staff-logout"),
    path("c/<slug:slug>/", views.join, name="join"),
    path("c/<slug:slug>/join/<str:code>/", views.join, name="join-link"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/", include("voting.urls")),
    path("c/<slug:slug>/desk/", include("desk.urls")),
    path("c/<slug:slug>/", include("elections.urls")),
    path("c/<slug:slug>/results/motion/<int:number>/", desk_public.motion_result, name="motion-result"),
    path(
        "c/<slug:slug>/results/motion/E<int:number>/",
        desk_public.motion_result,
        {"emergency": True},
        name="emergency-motion-result",
    ),
    path("c/<slug:slug>/results/resolutions.<str:fmt>", desk_public.resolutions, name="resolutions-download"),
    path("c/<slug:slug>/results/export.<str:fmt>", desk_public.results_export, name="results-export"),
]

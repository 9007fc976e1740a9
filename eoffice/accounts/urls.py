from django.contrib.auth import views as auth_views
from django.urls import path

from eoffice.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/two-factor/", views.two_factor, name="two_factor"),
    path("profile/two-factor/start/", views.two_factor_start, name="two_factor_start"),
    path("profile/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("profile/two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("service-tokens/", views.service_tokens, name="service_tokens"),
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class AccountsConfig(AppConfig):
    name = "eoffice.accounts"
    label = "accounts"
    verbose_name = _lazy("Tài khoản và đăng nhập")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class DirectoryConfig(AppConfig):
    name = "eoffice.directory"
    label = "directory"
    verbose_name = _lazy("Danh bạ cơ quan, đơn vị và cán bộ")

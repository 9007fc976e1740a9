from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class PeopleConfig(AppConfig):
    name = "eoffice.people"
    label = "people"
    verbose_name = _lazy("Cán bộ, chức vụ và ủy quyền")

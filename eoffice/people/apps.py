from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "eoffice.people"
    label = "people"
    verbose_name = "Cán bộ, chức vụ và ủy quyền"

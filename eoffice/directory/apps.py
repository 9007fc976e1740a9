from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "eoffice.directory"
    label = "directory"
    verbose_name = "Danh bạ cơ quan, đơn vị và cán bộ"

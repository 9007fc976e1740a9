from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("eoffice.web.urls")),
    path("accounts/", include("eoffice.accounts.urls")),
    path("directory/", include("eoffice.directory.urls")),
    path("people/", include("eoffice.people.urls")),
    path("calendar/", include("eoffice.workcalendar.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

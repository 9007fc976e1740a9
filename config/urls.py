from django.conf import settings
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("eoffice.web.urls")),
    path("accounts/", include("eoffice.accounts.urls")),
    path("directory/", include("eoffice.directory.urls")),
    path("documents/", include("eoffice.documents.urls")),
    path("people/", include("eoffice.people.urls")),
    path("calendar/", include("eoffice.workcalendar.urls")),
    path("work/", include("eoffice.work.urls")),
    path("oversight/", include("eoffice.oversight.urls")),
    path("outgoing/", include("eoffice.outgoing.urls")),
    path("exchange/", include("eoffice.exchange.urls")),
    path("signing/", include("eoffice.signing.urls")),
    path("notifications/", include("eoffice.notifications.urls")),
    path("reminders/", include("eoffice.reminders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

# Error pages in the product's look; under the API they answer JSON (eoffice.web.errors).
handler400 = "eoffice.web.errors.bad_request"
handler403 = "eoffice.web.errors.permission_denied"
handler404 = "eoffice.web.errors.page_not_found"
handler500 = "eoffice.web.errors.server_error"

if settings.OIDC_ENABLED:
    # Single sign-on is mounted only when configured (EOFFICE_OIDC_CLIENT_ID and endpoints).
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

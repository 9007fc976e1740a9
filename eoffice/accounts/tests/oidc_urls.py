"""The project's URLs with single sign-on mounted, as config/urls.py does when OIDC is configured."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]

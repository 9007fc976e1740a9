"""Errors under /api/v1/ keep the API's promise: `{"code", "message", "field", "details"}` in JSON.

Most errors are raised inside an API view and reach the NinjaAPI's exception handlers
(config/api.py). The rest never reach ninja: an unknown path (Django's URL resolver), a wrong
method (ninja answers 405 itself, with no exception to handle) and anything raised around the
view. The project's error handlers (eoffice.web.errors) and `ApiErrorMiddleware` use this module
for those, so every error under the API has one shape and one set of codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# The stable code and the Vietnamese message of each HTTP status an API client may meet without
# a more precise error. Lazy: the message is translated when the response is built, in the
# request's language.
STATUS_ERRORS: dict[int, tuple[str, Promise]] = {
    400: ("bad_request", _lazy("Yêu cầu không hợp lệ.")),
    401: ("unauthenticated", _lazy("Cần đăng nhập hoặc mã truy cập hợp lệ.")),
    403: ("permission_denied", _lazy("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", _lazy("Không tìm thấy dữ liệu yêu cầu.")),
    405: ("method_not_allowed", _lazy("Địa chỉ này không nhận phương thức yêu cầu đã gửi.")),
    413: ("body_too_large", _lazy("Nội dung gửi lên quá lớn.")),
    429: ("too_many_requests", _lazy("Có quá nhiều yêu cầu; hãy thử lại sau ít phút.")),
    500: ("server_error", _lazy("Hệ thống gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; hãy thử lại sau.")),
}
# An error status with no entry of its own is told by its class.
_FALLBACK = {4: 400, 5: 500}


def error_body(
    code: str, message: str | Promise, *, field: str | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": str(message), "field": field, "details": details or {}}


def json_error(
    status: int,
    code: str | None = None,
    message: str | Promise | None = None,
    *,
    details: dict[str, Any] | None = None,
) -> JsonResponse:
    """The structured error for `status`; code and message default to the status's own."""
    default_code, default_message = (
        STATUS_ERRORS.get(status) or STATUS_ERRORS[_FALLBACK.get(status // 100, 500)]
    )
    body = error_body(code or default_code, message or default_message, details=details)
    return JsonResponse(body, status=status)


def api_root() -> str | None:
    """The API's mount point (script prefix included), from the URLconf rather than a second copy."""
    try:
        return reverse("api:api-root")
    except NoReverseMatch:
        return None


def is_api_request(request: HttpRequest) -> bool:
    root = api_root()
    return root is not None and request.path.startswith(root)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


def _method_not_allowed(request: HttpRequest, response: HttpResponse) -> JsonResponse:
    allowed = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
    message = _("Địa chỉ này không nhận phương thức %(method)s; dùng: %(allowed)s.") % {
        "method": request.method,
        "allowed": ", ".join(allowed),
    }
    answer = json_error(405, message=message, details={"allowed": allowed})
    # RFC 9110 requires Allow on a 405; clients use it to correct themselves.
    if response.has_header("Allow"):
        answer["Allow"] = response["Allow"]
    return answer


class ApiErrorMiddleware:
    """Give any error the API answered outside its exception handlers the API's JSON shape.

    Ninja answers a method its route does not have with a bare `HttpResponseNotAllowed`; this is
    where that becomes `method_not_allowed`. Pages outside the API are left as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response) or not is_api_request(request):
            return response
        if response.status_code == 405:
            return _method_not_allowed(request, response)
        answer = json_error(response.status_code)
        if response.has_header("Retry-After"):
            answer["Retry-After"] = response["Retry-After"]
        return answer

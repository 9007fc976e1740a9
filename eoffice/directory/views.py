"""Directory pages everyone signed in may read: search, tree, agency detail."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from eoffice.core.errors import DomainError, NotFound, PermissionDenied
from eoffice.directory import policies, selectors
from eoffice.directory.models import AgencyKind, AgencyStatus

View = Callable[..., HttpResponse]
PICK_LIMIT = 15


def guarded(view: View) -> View:
    """Sign-in required; a refusal or a missing agency renders a page, not a stack trace."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "directory/denied.html", {"message": exc.message}, status=403)
        except NotFound as exc:
            return render(
                request, "directory/denied.html", {"message": exc.message, "missing": True}, status=404
            )

    return wrapper


def _search_context(request: HttpRequest) -> dict[str, Any]:
    query = request.GET.get("q", "")[: selectors.MAX_QUERY_CHARS]
    inactive = request.GET.get("inactive") == "1"
    try:
        page = selectors.agency_search(
            query, include_inactive=inactive, limit=20, cursor=request.GET.get("cursor")
        )
    except DomainError as exc:
        return {"q": query, "inactive": inactive, "items": [], "error": exc.message}
    return {"q": query, "inactive": inactive, "items": page.items, "next_cursor": page.next_cursor}


@guarded
def browse(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = _search_context(request) if request.GET.get("q") else {"q": ""}
    context["top"] = selectors.agency_children(None)
    context["is_admin"] = policies.is_directory_admin(request.actor)  # type: ignore[attr-defined]
    return render(request, "directory/browse.html", context)


@guarded
def search(request: HttpRequest) -> HttpResponse:
    """Live results (HTMX) and "more" pages; without HTMX it is the browse page itself."""
    if not request.htmx:  # type: ignore[attr-defined]
        return browse(request)
    return render(request, "directory/_results.html", _search_context(request))


@guarded
def children(request: HttpRequest, code: str) -> HttpResponse:
    agency = selectors.agency_by_code(code)
    nodes = selectors.agency_children(agency)
    return render(request, "directory/_tree_nodes.html", {"nodes": nodes, "parent": agency})


HISTORY_LABELS = {
    "code": _("Mã định danh"),
    "code_qd20": _("Mã QĐ 20"),
    "name": _("Tên"),
    "short_name": _("Tên viết tắt"),
    "abbreviation": _("Viết tắt"),
    "kind": _("Loại"),
    "address": _("Địa chỉ"),
    "email": _("Thư điện tử"),
    "phone": _("Điện thoại"),
    "fax": _("Fax"),
    "website": _("Trang thông tin"),
    "hosted": _("Dùng hệ thống này"),
    "status": _("Trạng thái"),
    "parent": _("Cấp trên"),
    "successor": _("Kế thừa"),
    "predecessor": _("Cơ quan sáp nhập vào"),
}


def _shown(key: str, value: Any) -> Any:
    if key == "status" and value in AgencyStatus.values:
        return AgencyStatus(value).label
    if key == "kind" and value in AgencyKind.values:
        return AgencyKind(value).label
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return value


def _labelled(values: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(HISTORY_LABELS.get(key, key)), _shown(key, value)) for key, value in values.items()]


@guarded
def detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = selectors.agency_by_code(code)
    context = {
        "agency": agency,
        "ancestors": selectors.agency_ancestors(agency),
        "current": selectors.agency_current(agency),
        "predecessors": selectors.agency_predecessors(agency),
        "children": selectors.agency_children(agency),
        "units": selectors.unit_tree(agency, include_inactive=False),
        "inherited_units": [u for u in selectors.units_of(agency) if u.agency_id != agency.pk],
        "history": [(e, _labelled(e.before), _labelled(e.after)) for e in selectors.agency_history(agency)],
        "can_edit": policies.can_edit(request.actor, agency),  # type: ignore[attr-defined]
        "can_restructure": policies.can_restructure(request.actor, agency),  # type: ignore[attr-defined]
    }
    return render(request, "directory/detail.html", context)


@guarded
def pick(request: HttpRequest) -> HttpResponse:
    """<option> suggestions for agency-code inputs in the admin forms."""
    # The code inputs send their own name (parent_code, into_code); a plain q works too.
    raw = request.GET.get("q") or request.GET.get("parent_code") or request.GET.get("into_code") or ""
    query = raw[: selectors.MAX_QUERY_CHARS]
    items = selectors.agency_search(query, limit=PICK_LIMIT).items if query.strip() else []
    return render(request, "directory/_pick_options.html", {"items": items})

"""The left menu, per role. Later issues add their entries here (one list, in menu order)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop as _noop

from eoffice.core.actor import Actor
from eoffice.people.models import Role


@dataclass(frozen=True)
class MenuItem:
    # Vietnamese source text; base.html translates it with {% translate item.label %}.
    label: str
    url_name: str
    icon: str
    # Shown when the acting position has any of these roles; empty means everyone.
    roles: frozenset[str] = frozenset()
    superuser_only: bool = False
    # A system admin acting with no post sees only the pages that serve them without one (an
    # agency's register or its approval chains belong to a post in that agency).
    superuser_too: bool = False

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


ADMIN_ROLES = frozenset({Role.QUAN_TRI_CO_QUAN})

MENU: list[MenuItem] = [
    MenuItem(_noop("Trang chủ"), "web:home", "house"),
    MenuItem(_noop("Hộp việc"), "work:boxes", "list-check"),
    MenuItem(
        _noop("Bảng điều hành"),
        "oversight:board",
        "speedometer2",
        roles=frozenset({Role.LANH_DAO_CO_QUAN, Role.LANH_DAO_DON_VI}),
    ),
    MenuItem(_noop("Số liệu của tôi"), "oversight:me", "graph-up", roles=frozenset(Role.values)),
    MenuItem(
        _noop("Văn bản đến"),
        "documents:incoming",
        "inbox",
        roles=frozenset({Role.VAN_THU, Role.LANH_DAO_CO_QUAN}),
    ),
    MenuItem(
        _noop("Sổ văn bản đến"),
        "documents:registers",
        "journal-bookmark",
        roles=frozenset({Role.VAN_THU, Role.QUAN_TRI_CO_QUAN}),
    ),
    MenuItem(
        _noop("Quy tắc chuyển xử lý"),
        "documents:routing_rules",
        "signpost-split",
        roles=frozenset({Role.VAN_THU, Role.QUAN_TRI_CO_QUAN}),
    ),
    MenuItem(_noop("Dự thảo của tôi"), "outgoing:my_drafts", "pencil-square", roles=frozenset(Role.values)),
    MenuItem(_noop("Văn bản chờ ký"), "outgoing:to_sign", "pen", roles=frozenset(Role.values)),
    MenuItem(_noop("Văn bản chờ cấp số"), "outgoing:to_number", "123", roles=frozenset({Role.VAN_THU})),
    MenuItem(
        _noop("Sổ văn bản đi"),
        "outgoing:registers",
        "journal-arrow-up",
        roles=frozenset({Role.VAN_THU, Role.QUAN_TRI_CO_QUAN}),
    ),
    MenuItem(
        _noop("Quy trình trình ký"),
        "outgoing:chains",
        "diagram-2",
        roles=frozenset({Role.VAN_THU, Role.QUAN_TRI_CO_QUAN}),
    ),
    MenuItem(
        _noop("Theo dõi liên thông"),
        "exchange:monitor",
        "arrow-left-right",
        roles=frozenset({Role.VAN_THU, Role.QUAN_TRI_CO_QUAN}),
        superuser_too=True,
    ),
    MenuItem(_noop("Hệ thống liên thông"), "exchange:peers", "hdd-network", superuser_only=True),
    MenuItem(_noop("Trục liên thông"), "exchange:axes", "router", superuser_only=True),
    # Any agency post may check signatures; a user with no post is refused by the page.
    MenuItem(_noop("Kiểm tra chữ ký số"), "signing:validate", "patch-check", roles=frozenset(Role.values)),
    MenuItem(
        _noop("Ảnh chữ ký và khóa ký số"), "signing:credentials", "vector-pen", roles=frozenset(Role.values)
    ),
    MenuItem(_noop("Danh bạ cơ quan"), "directory:browse", "building"),
    MenuItem(
        _noop("Quản trị cơ quan"),
        "directory:admin_agencies",
        "diagram-3",
        roles=ADMIN_ROLES,
        superuser_too=True,
    ),
    MenuItem(
        _noop("Người dùng và chức vụ"), "people:admin_people", "people", roles=ADMIN_ROLES, superuser_too=True
    ),
    MenuItem(_noop("Đôn đốc tự động"), "reminders:policy", "alarm", roles=ADMIN_ROLES, superuser_too=True),
    MenuItem(_noop("Ủy quyền"), "people:delegations", "person-check"),
    MenuItem(_noop("Lịch làm việc"), "workcalendar:admin", "calendar3"),
    MenuItem(_noop("Nhật ký hệ thống"), "web:audit", "journal-text", superuser_only=True),
]


def menu_for(actor: Actor) -> list[tuple[MenuItem, str]]:
    roles = actor.position.role_set if actor.position is not None else set()
    visible = []
    for item in MENU:
        if item.superuser_only and not actor.is_superuser:
            continue
        if item.roles and not (item.roles & roles) and not (item.superuser_too and actor.is_superuser):
            continue
        url = item.url()
        if url is not None:
            visible.append((item, url))
    return visible

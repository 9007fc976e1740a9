"""A commune leader sees only their commune on the board, the processing times and the reports,
in pages and through the API; bad filters (a period ending before it starts, an unknown agency)
get a clear Vietnamese message beside the field on pages and a structured error in the API."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from eoffice.testing.cast import Cast
from eoffice.work.models import WorkItem
from eoffice.work.statuses import LineStatus

from .conftest import client_for, make_line

pytestmark = pytest.mark.django_db

REVERSED = {"from": "2026-05-02", "to": "2026-05-01"}
REVERSED_MESSAGE = "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."
AGENCY_MESSAGE = "Cơ quan không tồn tại hoặc ngoài phạm vi bạn được xem."
PAGES = ["oversight:board", "oversight:times", "oversight:reports", "oversight:me"]


@pytest.fixture
def both(cast: Cast) -> dict[str, Any]:
    """In department A: one line done on time, one overdue. In commune B: one done late, one overdue."""
    now = timezone.now()
    start = now - timedelta(days=3)
    a_kw: dict[str, Any] = {"agency": cast.agency_a, "user": cast.specialist_a, "assigned_at": start}
    b_kw: dict[str, Any] = {"agency": cast.agency_b, "user": cast.clerk_b, "assigned_at": start}
    late, soon = start + timedelta(hours=1), start + timedelta(days=1)
    lines = {
        "a_done": make_line(
            status=LineStatus.HOAN_THANH, deadline=soon, completed_at=start + timedelta(hours=3), **a_kw
        ),
        "a_overdue": make_line(status=LineStatus.DANG_XU_LY, deadline=now - timedelta(hours=2), **a_kw),
        "b_late": make_line(status=LineStatus.HOAN_THANH, deadline=late, completed_at=soon, **b_kw),
        "b_overdue": make_line(status=LineStatus.CHO_XU_LY, deadline=now - timedelta(hours=1), **b_kw),
    }
    WorkItem.objects.filter(pk=lines["a_overdue"].item_id).update(title="Việc của Sở Nội vụ")
    WorkItem.objects.filter(pk=lines["b_overdue"].item_id).update(title="Việc của xã Đồng Tâm")
    return lines


API = ("/api/v1/oversight/board", "/api/v1/oversight/times")


def _api_refuses(
    client: Any, params: dict[str, Any], code: str, message: str, field: str, paths: tuple[str, ...] = API
) -> None:
    """The API answers a refused filter with a structured 422 naming the field."""
    for path in paths:
        refused = client.get(path, params)
        assert refused.status_code == 422, path
        assert refused.json() == {"code": code, "message": message, "field": field, "details": {}}


def test_commune_leader_board_page_and_api_show_only_the_commune(
    cast: Cast, both: dict[str, Any], leader_b: Any
) -> None:
    client = client_for(leader_b)
    html = client.get(reverse("oversight:board")).content.decode()
    assert f'data-row="person:{cast.agency_b.pk}:{cast.clerk_b.pk}"' in html
    assert cast.specialist_a.full_name not in html and cast.agency_a.name not in html
    assert 'data-section="agencies"' not in html
    total = html.split('data-row="all"')[1].split("</tr>")[0]
    assert re.search(r'data-column="late">1<', total) and re.search(r'data-column="overdue">1<', total)
    assert re.search(r'data-column="on_time">0<', total)
    api = client.get("/api/v1/oversight/board").json()
    assert api["total"]["late"] == 1 and api["total"]["on_time"] == 0 and api["total"]["overdue"] == 1
    assert api["agencies"] == [] and [row["label"] for row in api["people"]] == [cast.clerk_b.full_name]
    # The lines behind the figures are the commune's only; a row of A asked for by hand is refused.
    listed = client.get(reverse("oversight:lines"), {"row": "all", "column": "overdue"}).content.decode()
    assert f'data-line-id="{both["b_overdue"].pk}"' in listed
    assert f'data-line-id="{both["a_overdue"].pk}"' not in listed
    row_a = f"person:{cast.agency_a.pk}:{cast.specialist_a.pk}"
    assert client.get(reverse("oversight:lines"), {"row": row_a, "column": "overdue"}).status_code == 422


def test_commune_leader_times_and_ranking_cover_only_the_commune(
    cast: Cast, both: dict[str, Any], leader_b: Any
) -> None:
    client = client_for(leader_b)
    page = client.get(reverse("oversight:times"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="ranking"' not in html
    assert 'data-figure="handled">1<' in html and 'data-figure="on_time_rate">0' in html
    assert cast.specialist_a.full_name not in html
    times = client.get("/api/v1/oversight/times").json()
    assert times["ranking"] == []
    assert times["total"]["handled"] == 1 and times["total"]["late"] == 1 and times["total"]["on_time"] == 0


def test_commune_leader_reports_cover_only_the_commune(
    cast: Cast, both: dict[str, Any], leader_b: Any
) -> None:
    client = client_for(leader_b)
    page = client.get(reverse("oversight:report", args=["xu-ly-van-ban-den"])).content.decode()
    assert cast.agency_b.name in page and cast.clerk_b.full_name in page
    assert cast.agency_a.name not in page and cast.specialist_a.full_name not in page
    xlsx = client.get(reverse("oversight:report", args=["xu-ly-van-ban-den"]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == cast.agency_b.name.upper()
    total = next(row for row in rows if row[0] == "Tổng cộng")
    # Total, waiting, processing, overdue, on time, late, returned: B's two lines only.
    assert list(total[1:8]) == ["2", "1", "0", "1", "0", "1", "0"]
    register = client.get(reverse("oversight:report", args=["so-theo-doi-giai-quyet"])).content.decode()
    assert "Việc của xã Đồng Tâm" in register and "Việc của Sở Nội vụ" not in register


def test_commune_leader_cannot_ask_for_another_agency(
    cast: Cast, both: dict[str, Any], leader_b: Any
) -> None:
    client = client_for(leader_b)
    for name in PAGES[:3]:
        response = client.get(reverse(name), {"agency": cast.agency_a.pk})
        assert response.status_code == 422, name
        html = response.content.decode()
        assert AGENCY_MESSAGE in html and cast.specialist_a.full_name not in html
    report = client.get(reverse("oversight:report", args=["xu-ly-van-ban-den"]), {"agency": cast.agency_a.pk})
    assert report.status_code == 422 and cast.specialist_a.full_name not in report.content.decode()
    _api_refuses(client, {"agency": cast.agency_a.pk}, "unknown_agency", AGENCY_MESSAGE, "agency")


def test_a_period_ending_before_it_starts_is_refused_beside_the_field(
    cast: Cast, both: dict[str, Any]
) -> None:
    for user in (cast.leader_a, cast.specialist_a):
        client = client_for(user)
        for name in PAGES if user == cast.leader_a else ["oversight:me"]:
            response = client.get(reverse(name), REVERSED)
            html = response.content.decode()
            assert response.status_code == 422, name
            to_field = re.search(r'<input type="date" name="to" id="f_to"[^>]*>', html)
            assert (
                to_field and "is-invalid" in to_field.group(0) and 'value="2026-05-01"' in to_field.group(0)
            )
            assert f'<div class="invalid-feedback" id="f_error">{REVERSED_MESSAGE}</div>' in html
            assert 'value="2026-05-02"' in html  # what was typed stays, to be corrected
    client = client_for(cast.leader_a)
    report = client.get(reverse("oversight:report", args=["xu-ly-van-ban-den"]), REVERSED)
    assert report.status_code == 422 and REVERSED_MESSAGE in report.content.decode()
    _api_refuses(client, REVERSED, "period_reversed", REVERSED_MESSAGE, "to")


def test_an_unknown_agency_is_refused_like_one_outside_the_scope(
    cast: Cast, both: dict[str, Any], office_leader: Any
) -> None:
    """For the province office, an id that exists nowhere gets the same answer as one outside
    the province would: a filter cannot probe what exists."""
    client = client_for(office_leader)
    for value in ("987654321", "-3", "A"):
        page = client.get(reverse("oversight:board"), {"agency": value})
        html = page.content.decode()
        assert page.status_code == 422, value
        agency_field = re.search(r'<select name="agency" id="f_agency"[^>]*>', html)
        assert agency_field and "is-invalid" in agency_field.group(0)
        assert f'<div class="invalid-feedback" id="f_error">{AGENCY_MESSAGE}</div>' in html
        _api_refuses(client, {"agency": value}, "unknown_agency", AGENCY_MESSAGE, "agency", paths=API[1:])
    # The province's own agencies are accepted.
    assert client.get(reverse("oversight:board"), {"agency": cast.agency_b.pk}).status_code == 200


def test_province_office_times_rank_agencies_and_list_people_of_a_chosen_one(
    cast: Cast, both: dict[str, Any], office_leader: Any
) -> None:
    client = client_for(office_leader)
    html = client.get(reverse("oversight:times")).content.decode()
    assert (
        f'<tr data-agency="{cast.agency_a.pk}">' in html and f'<tr data-agency="{cast.agency_b.pk}">' in html
    )
    assert "data-choose-agency" in html and 'data-section="people"' not in html
    chosen = client.get(reverse("oversight:times"), {"agency": cast.agency_b.pk}).content.decode()
    assert 'id="ranking"' not in chosen and "data-choose-agency" not in chosen
    people = chosen.split('data-section="people"')[1].split("</table>")[0]
    assert cast.clerk_b.full_name in people and cast.specialist_a.full_name not in people

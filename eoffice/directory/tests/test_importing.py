from __future__ import annotations

import io
import json

import pytest
from django.test import override_settings

from eoffice.core.actor import Actor
from eoffice.core.errors import PermissionDenied
from eoffice.core.models import AuditEvent
from eoffice.directory.import_readers import ImportFileError
from eoffice.directory.importing import ImportReport, import_directory
from eoffice.directory.models import Agency, AgencyEvent, AgencyStatus
from eoffice.people.rights import ServiceActor
from eoffice.testing.cast import Cast

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test_import")
HEADER = "code,name,parent_code,abbreviation,kind,hosted,email\n"


def run(text: str | bytes, fmt: str = "csv", **kw: object) -> ImportReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_directory(actor=SYSTEM, stream=io.BytesIO(data), fmt=fmt, filename=f"t.{fmt}", **kw)  # type: ignore[arg-type]


def errors(report: ImportReport) -> dict[int, str]:
    return {e.line: e.message for e in report.errors}


def check_tree() -> None:
    for a in Agency.objects.select_related("parent"):
        assert a.tree_path == f"{a.parent.tree_path if a.parent else '/'}{a.pk}/", a.code
        assert a.depth == (a.parent.depth + 1 if a.parent else 0), a.code


GOOD = HEADER + (
    "000.00.01.T01,Sở Nội vụ,000.00.00.T01,SNV,department,1,snv@t.gov.vn\n"  # child before its parent
    "000.00.00.T01,Ủy ban nhân dân tỉnh Thử,,UBND,province,1,\n"
    "28.22.T17,Xã Đồng Tâm,000.00.00.T01,UBND,commune,0,\n"
    "000.00.02.T01,Phòng Một cửa,000.00.01.T01,,other,,\n"
)


def test_csv_import_any_order_legacy_codes_and_tree() -> None:
    report = run(GOOD)
    assert (report.created, report.updated, report.unchanged, report.error_count) == (4, 0, 0, 0)
    check_tree()
    snv = Agency.objects.get(code="000.00.01.T01")
    assert (
        snv.parent is not None
        and snv.parent.code == "000.00.00.T01"
        and snv.hosted
        and snv.abbreviation == "SNV"
    )
    assert Agency.objects.get(code="28.22.T17").code_conforms is False
    assert Agency.objects.get(code="000.00.02.T01").depth == 2
    assert not AgencyEvent.objects.exists()  # creation is the row's created_at, not an event per row
    assert AuditEvent.objects.filter(verb="directory.imported").count() == 1  # one per run, not per row


def test_reimport_is_idempotent_and_changes_are_updates_with_events() -> None:
    run(GOOD)
    stamp = Agency.objects.get(code="000.00.01.T01").updated_at
    again = run(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Agency.objects.get(code="000.00.01.T01").updated_at == stamp
    changed = GOOD.replace("Sở Nội vụ,", "Sở Nội vụ tỉnh Thử,").replace(
        "28.22.T17,Xã Đồng Tâm,000.00.00.T01", "28.22.T17,Xã Đồng Tâm,000.00.01.T01"
    )
    report = run(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    renamed = AgencyEvent.objects.get(kind="renamed")
    assert renamed.before == {"name": "Sở Nội vụ"} and renamed.after == {"name": "Sở Nội vụ tỉnh Thử"}
    moved = AgencyEvent.objects.get(kind="moved")
    assert moved.agency.code == "28.22.T17" and moved.after == {"parent": "000.00.01.T01"}
    check_tree()


def test_bom_and_crlf_are_accepted() -> None:
    report = run(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert report.created == 4 and report.error_count == 0


def test_broken_rows_are_reported_and_the_rest_imports() -> None:
    text = HEADER + (
        "000.00.00.T01,Tỉnh,,UBND,province,1,\n"  # line 2 good
        "bad code,Xấu,,,,,\n"  # 3 malformed code
        "000.00.00.T01,Trùng,,,,,\n"  # 4 duplicate code in file
        "000.00.03.T01,,000.00.00.T01,,,,\n"  # 5 missing name
        "000.00.04.T01,Thiếu cột\n"  # 6 wrong column count
        "000.00.05.T01,Cha lạ,999.99.99.X99,,,,\n"  # 7 unknown parent
        "000.00.06.T01,Con của cha lỗi,000.00.03.T01,,,,\n"  # 8 parent row failed
        "000.00.07.T01,Thư sai,000.00.00.T01,,,,not-an-email\n"  # 9 bad e-mail
        "000.00.08.T01,Loại sai,000.00.00.T01,,planet,,\n"  # 10 bad kind
        "000.00.09.T01,Tốt,000.00.00.T01,,,,\n"  # 11 good
    )
    bad = text.encode("utf-8") + b"000.00.10.T01,T\xe9t,000.00.00.T01,,,,\n"  # 12 not UTF-8
    report = run(bad)
    assert report.created == 2 and report.rows == 11
    found = errors(report)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert "khoảng trắng" in found[3]
    assert "trùng với dòng 2" in found[4]
    assert "Tên đầy đủ không được để trống" in found[5]
    assert "7 cột" in found[6] or "2 cột" in found[6]
    assert "Không tìm thấy cơ quan cấp trên có mã 999.99.99.X99" in found[7]
    assert "dòng 5" in found[8]
    assert "Thư điện tử" in found[9]
    assert "Loại cơ quan" in found[10]
    assert "UTF-8" in found[12]
    assert set(Agency.objects.values_list("code", flat=True)) == {"000.00.00.T01", "000.00.09.T01"}


def test_parent_cycles_in_file_are_refused() -> None:
    text = HEADER + (
        "000.00.01.T01,A,000.00.02.T01,,,,\n"
        "000.00.02.T01,B,000.00.01.T01,,,,\n"
        "000.00.03.T01,C,000.00.01.T01,,,,\n"
        "000.00.04.T01,D,,,,,\n"
    )
    report = run(text)
    found = errors(report)
    assert "Vòng lặp" in found[2] and "Vòng lặp" in found[3]
    assert "bị lỗi" in found[4]
    assert report.created == 1


def test_move_into_own_subtree_via_import_is_a_cycle() -> None:
    run(GOOD)
    # Province under its own grandchild: refused; the rest of the file is unchanged.
    text = GOOD.replace(
        "000.00.00.T01,Ủy ban nhân dân tỉnh Thử,,", "000.00.00.T01,Ủy ban nhân dân tỉnh Thử,000.00.02.T01,"
    )
    report = run(text)
    assert "Vòng lặp" in errors(report)[3]
    check_tree()


def test_import_moves_subtrees_stored_only_in_the_database(cast: Cast) -> None:
    # The cast tree is in the database; the file moves agency A under B without listing A's children.
    child = Agency.objects.create(code="000.00.77.H99", name="Chi cục", parent=cast.agency_a, depth=2)
    Agency.objects.filter(pk=child.pk).update(tree_path=f"{cast.agency_a.tree_path}{child.pk}/")
    text = "code,name,parent_code\n" + f"{cast.agency_a.code},Sở Nội vụ,{cast.agency_b.code}\n"
    text += f"000.00.78.H99,Mới dưới chi cục,{child.code}\n"
    report = run(text)
    assert (report.created, report.updated) == (1, 1)
    check_tree()
    assert Agency.objects.get(code="000.00.78.H99").depth == 4


def test_lifecycle_columns_merge_and_dissolve() -> None:
    run(GOOD)
    text = "code,name,status,successor_code,status_changed_on\n" + (
        "28.22.T17,Xã Đồng Tâm,merged,000.00.01.T01,2025-07-01\n"
        "000.00.02.T01,Phòng Một cửa,dissolved,,\n"
        "000.00.01.T01,Sở Nội vụ,merged,000.00.02.T01,\n"  # into a dissolved agency: refused
    )
    report = run(text)
    assert report.updated == 2
    assert "không còn hoạt động" in errors(report)[4]
    merged = Agency.objects.get(code="28.22.T17")
    assert merged.status == AgencyStatus.MERGED and merged.successor is not None
    assert merged.successor.code == "000.00.01.T01"
    assert str(merged.status_changed_on) == "2025-07-01"
    assert AgencyEvent.objects.filter(kind="absorbed", agency__code="000.00.01.T01").count() == 1
    back = run("code,name,status\n28.22.T17,Xã Đồng Tâm,active\n")
    assert "Không thể chuyển trạng thái" in errors(back)[2]


def test_json_import_streams_objects_and_reports_per_item() -> None:
    items = [
        {"code": "000.00.01.T01", "name": "Sở Nội vụ", "parent_code": "000.00.00.T01", "hosted": True},
        {"code": "000.00.00.T01", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "province"},
        "not an object",
        {"code": "000.00.03.T01", "name": "Khoá lạ", "colour": "red"},
        {"code": "000.00.04.T01", "name": ["list"]},
        {"code": "x y", "name": "Mã xấu"},
    ]
    text = "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]"
    report = run(text, fmt="json")
    assert report.created == 2 and report.error_count == 4
    assert set(errors(report)) == {4, 5, 6, 7}
    assert Agency.objects.get(code="000.00.01.T01").hosted is True
    assert run(text, fmt="json").unchanged == 2


def test_json_large_file_crosses_chunk_boundaries() -> None:
    items = [{"code": "000.00.00.T01", "name": "Tỉnh"}] + [
        {
            "code": f"{i:03d}.{i % 100:02d}.01.T01",
            "name": f"Cơ quan số {i} " + "x" * 200,
            "parent_code": "000.00.00.T01",
        }
        for i in range(1, 600)
    ]
    report = run(json.dumps(items, ensure_ascii=False, indent=1), fmt="json")
    assert report.created == 600 and report.error_count == 0


@pytest.mark.parametrize(
    ("data", "fmt", "code"),
    [
        (b"", "csv", "empty_file"),
        (b"code,name,colour\n", "csv", "unknown_columns"),
        (b"name,kind\n", "csv", "missing_columns"),
        (b'{"code": "x"}', "json", "not_json_array"),
        (b'[{"code": "000.00.00.T01", "name": "A"},, ]', "json", "broken_json"),
        (b'[{"code": "000.00.00.T01", "name": "A"}', "json", "broken_json"),
    ],
)
def test_file_level_problems_stop_before_writing(data: bytes, fmt: str, code: str) -> None:
    with pytest.raises(ImportFileError) as exc:
        run(data, fmt=fmt)
    assert exc.value.code == code
    assert Agency.objects.count() == 0


def test_format_and_size_limits() -> None:
    with pytest.raises(ImportFileError) as exc:
        import_directory(actor=SYSTEM, stream=io.BytesIO(b"x"), filename="danhba.xlsx")
    assert exc.value.code == "unsupported_format"
    with override_settings(EOFFICE_IMPORT_MAX_BYTES=1024):
        with pytest.raises(ImportFileError) as big:
            run(GOOD + "000.00.09.T01,Dài,000.00.00.T01,,,,\n" * 40)
        assert big.value.code == "file_too_large"
        with pytest.raises(ImportFileError):
            run(GOOD, size=5000)
    assert Agency.objects.count() == 0


def test_dry_run_writes_nothing() -> None:
    report = run(GOOD, dry_run=True)
    assert report.created == 4 and report.dry_run
    assert Agency.objects.count() == 0 and not AuditEvent.objects.filter(verb="directory.imported").exists()


def test_only_system_admins_import(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        import_directory(
            actor=Actor(user=cast.admin_a, position=cast.position(cast.admin_a)),
            stream=io.BytesIO(GOOD.encode()),
            filename="a.csv",
        )
    service = ServiceActor(user=None, system_name="service:axis", agency=cast.agency_a)
    with pytest.raises(PermissionDenied):
        import_directory(actor=service, stream=io.BytesIO(GOOD.encode()), filename="a.csv")
    report = import_directory(
        actor=Actor(user=cast.superuser), stream=io.BytesIO(GOOD.encode()), filename="a.csv"
    )
    assert report.created == 4


def test_qd20_duplicates(cast: Cast) -> None:
    Agency.objects.filter(pk=cast.agency_a.pk).update(code_qd20="G09.QD20")
    text = "code,name,code_qd20\n000.00.01.T01,A,G09.QD20\n000.00.02.T01,B,X1\n000.00.03.T01,C,X1\n"
    report = run(text)
    found = errors(report)
    assert "000.00.01.H99" in found[2] and "trùng với dòng 3" in found[4]
    assert report.created == 1


def test_concurrent_change_between_plan_and_write_is_a_clear_conflict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eoffice.core.errors import Conflict
    from eoffice.directory.importing import DirectoryImport

    original = DirectoryImport.write_creates

    def someone_adds_the_same_code_first(self: DirectoryImport) -> None:
        Agency.objects.create(code="000.00.00.T01", name="Tạo tay cùng lúc")
        original(self)

    monkeypatch.setattr(DirectoryImport, "write_creates", someone_adds_the_same_code_first)
    with pytest.raises(Conflict) as exc:
        run(GOOD)
    assert exc.value.code == "import_conflict" and "chạy lại" in exc.value.message
    monkeypatch.setattr(DirectoryImport, "write_creates", original)
    report = run(GOOD)  # the re-run completes what is missing
    assert report.error_count == 0 and Agency.objects.count() == 4

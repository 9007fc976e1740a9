"""The English catalogue is complete, consistent with its placeholders, compiled, and up to date.

Source strings are Vietnamese; `locale/en/LC_MESSAGES/django.po` holds the English. A string
marked for translation but missing from the catalogue, left without an English text, or whose
placeholders differ, would show Vietnamese (or crash with a KeyError) to an English reader.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[sdif]")
# The names xgettext is told about (Django's defaults plus our `_lazy`/`_noop` aliases).
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "_lazy", "_noop"}
CONTEXT_NAMES = {"pgettext", "pgettext_lazy"}
TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<ctx>.*?)(?P=cq))?[^%]*%\}"""
)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    # .po strings use C escapes, which Python's string literal rules read the same way.
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    has_msgid = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            # A block of comments only (such as obsolete "#~" entries msgmerge keeps) is no entry.
            if current is not None and has_msgid:
                entries.append(current)
            current, has_msgid = None, False
            continue
        current = current or Entry()
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(current, target, _unquote(line))
        else:
            keyword, _, rest = line.partition(" ")
            has_msgid = has_msgid or keyword == "msgid"
            target = (keyword[:6], int(keyword[7:-1])) if keyword.startswith("msgstr[") else (keyword, 0)
            _set(current, target, _unquote(rest))
    return entries


def _set(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, (getattr(entry, name) or "") + value)


def catalogue() -> list[Entry]:
    entries = parse_po(PO)
    assert entries and entries[0].msgid == "", "the first entry of a .po file is its header"
    return entries[1:]


def test_every_msgid_has_an_english_msgstr() -> None:
    entries = catalogue()
    assert len(entries) > 500
    untranslated = [e.key for e in entries if not e.msgstr or not all(e.msgstr.values())]
    assert untranslated == []
    assert [e.key for e in entries if "fuzzy" in e.flags] == []


def test_plural_entries_have_both_english_forms() -> None:
    plural = [e for e in catalogue() if e.msgid_plural is not None]
    for entry in plural:
        assert sorted(entry.msgstr) == [0, 1], entry.msgid


def test_placeholders_match_between_vietnamese_and_english() -> None:
    mismatched = []
    for entry in catalogue():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            if set(PLACEHOLDER.findall(text)) != expected:
                mismatched.append((entry.msgid, text))
    assert mismatched == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in catalogue():
        if entry.msgid_plural is None:
            if compiled.get(entry.key) != entry.msgstr[0]:
                stale.append(entry.key)
        elif [compiled.get((entry.key, i)) for i in (0, 1)] != [entry.msgstr[0], entry.msgstr[1]]:
            stale.append(entry.key)
    assert stale == [], "run: python manage.py compilemessages --ignore=.venv"


def _python_sources() -> list[Path]:
    found = []
    for base in (ROOT / "eoffice", ROOT / "config"):
        for path in base.rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                found.append(path)
    return found


def _marked_in_python(path: Path) -> set[str]:
    marked = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or not node.args:
            continue
        args = node.args
        literal = all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2])
        if node.func.id in GETTEXT_NAMES and isinstance(args[0], ast.Constant):
            if isinstance(args[0].value, str):
                marked.add(args[0].value)
        elif node.func.id in CONTEXT_NAMES and len(args) >= 2 and literal:
            marked.add(f"{args[0].value}\x04{args[1].value}")  # type: ignore[attr-defined]
    return marked


def _marked_in_templates() -> set[str]:
    marked = set()
    for path in (ROOT / "eoffice").rglob("templates/**/*.html"):
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            msg = match.group("msg")
            marked.add(msg if match.group("ctx") is None else f"{match.group('ctx')}\x04{msg}")
    return marked


def test_every_marked_string_is_in_the_catalogue() -> None:
    marked = _marked_in_templates()
    for path in _python_sources():
        marked |= _marked_in_python(path)
    known = {e.key for e in catalogue()}
    missing = sorted(m for m in marked if m and m not in known)
    assert missing == [], (
        "run: python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=bench, "
        "translate, then compilemessages"
    )


def test_the_checks_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "Xin chào %(name)s"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgctxt "thứ"\nmsgid "T2"\nmsgstr "Mo"\n\n'
        '#~ msgid "Cũ"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    entries = parse_po(broken)[1:]
    assert [(e.key, e.msgstr) for e in entries] == [("Xin chào %(name)s", {0: ""}), ("thứ\x04T2", {0: "Mo"})]
    assert "fuzzy" in entries[1].flags
    assert PLACEHOLDER.findall(entries[0].msgid) == ["name"]


def test_english_is_served_where_vietnamese_is_the_default() -> None:
    with translation.override("en"):
        assert translation.gettext("Văn bản đến") == "Incoming documents"
        assert translation.pgettext("thứ viết tắt", "CN") == "Su"
        assert translation.ngettext(
            "Tài khoản đã đăng nhập sai %(limit)s lần liên tiếp từ địa chỉ này nên bị tạm khóa.",
            "Tài khoản đã đăng nhập sai %(limit)s lần liên tiếp từ địa chỉ này nên bị tạm khóa.",
            1,
        ).startswith("This account has been temporarily locked after %(limit)s failed sign-in attempt ")
    with translation.override("vi"):
        assert translation.gettext("Văn bản đến") == "Văn bản đến"


def test_api_errors_follow_the_request_language(cast) -> None:
    client = Client()
    client.force_login(cast.clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    english = client.get("/api/v1/accounts/service-tokens", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403
    assert english.json()["message"] == "Only a system administrator manages service access tokens."
    vietnamese = client.get("/api/v1/accounts/service-tokens", HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.json()["message"] == "Chỉ quản trị hệ thống quản lý mã truy cập dịch vụ."


def test_api_sign_in_error_follows_the_request_language(client: Client, db: None) -> None:
    english = client.get("/api/v1/accounts/me", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 401
    assert english.json() == {
        "code": "unauthenticated",
        "message": "Sign in or send a valid access token.",
        "field": None,
        "details": {},
    }
    vietnamese = client.get("/api/v1/accounts/me")
    assert vietnamese.json()["message"] == "Cần đăng nhập hoặc mã truy cập hợp lệ."

"""Reading directory files row by row: CSV (UTF-8, with or without BOM) and JSON (an array of
objects), both streamed so memory stays bounded by one row, not by the file.

Columns / keys (all optional except `code` and `name`):

| name | meaning |
|---|---|
| code | QCVN 102 identifier (legacy axis shapes accepted, marked non-conforming) |
| code_qd20 | QĐ 20/2020 identifier, unique when present |
| name, short_name, abbreviation | full name, short name, abbreviation used in document symbols |
| parent_code | parent agency's code (in the file in any order, or in the database); empty = top level |
| kind | one of AgencyKind (province, department, commune, …) |
| address, email, phone, fax, website | contacts |
| hosted | 1/0, true/false, có/không: whether the agency uses this installation |
| status | active, merged or dissolved |
| successor_code | for status merged: the agency it was merged into |
| status_changed_on | ISO date (YYYY-MM-DD) the status took effect |

A column that is absent leaves the stored value alone; a column present but empty clears it.
The file is authoritative for parents: marking an agency merged through import records the
merge and its successor but does not move its children (the file says where they belong),
unlike `services.agency_merge`, which moves live children under the successor.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eoffice.core.errors import ValidationFailed

COLUMNS = (
    "code",
    "code_qd20",
    "name",
    "short_name",
    "abbreviation",
    "parent_code",
    "kind",
    "address",
    "email",
    "phone",
    "fax",
    "website",
    "hosted",
    "status",
    "successor_code",
    "status_changed_on",
)
REQUIRED_COLUMNS = ("code", "name")
FORMATS = ("csv", "json")
CHUNK = 1 << 16
MAX_FIELD = 100_000
MAX_ELEMENT = 1_000_000


BinaryStream = IO[bytes] | io.RawIOBase


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be imported (too large, wrong format, bad header, broken JSON)."""


@dataclass(slots=True)
class RawRow:
    line: int
    values: dict[str, str]
    error: str | None = None

    @property
    def code(self) -> str:
        return self.values.get("code", "")


class LimitedReader(io.RawIOBase):
    """Wraps a binary stream and refuses to read past `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.limit:
            raise ImportFileError(
                "file_too_large",
                _("Tệp lớn hơn giới hạn %(limit)s byte.") % {"limit": f"{self.limit:,}".replace(",", ".")},
                field="file",
            )
        buffer[: len(data)] = data
        return len(data)


def detect_format(filename: str, explicit: str | None) -> str:
    if explicit:
        fmt = explicit.lower().strip()
        if fmt not in FORMATS:
            raise ImportFileError(
                "unsupported_format",
                _("Định dạng «%(explicit)s» không được hỗ trợ; chỉ nhận CSV hoặc JSON.")
                % {"explicit": explicit[:20]},
                field="format",
            )
        return fmt
    lowered = filename.lower()
    for fmt in FORMATS:
        if lowered.endswith(f".{fmt}"):
            return fmt
    raise ImportFileError(
        "unsupported_format",
        _("Chỉ nhận tệp CSV (.csv) hoặc JSON (.json) theo mẫu danh bạ cơ quan."),
        field="file",
    )


def _text(stream: BinaryStream) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes as markers so the row, not the file, is refused.
    buffered = (
        stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(cast(io.RawIOBase, stream))
    )
    return io.TextIOWrapper(
        cast(IO[bytes], buffered), encoding="utf-8-sig", errors="surrogateescape", newline=""
    )


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


NOT_UTF8 = gettext_lazy("Dòng chứa byte không đọc được theo UTF-8 (hãy lưu tệp với bảng mã UTF-8).")


def _header(reader: Any) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(
            "empty_file", _("Tệp rỗng: cần dòng tiêu đề và ít nhất một dòng dữ liệu."), field="file"
        ) from None
    except csv.Error as exc:
        raise ImportFileError(
            "bad_header", _("Không đọc được dòng tiêu đề CSV: %(error)s.") % {"error": exc}, field="file"
        ) from exc
    names = [h.strip().lower() for h in header]
    if any(_undecodable(n) for n in names):
        raise ImportFileError("bad_encoding", _("Dòng tiêu đề không phải UTF-8."), field="file")
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ImportFileError(
            "unknown_columns",
            _("Tiêu đề có cột không hợp lệ: %(unknown)s. Các cột hợp lệ: %(allowed)s.")
            % {"unknown": ", ".join(unknown[:10]), "allowed": ", ".join(COLUMNS)},
            field="file",
        )
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ImportFileError(
            "duplicate_columns",
            _("Tiêu đề có cột lặp lại: %(columns)s.") % {"columns": ", ".join(duplicated)},
            field="file",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(
            "missing_columns",
            _("Tiêu đề thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
        )
    return names


def read_csv(stream: BinaryStream) -> Iterator[RawRow]:
    text = _text(stream)
    reader = csv.reader(text, strict=True)
    names = _header(reader)
    width = len(names)
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last_line = reader.line_num
            yield RawRow(
                start,
                {},
                _("Dòng CSV hỏng (dấu ngoặc kép hoặc ký tự không hợp lệ): %(error)s.") % {"error": exc},
            )
            continue
        last_line = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != width:
            code = cells[names.index("code")].strip() if len(cells) > names.index("code") else ""
            yield RawRow(
                start,
                {"code": code[:40]},
                _("Dòng có %(cells)s cột trong khi tiêu đề có %(width)s cột.")
                % {"cells": len(cells), "width": width},
            )
            continue
        values = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        if any(len(v) > MAX_FIELD for v in values.values()):
            yield RawRow(start, {"code": values["code"][:40]}, _("Dòng có giá trị quá dài."))
            continue
        if _undecodable("".join(cells)):
            yield RawRow(start, {}, str(NOT_UTF8))
            continue
        yield RawRow(start, values)


class _JsonStream:
    """A bounded-memory reader of one top-level JSON array, yielding (line, element)."""

    def __init__(self, stream: BinaryStream) -> None:
        self.text = _text(stream)
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line number at self.pos
        self.counted = 0  # buf index up to which newlines are counted into self.line

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > CHUNK:
            self._advance_lines(self.pos)
            self.buf = self.buf[self.pos :]
            self.counted -= self.pos
            self.pos = 0
        self.buf += chunk
        return True

    def _advance_lines(self, upto: int) -> None:
        if upto > self.counted:
            self.line += self.buf.count("\n", self.counted, upto)
            self.counted = upto

    def _peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _fail(self, message: str) -> ImportFileError:
        self._advance_lines(min(self.pos, len(self.buf)))
        return ImportFileError(
            "broken_json",
            _("Tệp JSON hỏng ở dòng %(line)s: %(message)s") % {"line": self.line, "message": message},
            field="file",
        )

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        if self._peek() != "[":
            raise ImportFileError(
                "not_json_array", _("Tệp JSON phải là một mảng các đối tượng: [{...}, {...}]."), field="file"
            )
        self.pos += 1
        first = True
        while True:
            ch = self._peek()
            if ch == "]":
                self.pos += 1
                if self._peek() != "":
                    raise self._fail(_("có dữ liệu thừa sau dấu ] kết thúc mảng."))
                return
            if ch == "":
                raise self._fail(_("tệp kết thúc khi mảng chưa đóng (thiếu dấu ])."))
            if not first:
                if ch != ",":
                    raise self._fail(_("thiếu dấu phẩy giữa các phần tử."))
                self.pos += 1
                self._peek()
            first = False
            yield self._element()

    def _element(self) -> tuple[int, Any]:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Only a short tail can be an element cut at the chunk edge; more is just broken.
                if len(self.buf) - self.pos < MAX_ELEMENT and self._fill():
                    continue
                raise self._fail(exc.msg) from None
            if end == len(self.buf) and self._fill():
                continue  # a number cut at the chunk edge would otherwise decode short
            self._advance_lines(self.pos)
            line = self.line
            self.pos = end
            return line, value


def _json_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raise ValueError(key)


def read_json(stream: BinaryStream) -> Iterator[RawRow]:
    for line, element in _JsonStream(stream):
        if not isinstance(element, dict):
            yield RawRow(line, {}, _("Phần tử của mảng phải là một đối tượng JSON {…}."))
            continue
        code = element.get("code")
        shown = {"code": code[:40]} if isinstance(code, str) else {}
        unknown = [k for k in element if k not in COLUMNS]
        if unknown:
            yield RawRow(
                line,
                shown,
                _("Khoá không hợp lệ: %(keys)s.") % {"keys": ", ".join(str(k)[:30] for k in unknown[:5])},
            )
            continue
        try:
            values = {k: _json_value(k, v) for k, v in element.items()}
        except ValueError as exc:
            yield RawRow(
                line, shown, _("Giá trị của «%(key)s» phải là chuỗi, số hoặc true/false.") % {"key": exc}
            )
            continue
        if any(len(v) > MAX_FIELD for v in values.values()):
            yield RawRow(line, shown, _("Phần tử có giá trị quá dài."))
            continue
        if _undecodable("".join(values.values())):
            yield RawRow(line, {}, str(NOT_UTF8))
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in values]
        if missing:
            yield RawRow(line, shown, _("Thiếu khoá bắt buộc: %(keys)s.") % {"keys": ", ".join(missing)})
            continue
        yield RawRow(line, values)


def read_rows(stream: BinaryStream, fmt: str) -> Iterator[RawRow]:
    return read_csv(stream) if fmt == "csv" else read_json(stream)

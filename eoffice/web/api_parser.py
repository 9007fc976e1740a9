"""The API's JSON body parser: every body of this API is an object of named fields, and no number
in it is larger than a database integer.

Ninja reads a body that is `[]`, `null` or a bare value as an object whose fields all take their
defaults, so `POST .../dissolve` with `null` would dissolve the agency as if `{}` had been sent.
And an integer past 2**63 - 1 ends in a 500 wherever Django does not check the range itself (an
`IN` list, a foreign-key lookup): SQLite cannot bind it, PostgreSQL's bigint cannot hold it. No
field of the API holds such a number.

Ninja turns any exception of `parse_body` into its own 400; config/api.py answers with the
DomainError raised here instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from eoffice.core.errors import DomainError, ValidationFailed
from eoffice.core.rowids import MAX_ROW_ID


class BodyNotObject(DomainError):
    status = 400


def _integers(value: Any, path: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _integers(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _integers(item, f"{path}[{index}]")


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        # Ninja parses each part of a multipart body in a bare request (no method), and a part may
        # rightly be a single value; only a whole request's body must be an object.
        if request.method is not None and not isinstance(data, dict):
            raise BodyNotObject(
                "malformed_body",
                _('Nội dung gửi lên phải là một đối tượng JSON, dạng {"tên trường": giá trị}.'),
            )
        for path, number in _integers(data, ""):
            if abs(number) > MAX_ROW_ID:
                message = _("Số ở trường %(field)s quá lớn (tối đa %(max)s).")
                raise ValidationFailed(
                    "number_too_large",
                    message % {"field": path, "max": MAX_ROW_ID},
                    field=path.split(".")[0].split("[")[0] or None,
                    details={"path": path},
                )
        return data

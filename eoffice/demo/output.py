"""The login table both demo commands print, and the signing kit's keys under it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from eoffice.demo.province import demo_logins
from eoffice.demo.signing_kit import KEY_PASSWORD, SigningKit

# Printed on purpose: a demo, never production. Override with --password.
DEFAULT_PASSWORD = "Demo@eOffice2025"  # noqa: S105


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def logins_table(password: str) -> str:
    rows = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Chức vụ", "Cơ quan")]
    rows += [(login.username, password, login.role, login.title, login.agency) for login in demo_logins()]
    return "\n".join(_table(rows))


def _shown(path: str) -> str:
    """Relative to the project when the file is inside it (var/…), as a visitor looks for it."""
    try:
        return str(Path(path).relative_to(settings.BASE_DIR))
    except ValueError:
        return path


def signing_table(kit: SigningKit) -> str:
    """Which key file each signer uploads, its password, and the trusted demo CA."""
    rows = [("Tên đăng nhập", "Dùng để", "Tệp khóa PKCS#12")]
    for key in kit.keys:
        purpose = f"ký số của cơ quan ({key.title})" if key.kind == "agency" else f"ký văn bản ({key.title})"
        rows.append((key.username, purpose, _shown(str(Path(kit.keys_dir) / key.file_name))))
    return "\n".join(
        [
            f"Ký số thử: mật khẩu mọi tệp khóa là {KEY_PASSWORD}",
            *_table(rows),
            f"CA mẫu đã được tin cậy: {_shown(kit.trust_file)}",
        ]
    )

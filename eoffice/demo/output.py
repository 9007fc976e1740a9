"""The login table both demo commands print."""

from __future__ import annotations

from eoffice.demo.province import demo_logins

# Printed on purpose: a demo, never production. Override with --password.
DEFAULT_PASSWORD = "Demo@eOffice2025"  # noqa: S105


def logins_table(password: str) -> str:
    rows = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Chức vụ", "Cơ quan")]
    rows += [(login.username, password, login.role, login.title, login.agency) for login in demo_logins()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)

"""Take the README's screenshots from a running demo (make demo, or manage.py runserver).

    .venv/bin/python tools/screenshots.py --base http://127.0.0.1:8000 --out docs/screenshots

Uses Playwright with Debian's Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from eoffice.testing.browser import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "Demo@eOffice2025"  # noqa: S105  (the demo province's printed password)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = args.base.rstrip("/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 760}, locale="vi-VN").new_page()
        phone_size: ViewportSize = {"width": 375, "height": 740}
        phone_context = browser.new_context(viewport=phone_size, locale="vi-VN", is_mobile=True)
        phone = phone_context.new_page()

        desk.goto(f"{base}/accounts/login/")
        desk.screenshot(path=str(out / "login.png"))

        sign_in(desk, base, "lanhdao.snv")
        desk.screenshot(path=str(out / "home-leader.png"))
        desk.goto(f"{base}/directory/")
        desk.fill("#eo-q", "so noi vu")
        desk.wait_for_selector("#eo-results-list li")
        desk.screenshot(path=str(out / "directory-search.png"))

        def shot(page: Page, path: str, name: str) -> None:
            # networkidle: the HTMX parts and Chart.js drawings are in before the picture.
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / name))

        shot(desk, "/calendar/?year=2026", "calendar.png")
        shot(desk, "/people/delegations/", "delegations.png")
        # (who, page, picture); the province office leader sees every agency, a director drills down.
        for username, path, name in (
            ("quantri.snv", "/people/admin/", "people-admin.png"),
            ("admin", "/directory/admin/", "directory-admin.png"),
            ("lanhdao.vpubnd", "/oversight/", "oversight-board.png"),
            ("lanhdao.vpubnd", "/oversight/times/", "oversight-times.png"),
            ("lanhdao.snv", "/oversight/lines/?column=overdue", "oversight-overdue.png"),
            ("lanhdao.snv", "/oversight/reports/", "oversight-reports.png"),
            ("quantri.snv", "/reminders/policy/", "reminder-policy.png"),
            ("chuyenvien.snv", "/outgoing/new/", "outgoing-new-draft.png"),
            ("admin", "/exchange/", "exchange-monitor.png"),
        ):
            sign_in(desk, base, username)
            shot(desk, path, name)

        sign_in(phone, base, "lanhdao.snv")
        shot(phone, "/oversight/", "phone-oversight.png")

        sign_in(phone, base, "vanthu.snv")
        phone.goto(f"{base}/directory/")
        phone.fill("#eo-q", "ubnd xa")
        phone.wait_for_selector("#eo-results-list li")
        phone.screenshot(path=str(out / "phone-directory.png"))
        browser.close()


if __name__ == "__main__":
    main()

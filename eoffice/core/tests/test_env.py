from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


def test_bool_accepts_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [
        ("1", True),
        ("yes", True),
        ("ON", True),
        ("0", False),
        ("off", False),
        ("", False),
    ]:
        monkeypatch.setenv("EO_FLAG", raw)
        assert env.env_bool("EO_FLAG") is expected


def test_bool_refuses_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EO_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="EO_FLAG"):
        env.env_bool("EO_FLAG")


def test_int_bounds_and_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EO_N", "12")
    assert env.env_int("EO_N", 1, minimum=1, maximum=20) == 12
    monkeypatch.setenv("EO_N", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env.env_int("EO_N", 1, minimum=1)
    monkeypatch.setenv("EO_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("EO_N", 1)


def test_float_bounds_and_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EO_X", "0.25")
    assert env.env_float("EO_X", 0.5, minimum=0.01) == 0.25
    monkeypatch.delenv("EO_X")
    assert env.env_float("EO_X", 0.5) == 0.5
    for raw, message in (("0", "minimum"), ("half", "not a number"), ("nan", "finite"), ("inf", "finite")):
        monkeypatch.setenv("EO_X", raw)
        with pytest.raises(ImproperlyConfigured, match=message):
            env.env_float("EO_X", 0.5, minimum=0.01)


def test_secret_from_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n", encoding="utf-8")
    monkeypatch.setenv("EO_KEY_FILE", str(secret))
    assert env.env_secret("EO_KEY") == "s3cr3t"
    monkeypatch.setenv("EO_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.env_secret("EO_KEY")


def test_database_urls() -> None:
    rel = env.parse_database_url("sqlite:///var/db.sqlite3")
    assert rel.engine.endswith("sqlite3") and rel.name == "var/db.sqlite3"
    absolute = env.parse_database_url("sqlite:////tmp/x.sqlite3")
    assert absolute.name == "/tmp/x.sqlite3"
    pg = env.parse_database_url("postgres://eo:p%40ss@db.local:6543/eoffice?sslmode=require")
    assert (pg.engine, pg.name, pg.user, pg.password, pg.host, pg.port) == (
        "django.db.backends.postgresql",
        "eoffice",
        "eo",
        "p@ss",
        "db.local",
        "6543",
    )
    assert pg.options == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://"])
def test_bad_database_urls(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        env.parse_database_url(url)

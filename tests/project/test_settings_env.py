"""Configuration from the environment fails loudly on a bad value."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_int, env_rate
from tests.paths import ROOT


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("Yes", True)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_env_int_refuses_nonsense_and_small_values(monkeypatch):
    monkeypatch.setenv("SOME_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("SOME_INT", 1)
    monkeypatch.setenv("SOME_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("SOME_INT", 1, minimum=1)


def test_env_rate_accepts_off_and_rates(monkeypatch):
    monkeypatch.setenv("SOME_RATE", "off")
    assert env_rate("SOME_RATE", "1/min") is None
    monkeypatch.setenv("SOME_RATE", "120/min")
    assert env_rate("SOME_RATE", "1/min") == "120/min"
    monkeypatch.setenv("SOME_RATE", "lots")
    with pytest.raises(ImproperlyConfigured, match="SOME_RATE"):
        env_rate("SOME_RATE", "1/min")


def _check(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _check(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_redis_url_refuses_to_start():
    result = _check(REDIS_URL="http://nope")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr

"""Production settings pass Django's deployment check; every response carries the security
headers; the repository holds no secret."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "ledger.example.org",
}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_at_warning_level_with_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_catches_a_weak_secret_key():
    """The check above means something: a short key fails it."""
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from tests.paths import ROOT
print(json.dumps({
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "static": s.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def test_production_turns_on_secure_cookies_hsts_redirect_and_hashed_static_files():
    result = _run("-c", PRINT_SETTINGS, DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "session_secure": True,
        "csrf_secure": True,
        "ssl_redirect": True,
        "hsts": 31536000,
        "hsts_subdomains": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/experts/", "/api/docs/"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_out_of_reach_of_scripts(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True


# --- No secrets in the repository ---------------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "DRF token in a header": re.compile(r"Token [0-9a-f]{40}\b"),
    # A SECRET_KEY or password written out, unless the value says it is a placeholder.
    "hard-coded secret": re.compile(
        r"""(?i)\b(SECRET_KEY|PASSWORD)\s*[=:]\s*["']"""
        r"""(?![^"']*(?:insecure|not-a-secret|placeholder|dummy))[^"'\s]{16,}["']"""
    ),
}


def _repository_files() -> list[Path]:
    """Tracked files and new ones that would be committed (.gitignore'd ones left out)."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def test_repository_holds_no_secret():
    files = _repository_files()
    assert files, "git ls-files listed nothing"
    found = []
    for path in files:
        if path.name == Path(__file__).name:
            continue  # the patterns themselves
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        name = path.relative_to(ROOT)
        found += [f"{name}: {kind}" for kind, rx in SECRET_PATTERNS.items() if rx.search(text)]
    assert found == []


def test_no_environment_file_is_in_the_repository():
    names = {path.name for path in _repository_files()}
    assert not names & {".env", ".env.production", "id_rsa", "id_ed25519"}


@pytest.mark.parametrize(
    ("sample", "caught"),
    [
        ('SECRET_KEY = "q8k2v9x7w3m4n5b6c7d8e9f0g1h2j3k4"', True),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", True),
        ("aws_key = AKIA" + "ABCDEFGHIJKLMNOP", True),
        ('    SECRET_KEY = "insecure-development-key-only-for-debug-mode"', False),
        ('SECRET_KEY="benchmark-only-not-a-secret",', False),
        ('EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")', False),
    ],
)
def test_the_secret_patterns_catch_typical_leaks(sample, caught):
    assert any(rx.search(sample) for rx in SECRET_PATTERNS.values()) is caught

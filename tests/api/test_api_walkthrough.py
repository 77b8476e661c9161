"""The README's curl walkthrough, replayed command by command against a live server."""

import json
import re
import shlex
import subprocess

import pytest
from rest_framework.authtoken.models import Token

from tests.paths import ROOT

README = ROOT / "README.md"

pytestmark = pytest.mark.django_db(transaction=True)


def curl_commands(markdown: str) -> list[list[str]]:
    """The curl commands of the walkthrough's ```sh block, continuation lines joined."""
    section = markdown.split("## The API in five curl commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the README's API section needs a ```sh block"
    text = block.group(1).replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith("curl ")]


def run(command: list[str], variables: dict[str, str]) -> tuple[int, dict]:
    args = [re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], arg) for arg in command]
    result = subprocess.run(
        [*args, "--silent", "--show-error", "--write-out", "\n%{http_code}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, code = result.stdout.rpartition("\n")
    return int(code), json.loads(body)


def test_the_walkthrough_runs_against_a_live_server(live_server, alice):
    commands = curl_commands(README.read_text())
    assert [c[0] for c in commands] == ["curl"] * 5
    variables = {"BASE": live_server.url, "TOKEN": Token.objects.create(user=alice).key}
    answers = [run(command, variables) for command in commands]
    assert [code for code, _ in answers] == [201, 201, 201, 200, 200], answers
    source, expert, prediction, listed, detail = (body for _, body in answers)
    assert expert["slug"] == "nadia-varga"
    assert prediction["probability"] == 0.8
    assert prediction["source"]["id"] == source["id"]
    assert [p["id"] for p in listed["results"]] == [prediction["id"]]
    assert detail["track_record"]["resolved_count"] == 0
    # Replaying step 1 finds the same source instead of failing.
    assert run(commands[0], variables) == (200, source)

"""Helpers for the audit dump tests: the stand-alone verifier loaded from its file, and dumps
read, edited by hand and written back."""

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

from tests.paths import ROOT

VERIFIER = ROOT / "tools" / "verify_audit.py"


def load_verifier() -> ModuleType:
    """tools/verify_audit.py as a module, imported from its path as a reader would run it."""
    spec = importlib.util.spec_from_file_location("verify_audit", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_dump(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_dump(path: Path, lines: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def rechain(lines: list[dict]) -> list[dict]:
    """A forger's finishing touch: every hash recomputed after payloads were edited, and the
    manifest and summary heads made to match, so the dump is consistent with itself."""
    prev = "0" * 64
    for line in lines:
        if line["type"] == "ledger":
            line["prev_hash"] = prev
            line["hash"] = prev = hashlib.sha256((prev + line["payload"]).encode()).hexdigest()
    for line in lines:
        if line["type"] in ("manifest", "summary"):
            line["head"]["hash"] = prev
        if line["type"] == "summary":
            line["lines"].pop("published_head", None)
    return [line for line in lines if line["type"] != "published_head"]


def first(lines: list[dict], type_: str, **match: object) -> dict:
    return next(
        line
        for line in lines
        if line["type"] == type_ and all(line.get(k) == v for k, v in match.items())
    )

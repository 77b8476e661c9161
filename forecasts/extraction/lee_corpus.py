"""A second corpus of real news, from outside the Wikinews set the rules were written on.

    python -m forecasts.extraction.lee_corpus          # writes var/lee/articles.jsonl

The Lee corpus (Lee, Pincombe and Welsh, 2005: 350 short stories from the Australian
Broadcasting Corporation's news service) ships inside gensim's wheel as test data. This fetches
that wheel from the package registry (the one place this machine may fetch from), takes the two
text files out of it, and writes one JSON line per story, `{"id": "lee-bg-012", "text": ...}`:
`lee-bg-NNN` for line NNN of lee_background.cor, `lee-NNN` for line NNN of lee.cor. Neither gensim
nor the texts enter the repository or the installed service; only our annotations
(tests/extraction/annotations/lee-*.jsonl) are committed. The result is checked against a
digest, so every machine scores the same texts.
"""

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO / "var" / "lee" / "articles.jsonl"
WHEEL = "gensim==4.3.3"
# Any of gensim 4.3.3's wheels holds the same test data; this one is on the registry for CPython
# 3.11 on Linux, and pip only downloads it (no install, no dependencies).
PLATFORM = ("--python-version", "3.11", "--platform", "manylinux_2_17_x86_64")
FILES = (
    ("gensim/test/test_data/lee_background.cor", "lee-bg", "utf-8"),
    ("gensim/test/test_data/lee.cor", "lee", "latin-1"),
)
SHA256 = "bd98d4b0f0e9e5aa9318f41f3441f541827f9af3402957806292b49b6fe8a679"


def stories(wheel: Path) -> list[dict[str, str]]:
    """Every non-empty line of the two files, whitespace collapsed, with its id."""
    rows = []
    with zipfile.ZipFile(wheel) as archive:
        for member, prefix, encoding in FILES:
            text = archive.read(member).decode(encoding)
            for number, line in enumerate(text.split("\n")):
                if story := " ".join(line.split()):
                    rows.append({"id": f"{prefix}-{number:03d}", "text": story})
    return rows


def serialise(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def download_wheel(directory: Path) -> Path:
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        + list(PLATFORM)
        + ["--dest", str(directory), WHEEL],
        check=True,
    )
    return next(directory.glob("gensim-*.whl"))


def build(output: Path = DEFAULT_OUTPUT, wheel: Path | None = None) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        data = serialise(stories(wheel or download_wheel(Path(scratch))))
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"lee corpus: sha256 {digest}, expected {SHA256}; not written")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return output


if __name__ == "__main__":
    given = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(build(wheel=given))

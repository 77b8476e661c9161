"""The install locks (issue 16, item 9): requirements*.txt pin every package with hashes, agree
with the top-level pins in requirements*.in, and are the set the tests run on.

Offline: reads the files and the installed packages' metadata. A failure here means the lock
is stale (`make lock` regenerates it) or this environment is not the lock (`make venv-dev`).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from tests.paths import ROOT

RUNTIME_IN = ROOT / "requirements.in"
DEV_IN = ROOT / "requirements-dev.in"
RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
LOCKS = {RUNTIME_LOCK: RUNTIME_IN, DEV_LOCK: DEV_IN}
HASH = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    """One lock entry: `name==version ; marker`, its hashes and its `# via` annotations."""

    name: str
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    via: tuple[str, ...]

    def applies_here(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def _entries(path: Path) -> list[tuple[str, list[str]]]:
    """The lock's entries as (requirement line with its continuations joined, annotations)."""
    entries: list[tuple[str, list[str]]] = []
    continuing = False
    for line in path.read_text().splitlines():
        if continuing:
            entries[-1] = (entries[-1][0] + " " + line.strip().rstrip("\\"), entries[-1][1])
        elif line.strip().startswith("#"):
            if entries and line.startswith(" "):
                entries[-1][1].append(line.strip().lstrip("#").strip())
        elif line.strip():
            entries.append((line.strip().rstrip("\\"), []))
        continuing = line.endswith("\\")
    return entries


def parse_entry(text: str, notes: list[str]) -> Pin:
    """One entry; anything but one exact `name==version` (a range, URL, extras) is refused."""
    requirement, *hashes = (part.strip() for part in text.split("--hash="))
    parsed = Requirement(requirement)
    specifiers = list(parsed.specifier)
    if parsed.url or parsed.extras:
        raise ValueError(f"{requirement}: a URL or extras in a lock line")
    if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
        raise ValueError(f"{requirement}: not one exact == pin")
    via = (note.removeprefix("via").strip() for note in notes)
    return Pin(
        name=canonicalize_name(parsed.name),
        version=specifiers[0].version,
        marker=parsed.marker,
        hashes=tuple(hashes),
        via=tuple(item for item in via if item),
    )


def read_lock(path: Path) -> list[Pin]:
    return [parse_entry(text, notes) for text, notes in _entries(path)]


def read_in(path: Path, follow: bool = True) -> list[Requirement]:
    """The requirements in a .in file, and (follow) in the files it takes with `-r`."""
    requirements = []
    for line in path.read_text().splitlines():
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if line.startswith("-r "):
            if follow:
                requirements += read_in(path.parent / line.removeprefix("-r ").strip())
        elif line.startswith("-c "):
            continue
        elif line:
            requirements.append(Requirement(line))
    return requirements


def names(requirements: list[Requirement]) -> set[str]:
    return {canonicalize_name(requirement.name) for requirement in requirements}


def here(pins: list[Pin]) -> dict[str, Pin]:
    return {pin.name: pin for pin in pins if pin.applies_here()}


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_each_lock_entry_is_one_exact_pin_with_hashes(lock: Path) -> None:
    entries = _entries(lock)
    assert len(entries) > len(read_in(LOCKS[lock])), f"{lock.name} locks no more than its .in"
    problems = []
    for text, notes in entries:
        try:
            pin = parse_entry(text, notes)
        except (InvalidRequirement, ValueError) as error:
            problems.append(str(error))
            continue
        if not pin.hashes or not all(HASH.fullmatch(value) for value in pin.hashes):
            problems.append(f"{pin.name}: not only sha256 hashes: {pin.hashes}")
    assert not problems, f"{lock.name} (make lock): " + "; ".join(problems)


@pytest.mark.parametrize("source", [RUNTIME_IN, DEV_IN], ids=lambda path: path.name)
def test_in_files_pin_each_top_level_package_exactly(source: Path) -> None:
    loose = [
        str(requirement)
        for requirement in read_in(source, follow=False)
        if [spec.operator for spec in requirement.specifier] != ["=="]
    ]
    assert not loose, f"{source.name}: top-level packages are pinned with ==: {loose}"


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_every_top_level_pin_is_locked_at_its_version(lock: Path) -> None:
    locked: dict[str, set[str]] = {}
    for pin in read_lock(lock):
        locked.setdefault(pin.name, set()).add(pin.version)
    stale = []
    for requirement in read_in(LOCKS[lock]):
        (wanted,) = (spec.version for spec in requirement.specifier)
        got = locked.get(canonicalize_name(requirement.name), set())
        if got != {wanted}:
            stale.append(f"{requirement.name}: .in says {wanted}, lock has {sorted(got) or 'none'}")
    assert not stale, f"{lock.name} is stale (make lock): " + "; ".join(stale)


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_lock_names_as_direct_exactly_the_pins_of_each_in_file(lock: Path) -> None:
    """A package dropped from a .in file but still in the lock stays annotated `-r that.in`."""
    pins = read_lock(lock)
    unexplained = [pin.name for pin in pins if not pin.via]
    assert not unexplained, f"{lock.name}: entries without `# via`: {unexplained}"
    direct: dict[str, set[str]] = {}
    for pin in pins:
        for reason in pin.via:
            if reason.startswith("-r "):
                direct.setdefault(reason.removeprefix("-r ").strip(), set()).add(pin.name)
    sources = {LOCKS[lock].name}
    sources |= {
        line.removeprefix("-r ").strip()
        for line in LOCKS[lock].read_text().splitlines()
        if line.startswith("-r ")
    }
    assert set(direct) == sources, f"{lock.name} was compiled from {sorted(direct)}"
    for source in sources:
        expected = names(read_in(ROOT / source, follow=False))
        assert direct[source] == expected, (
            f"{lock.name} is stale (make lock): as direct from {source} it has "
            f"{sorted(direct[source] - expected)} too many, {sorted(expected - direct[source])} "
            "missing"
        )


def test_runtime_lock_is_part_of_the_dev_lock_at_the_same_versions() -> None:
    """Tests run on what production installs: same versions, same files (hashes)."""
    dev: dict[str, dict[str, tuple[str, ...]]] = {}
    for pin in read_lock(DEV_LOCK):
        dev.setdefault(pin.name, {})[pin.version] = pin.hashes
    differing = []
    runtime_versions: dict[str, set[str]] = {}
    for pin in read_lock(RUNTIME_LOCK):
        runtime_versions.setdefault(pin.name, set()).add(pin.version)
        if set(dev.get(pin.name, {}).get(pin.version, ())) != set(pin.hashes):
            differing.append(f"{pin.name}=={pin.version}")
    for name, versions in runtime_versions.items():
        if set(dev.get(name, {})) != versions:
            differing.append(f"{name}: runtime {sorted(versions)}, dev {sorted(dev.get(name, {}))}")
    assert not differing, "the dev lock differs from the runtime lock (make lock): " + "; ".join(
        differing
    )


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_one_pin_per_package_applies_on_this_python(lock: Path) -> None:
    seen: dict[str, list[str]] = {}
    for pin in read_lock(lock):
        if pin.applies_here():
            seen.setdefault(pin.name, []).append(pin.version)
    doubled = {name: versions for name, versions in seen.items() if len(versions) > 1}
    assert not doubled, f"{lock.name}: markers let several versions apply here: {doubled}"


def installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "nothing"


def test_this_environment_is_the_dev_lock() -> None:
    differing = [
        f"{name}: locked {pin.version}, installed {installed(name)}"
        for name, pin in sorted(here(read_lock(DEV_LOCK)).items())
        if installed(name) != pin.version
    ]
    assert not differing, "this environment is not the dev lock (make venv-dev): " + "; ".join(
        differing
    )


def unmet_requirements(
    pins: dict[str, Pin], roots: list[Requirement]
) -> tuple[dict[str, str], set[str]]:
    """Walk the installed metadata from the top-level requirements, extras included: every
    package required (on this Python and platform) must be locked at a version that satisfies
    the requirement. Returns the unmet ones (package name: why) and the packages reached."""
    unmet: dict[str, str] = {}
    reached: set[str] = set()
    queue = deque((requirement, "the .in files") for requirement in roots)
    walked: set[tuple[str, frozenset[str]]] = set()
    while queue:
        requirement, wanted_by = queue.popleft()
        name = canonicalize_name(requirement.name)
        pin = pins.get(name)
        if pin is None or not requirement.specifier.contains(pin.version, prereleases=True):
            locked = pin.version if pin else "nothing"
            unmet[name] = f"{wanted_by} needs {requirement}, the lock has {locked}"
            continue
        reached.add(name)
        if installed(name) != pin.version:
            unmet[name] = f"locked {pin.version}, installed {installed(name)} (make venv-dev)"
            continue
        extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
        if (name, extras) in walked:
            continue
        walked.add((name, extras))
        contexts = [{"extra": extra} for extra in sorted(extras | {""})]
        for line in metadata.requires(name) or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate(env) for env in contexts):
                queue.append((needed, f"{name}[{','.join(sorted(extras))}]"))
    return unmet, reached


def test_dev_lock_holds_everything_its_packages_require() -> None:
    """The issue's failure: justext needs lxml[html_clean], i.e. lxml_html_clean. A resolver
    that misreads the extra writes a lock without it; this walk finds such a gap."""
    pins = here(read_lock(DEV_LOCK))
    unmet, reached = unmet_requirements(pins, read_in(DEV_IN))
    assert not unmet, "the dev lock is incomplete (make lock): " + "; ".join(unmet.values())
    orphans = sorted(set(pins) - reached)
    assert not orphans, f"the dev lock holds packages nothing requires (make lock): {orphans}"


def test_the_walk_finds_a_missing_extra() -> None:
    """The check above is not vacuous: without lxml-html-clean the same walk reports it."""
    pins = here(read_lock(DEV_LOCK))
    del pins["lxml-html-clean"]
    unmet, _reached = unmet_requirements(pins, read_in(DEV_IN))
    assert unmet.get("lxml-html-clean", "").startswith("lxml[html-clean] needs"), unmet

"""Where things are, for tests in any folder: the repository and the tests' fixtures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

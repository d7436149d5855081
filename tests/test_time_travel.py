"""No time bombs: the demo, matching and follow-up tests pass with the clock two years ahead."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import DAYS_AHEAD

ROOT = Path(__file__).resolve().parents[1]
TWO_YEARS = 730


def test_demo_matching_and_links_work_two_years_from_now():
    env = os.environ | {"KOPPEL_TEST_DAYS_AHEAD": str(TWO_YEARS)}
    # When this whole run is already moved ahead, its own clock is not today's: start from today.
    today = datetime.now(UTC) - timedelta(days=DAYS_AHEAD)
    future = (today + timedelta(days=TWO_YEARS)).date()
    run = subprocess.run(
        # SQLite only, to keep `make test` short: the dates live in Python, not in the database.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m",
         "not browser and not worker", "-k", "not postgresql", "tests/test_matching_service.py",
         "tests/test_follow_up.py", "tests/test_invitations.py",
         "tests/test_demo_cli.py::test_demo_has_the_28_initiatives_and_loading_again_changes_nothing"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert f"clock moved {TWO_YEARS} days ahead: today is {future.isoformat()}" in run.stdout
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout and " failed" not in run.stdout

"""Every process pays for what it imports: a web worker serving the coding workspace and a
`manage.py` command that computes nothing must not load the statistics, charting or
spreadsheet libraries. They load in the functions that compute, on first use.

Each check runs in a fresh interpreter (tests/mi_coding/import_probe.py), since this one has
long since imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("import_probe.py")


def _heavy_libraries_loaded(*args: str) -> dict[str, str]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _described(loaded: dict[str, str]) -> str:
    return "\n".join(f"{library}, first imported by {chain}" for library, chain in loaded.items())


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["pages"], id="settings-models-admin-urls-views-templatetags"),
        pytest.param(["commands"], id="every-management-command"),
        pytest.param(["manage.py", "check"], id="manage.py-check"),
    ],
)
def test_loading_the_app_imports_no_statistics_chart_or_spreadsheet_library(args):
    loaded = _heavy_libraries_loaded(*args)
    assert not loaded, "heavy libraries loaded at start-up:\n" + _described(loaded)


def test_the_probe_names_a_heavy_library_and_who_imported_it():
    """The probe itself must be able to see an import, or the checks above prove nothing."""
    loaded = _heavy_libraries_loaded("manage.py", "shell", "-c", "import reliability.stats")
    assert "pingouin" in loaded
    assert loaded["pingouin"].endswith("reliability.stats")

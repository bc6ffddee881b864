from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """A file from tests/fixtures/transcripts, or from the shared samples (``samples/…``)."""
    path = FIXTURES / name if name.startswith("samples/") else FIXTURES / "transcripts" / name
    return path.read_bytes()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path

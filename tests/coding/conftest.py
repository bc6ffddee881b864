import pytest

from accounts.models import Agency, Practitioner
from tests import factories
from transcripts.models import Transcript


@pytest.fixture
def transcript(agency: Agency, practitioner: Practitioner) -> Transcript:
    """Six utterances, practitioner first, alternating with the client."""
    return factories.make_transcript(agency, practitioner, utterances=6)

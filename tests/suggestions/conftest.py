from __future__ import annotations

import pytest

from suggestions.models import Suggester, SuggestionSettings
from suggestions.services import suggester_create, suggester_train
from tests.factories import make_coded_dialogues, miti


@pytest.fixture
def trained(agency, practitioner, coder2, supervisor) -> Suggester:
    """A suggester trained on eight sessions coded by ``coder2``."""
    make_coded_dialogues(agency, practitioner, coder2)
    suggester = suggester_create(agency=agency, scheme=miti(), actor=supervisor)
    return suggester_train(suggester_id=suggester.pk)


@pytest.fixture
def switched_on(agency, trained) -> SuggestionSettings:
    return SuggestionSettings.objects.create(agency=agency, enabled=True, threshold=0.4)

"""The `seeded` fixture: a family with a record in every table about a contact or a child."""
from __future__ import annotations

import pytest

from tests.privacy.privacy_seed import seed


@pytest.fixture
def seeded(make, frozen_clock):
    return seed(make, frozen_clock)

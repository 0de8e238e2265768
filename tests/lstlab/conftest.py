"""One default world per test session; each test works on its own fork."""

from __future__ import annotations

import pytest

from lstlab.world import default_world


@pytest.fixture(scope="session")
def base_world():
    return default_world()


@pytest.fixture
def world(base_world):
    return base_world.fork()

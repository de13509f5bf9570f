"""Lease store backends for the generic contract suite (SQL backends will join the list)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.lease_backends import Backend, memfile_backend, memory_backend


@pytest.fixture(params=["memory", "memfile"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Every lease store backend, one at a time."""
    if request.param == "memory":
        return memory_backend()
    return memfile_backend(tmp_path)

"""Shared test configuration: hypothesis profiles.

Profiles (``HYPOTHESIS_PROFILE=dev|ci``, default ``dev``): ``dev`` runs 200 examples per property,
``ci`` 3000. Neither has a deadline: the oracle is a cgo call and generated files vary in size.

Helper modules live next to this file (``buildkit_oracle``, ``strategies``); pytest puts this
directory on ``sys.path`` (rootdir conftest, no ``__init__.py``), so tests import them by name.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    # Generated Dockerfiles are built from many small draws, and mutated real-world files are large.
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("dev", max_examples=200, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("ci", max_examples=3000, print_blob=True, **_COMMON)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

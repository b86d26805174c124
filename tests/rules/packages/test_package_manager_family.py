"""fixer.model.images: the distribution family the package managers a stage runs imply."""

from __future__ import annotations

import pytest

from fixer.model import Family, package_manager_family


@pytest.mark.parametrize(
    ("program", "family"),
    [
        pytest.param("aptitude", Family.DEBIAN, id="aptitude"),
        pytest.param("/usr/bin/aptitude", Family.DEBIAN, id="aptitude-path"),
        pytest.param("microdnf", Family.RHEL, id="microdnf"),
    ],
)
def test_family(program: str, family: Family) -> None:
    assert package_manager_family([program]) is family

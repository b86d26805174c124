"""The semantic model of a Dockerfile: stages, base images and their distribution family, and
the effective USER / WORKDIR / SHELL / ENV / ARG before each instruction.

Built once per tree by ``build_model`` (pure: no I/O); rules read it, never change it.
"""

from fixer.model.images import Family, ImageRef, image_family, package_manager_family, parse_image_ref
from fixer.model.stages import (
    AUTOMATIC_ARGS,
    POSIX_SHELL,
    WINDOWS_SHELL,
    Model,
    Programs,
    Stage,
    State,
    build_model,
    builds_on,
)

__all__ = [
    "AUTOMATIC_ARGS",
    "POSIX_SHELL",
    "WINDOWS_SHELL",
    "Family",
    "ImageRef",
    "Model",
    "Programs",
    "Stage",
    "State",
    "build_model",
    "builds_on",
    "image_family",
    "package_manager_family",
    "parse_image_ref",
]

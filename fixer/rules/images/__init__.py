"""DF4xx: base images and provenance — images pinned to the digest that was reviewed."""

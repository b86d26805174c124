"""DF6xx: exposure and hygiene — ADD of local files, pipes that hide failures."""

"""DF5xx: layers — install/build/remove in one RUN, consecutive RUNs merged, state carried over."""

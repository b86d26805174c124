"""The registry side of digest pinning: image names (``names``), credentials, the HTTP client,
the digest cache, and the ``Resolver`` that answers a run's tags from them.

This package's ``__init__`` imports nothing: rules read ``names`` and ``manifest`` on every run,
while the resolver (threads, the cache file) and the client (httpx) load only when pinning is
asked for.
"""

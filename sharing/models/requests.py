"""开放共享: requests."""

__all__: list[str] = []

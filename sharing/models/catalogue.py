"""开放共享: catalogue."""

__all__: list[str] = []

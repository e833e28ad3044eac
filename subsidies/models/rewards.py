"""奖补: rewards (see subsidies/models/__init__.py)."""

__all__: list[str] = []

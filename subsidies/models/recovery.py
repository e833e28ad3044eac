"""奖补: recovery (see subsidies/models/__init__.py)."""

__all__: list[str] = []

"""奖补: construction (see subsidies/models/__init__.py)."""

__all__: list[str] = []

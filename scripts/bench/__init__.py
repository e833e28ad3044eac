"""make bench: PostgreSQL at national scale, every role's pages beside the framework's floor and the admin.

Run `python -m scripts.bench [--quick] [--compare old.json] [--reseed]` from the project root (or `make bench`).
Figures, not assertions: the query-count tests hold the line in the suite; this shows the cost as data grows.
"""

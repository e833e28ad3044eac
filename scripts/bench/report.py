"""The printed table, the JSON file and the comparison with an earlier run."""

from __future__ import annotations

import json
from pathlib import Path


def print_pages(pages: dict, counts_scale: dict, counts_small: dict) -> None:
    """×floor: the median over the floor's; p95/own: the p95 over the p95 of the floor of its kind (the signed-in
    floor for a signed-in page, the floor for a public one)."""
    print(f"\n{'page':<34} {'st':>3} {'KB':>6} {'med ms':>8} {'p95 ms':>8} {'×floor':>7} {'p95/own':>7} {'×admin':>7} "
          f"{'q@scale':>7} {'q@10':>5}")
    for name, row in pages.items():
        print(f"{name:<34} {row['status']:>3} {row['bytes'] / 1024:>6.0f} {row['median_ms']:>8.1f} {row['p95_ms']:>8.1f} "
              f"{row['x_floor']:>7.1f} {row['x_own_floor_p95']:>7.1f} {row['x_admin']:>7.2f} "
              f"{counts_scale.get(name, '-'):>7} {counts_small.get(name, '-'):>5}")


def print_section(title: str, data: dict) -> None:
    print(f"\n{title}")
    for key, value in data.items():
        print(f"  {key:<32} {json.dumps(value, ensure_ascii=False)}")


def write(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nwritten to {path}")


def _numbers(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, f"{prefix}{key}." if prefix or key else key)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield prefix.rstrip("."), data


def compare(result: dict, old_path: Path) -> None:
    """Every timing, size and count that changed by more than 10 % (and 1 unit), old → new; then the figures the
    old run did not have (a page, a PDF or a measurement added since)."""
    old = dict(_numbers(json.loads(old_path.read_text())))
    new = dict(_numbers(result))
    print(f"\nchanges since {old_path} (more than 10 %):")
    shown = 0
    added = []
    for key, value in new.items():
        if key.startswith(("machine", "scale")):
            continue
        if key not in old:
            added.append((key, value))
            continue
        before = old[key]
        if abs(value - before) >= 1 and abs(value - before) > 0.1 * max(abs(before), 1e-9):
            change = f"{(value - before) / before * 100:+.0f} %" if before else "new"
            print(f"  {key:<60} {before:>10} → {value:<10} {change}")
            shown += 1
    if not shown:
        print("  none")
    if added:
        print(f"\nnot in {old_path} (new figures):")
        for key, value in added:
            print(f"  {key:<60} {'':>10}   {value}")

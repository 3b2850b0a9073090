"""China's provinces, cities and districts, for address pickers and address checks."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).resolve().parents[2] / "reference" / "regions.json"


@lru_cache(maxsize=1)
def _tree() -> dict[str, dict[str, list[str]]]:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def provinces() -> list[str]:
    return list(_tree())


def cities(province: str) -> list[str]:
    return list(_tree().get(province, {}))


def districts(province: str, city: str) -> list[str]:
    return list(_tree().get(province, {}).get(city, []))


def is_known(province: str, city: str, district: str) -> bool:
    return district in _tree().get(province, {}).get(city, [])

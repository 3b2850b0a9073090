"""The import contracts of pyproject.toml (import-linter; `make lint` runs them too) hold for the code, and refuse
each of the three import cycles the flat services/ once hid, or an import the wrong way: each case adds the import
to a copy of the code and runs `lint-imports` on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    # The copy is found first on the path, so the contracts are checked on it, not on the installed package.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, env={"PYTHONPATH": str(tree)},
    )


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    shutil.copytree(ROOT / "shopapp", tmp_path / "shopapp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_import_contract():
    checked = lint_imports(ROOT)
    assert checked.returncode == 0, checked.stdout[-3000:]


@pytest.mark.parametrize("importer, imported", [
    # The three cycles the flat services/ hid behind imports inside functions.
    ("services/orders/state.py", "from shopapp.services.orders import refunds"),
    ("services/catalog/views.py", "from shopapp.services.catalog import search"),
    ("services/inventory/availability.py", "from shopapp.services.inventory import ledger"),
    # And what else the layering forbids: a web framework in a service, a door reaching into the tables,
    # a lower domain reaching up.
    ("services/catalog/products.py", "import fastapi"),
    ("ui/store/cart.py", "from shopapp.models import Order"),
    ("services/core/money.py", "from shopapp.services.checkout import cart"),
])
def test_the_contracts_refuse_a_cycle_or_a_wrong_way_import(copy_of_the_code, importer, imported):
    module = copy_of_the_code / "shopapp" / importer
    # Inside a function, as the old cycles hid: the contracts see those imports too.
    module.write_text(module.read_text() + f"\n\ndef _reaching_up():\n    {imported}  # noqa\n")
    checked = lint_imports(copy_of_the_code)
    assert checked.returncode != 0, checked.stdout[-2000:]
    assert "BROKEN" in checked.stdout

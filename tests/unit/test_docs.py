"""The project's own docs/ are there, up to date with the code, and what the README points to."""

import re

from shopapp import docs
from shopapp.api import create_api


def test_the_api_reference_is_made_from_the_running_apis_openapi_document():
    # After changing an endpoint: `python -m shopapp docs` writes docs/api.md again.
    assert docs.API_PAGE.read_text(encoding="utf-8") == docs.api_reference(create_api().openapi())


def test_the_settings_page_lists_every_variable_settings_reads():
    assert docs.SETTINGS_PAGE.read_text(encoding="utf-8") == docs.settings_reference()


def test_every_endpoint_is_in_the_api_reference():
    page = docs.API_PAGE.read_text(encoding="utf-8")
    for path, operations in create_api().openapi()["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}`" in page


def test_the_readme_points_only_to_files_a_clone_has():
    readme = (docs.ROOT / "README.md").read_text(encoding="utf-8")
    assert "shared/" not in readme
    linked = re.findall(r"\]\(((?:docs|bench)/[^)#]+)\)", readme) + re.findall(r"`(docs/[\w./-]+\.md)`", readme)
    assert {"docs/architecture.md", "docs/api.md", "docs/settings.md", "docs/deploy.md"} <= set(linked)
    for path in linked:
        assert (docs.ROOT / path).is_file(), path

"""Settings: embedded defaults, and a bad value stops start-up with a message naming the variable."""

import os

import pytest

from shopapp.settings import SettingsError, load_settings


def test_defaults_need_nothing_but_a_data_folder(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.port == 8000
    assert settings.database_url == f"sqlite:///{tmp_path / 'shopapp.db'}"
    assert settings.redis_url is None and settings.storage_url is None
    assert settings.unpaid_order_ttl_seconds == 1800


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"), ("PORT", "70000"), ("DATABASE_URL", "mysql://x/y"), ("REDIS_URL", "localhost:6379"),
        ("UNPAID_ORDER_TTL_SECONDS", "-5"), ("STORAGE_URL", "ftp://bucket"), ("SMTP_URL", "mail.example.com"),
        ("OPENAI_BASE_URL", "not a url"), ("RUN_JOBS", "perhaps"), ("LOG_LEVEL", "LOUD"),
        ("WORKERS", "0"), ("WORKERS", "many"), ("WORKERS", "3"), ("HOST", "every interface"),
        ("WEB_SERVER", "gunicorn"),
    ],
)
def test_a_bad_value_names_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({"DATA_DIR": str(tmp_path), name: value})


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings({"DATA_DIR": str(tmp_path)}).secret_key
    again = load_settings({"DATA_DIR": str(tmp_path)}).secret_key
    assert len(first) >= 40 and first == again
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_use_the_psycopg_driver(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/shop"})
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/shop"


def test_the_settings_page_lists_every_variable():
    from pathlib import Path

    from shopapp.settings import VARIABLES

    page = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text()
    assert [name for name, _, _ in VARIABLES if f"`{name}`" not in page] == []


def test_the_platform_listens_everywhere_with_one_worker_unless_redis_shares_page_state(tmp_path):
    alone = load_settings({"DATA_DIR": str(tmp_path)})
    assert (alone.host, alone.workers) == ("0.0.0.0", 1)
    shared = load_settings({"DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert shared.workers == min(2 * (os.cpu_count() or 1) + 1, 8)
    chosen = load_settings({"DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0", "WORKERS": "3",
                            "HOST": "127.0.0.1"})
    assert (chosen.host, chosen.workers) == ("127.0.0.1", 3)


def test_several_workers_without_redis_are_refused_with_the_way_out(tmp_path):
    with pytest.raises(SettingsError, match="WORKERS=2 needs REDIS_URL"):
        load_settings({"DATA_DIR": str(tmp_path), "WORKERS": "2"})

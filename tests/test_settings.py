"""Settings validate themselves."""

import pytest
from pydantic import ValidationError

from core.config import Settings


def test_placeholder_secret_is_refused_in_production(monkeypatch):
    monkeypatch.setenv("KOPPEL_ENV", "production")
    monkeypatch.delenv("KOPPEL_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="KOPPEL_SECRET_KEY"):
        Settings()


def test_short_secret_is_refused_in_production(monkeypatch):
    monkeypatch.setenv("KOPPEL_ENV", "production")
    monkeypatch.setenv("KOPPEL_SECRET_KEY", "short")
    with pytest.raises(ValidationError):
        Settings()


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("KOPPEL_ENV", "production")
    monkeypatch.setenv("KOPPEL_SECRET_KEY", "x" * 40)
    assert Settings().secret_key.get_secret_value() == "x" * 40


def test_without_koppel_env_it_is_production_and_refuses_the_placeholder(monkeypatch):
    for name in ("KOPPEL_ENV", "KOPPEL_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="KOPPEL_SECRET_KEY"):
        Settings(_env_file=None)
    monkeypatch.setenv("KOPPEL_SECRET_KEY", "s" * 40)
    assert Settings(_env_file=None).env == "production"


def test_development_defaults_to_sqlite_and_eager_tasks(monkeypatch):
    for name in ("KOPPEL_DATABASE_URL", "KOPPEL_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KOPPEL_ENV", "development")
    settings = Settings(_env_file=None)
    assert settings.sqlalchemy_url == "sqlite:///var/koppel.db"
    assert settings.eager_tasks


def test_broker_url_turns_eager_tasks_off_and_postgres_url_gets_the_driver(monkeypatch):
    monkeypatch.setenv("KOPPEL_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("KOPPEL_DATABASE_URL", "postgresql://u@db/koppel")
    settings = Settings(_env_file=None)
    assert not settings.eager_tasks
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@db/koppel"

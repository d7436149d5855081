"""Settings for every Koppel process, read from the environment (prefix KOPPEL_)."""

from functools import lru_cache
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"
DEFAULT_SQLITE_URL = "sqlite:///var/koppel.db"


class Settings(BaseSettings):
    """Validated runtime configuration."""

    model_config = SettingsConfigDict(env_prefix="KOPPEL_", env_file=".env", extra="ignore")

    # Fail closed: only an explicit KOPPEL_ENV=development (make demo, the tests) relaxes the
    # rules; anything else runs as production and refuses the placeholder secret.
    env: Literal["development", "production"] = "production"
    database_url: str = DEFAULT_SQLITE_URL
    # Unset means tasks run eagerly inside the web process (the embedded default).
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    host: str = "127.0.0.1"
    port: int = 8000
    # Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated, e.g.
    # "10.0.0.5"). Empty: the address of whoever connects counts, whatever headers say.
    trusted_proxies: str = ""
    # Server processes for `koppel serve` (each has its own threads and connection pool).
    workers: int = 1
    # Connections per process; the server runs as many request threads as it has connections,
    # so a request waits for a thread rather than for a connection it cannot get.
    db_pool_size: int = 10
    db_max_overflow: int = 5
    # A request that cannot get a connection this fast is answered 503 with Retry-After.
    db_pool_timeout: float = 2.0
    db_connect_timeout: int = 3
    # The largest request body accepted (a profile with its needs is a few kilobytes).
    max_body_bytes: int = 1_000_000
    # Shards of a full rematch, each a task for its own worker process (run at least as many
    # matching worker processes); 1 runs it in one process.
    matching_shards: int = 1
    log_level: str = "INFO"
    # How long an unpublished outbox row may wait before the periodic relay picks it up.
    outbox_grace_seconds: int = 30
    # Retention per category, in months (privacy by design: nothing is kept forever).
    retention_volunteer_inactive_months: int = 24
    retention_closed_client_months: int = 24
    # Brokers' case notes on a need (issue 16).
    retention_case_note_months: int = 24
    # The partner's contact person on a closed referral (issue 16).
    retention_closed_referral_months: int = 12
    # Mail: without an SMTP host (the demo) messages stay in a local outbox shown at /dev/mail.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "Koppel <noreply@koppel.invalid>"
    # Absolute address of this site, for links in e-mails.
    base_url: str = "http://127.0.0.1:8000"
    invite_valid_days: int = 14
    # Days after acceptance before both sides are asked "Is de hulp gelukt?".
    follow_up_after_days: int = 14
    # Days without an answer before the broker sees an invitation or follow-up as overdue.
    overdue_after_days: int = 7
    # Days ahead the broker's start page and follow-up list show as "binnenkort" (due soon).
    due_soon_days: int = 7

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        secret = self.secret_key.get_secret_value()
        if self.env != "development" and (secret == PLACEHOLDER_SECRET or len(secret) < 32):
            raise ValueError(
                "KOPPEL_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside development"
            )
        return self

    @property
    def eager_tasks(self) -> bool:
        """True when no broker is configured and tasks run in-process."""
        return not self.redis_url

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the psycopg 3 driver made explicit."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


@lru_cache
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return Settings()

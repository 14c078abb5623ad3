"""Engine settings: the only place that reads the environment (``GRANTS_*``)."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration for every runtime mode; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="GRANTS_", extra="ignore")

    home: Path = Field(default=Path(".grants"), description="Working folder for data, files and Prefect.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under GRANTS_HOME when unset.")
    lang: Literal["fr", "en"] = Field(default="en", description="Language of the command line.")
    actor: str | None = Field(default=None, description="Name recorded in the audit log for command-line actions.")
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    applicant_token_days: int = Field(default=2190, ge=1, description="Lifetime of an applicant's access token.")
    reviewer_token_days: int = Field(default=120, ge=1, description="Default lifetime of a reviewer token.")
    manager_token_days: int = Field(default=180, ge=1, description="Default lifetime of a manager token.")
    status_answers_kept: int = Field(
        default=10_000,
        ge=0,
        description="Applicant status answers kept between asks while the SQLite database is unchanged (0: none).",
    )
    web_session_hours: int = Field(default=8, ge=1, le=24 * 30, description="How long a web sign-in lasts.")
    portal_url: str | None = Field(
        default=None,
        description="Public address of the web pages, printed on receipts (e.g. https://fonds.example.ca).",
    )
    cookie_secure: bool = Field(
        default=True, description="Send session cookies over HTTPS only (off for plain-HTTP tests)."
    )

    @cached_property  # read on every request: resolving the path each time costs system calls
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'grants.db').resolve()}"

    @property
    def prefect_home(self) -> Path:
        return (self.home / "prefect").resolve()

    @property
    def output_dir(self) -> Path:
        return (self.home / "out").resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

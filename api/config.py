"""Settings of the HTTP service, read from ``CCHC_*`` environment variables."""

from __future__ import annotations

import ipaddress
import json
import os
from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ApiSettings(BaseSettings):
    """Limits and switches of the chat service.

    ``CCHC_CORS_ORIGINS`` accepts a JSON list or a comma-separated string.
    ``CCHC_ADMIN_KEY`` unset (or empty) disables the admin endpoints (403).
    ``CCHC_RATE_LIMIT_PER_MINUTE=0`` disables rate limiting.
    ``CCHC_TRUSTED_PROXIES`` (JSON list or comma-separated IPs/networks): only connections from these
    may set the client address with ``X-Forwarded-For`` (which the rate limit keys on).
    """

    model_config = SettingsConfigDict(env_prefix="CCHC_", env_file=".env", extra="ignore")

    admin_key: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["http://localhost:8000"])
    max_question_chars: int = Field(default=1000, ge=1)
    max_body_bytes: int = Field(default=64_000, ge=1)
    max_upload_bytes: int = Field(default=20_000_000, ge=1)
    rate_limit_per_minute: int = Field(default=60, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default_factory=_default_workers, ge=1, description="threads for CPU-bound ask/search")
    log_level: str = "INFO"
    stream_delay_ms: float = Field(default=0.0, ge=0, le=1000, description="pause between streamed tokens (typing effect)")
    parse_timeout_seconds: float = Field(default=120.0, gt=0, description="time budget of parsing one upload")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses (or networks) of reverse proxies whose X-Forwarded-For/-Proto are believed; none by default",
    )

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", mode="after")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"CCHC_TRUSTED_PROXIES: {item!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)") from None
        return value

    @field_validator("admin_key", mode="after")
    @classmethod
    def _empty_key_is_none(cls, value: str | None) -> str | None:
        return value or None


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """Settings read once per process; tests pass ``ApiSettings(...)`` to ``create_app`` instead."""
    return ApiSettings()

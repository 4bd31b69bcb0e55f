"""A backend profile: everything :func:`backends.factory.make_backend` needs to build a backend.

The console reads profiles from its TOML config; tests and scripts build them directly. Secrets
are never stored here: a profile names the environment variable or the 0600 file that holds one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BackendProfile"]


class BackendProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "demo"
    backend: Literal["fake", "rest"] = "fake"

    # fake backend
    seed: str = "demo"
    progression: Literal["manual", "realtime"] = "realtime"
    stage_seconds: float = Field(default=1.0, ge=0)
    state_file: Path | None = None

    # REST backend
    environment: str | None = None
    base_url: str | None = None
    client_id: str | None = None
    client_secret_env: str = "ZUORA_CLIENT_SECRET"
    client_secret_file: Path | None = None
    zuora_version: str = "2025-08-12"
    entity_ids: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=5, ge=0)
    max_concurrency: int = Field(default=8, ge=1)

"""Named environments, base URL rules and building the backend from a profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backends.errors import ValidationError
from backends.factory import make_backend
from backends.profile import BackendProfile
from backends.rest import RestBackend
from backends.rest.environments import ENVIRONMENTS, check_base_url, resolve_base_url

from .conftest import CLIENT_ID, SECRET


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("us-production", "https://rest.zuora.com"),
        ("us-production-na", "https://rest.na.zuora.com"),
        ("us-sandbox", "https://rest.apisandbox.zuora.com"),
        ("us-central-sandbox", "https://rest.test.zuora.com"),
        ("eu-production", "https://rest.eu.zuora.com"),
        ("eu-sandbox", "https://rest.sandbox.eu.zuora.com"),
        ("apac-production", "https://rest.ap.zuora.com"),
        ("APAC-Sandbox", "https://rest.test.ap.zuora.com"),
    ],
)
def test_named_environments(name: str, url: str) -> None:
    assert resolve_base_url(name, None) == url


def test_every_environment_is_https() -> None:
    assert all(url.startswith("https://") for url in ENVIRONMENTS.values())


def test_base_url_wins_over_environment_and_is_normalised() -> None:
    assert (
        resolve_base_url("us-sandbox", "https://zuora.example.com/") == "https://zuora.example.com"
    )


def test_unknown_environment_lists_the_names() -> None:
    with pytest.raises(ValidationError, match="eu-production"):
        resolve_base_url("mars-production", None)


def test_neither_environment_nor_url() -> None:
    with pytest.raises(ValidationError, match="environment"):
        resolve_base_url(None, None)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:8080", "http://127.0.0.2"],
)
def test_plain_http_allowed_to_loopback(url: str) -> None:
    assert check_base_url(url) == url


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("http://rest.zuora.com", "refusing plain http"),
        ("http://10.0.0.5:8080", "refusing plain http"),
        ("ftp://rest.zuora.com", "https"),
        ("rest.zuora.com", "https"),
        ("https://user:pw@rest.zuora.com", "password"),
        ("https://rest.zuora.com/?x=1", "query"),
    ],
)
def test_bad_base_urls_refused(url: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        check_base_url(url)


def test_constructor_refuses_plain_http_to_a_remote_host() -> None:
    with pytest.raises(ValidationError, match="http"):
        RestBackend("http://rest.zuora.com", client_id=CLIENT_ID, client_secret=SECRET)


def test_constructor_requires_client_id_and_secret() -> None:
    with pytest.raises(ValidationError, match="client_id"):
        RestBackend("https://rest.zuora.com", client_id=" ", client_secret=SECRET)
    with pytest.raises(ValidationError, match="secret"):
        RestBackend("https://rest.zuora.com", client_id=CLIENT_ID, client_secret="")


async def test_describe_shows_the_host_and_never_does_io() -> None:
    async with RestBackend(
        "https://rest.eu.zuora.com", client_id=CLIENT_ID, client_secret=SECRET
    ) as backend:
        info = backend.describe()
        assert (info.kind, info.host) == ("REST", "rest.eu.zuora.com")
        assert SECRET not in repr(backend)


async def test_from_profile_with_environment_and_env_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", SECRET)
    profile = BackendProfile(
        name="eu", backend="rest", environment="eu-sandbox", client_id=CLIENT_ID
    )
    backend = make_backend(profile)
    assert isinstance(backend, RestBackend)
    assert backend.describe().host == "rest.sandbox.eu.zuora.com"
    await backend.aclose()


async def test_from_profile_with_base_url_and_secret_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    os.chmod(secret_file, 0o600)
    profile = BackendProfile(
        backend="rest",
        base_url="http://127.0.0.1:8080",
        client_id=CLIENT_ID,
        client_secret_file=secret_file,
        zuora_version="2024-05-20",
    )
    backend = RestBackend.from_profile(profile)
    assert backend.describe().host == "127.0.0.1"
    await backend.aclose()


def test_from_profile_without_client_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", SECRET)
    monkeypatch.delenv("ZUORA_CLIENT_ID", raising=False)
    with pytest.raises(ValidationError, match=r"client_id.*--client-id.*ZUORA_CLIENT_ID"):
        RestBackend.from_profile(BackendProfile(backend="rest", environment="us-sandbox"))


async def test_from_profile_takes_the_client_id_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("ZUORA_CLIENT_ID", CLIENT_ID)
    backend = RestBackend.from_profile(BackendProfile(backend="rest", environment="us-sandbox"))
    assert isinstance(backend, RestBackend)
    await backend.aclose()


def test_from_profile_without_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZUORA_CLIENT_SECRET", raising=False)
    profile = BackendProfile(backend="rest", environment="us-sandbox", client_id=CLIENT_ID)
    with pytest.raises(ValidationError, match="ZUORA_CLIENT_SECRET"):
        RestBackend.from_profile(profile)


async def test_rest_backend_is_a_backend() -> None:
    from backends.base import Backend

    async with RestBackend(
        "https://rest.zuora.com", client_id=CLIENT_ID, client_secret=SECRET
    ) as b:
        assert isinstance(b, Backend)

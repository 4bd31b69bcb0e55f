"""Where the client secret may come from, and that it never prints itself."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from backends.errors import ValidationError
from backends.rest.secrets import Secret, read_client_secret

from .conftest import SECRET


def test_from_the_default_environment_variable() -> None:
    secret = read_client_secret(environ={"ZUORA_CLIENT_SECRET": f"  {SECRET}\n"})
    assert secret.reveal() == SECRET


def test_from_a_named_environment_variable() -> None:
    secret = read_client_secret("TENANT_B_SECRET", environ={"TENANT_B_SECRET": SECRET})
    assert secret.reveal() == SECRET


def test_missing_variable_says_what_to_set() -> None:
    with pytest.raises(ValidationError, match=r"ZUORA_CLIENT_SECRET.*client_secret_file"):
        read_client_secret(environ={})


def test_from_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "zuora.secret"
    path.write_text(SECRET + "\n")
    os.chmod(path, 0o600)
    assert read_client_secret(file=path, environ={}).reveal() == SECRET


def test_file_wins_over_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "zuora.secret"
    path.write_text("from-file")
    os.chmod(path, 0o400)
    assert read_client_secret(file=path, environ={"ZUORA_CLIENT_SECRET": SECRET}).reveal() == (
        "from-file"
    )


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o604, 0o660, 0o666])
def test_group_or_world_readable_file_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "zuora.secret"
    path.write_text(SECRET)
    os.chmod(path, mode)
    with pytest.raises(ValidationError) as caught:
        read_client_secret(file=path, environ={})
    assert f"chmod 600 {path}" in caught.value.message
    assert SECRET not in caught.value.message


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        read_client_secret(file=tmp_path / "nope", environ={})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    os.chmod(empty, 0o600)
    with pytest.raises(ValidationError, match="empty"):
        read_client_secret(file=empty, environ={})


def test_a_directory_is_not_a_secret_file(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o700)
    with pytest.raises(ValidationError, match="regular file"):
        read_client_secret(file=tmp_path, environ={})


def test_secret_never_prints_or_pickles() -> None:
    secret = Secret(SECRET)
    assert SECRET not in repr(secret)
    assert SECRET not in str(secret)
    assert SECRET not in f"{secret} {[secret]} { ({'s': secret}) }"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert secret == Secret(SECRET)
    assert bool(Secret("")) is False

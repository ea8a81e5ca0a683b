"""Encryption at rest for health answers: MultiFernet, keys from configuration.

`FIELD_ENCRYPTION_KEY` holds one or more Fernet keys separated by commas. The first encrypts;
all of them decrypt. To rotate: put a new key first, run `flask --app wsgi rotate-encryption-key`
(which re-encrypts every stored value with the new key), then drop the old key.

Development and tests without a configured key use one generated into `instance/`, kept
with owner-only permissions, so answers survive restarts. Production refuses to start
without a key (config.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

from config import parse_keys

KEY_FILE = "field_encryption_key"


class EncryptionKeyError(Exception):
    """A stored value cannot be decrypted with any configured key."""


class FieldCipher:
    """Encrypts and decrypts JSON values with the configured keys."""

    def __init__(self, keys: list[Fernet]) -> None:
        self._fernet = MultiFernet(keys)

    def encrypt(self, value: Any) -> str:
        """A JSON-serialisable value as an encrypted token."""
        plain = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def decrypt(self, token: str) -> Any:
        """The value a token holds; EncryptionKeyError when no configured key opens it."""
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except InvalidToken:
            raise EncryptionKeyError(
                "a stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY"
            ) from None

    def rotate(self, token: str) -> str:
        """The same value encrypted with the first (newest) key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise EncryptionKeyError(
                "a stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY"
            ) from None


def _instance_key(path: Path) -> str:
    # Created owner-only from the start, and only once even if two processes start together
    # (O_EXCL): a second key would leave answers saved with the first one unreadable.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    """Build the app's cipher from FIELD_ENCRYPTION_KEY, or a development key in instance/."""
    raw = app.config.get("FIELD_ENCRYPTION_KEY") or _instance_key(
        Path(app.instance_path) / KEY_FILE
    )
    app.extensions["field_cipher"] = FieldCipher(parse_keys(raw))


def cipher() -> FieldCipher:
    """The running app's cipher."""
    return current_app.extensions["field_cipher"]

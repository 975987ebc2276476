"""Ed25519 keys for audit checkpoints: the private key is a file, never a database row.

The key id is the SHA-256 (hex) of the raw 32-byte public key, so anyone can recompute it from
a published key and nobody can attach a key to someone else's id.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class SigningKeyError(Exception):
    """A key file is missing, unreadable or not an Ed25519 key; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(key)).hexdigest()


def public_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(raw_public(key)).decode("ascii")


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")


def verify_signature(key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def load_signing_key(path: Path | None = None) -> SigningKey:
    path = path or key_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"审计签名密钥文件 {path} 不存在，请先运行 manage.py audit_keygen"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"无法读取审计签名密钥文件 {path}：{exc.strerror}") from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningKeyError(f"{path} 不是未加密的 PEM 格式私钥") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} 不是 Ed25519 私钥")
    return SigningKey(private)


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Create ``path`` with mode 0600; refuses to overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(path, 0o600)  # whatever the umask said


def publish_public_key(key: Ed25519PublicKey, directory: Path | None = None) -> Path:
    """Keep ``<key id>.pub`` (PEM) in the public-keys directory; old keys are never removed."""
    directory = directory or Path(settings.AUDIT_PUBLIC_KEYS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{key_id_of(key)}.pub"
    if not target.exists():
        target.write_text(public_pem(key), encoding="ascii")
    return target


def load_public_key_file(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"无法读取公钥文件 {path}：{exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:  # a bare base64 raw key, as the portal shows it
            key = public_from_b64(data.decode("ascii").strip())
        except ValueError:
            raise SigningKeyError(f"{path} 不是 PEM 或 base64 格式的 Ed25519 公钥") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} 不是 Ed25519 公钥")
    return key


def trusted_public_keys(extra: list[Path] | None = None) -> dict[str, Ed25519PublicKey]:
    """Keys a checkpoint may be signed with, from files only (never from the database, where
    a database administrator could add a key of their own): the current key file, every
    ``*.pub`` in ``AUDIT_PUBLIC_KEYS_DIR`` and the files named by the caller."""
    keys: list[Ed25519PublicKey] = []
    if key_path().exists():
        keys.append(load_signing_key().public)
    directory = Path(settings.AUDIT_PUBLIC_KEYS_DIR)
    if directory.is_dir():
        keys.extend(load_public_key_file(p) for p in sorted(directory.glob("*.pub")))
    keys.extend(load_public_key_file(p) for p in extra or [])
    return {key_id_of(k): k for k in keys}

"""Create (or rotate) the Ed25519 key that signs audit checkpoints."""

from __future__ import annotations

import os
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from spotcheck.audit import checkpoints, signing


class Command(BaseCommand):
    help = (
        "Create the audit checkpoint signing key (AUDIT_SIGNING_KEY_FILE, mode 0600) and keep "
        "its public key in AUDIT_PUBLIC_KEYS_DIR. --rotate replaces an existing key: the old "
        "key signs a last checkpoint that covers the new key's registration, then the new key "
        "signs one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-missing", action="store_true", help="do nothing when the key file exists"
        )
        group.add_argument("--rotate", action="store_true", help="replace the existing key")

    def handle(self, *args: Any, **options: Any) -> None:
        path = signing.key_path()
        exists = path.exists()
        if exists and options["if_missing"]:
            return
        if exists and not options["rotate"]:
            raise CommandError(f"签名密钥 {path} 已存在；如需更换密钥请使用 --rotate")
        if options["rotate"] and not exists:
            raise CommandError(f"签名密钥 {path} 不存在，无需轮换；请去掉 --rotate")
        if not exists:
            key = Ed25519PrivateKey.generate()
            signing.write_private_key(path, key)
            pub = signing.publish_public_key(key.public_key())
            self.stdout.write(
                f"已生成审计签名密钥 {path}（权限 0600），密钥标识 "
                f"{signing.key_id_of(key.public_key())}；公钥：{pub}"
            )
            return
        self._rotate(path)

    def _rotate(self, path: Any) -> None:
        try:
            old = signing.load_signing_key()
        except signing.SigningKeyError as exc:
            raise CommandError(exc.message) from None
        new = signing.SigningKey(Ed25519PrivateKey.generate())
        signing.publish_public_key(new.public)
        pending = path.with_name(path.name + ".new")
        signing.write_private_key(pending, new.private)
        try:
            with transaction.atomic():
                # The old key vouches for the new one: its last checkpoint covers the
                # registration event of the new key.
                checkpoints.ensure_key_registered(new)
                last_old = checkpoints.create_checkpoint(key=old)
        except checkpoints.CheckpointError as exc:
            pending.unlink()
            raise CommandError(exc.message) from None
        os.replace(pending, path)  # the old private key is gone; its public key stays
        first_new = checkpoints.create_checkpoint(key=new)
        self.stdout.write(
            f"密钥已轮换：旧密钥 {old.key_id[:16]}… 签署了第 {last_old.tree_size} 条事件处的"
            f"最后一个检查点，新密钥 {new.key_id[:16]}… 签署了第 {first_new.tree_size} 条事件处的"
            "检查点。旧公钥仍保留并公开，用于验证旧检查点。"
        )

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.audit import checkpoints, dbguard, signing
from spotcheck.audit.chain import GENESIS
from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30


def read_source(source: str) -> Any:
    """A checkpoint file, or an http(s) URL (e.g. the portal's open-data dataset)."""
    scheme = urlsplit(source).scheme.lower()
    try:
        if scheme in {"http", "https"}:
            request = urllib.request.Request(source, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                data = response.read(MAX_DOCUMENT_BYTES + 1)
        elif scheme and len(scheme) > 1:  # (a one-letter "scheme" is a Windows drive)
            raise CommandError(f"检查点地址只支持 http 或 https，不支持 {scheme}：{source}")
        else:
            data = Path(source).read_bytes()
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise CommandError(f"无法读取检查点 {source}：{exc}") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise CommandError(f"检查点文件过大（超过 {MAX_DOCUMENT_BYTES} 字节）：{source}")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"检查点 {source} 不是有效的 JSON：{exc}") from None


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log; with --checkpoint FILE|URL also that the log "
        "still extends each signed checkpoint. Exits non-zero on any break."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE_OR_URL",
            help="a checkpoint (or the open-data list of them) kept earlier; repeatable",
        )
        parser.add_argument(
            "--since",
            metavar="FILE_OR_URL",
            help=(
                "verify only the events after this signed checkpoint (the newest in the file): "
                "time proportional to the events since it, and possible after old years were "
                "archived; the events up to it are vouched for by its signature and the archive"
            ),
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="FILE",
            help="also trust this Ed25519 public key (PEM or base64); repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        start = self._since(options["since"], options["public_key"]) if options["since"] else None
        after_seq, after_hash = start or (0, GENESIS)
        problems = list(verify_chain(after_seq=after_seq, after_hash=after_hash))
        for p in problems:
            self.stderr.write(f"事件 #{p.seq}: {p.message}")
        failures += len(problems)
        if options["checkpoint"]:
            failures += self._checkpoints(options["checkpoint"], options["public_key"])
        if not dbguard.guard_installed():
            self.stderr.write(
                "警告：审计表的只追加保护（数据库触发器）未安装，数据库可以修改或删除审计事件"
            )
        if failures:
            raise CommandError(f"审计日志校验失败：{failures} 处问题")
        if start is not None:
            since = AuditEvent.objects.filter(seq__gt=after_seq).count()
            self.stdout.write(
                f"审计日志完整：检查点（第 {after_seq} 号事件）之后的 {since} 条事件延续该检查点，"
                "哈希链无断裂。"
            )
            return
        self.stdout.write(f"审计日志完整：{AuditEvent.objects.count()} 条事件，哈希链无断裂。")

    def _since(self, source: str, key_files: list[str]) -> tuple[int, str]:
        """(size, head) of the newest checkpoint in ``source``, once its signature holds."""
        try:
            trusted = signing.trusted_public_keys([Path(f) for f in key_files])
        except signing.SigningKeyError as exc:
            raise CommandError(exc.message) from None
        docs = [d for d in checkpoints.parse_documents(read_source(source)) if isinstance(d, dict)]
        sized = [d for d in docs if isinstance(d.get("tree_size"), int)]
        if not sized:
            raise CommandError(f"{source} 中没有检查点")
        doc = max(sized, key=lambda d: d["tree_size"])
        report = checkpoints.check_checkpoint(doc, trusted, archived_ok=True)
        if report.problems:
            for message in report.problems:
                self.stderr.write(f"检查点（{report.tree_size} 条事件）：{message}")
            raise CommandError(f"审计日志校验失败：{len(report.problems)} 处问题")
        return int(doc["tree_size"]), str(doc["head"])

    def _checkpoints(self, sources: list[str], key_files: list[str]) -> int:
        try:
            trusted = signing.trusted_public_keys([Path(f) for f in key_files])
        except signing.SigningKeyError as exc:
            raise CommandError(exc.message) from None
        failures = 0
        for source in sources:
            for doc in checkpoints.parse_documents(read_source(source)):
                report = checkpoints.check_checkpoint(doc, trusted)
                where = (
                    f"检查点（{report.tree_size} 条事件）"
                    if report.tree_size is not None
                    else "检查点"
                )
                for message in report.problems:
                    self.stderr.write(f"{where}：{message}")
                if report.problems:
                    failures += len(report.problems)
                else:
                    self.stdout.write(
                        f"{where}：签名有效（密钥 {report.key_id[:16]}…），日志仍延续该检查点。"
                    )
        return failures

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One hash-chained entry of the 执法全过程记录.

    ``hash`` covers every other column plus the previous event's hash, so editing, deleting or
    reordering rows breaks the chain; ``ChainHead`` pins the tail so truncation is caught too.
    """

    # On PostgreSQL the table is partitioned by year of ``at`` (audit migration 0005,
    # core/partitions.py), so the database's unique constraints are (seq, at) and (hash, at):
    # ``record`` takes seq from the locked chain head, and ``verify_audit`` reports a seq
    # that repeats or skips. The model keeps unique=True for what it means.
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    algorithm = models.CharField(_("算法"), max_length=10)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"


class ChainHead(models.Model):
    """Single row holding the chain tail; locking it serialises concurrent writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("链头")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditSigningKey(models.Model):
    """A public key that has signed (or will sign) checkpoints; never removed after rotation.

    Only the public half lives in the database. The private key is a file outside it
    (``AUDIT_SIGNING_KEY_FILE``), so a database administrator cannot sign a rewritten history.
    Registering a key is itself an audit event, covered by the next checkpoint.
    """

    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=20, default="ed25519")
    # Raw 32-byte Ed25519 public key, base64 (RFC 8032 encoding).
    public_key = models.CharField(_("公钥"), max_length=100)
    registered_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("审计签名公钥")
        verbose_name_plural = _("审计签名公钥")
        ordering = ["registered_at", "pk"]

    def __str__(self) -> str:
        return self.key_id[:16]


class AuditCheckpoint(models.Model):
    """A signed head of the audit chain, like a signed tree head (RFC 9162 §4.10).

    ``tree_size`` events (seq 1..tree_size) whose last hash is ``head``, signed at ``timestamp``
    (milliseconds since the Unix epoch) with the key ``key_id``. Published on the portal and in
    open data; anyone holding one can later check that the log still extends it.
    """

    log_id = models.CharField(_("日志名称"), max_length=100)
    tree_size = models.PositiveBigIntegerField(_("事件数"))
    head = models.CharField(_("链头哈希"), max_length=64)
    hash_algorithm = models.CharField(_("哈希算法"), max_length=10)
    timestamp = models.PositiveBigIntegerField(_("签名时间（毫秒）"))
    key_id = models.CharField(_("密钥标识"), max_length=64)
    signature = models.CharField(_("签名"), max_length=100)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("审计日志检查点")
        verbose_name_plural = _("审计日志检查点")
        ordering = ["-tree_size", "-pk"]

    def __str__(self) -> str:
        return f"checkpoint #{self.tree_size}"

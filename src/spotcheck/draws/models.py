"""Draw records: commitments, revealed randomness, results, teams, recusals and the yearly cap.

Nothing here is ever deleted or overwritten: an aborted draw stays with its reason, and a redo
is a new, higher-numbered draw pointing at the one it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotcheck.core.fields import JSONBytesField
from spotcheck.core.recusals import RecusalReason
from spotcheck.directory.models import Inspector, Target
from spotcheck.planning.models import SpotCheckTask


class DrawState(models.TextChoices):
    COMMITTED = "committed", _("已承诺，等待公开随机数")
    EXECUTED = "executed", _("已抽取")
    ABORTED = "aborted", _("已作废")


class RandomnessKind(models.TextChoices):
    BEACON = "beacon", _("随机信标")
    LOTTERY = "lottery", _("彩票开奖号码")
    WITNESSES = "witnesses", _("见证人掷骰")


class DrawManager(models.Manager["Draw"]):
    """Draws without their proof unless asked: a provincial draw's proof is ~17 MB of JSON
    (compressed), ~90 ms to fetch, and pages that list or link draws never show it. Reading
    ``draw.proof`` loads it; ``has_proof()`` asks without loading it. Querysets that reach a
    draw through ``select_related`` defer ``draw__proof`` themselves. Not the base manager:
    ``refresh_from_db`` goes through that and must reload a proof the instance holds."""

    def get_queryset(self) -> models.QuerySet[Draw]:
        return super().get_queryset().defer("proof")


class Draw(models.Model):
    # The primary key is the public draw number: sequential, never reused.
    task = models.ForeignKey(
        SpotCheckTask, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="draws"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=DrawState.choices, default=DrawState.COMMITTED
    )
    hash_name = models.CharField(_("哈希算法"), max_length=10, default="sha256")
    commitment = models.JSONField(_("承诺文件"))
    commitment_digest = models.CharField(_("承诺指纹"), max_length=64, unique=True)
    # Secret until the proof may be published (Art. 18); never rendered before then.
    nonce = models.CharField(max_length=64)
    # Salts the committed conflict table (protocol §4.3). Never published, not even with the
    # proof: it would let anyone test guesses about the conflicts of targets not drawn.
    conflict_key = models.CharField(max_length=64, blank=True, editable=False)
    randomness_kind = models.CharField(
        _("公开随机数来源"), max_length=10, choices=RandomnessKind.choices
    )
    randomness = models.JSONField(_("公开随机数"), default=list, blank=True)
    inspector_lines = models.JSONField(default=list)
    # The weights' reasons, once per distinct risk profile; PoolEntry.profile indexes it.
    weight_profiles = models.JSONField(default=list, blank=True)
    # Per stratum of the snapshot: [name, eligible, excluded, Σπ in units of M, take-alls].
    pool_strata = models.JSONField(default=list, blank=True)
    conflict_lines = models.JSONField(default=list)
    proof = JSONBytesField(_("抽取证明"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("重抽所替代的抽取"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("承诺时间"))
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    executed_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    # The leader who approved the abort (the clerk who asked is on the AbortRequest).
    aborted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aborted_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    abort_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    objects = DrawManager()

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"第{self.pk}号抽取"

    def has_proof(self) -> bool:
        """Whether the draw has its proof, without fetching it when it was deferred."""
        if "proof" in self.__dict__:
            return self.proof is not None
        return Draw.objects.filter(pk=self.pk, proof__isnull=False).exists()


class AbortRequest(models.Model):
    """A clerk's request to void a draw. Only a leader's approval voids it, so a re-draw after
    an unwelcome result always takes two people and leaves a public trace."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="abort_requests")
    reason = models.CharField(_("作废原因"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    approved = models.BooleanField(_("批准"), null=True, blank=True)
    decision_comment = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("作废抽取申请")
        verbose_name_plural = _("作废抽取申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw"],
                condition=models.Q(decided_at__isnull=True),
                name="one_pending_abort_request_per_draw",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="abort_decided_by_another_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.reason}"

    @property
    def pending(self) -> bool:
        return self.decided_at is None


class PoolLineColumns(models.Model):
    """A pool line's columns, shared by the committed snapshot and the stored preview: both
    are written by the same COPY (draws/snapshot.py) and shown by the same rows."""

    credit_code = models.CharField(max_length=18)
    stratum = models.CharField(max_length=60)
    weight = models.PositiveBigIntegerField()
    # Index into the owner's weight_profiles: a million lines share a few hundred reason lists.
    profile = models.PositiveIntegerField(default=0)
    excluded = models.CharField(max_length=100, blank=True)
    pi_units = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


class DrawLineColumns(PoolLineColumns):
    """A pool line that belongs to a draw (``draw``, keyed with the credit code)."""

    draw: models.ForeignKey[Draw, Draw]
    draw_id: int

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.credit_code}"

    @property
    def factors(self) -> list[dict[str, str]]:
        profiles = self.draw.weight_profiles
        return profiles[self.profile] if self.profile < len(profiles) else []


class PoolEntry(DrawLineColumns):
    """One line of the committed pool snapshot, with the weight's reasons for display."""

    # A provincial pool is a million lines written in one COPY, so the table carries only
    # what its queries need (all by draw): no database-level foreign keys, whose checks
    # take a row lock per line at commit (FOR KEY SHARE on every target: a million heap
    # writes, ~15 s), and no per-column indexes. The ids come from the same transaction's
    # reads, targets and draws are never deleted (PROTECT/CASCADE still hold in the ORM),
    # and every line keeps its own credit code. The unique constraint serves lookups by
    # draw; drawn lines have a partial index of their own.
    draw = models.ForeignKey(
        Draw, on_delete=models.CASCADE, related_name="pool", db_constraint=False, db_index=False
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    pk = models.CompositePrimaryKey("draw", "credit_code")


class DrawnLine(DrawLineColumns):
    """A pool line the draw selected: a copy of its PoolEntry, written once at execution.

    Drawn lines are rows of their own rather than a flag on the snapshot, so the snapshot is
    never written after the commitment. Marking 10^5 of 10^7 snapshot rows took 7.9 s: each
    update rewrote a row and its index entries on a page of its own (docs/operations.md §9b);
    copying them here is one sequential insert. Keys as PoolEntry's, for the same reasons."""

    draw = models.ForeignKey(
        Draw,
        on_delete=models.CASCADE,
        related_name="drawn_lines",
        db_constraint=False,
        db_index=False,
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    pk = models.CompositePrimaryKey("draw", "credit_code")

    class Meta:
        ordering = ["draw", "credit_code"]


class PoolColumns(models.Model):
    """The committed pool as the engine reads it (ids, strata, weights, exclusions), packed
    into one compressed value beside the per-line PoolEntry rows.

    The draw and every proof download need the whole pool in canonical order: reading a
    million PoolEntry rows back and sorting them took 1.5 s each time, unpacking this takes
    a fraction of that. It is written in the commitment's transaction from the same pool
    as the rows, and cannot be altered unseen: the draw recomputes the pool's Merkle root
    from it and refuses to run when that differs from the commitment."""

    draw = models.OneToOneField(
        Draw, on_delete=models.CASCADE, primary_key=True, related_name="pool_columns"
    )
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.draw_id}"


class TeamMember(models.Model):
    """An inspector on a drawn target's team; a recusal ends the row and adds the replacement."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="team_members")
    # No database-level foreign key to the target, here and on CheckSlot: its check at commit
    # locks each drawn target's row (FOR KEY SHARE, a heap write on a page of its own), 3·10^5
    # of them for a 10^7-line draw. On PostgreSQL a trigger (migration 0015) refuses to
    # delete a target that a team or a check slot names; the ORM's PROTECT still applies.
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    recused_reason_code = models.CharField(
        _("回避事由"), max_length=40, choices=RecusalReason.choices, blank=True
    )
    # The free-text note: staff only; the public proof carries the code.
    recused_reason = models.CharField(_("回避说明"), max_length=300, blank=True)
    recused_at = models.DateTimeField(null=True, blank=True)
    recused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        ordering = ["target_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "target", "inspector"], name="inspector_once_per_team"
            )
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.target_id}:{self.inspector_id}"


class CapOverride(models.Model):
    """Leader-approved permission for a third (or later) check of a target in one year."""

    task = models.ForeignKey(SpotCheckTask, on_delete=models.PROTECT, related_name="cap_overrides")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    reason = models.CharField(_("理由"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "target"], name="one_override_per_task_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.year}"


class CheckSlot(models.Model):
    """Art. 13 cap: a target may hold slots 1 and 2 per calendar year, more only by override.

    The unique constraint, not a read-then-write, is what stops two concurrent draws from
    giving a target a third check: the losing transaction fails and changes nothing.
    """

    # No database-level foreign key: see TeamMember.target.
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="check_slots", db_constraint=False
    )
    year = models.PositiveSmallIntegerField()
    slot = models.PositiveSmallIntegerField()
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="check_slots")
    override = models.OneToOneField(
        CapOverride, on_delete=models.PROTECT, null=True, blank=True, related_name="slot"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "slot"], name="one_check_per_slot"),
            models.UniqueConstraint(fields=["target", "draw"], name="one_slot_per_draw"),
            models.CheckConstraint(
                condition=models.Q(slot__gte=1)
                & (models.Q(slot__lte=2) | models.Q(override__isnull=False)),
                name="two_checks_a_year_unless_overridden",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}#{self.slot}"


class AdvanceNotice(models.Model):
    """Art. 18 exception: a target told of its inspection in advance (e.g. 双预约), with why."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="advance_notices")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=300)
    notified_on = models.DateField(_("告知日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("提前告知")
        verbose_name_plural = _("提前告知")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.target_id}"


class PoolPreview(models.Model):
    """A task's probability preview computed by a job, for pools too large to rebuild on
    every view of the task page.

    Derived data, not a record: it fixes nothing (the commitment rebuilds the pool from the
    directory), so a newer preview replaces the older one and no audit event is written."""

    task = models.ForeignKey(SpotCheckTask, on_delete=models.CASCADE, related_name="previews")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    lines = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    shortfall = models.TextField(blank=True)
    # [stratum, eligible, excluded, Σπ in units of M, take-alls] per stratum.
    strata = models.JSONField(default=list)
    capped_ids = models.JSONField(default=list)
    weight_profiles = models.JSONField(default=list)

    class Meta:
        verbose_name = _("抽查概率预览")
        verbose_name_plural = _("抽查概率预览")

    def __str__(self) -> str:
        return f"{self.task_id}@{self.computed_at:%Y-%m-%d %H:%M}"


class PreviewLine(PoolLineColumns):
    """One pool line of a stored preview, written by COPY like the snapshot."""

    # As PoolEntry: no database-level foreign keys or per-column indexes on a table that
    # takes a million lines at once.
    preview = models.ForeignKey(
        PoolPreview,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    # The line's place in canonical order: a page is a range of positions, found through the
    # index, where OFFSET would walk every earlier line (0.6 s for the middle of 10^6).
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["preview", "position"], name="preview_line_position")
        ]

    def __str__(self) -> str:
        return f"{self.preview_id}:{self.credit_code}"

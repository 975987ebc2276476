"""Inspector teams: per target, inspectors in ticket order, skipping the ineligible.

Each drawn target orders all inspectors by ``H(tag, seed, target id, certificate number)``
and walks that order, skipping anyone who (1) is not qualified over the whole inspection window
(status "active", certificate valid from on or before the first day and to on or after the
last), (2) declared a conflict with the target or was recused from it, (3) already has
``cap`` assignments in this draw, or (4) would make the department mix impossible (a joint
task needs at least one inspector of every participating department). Targets are processed
in the order of the draw result, so the whole assignment is a pure function of the inputs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import accel
from .hashing import TAG_INSPECTOR_TICKET, EngineError, check_id, fields, hasher_factory
from .tickets import to_id_array

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REASONS = {
    "not_qualified": "not qualified over the inspection window",
    "other_department": "not in a participating department",
    "conflict": "declared conflict of interest",
    "recused": "recused from this target",
    "workload_cap": "at the workload cap",
    "department_mix": "would break the department mix",
}


class TeamFormationError(EngineError):
    """No valid team exists for a target; ``target`` and ``skipped`` say why."""

    def __init__(
        self,
        target: str,
        size: int,
        chosen: Sequence[str],
        skipped: Mapping[str, list[str]],
        missing_departments: Sequence[str],
    ) -> None:
        self.target = target
        self.size = size
        self.chosen = list(chosen)
        self.skipped = {k: list(v) for k, v in skipped.items()}
        self.missing_departments = list(missing_departments)
        parts = [
            f"{len(v)} {REASONS[k]} ({', '.join(v[:5])}{'...' if len(v) > 5 else ''})"
            for k, v in skipped.items()
            if v
        ]
        msg = (
            f"target {target}: cannot form a team of {size}; "
            f"found {len(chosen)} ({', '.join(chosen) or 'none'})"
        )
        if missing_departments:
            msg += f"; missing departments: {', '.join(missing_departments)}"
        if parts:
            msg += "; skipped: " + "; ".join(parts)
        super().__init__(msg)


@dataclass(frozen=True)
class Inspector:
    cert_no: str
    department: str
    status: str
    valid_from: str
    valid_to: str | None

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> Inspector:
        cert = rec["cert_no"]
        check_id(cert, "certificate number")
        for key in ("valid_from", "valid_to"):
            value = rec.get(key)
            if value is not None and not (isinstance(value, str) and _DATE.match(value)):
                raise EngineError(f"inspector {cert}: {key} must be YYYY-MM-DD or null")
        if rec.get("valid_from") is None:
            raise EngineError(f"inspector {cert}: valid_from is required")
        return cls(
            cert, str(rec["department"]), str(rec["status"]), rec["valid_from"], rec.get("valid_to")
        )

    def line(self) -> dict[str, Any]:
        return {
            "cert_no": self.cert_no,
            "department": self.department,
            "status": self.status,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }

    def qualified(self, start: str, end: str) -> bool:
        return (
            self.status == "active"
            and self.valid_from <= start
            and (self.valid_to is None or self.valid_to >= end)
        )


@dataclass(frozen=True)
class TeamParams:
    size: int = 2
    departments: tuple[str, ...] = ()
    """Participating departments of a joint task; empty = no department constraint."""
    window_start: str = ""
    window_end: str = ""
    max_assignments: int | None = None
    """Per-inspector cap for this draw; None = the balanced automatic cap (see ``caps``)."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TeamParams:
        size, cap = d.get("size", 2), d.get("max_assignments")
        start, end = d.get("window_start"), d.get("window_end")
        depts = d.get("departments") or []
        if type(size) is not int or size < 2:
            raise EngineError("team size must be an integer of at least 2")
        if cap is not None and (type(cap) is not int or cap < 1):
            raise EngineError("max_assignments must be a positive integer or null")
        if not all(isinstance(x, str) and x for x in depts) or len(set(depts)) != len(depts):
            raise EngineError("departments must be distinct non-empty strings")
        if len(depts) > size:
            raise EngineError("team size is smaller than the number of participating departments")
        if not (
            isinstance(start, str)
            and isinstance(end, str)
            and _DATE.match(start)
            and _DATE.match(end)
            and start <= end
        ):
            raise EngineError("inspection window must be YYYY-MM-DD dates, start <= end")
        return cls(size, tuple(sorted(depts)), start, end, cap)

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "departments": list(self.departments),
            "window_start": self.window_start,
            "window_end": self.window_end,
            "max_assignments": self.max_assignments,
        }


@dataclass
class TeamsResult:
    teams: list[dict[str, Any]]
    """``[{"target": id, "inspectors": [cert_no, ...]}]`` in target processing order."""
    recusals: list[dict[str, Any]] = field(default_factory=list)
    """``[{"target", "inspector", "reason", "replacement"}]`` in the order applied."""
    caps: dict[str, int] = field(default_factory=dict)


def caps(inspectors: Sequence[Inspector], n_targets: int, params: TeamParams) -> dict[str, int]:
    """Automatic cap: ceil(slots / qualified) + 1, raised per department of a joint task to
    ceil(targets / qualified in that department) + 1 so a small department can cover every team.

    The +1 matters: with a cap of exactly ceil(slots / qualified) the last targets often find
    only one inspector with capacity left, and a team needs two different people.
    """
    eligible = [
        i
        for i in inspectors
        if i.qualified(params.window_start, params.window_end)
        and (not params.departments or i.department in params.departments)
    ]
    if params.max_assignments is not None:
        return {i.cert_no: int(params.max_assignments) for i in inspectors}
    base = math.ceil(n_targets * params.size / max(len(eligible), 1)) + 1
    per_dept = Counter(i.department for i in eligible)
    out = {}
    for i in inspectors:
        c = base
        if params.departments and per_dept[i.department]:
            c = max(c, math.ceil(n_targets / per_dept[i.department]) + 1)
        out[i.cert_no] = c
    return out


class _Former:
    def __init__(
        self,
        seed: bytes,
        hash_name: str,
        inspectors: Sequence[Inspector],
        conflicts: Iterable[tuple[str, str]],
        params: TeamParams,
        n_targets: int,
    ):
        self.seed, self.hash_name, self.params = seed, hash_name, params
        self.inspectors = {i.cert_no: i for i in inspectors}
        if len(self.inspectors) != len(inspectors):
            raise EngineError("duplicate inspector certificate number")
        self.blocked: dict[str, dict[str, str]] = {}
        for cert, target in conflicts:
            self.blocked.setdefault(target, {})[cert] = "conflict"
        self.caps = caps(inspectors, n_targets, params)
        self.load: Counter[str] = Counter()
        self.orders: dict[str, list[str]] = {}
        self.new = hasher_factory(hash_name)
        # Each certificate's encoded field and sort tie-breaker, once: a draw of 10^4 targets
        # orders every inspector for each of them, and re-encoding them cost more than hashing.
        self.cert_fields = [
            (fields(cert.encode("utf-8")), cert.encode("utf-8"), cert) for cert in self.inspectors
        ]
        self.certs = list(self.inspectors)
        self.cert_array = np.ascontiguousarray(to_id_array(self.certs, "inspector"))
        self.accel = accel.module()

    def order(self, target: str) -> list[str]:
        cached = self.orders.get(target)
        if cached is not None:
            return cached
        prefix = fields(TAG_INSPECTOR_TICKET, self.seed, target.encode("utf-8"))
        if self.accel is not None and len(self.certs) > 1:
            # The tickets' first 8 bytes in C, one call per target: when they are all
            # distinct they order the inspectors exactly as the whole digests do.
            heads = np.empty(len(self.certs), dtype=np.uint64)
            try:
                self.accel.ticket_prefixes(
                    self.hash_name,
                    prefix,
                    self.cert_array,
                    self.cert_array.itemsize,
                    0,
                    len(self.certs),
                    heads,
                )
            except ValueError:
                pass  # an input the accelerator declines: the Python code below handles it
            else:
                ranked = np.argsort(heads, kind="stable")
                ordered = heads[ranked]
                if bool(np.all(ordered[1:] != ordered[:-1])):
                    result = self.orders[target] = [self.certs[i] for i in ranked.tolist()]
                    return result
        base = self.new(prefix)
        keyed = []
        for encoded, raw, cert in self.cert_fields:
            h = base.copy()
            h.update(encoded)
            keyed.append((h.digest(), raw, cert))
        keyed.sort()
        result = self.orders[target] = [c for _, _, c in keyed]
        return result

    def skip_reason(self, target: str, cert: str, team: list[str]) -> str | None:
        insp, p = self.inspectors[cert], self.params
        if not insp.qualified(p.window_start, p.window_end):
            return "not_qualified"
        if p.departments and insp.department not in p.departments:
            return "other_department"
        blocked = self.blocked.get(target, {}).get(cert)
        if blocked:
            return blocked
        if self.load[cert] >= self.caps[cert]:
            return "workload_cap"
        if p.departments:
            have = {self.inspectors[c].department for c in team} | {insp.department}
            missing = set(p.departments) - have
            if len(missing) > p.size - len(team) - 1:
                return "department_mix"
        return None

    def fill(self, target: str, team: list[str]) -> list[str]:
        skipped: dict[str, list[str]] = {k: [] for k in REASONS}
        for cert in self.order(target):
            if len(team) == self.params.size:
                break
            if cert in team:
                continue
            reason = self.skip_reason(target, cert, team)
            if reason:
                skipped[reason].append(cert)
                continue
            team.append(cert)
            self.load[cert] += 1
        if len(team) < self.params.size:
            have = {self.inspectors[c].department for c in team}
            missing = sorted(set(self.params.departments) - have)
            raise TeamFormationError(target, self.params.size, team, skipped, missing)
        return team


def form_teams(
    seed: bytes,
    hash_name: str,
    targets: Sequence[str],
    inspectors: Sequence[Inspector],
    conflicts: Iterable[tuple[str, str]],
    params: TeamParams,
    recusals: Sequence[Mapping[str, str]] = (),
) -> TeamsResult:
    """Teams for ``targets`` (in that order), then recusals applied one by one.

    A recusal ``{"inspector", "target", "reason"}`` removes that inspector from that target's
    team and blocks them for it; the replacement is the first inspector in the same ticket
    order who passes every rule given the loads at that moment. Other teams never change.
    """
    former = _Former(seed, hash_name, inspectors, conflicts, params, len(targets))
    teams = {t: former.fill(t, []) for t in targets}
    log = []
    for rec in recusals:
        cert, target, reason = rec["inspector"], rec["target"], rec.get("reason", "")
        if target not in teams or cert not in teams[target]:
            raise EngineError(f"recusal of {cert} for target {target}: not a member of its team")
        teams[target].remove(cert)
        former.load[cert] -= 1
        former.blocked.setdefault(target, {})[cert] = "recused"
        before = set(teams[target])
        former.fill(target, teams[target])
        (replacement,) = set(teams[target]) - before
        log.append(
            {"target": target, "inspector": cert, "reason": reason, "replacement": replacement}
        )
    return TeamsResult(
        [{"target": t, "inspectors": teams[t]} for t in targets], log, dict(former.caps)
    )

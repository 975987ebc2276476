"""Deterministic generator of the synthetic demo directory (plain data, no database).

Everything is drawn from one ``random.Random(SEED)`` in a fixed order, so two runs (or two
machines) produce identical credit codes, names and attributes; the only dates (inspector
certificates) are offsets from the load date, so the data never goes stale. The loader turns
the result into model rows; keeping the generator free of the ORM makes it cheap to test and
to reason about.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from spotcheck.demo import data
from spotcheck.directory.creditcode import ALPHABET, check_char, make_code

N_TARGETS = 2160
N_PROJECTS = 60
N_COOPERATIVES = 36
N_OTHER = 12
N_INDIVIDUALS = 420
N_FOREIGN = 80
N_LEGACY = 5  # individual businesses still identified by a 15-digit 注册号
N_BAD_CHECKSUM = 3  # early pilot codes whose check character is wrong but which are real

CREDIT_WEIGHTS = {"A": 45, "B": 35, "C": 15, "D": 5}
# Internal supervision grade leans on the credit class but is not identical to it.
GRADE_BY_CLASS = {
    "A": ((1, 2), (70, 30)),
    "B": ((1, 2, 3), (20, 65, 15)),
    "C": ((2, 3, 4), (25, 55, 20)),
    "D": ((3, 4), (40, 60)),
}
# Expected complaints per year by class; drawn from a geometric law so most have none.
COMPLAINT_MEAN = {"A": 0.2, "B": 0.6, "C": 1.8, "D": 4.0}


@dataclass
class TargetSpec:
    fields: dict[str, Any]
    departments: list[str]


@dataclass
class InspectorSpec:
    fields: dict[str, Any]
    department: str
    items: list[str]
    is_demo_user: bool = False


@dataclass
class ConflictSpec:
    inspector: int  # index into DemoData.inspectors
    target: int  # index into DemoData.targets
    relation: str
    note: str
    withdrawn: bool = False


@dataclass
class DemoData:
    targets: list[TargetSpec] = field(default_factory=list)
    inspectors: list[InspectorSpec] = field(default_factory=list)
    conflicts: list[ConflictSpec] = field(default_factory=list)


# --- identifiers -----------------------------------------------------------------------------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its own check character.

    New registrations since 2015 mostly start with "MA"; older ones are 8 digits.
    """
    if rng.random() < 0.7:
        body = "MA7" + "".join(rng.choice(ALPHABET) for _ in range(5))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def legacy_reg_no(rng: random.Random) -> str:
    """A 15-digit 注册号: region, sequence, ISO 7064 MOD 11,10 check digit."""
    first14 = data.REGION_CODE + "6" + "".join(rng.choice("0123456789") for _ in range(7))
    p = 10
    for ch in first14:
        s = p % 11 + int(ch)
        p = (s % 10 or 10) * 2
    return first14 + str((1 - p % 11) % 10)


def bad_checksum(code: str) -> str:
    """Same code with a deliberately wrong last character."""
    right = check_char(code[:17])
    wrong = ALPHABET[(ALPHABET.index(right) + 7) % len(ALPHABET)]
    return code[:17] + wrong


# --- names -----------------------------------------------------------------------------------


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def brand(self) -> str:
        return self.rng.choice(data.BRAND_A) + self.rng.choice(data.BRAND_B)

    def unique(self, make: Any) -> str:
        for _ in range(200):
            name = data.NAME_PREFIX + make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("demo name pool exhausted")  # pragma: no cover

    def person(self) -> str:
        return self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN)


def _weighted(rng: random.Random, options: dict[str, int]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _geometric(rng: random.Random, mean: float) -> int:
    """Skewed count: P(k) ∝ q^k with the given mean (most zero, a long tail)."""
    q = mean / (1 + mean)
    k = 0
    while rng.random() < q and k < 60:
        k += 1
    return k


# --- targets ---------------------------------------------------------------------------------


def _kinds() -> list[str]:
    n_enterprise = N_TARGETS - N_PROJECTS - N_COOPERATIVES - N_OTHER - N_INDIVIDUALS
    return (
        ["enterprise"] * n_enterprise
        + ["individual"] * N_INDIVIDUALS
        + ["cooperative"] * N_COOPERATIVES
        + ["project"] * N_PROJECTS
        + ["other"] * N_OTHER
    )


def _address(rng: random.Random, region: data.Region) -> str:
    place = rng.choice(region.places)
    if region.name.endswith("镇"):
        return f"宁夏回族自治区银川市金凤区{place}{rng.randint(1, 12)}队{rng.randint(1, 80)}号"
    return f"宁夏回族自治区银川市金凤区{place}{rng.randint(1, 600)}号"


def _target(rng: random.Random, names: _Names, kind: str, foreign: bool) -> TargetSpec:
    industries = {i.code: i for i in data.INDUSTRIES}
    region = rng.choices(data.REGIONS, weights=[r.weight for r in data.REGIONS])[0]
    affiliation = _weighted(
        rng, {"district": 78, "city": 12, "region": 5, "central": 2, "other": 3}
    )
    progress = ""
    key = False
    depts: list[str]
    if kind == "project":
        label, ind_code, ind_name = rng.choice(data.PROJECT_TYPES)
        name = names.unique(lambda: f"金凤区{names.brand()}{label}")
        scale = _weighted(rng, {"large": 35, "medium": 50, "small": 15})
        progress = _weighted(
            rng, {"preparing": 20, "building": 40, "completed": 15, "operating": 25}
        )
        depts = ["foreign"]
        prefix = "91"
    elif kind == "cooperative":
        label, ind_code, ind_name = rng.choice(data.COOPERATIVE_TYPES)
        name = names.unique(lambda: f"银川市金凤区{names.brand()}{label}")
        scale = _weighted(rng, {"small": 40, "micro": 60})
        depts = ["market"]
        prefix = "93"
    elif kind == "other":
        name = names.unique(lambda: f"银川市金凤区{names.brand()}商会")
        ind_code, ind_name, scale = "S9522", "行业性团体", "micro"
        depts = ["trade"]
        prefix = "51"
    else:
        pool = [i for i in data.INDUSTRIES if kind == "enterprise" or i.shop]
        if foreign:
            pool = [industries[c] for c in data.FOREIGN_INDUSTRIES]
        ind = rng.choices(pool, weights=[i.weight for i in pool])[0]
        ind_code, ind_name, key = ind.code, ind.name, ind.key
        depts = ["foreign"] if foreign else list(ind.departments)
        if kind == "individual":
            name = names.unique(lambda: f"金凤区{names.brand()}{rng.choice(ind.shop)}")
            scale, prefix, affiliation = "micro", "92", "district"
        else:
            suffix = rng.choice(ind.suffixes)
            if foreign:
                name = names.unique(lambda: f"{names.brand()}（宁夏）{suffix}")
            else:
                place = rng.choice(("宁夏", "银川", "银川市金凤区", "金凤区"))
                name = names.unique(lambda: f"{place}{names.brand()}{suffix}")
            scale = _weighted(rng, {"large": 5, "medium": 15, "small": 30, "micro": 50})
            prefix = "91"
        # The district market-regulation bureau co-supervises some firms (joint checks).
        if kind == "enterprise" and rng.random() < 0.1:
            depts.append("amr")

    credit = _weighted(rng, CREDIT_WEIGHTS)
    grades, grade_w = GRADE_BY_CLASS[credit]
    grade = rng.choices(grades, weights=grade_w)[0]
    risky = credit in ("C", "D")
    status = _weighted(
        rng, {"active": 955, "deregistered": 25, "revoked": 10, "cancelled": 4, "moved": 6}
    )
    if kind == "project":
        status = "active"
    return TargetSpec(
        fields={
            "credit_code": make_code(prefix, data.REGION_CODE, org_code(rng)),
            "name": name,
            "kind": kind,
            "legal_representative": names.person(),
            "address": _address(rng, region),
            "industry_code": ind_code,
            "industry_name": ind_name,
            "region": region.name,
            "affiliation": affiliation,
            "scale": scale,
            "project_progress": progress,
            "credit_class": credit,
            "supervision_grade": grade,
            "key_industry": key,
            "complaint_count": _geometric(rng, COMPLAINT_MEAN[credit]),
            "blacklisted": credit == "D" and rng.random() < 0.12,
            "abnormal_list": rng.random() < (0.12 if risky else 0.01),
            "serious_violation": credit == "D" and rng.random() < 0.15,
            "status": status,
        },
        departments=depts,
    )


def _targets(rng: random.Random) -> list[TargetSpec]:
    names = _Names(rng)
    kinds = _kinds()
    foreign_slots = set(rng.sample(range(kinds.count("enterprise")), N_FOREIGN))
    specs = [
        _target(rng, names, kind, foreign=(kind == "enterprise" and i in foreign_slots))
        for i, kind in enumerate(kinds)
    ]
    # Codes must be unique; the org-code space is huge, but make it certain.
    seen: set[str] = set()
    for spec in specs:
        while spec.fields["credit_code"] in seen:
            spec.fields["credit_code"] = make_code(
                spec.fields["credit_code"][:2], data.REGION_CODE, org_code(rng)
            )
        seen.add(spec.fields["credit_code"])
    individuals = [s for s in specs if s.fields["kind"] == "individual"]
    for spec in rng.sample(individuals, N_LEGACY):
        spec.fields["credit_code"] = legacy_reg_no(rng)
    enterprises = [s for s in specs if s.fields["kind"] == "enterprise"]
    for spec in rng.sample(enterprises, N_BAD_CHECKSUM):
        spec.fields["credit_code"] = bad_checksum(spec.fields["credit_code"])
        spec.fields["code_warning_confirmed"] = True
    # Shuffle so the directory's natural order (by code) mixes kinds, as a real one would.
    rng.shuffle(specs)
    return specs


# --- inspectors and conflicts ----------------------------------------------------------------


# Certificate layout, in days relative to the load date (see ``generate``). A certificate runs
# five years (1,826 days); counting in days rather than calendar years keeps the layout for two
# load dates identical up to the shift between them (no 29 February special cases).
CERT_DAYS = 5 * 365 + 1
ISSUED_DAYS_AGO = (60, 1200)  # most certificates: issued 2 months to ~3.3 years before loading
EXPIRED_DAYS_AGO = (5, 500)  # six expired before loading (the first the day before)
EXPIRING_IN_DAYS = (10, 60)  # three expire within two months of loading
DEMO_ISSUED_DAYS_AGO = 1000  # demo_inspector's certificate: issued ~2.7 years before loading


def _certificate_ending(end: dt.date) -> tuple[dt.date, dt.date]:
    return end - dt.timedelta(days=CERT_DAYS - 1), end


def _inspectors(rng: random.Random, today: dt.date) -> list[InspectorSpec]:
    used: set[str] = set()
    specs: list[InspectorSpec] = []
    n = 0
    for plan in data.INSPECTOR_PLAN:
        for j in range(plan.size):
            n += 1
            # The first 市场建设科 inspector is the one behind the demo_inspector login.
            is_demo_user = plan.department == "market" and j == 0
            name = "杨志刚" if is_demo_user else ""
            while not name or name in used:
                name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN)
                if len(name) == 2 and rng.random() < 0.5:
                    name += rng.choice(data.GIVEN)[0]
            used.add(name)
            start = today - dt.timedelta(days=rng.randint(*ISSUED_DAYS_AGO))
            specs.append(
                InspectorSpec(
                    fields={
                        "cert_no": f"{data.CODE_PREFIX}{data.REGION_CODE}-{n:04d}",
                        "name": name,
                        "employee_no": f"JF{plan.department[:2].upper()}{j + 1:03d}",
                        "cert_valid_from": start,
                        "cert_valid_to": start + dt.timedelta(days=CERT_DAYS - 1),
                        "expertise_industries": plan.expertise,
                        "status": "active",
                        "phone": f"0951-00{n:05d}",  # no real number starts with 0 here
                    },
                    department=plan.department,
                    items=list(plan.items),
                    is_demo_user=is_demo_user,
                )
            )
    others = [i for i, s in enumerate(specs) if not s.is_demo_user]
    picked = rng.sample(others, 12)
    # Six certificates expired before the load date, three expire within two months of it.
    for k, idx in enumerate(picked[:6]):
        end = today - dt.timedelta(days=rng.randint(*EXPIRED_DAYS_AGO) if k else 1)
        fields = specs[idx].fields
        fields["cert_valid_from"], fields["cert_valid_to"] = _certificate_ending(end)
    for idx in picked[6:9]:
        end = today + dt.timedelta(days=rng.randint(*EXPIRING_IN_DAYS))
        fields = specs[idx].fields
        fields["cert_valid_from"], fields["cert_valid_to"] = _certificate_ending(end)
    specs[picked[9]].fields["status"] = "leave"
    specs[picked[10]].fields["status"] = "leave"
    specs[picked[11]].fields["status"] = "left"
    demo = next(s for s in specs if s.is_demo_user)
    demo.fields["cert_valid_from"] = today - dt.timedelta(days=DEMO_ISSUED_DAYS_AGO)
    demo.fields["cert_valid_to"] = demo.fields["cert_valid_from"] + dt.timedelta(days=CERT_DAYS - 1)
    return specs


def _conflicts(
    rng: random.Random, targets: list[TargetSpec], inspectors: list[InspectorSpec]
) -> list[ConflictSpec]:
    relations = list(data.CONFLICT_NOTES)
    demo = next(i for i, s in enumerate(inspectors) if s.is_demo_user)
    chosen = [demo, demo, *rng.sample([i for i in range(len(inspectors)) if i != demo], 7)]
    used: set[tuple[int, int]] = set()
    out: list[ConflictSpec] = []
    for k, ins in enumerate(chosen):
        dept = inspectors[ins].department
        pool = [i for i, t in enumerate(targets) if dept in t.departments]
        tgt = rng.choice(pool)
        while (ins, tgt) in used:
            tgt = rng.choice(pool)
        used.add((ins, tgt))
        relation = relations[k % len(relations)]
        out.append(
            ConflictSpec(ins, tgt, relation, data.CONFLICT_NOTES[relation], withdrawn=(k == 8))
        )
    return out


def generate(*, today: dt.date, seed: int = data.SEED) -> DemoData:
    """The demo directory as loaded on ``today``.

    Every date is laid out relative to ``today`` from day counts the generator draws, so the
    same seed and load date give identical data, and two load dates give the same data shifted
    by the days between them: a demo loaded in any year has valid certificates.
    """
    rng = random.Random(seed)
    targets = _targets(rng)
    inspectors = _inspectors(rng, today)
    return DemoData(targets, inspectors, _conflicts(rng, targets, inspectors))

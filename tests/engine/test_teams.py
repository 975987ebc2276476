from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from spotcheck.engine.teams import Inspector, TeamFormationError, TeamParams, form_teams

from .helpers import make_inspectors

WINDOW = ("2026-12-01", "2026-12-15")  # fixed-date: engine data, the engine reads no clock
PARAMS = {"size": 2, "window_start": WINDOW[0], "window_end": WINDOW[1]}
SEED = bytes(range(32))


def inspectors(n: int = 10, depts: tuple[str, ...] = ("商务科",)) -> list[Inspector]:
    return [Inspector.from_record(r) for r in make_inspectors(n, depts)]


def test_teams_are_deterministic_and_at_least_two() -> None:
    targets = [f"T{i}" for i in range(8)]
    p = TeamParams.from_dict(PARAMS)
    a = form_teams(SEED, "sha256", targets, inspectors(), [], p)
    b = form_teams(SEED, "sha256", targets, list(reversed(inspectors())), [], p)
    assert a.teams == b.teams
    assert all(len(t["inspectors"]) == 2 == len(set(t["inspectors"])) for t in a.teams)


def test_skips_unqualified_and_conflicted() -> None:
    recs = make_inspectors(4, ("商务科",))
    recs[0]["status"] = "suspended"
    recs[1]["valid_to"] = "2026-12-10"  # fixed-date: expires inside the window
    insp = [Inspector.from_record(r) for r in recs]
    res = form_teams(
        SEED, "sha256", ["T1"], insp, [(recs[2]["cert_no"], "T2")], TeamParams.from_dict(PARAMS)
    )
    assert sorted(res.teams[0]["inspectors"]) == [recs[2]["cert_no"], recs[3]["cert_no"]]
    with pytest.raises(TeamFormationError) as err:
        form_teams(
            SEED, "sha256", ["T2"], insp, [(recs[2]["cert_no"], "T2")], TeamParams.from_dict(PARAMS)
        )
    e = err.value
    assert e.target == "T2" and e.chosen == [recs[3]["cert_no"]]
    assert e.skipped["conflict"] == [recs[2]["cert_no"]]
    assert sorted(e.skipped["not_qualified"]) == sorted([recs[0]["cert_no"], recs[1]["cert_no"]])
    assert "target T2" in str(e) and "declared conflict" in str(e)


def test_never_a_team_of_one() -> None:
    with pytest.raises(TeamFormationError, match="cannot form a team of 2; found 1"):
        form_teams(SEED, "sha256", ["T1"], inspectors(1), [], TeamParams.from_dict(PARAMS))
    with pytest.raises(Exception, match="at least 2"):
        TeamParams.from_dict({**PARAMS, "size": 1})


def test_joint_department_mix() -> None:
    insp = inspectors(9, ("商务科", "市场科", "市场科"))  # 3 of 商务科, 6 of 市场科
    p = TeamParams.from_dict({**PARAMS, "size": 2, "departments": ["商务科", "市场科"]})
    targets = [f"T{i}" for i in range(6)]
    res = form_teams(SEED, "sha256", targets, insp, [], p)
    by_cert = {i.cert_no: i.department for i in insp}
    for t in res.teams:
        assert {by_cert[c] for c in t["inspectors"]} == {"商务科", "市场科"}
    # Only one 商务科 inspector left qualified: the small department runs out -> precise error.
    recs = make_inspectors(9, ("商务科", "市场科", "市场科"))
    for r in recs:
        if r["department"] == "商务科" and r["cert_no"] != recs[0]["cert_no"]:
            r["status"] = "retired"
    insp2 = [Inspector.from_record(r) for r in recs]
    p2 = TeamParams.from_dict({**PARAMS, "departments": ["商务科", "市场科"], "max_assignments": 2})
    with pytest.raises(TeamFormationError) as err:
        form_teams(SEED, "sha256", targets, insp2, [], p2)
    assert err.value.missing_departments == ["商务科"]
    assert recs[0]["cert_no"] in err.value.skipped["workload_cap"]


def test_recusal_replaced_by_next_in_same_order() -> None:
    insp = inspectors(8)
    p = TeamParams.from_dict(PARAMS)
    base = form_teams(SEED, "sha256", ["T1", "T2"], insp, [], p)
    leaving = base.teams[0]["inspectors"][0]
    res = form_teams(
        SEED,
        "sha256",
        ["T1", "T2"],
        insp,
        [],
        p,
        [{"inspector": leaving, "target": "T1", "reason": "kinship"}],
    )
    assert res.teams[1] == base.teams[1]  # other teams untouched
    rec = res.recusals[0]
    assert rec["inspector"] == leaving and rec["reason"] == "kinship"
    assert (
        leaving not in res.teams[0]["inspectors"]
        and rec["replacement"] in res.teams[0]["inspectors"]
    )
    # The replacement is the first inspector in T1's ticket order not already used or blocked.
    former_order = [c for c in _order("T1", insp) if c not in base.teams[0]["inspectors"]]
    loads = Counter(c for t in base.teams for c in t["inspectors"])
    expected = next(c for c in former_order if loads[c] < res.caps[c])
    assert rec["replacement"] == expected


def _order(target: str, insp: list[Inspector]) -> list[str]:
    from spotcheck.engine.hashing import TAG_INSPECTOR_TICKET
    from spotcheck.engine.tickets import ticket

    return sorted(
        (i.cert_no for i in insp),
        key=lambda c: ticket("sha256", TAG_INSPECTOR_TICKET, SEED, target.encode(), c.encode()),
    )


def test_assignment_balance() -> None:
    insp = inspectors(15)
    p = TeamParams.from_dict(PARAMS)
    targets = [f"T{i}" for i in range(30)]
    totals: Counter[str] = Counter()
    for r in range(300):
        res = form_teams(r.to_bytes(32, "big"), "sha256", targets, insp, [], p)
        loads = Counter(c for t in res.teams for c in t["inspectors"])
        assert max(loads.values()) <= res.caps[insp[0].cert_no] == 5  # ceil(60 / 15) + 1
        totals.update(loads)
    counts = np.array([totals[i.cert_no] for i in insp])
    assert counts.sum() == 300 * 60
    assert stats.chisquare(counts).pvalue > 0.001

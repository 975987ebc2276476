"""Issue 12: the browser verifier is the same verifier as the Python one.

In real Chromium, the portal's JS verifier (static/portal/verify/*.js) runs on every test
vector, every case of the negative corpus (both hashes), proofs made by the app through the
services, and a seeded set of random alterations of valid proofs; its verdict (exit class and
first failing check id) must equal src/spotcheck/engine/verify.py's on each one. Then the page
itself: a visitor on a phone presses 验证 on a published draw proof and sees 通过; the upload
form given an altered proof shows 不通过 and the failing step; the English page; the
main-thread fallback when no Web Worker can be created."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from spotcheck.draws import services as draws
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine import verify
from tests.inspections.conftest import Scene, scene  # noqa: F401  (the drawn scene fixture)
from tests.portal.helpers import publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors"
NEGATIVE = VECTORS / "negative"
PHONE: ViewportSize = {"width": 390, "height": 844}

RUN_JS = """([proof, commitment, expect]) => {
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const S = window.SpotcheckVerify;
  const report = S.runToEnd(S.verifyBytes(bytes(proof), {
    commitment: commitment === null ? null : bytes(commitment), expectDigest: expect}));
  return [report.exit, report.problems.map((p) => p.check)];
}"""


def python_checks(
    proof: bytes, commitment: bytes | None = None, expect_digest: str | None = None
) -> tuple[int, list[str]]:
    """What ``python verify.py`` exits with and the check ids of its problem lines, in order."""
    try:
        doc = verify.load_strict(proof)
    except verify.DocumentError as exc:
        return verify.EXIT_INVALID, [exc.check]
    report = verify.verify_document(doc, expect_digest=expect_digest, commitment=commitment)
    return report.exit_code, [p.check for p in report.problems]


def python_verdict(
    proof: bytes, commitment: bytes | None = None, expect_digest: str | None = None
) -> tuple[int, str]:
    """The exit status and the check id of the first problem line ("" when it checks out)."""
    code, checks = python_checks(proof, commitment, expect_digest)
    return code, checks[0] if checks else ""


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


class JsVerifier:
    def __init__(self, page: Page) -> None:
        self.page = page

    def checks(
        self, proof: bytes, commitment: bytes | None = None, expect_digest: str | None = None
    ) -> tuple[int, list[str]]:
        code, checks = self.page.evaluate(RUN_JS, [_b64(proof), _b64(commitment), expect_digest])
        return code, checks

    def verdict(
        self, proof: bytes, commitment: bytes | None = None, expect_digest: str | None = None
    ) -> tuple[int, str]:
        code, checks = self.checks(proof, commitment, expect_digest)
        return code, checks[0] if checks else ""


@pytest.fixture
def js(browser: Browser, live_server: object) -> Iterator[JsVerifier]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/public/verify/")
    page.wait_for_function("() => window.SpotcheckVerify && window.SpotcheckVerify.verifyBytes")
    yield JsVerifier(page)
    context.close()


def _args(case: dict[str, Any]) -> tuple[bytes | None, str | None]:
    commitment = digest = None
    args = case["args"]
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag == "--commitment":
            commitment = (NEGATIVE / value).read_bytes()
        elif flag == "--expect-digest":
            digest = value
    return commitment, digest


def test_same_verdict_as_python_on_every_vector_and_corpus_case(js: JsVerifier) -> None:
    manifest = json.loads((NEGATIVE / "manifest.json").read_text())
    cases: list[tuple[str, bytes, bytes | None, str | None]] = []
    for name in ("sha256", "sm3"):
        proof = (VECTORS / f"proof-v2-{name}.json").read_bytes()
        commitment = (VECTORS / f"commitment-v2-{name}.json").read_bytes()
        digest = json.loads(proof)["commitment_digest"]
        cases += [
            (f"proof-v2-{name}", proof, None, None),
            (f"proof-v2-{name} --commitment --expect-digest", proof, commitment, digest),
            (f"proof-v2-{name} --expect-digest wrong", proof, None, "0" * 64),
            (f"proof-v2-{name} --expect-digest bad", proof, None, "XYZ"),
            (f"proof-v2-{name} --commitment not-json", proof, b"{", None),
        ]
        other = "sm3" if name == "sha256" else "sha256"
        wrong = (VECTORS / f"commitment-v2-{other}.json").read_bytes()
        cases.append((f"proof-v2-{name} --commitment {other}", proof, wrong, None))
    for case in manifest["cases"]:
        commitment, digest = _args(case)
        proof = (NEGATIVE / case["file"]).read_bytes()
        # The manifest names the check the case is about: it is reported, not always first.
        code, checks = python_checks(proof, commitment, digest)
        assert code == case["exit"] and (case["check"] in checks or not case["check"]), case
        cases.append((case["file"], proof, commitment, digest))
    assert len(cases) >= len(manifest["cases"]) + 12
    differ = []
    for name, proof, commitment, digest in cases:
        # Every problem line's check id, in order: the verdict and the first failing check
        # are equal, and so is everything after them.
        want = python_checks(proof, commitment, digest)
        got = js.checks(proof, commitment, digest)
        if got != want:
            differ.append(f"{name}: python {want}, browser {got}")
    assert not differ, "\n".join(differ)


def _mutations(doc: dict[str, Any], rng: random.Random, count: int) -> Iterator[bytes]:
    """Seeded random alterations of a valid proof: a value replaced by another of another
    type or a near value, a key removed or added, list items swapped, duplicated or dropped."""

    def paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        yield at
        if isinstance(node, dict):
            for k, v in node.items():
                yield from paths(v, (*at, k))
        elif isinstance(node, list):
            for i, v in enumerate(node[:6]):
                yield from paths(v, (*at, i))

    every = [p for p in paths(doc) if p]
    replacements: list[Any] = [
        None,
        True,
        0,
        -1,
        1,
        2**32,
        2**40 + 1,
        2**60,
        "",
        " x",
        "0.5",
        "sha256",
        "sm3",
        "2026-11-27T13:21:00Z",  # fixed-date: a value spliced into proofs, not a clock
        "2026-02-30",  # fixed-date: an impossible date the verifiers must refuse
        "a" * 64,
        "A" * 64,
        [],
        {},
        ["x"],
    ]
    for _ in range(count):
        mutated = copy.deepcopy(doc)
        path = rng.choice(every)
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        value = parent[key]
        action = rng.randrange(6)
        if action == 0:
            parent[key] = rng.choice(replacements)
        elif action == 1 and isinstance(value, int) and not isinstance(value, bool):
            parent[key] = value + rng.choice([-1, 1])
        elif action == 1 and isinstance(value, str) and value:
            i = rng.randrange(len(value))
            parent[key] = value[:i] + rng.choice("0aZ 9f-") + value[i + 1 :]
        elif action == 2 and isinstance(parent, dict):
            del parent[key]
        elif action == 3 and isinstance(value, dict):
            value[rng.choice(["extra", "id", "name", "excluded"])] = "x"
        elif action == 4 and isinstance(value, list) and len(value) > 1:
            i, j = rng.sample(range(len(value)), 2)
            value[i], value[j] = value[j], value[i]
        elif action == 5 and isinstance(value, list) and value:
            if rng.random() < 0.5:
                value.append(copy.deepcopy(value[0]))
            else:
                value.pop(rng.randrange(len(value)))
        else:
            parent[key] = rng.choice(replacements)
        yield json.dumps(mutated, ensure_ascii=False).encode()


def test_same_verdict_as_python_on_random_alterations(js: JsVerifier) -> None:
    rng = random.Random(20261127)
    differ = []
    classes: set[tuple[int, str]] = set()
    for name in ("sha256", "sm3"):
        doc = json.loads((VECTORS / f"proof-v2-{name}.json").read_text())
        commitment = (VECTORS / f"commitment-v2-{name}.json").read_bytes()
        for i, proof in enumerate(_mutations(doc, rng, 150)):
            with_commitment = commitment if i % 3 == 0 else None
            want = python_checks(proof, with_commitment)
            classes.add((want[0], want[1][0] if want[1] else ""))
            got = js.checks(proof, with_commitment)
            if got != want:
                differ.append(f"{name} #{i}: python {want}, browser {got}")
    assert not differ, "\n".join(differ[:20])
    assert len(classes) >= 15  # the alterations reach many different checks


def test_same_verdict_as_python_on_proofs_made_by_the_app(
    js: JsVerifier,
    scene: Scene,  # noqa: F811
) -> None:
    commitment = publish(scene, "draw_commitment", scene.draw)
    published = verify.canon(commitment.payload["document"])
    draw = scene.draw
    proof = json.dumps(proof_document(draw), ensure_ascii=False).encode()
    digest = draw.commitment_digest
    assert python_verdict(proof, published, digest) == (0, "")
    assert js.verdict(proof, published, digest) == (0, "")

    # A recusal after the draw: the replacement must be recomputed the same way.
    member = scene.team_of(scene.target)[0]
    draws.draw_recuse(
        actor=scene.p.section,
        draw=draw,
        inspector=member,
        target=scene.target,
        reason_code="kinship",
        reason="近亲属",
    )
    draw.refresh_from_db()
    proof = json.dumps(proof_document(draw), ensure_ascii=False).encode()
    assert draw.proof["recusals"]
    assert js.verdict(proof, published) == python_verdict(proof, published) == (0, "")

    # Altered after the fact: the published commitment and the recomputation catch it.
    altered = copy.deepcopy(proof_document(draw))
    altered["result"]["selected"][0]["pi"] += 1
    data = json.dumps(altered, ensure_ascii=False).encode()
    assert js.verdict(data, published) == python_verdict(data, published) == (1, "result.pi")
    altered = copy.deepcopy(proof_document(draw))
    altered["teams"][0]["inspectors"].reverse()
    data = json.dumps(altered, ensure_ascii=False).encode()
    assert js.verdict(data, published) == python_verdict(data, published) == (1, "teams")


# ---- the page -------------------------------------------------------------------------------


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_phone_visitor_verifies_a_published_proof_and_an_altered_upload(
    phone: Page,
    live_server: object,
    scene: Scene,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = str(live_server)
    commitment = publish(scene, "draw_commitment", scene.draw)
    proof = publish(scene, "draw_proof", scene.draw)
    page = phone
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((base, "blob:", "data:")) else None,
    )
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "proof.json" in r.url else None)

    page.goto(f"{base}/public/records/{proof.pk}/")
    page.get_by_role("link", name="验证", exact=True).click()
    page.wait_for_url("**/public/verify/browser/?record=*")
    verdict = page.locator("#verify-verdict")
    expect(verdict).to_have_attribute("data-exit", "0")
    expect(verdict.locator("strong")).to_have_text("通过")
    steps = page.locator("#verify-steps > li")
    expect(steps).to_have_count(11)
    for state in steps.evaluate_all("els => els.map(e => e.dataset.state)"):
        assert state == "pass"
    commitment_step = page.locator('#verify-steps > li[data-step="commitment"]')
    expect(commitment_step).to_contain_text(scene.draw.commitment_digest)
    expect(commitment_step).to_contain_text(
        commitment.published_at.astimezone().strftime("%Y-%m-%d")
    )
    expect(page.locator("#verify-status")).to_contain_text("验证完成")
    expect(page.locator("#verify-status")).not_to_contain_text("未使用后台线程")
    _no_sideways_scroll(page)
    assert sorted(Path(u).parent.name for u in fetched) == sorted(
        [str(proof.pk), str(commitment.pk)]
    )

    # A proof altered after the draw, uploaded with the published commitment.
    altered = copy.deepcopy(proof_document(scene.draw))
    altered["result"]["selected"][0]["pi"] += 1
    (tmp_path / "altered-proof.json").write_text(json.dumps(altered, ensure_ascii=False))
    published = verify.canon(commitment.payload["document"])
    (tmp_path / "commitment.json").write_bytes(published)
    page.goto(f"{base}/public/verify/")
    page.set_input_files("#verify-proof-file", str(tmp_path / "altered-proof.json"))
    page.set_input_files("#verify-commitment-file", str(tmp_path / "commitment.json"))
    page.locator("#verify-run").click()
    expect(verdict).to_have_attribute("data-exit", "1")
    expect(verdict.locator("strong")).to_have_text("不通过")
    expect(page.locator("#verify-first-check")).to_contain_text("result.pi")
    expect(page.locator("#verify-first-check")).to_contain_text("抽查概率与重新计算的不一致")
    failing = page.locator("#verify-first-step")
    expect(failing).to_have_attribute("data-step", "selection")
    expect(failing).to_contain_text("每个对象的抽查概率和抽中的对象")
    expect(page.locator('#verify-steps > li[data-step="commitment"]')).to_have_attribute(
        "data-state", "pass"
    )
    _no_sideways_scroll(page)

    # Not a proof at all.
    (tmp_path / "broken.json").write_text('{"protocol": "spotcheck-draw/2", "nonce": 1.5}')
    page.set_input_files("#verify-proof-file", str(tmp_path / "broken.json"))
    page.set_input_files("#verify-commitment-file", [])
    page.locator("#verify-run").click()
    expect(verdict).to_have_attribute("data-exit", "2")
    expect(verdict).to_have_attribute("data-check", "json.float")
    expect(page.locator("#verify-first-step")).to_have_attribute("data-step", "read")
    assert not outside, outside


def test_english_page_and_main_thread_fallback(
    browser: Browser,
    live_server: object,
    tmp_path: Path,
) -> None:
    context = browser.new_context(locale="en-US")
    context.add_cookies([{"name": "django_language", "value": "en", "url": str(live_server)}])
    # No Web Worker (as on some locked-down intranet browsers): the page computes on the main
    # thread instead.
    context.add_init_script("delete window.Worker;")
    page = context.new_page()
    page.goto(f"{live_server}/public/verify/")
    page.set_input_files("#verify-proof-file", str(VECTORS / "proof-v2-sm3.json"))
    page.fill(
        "#verify-expect-digest",
        " " + json.loads((VECTORS / "proof-v2-sm3.json").read_text())["commitment_digest"],
    )
    page.locator("#verify-run").click()
    verdict = page.locator("#verify-verdict")
    expect(verdict).to_have_attribute("data-exit", "0")
    expect(verdict.locator("strong")).to_have_text("Pass")
    expect(page.locator("#verify-status")).to_contain_text("without a background thread")
    expect(page.locator("#verify-history")).to_contain_text("Draw 41")
    expect(page.locator('#verify-steps > li[data-step="history"]')).to_contain_text("passed")

    page.set_input_files("#verify-proof-file", str(NEGATIVE / "sm3" / "21-wrong-seed.json"))
    page.fill("#verify-expect-digest", "")
    page.locator("#verify-run").click()
    expect(verdict).to_have_attribute("data-check", "seed")
    expect(verdict.locator("strong")).to_have_text("Fail")
    expect(page.locator("#verify-first-check")).to_contain_text("the seed differs")
    context.close()


def test_saved_copy_of_the_page_verifies_offline(
    browser: Browser, live_server: object, tmp_path: Path
) -> None:
    """What Chrome's "save page, complete" keeps: the HTML and the files it references, here
    with the scripts' addresses rewritten to the saved folder. Opened from file:// with no
    network at all, the page still verifies an uploaded proof against its commitment."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/public/verify/")
    html = page.content()
    folder = tmp_path / "saved_files"
    folder.mkdir()
    for src in re.findall(r'<script src="([^"]+)"', html):
        name = src.rsplit("/", 1)[-1]
        (folder / name).write_bytes(page.request.get(f"{live_server}{src}").body())
        html = html.replace(f'src="{src}"', f'src="saved_files/{name}"')
    (tmp_path / "saved.html").write_text(html, encoding="utf-8")
    context.close()

    offline = browser.new_context(locale="zh-CN", offline=True)
    page = offline.new_page()
    page.goto((tmp_path / "saved.html").as_uri())
    page.set_input_files("#verify-proof-file", str(VECTORS / "proof-v2-sha256.json"))
    page.set_input_files("#verify-commitment-file", str(VECTORS / "commitment-v2-sha256.json"))
    page.locator("#verify-run").click()
    verdict = page.locator("#verify-verdict")
    expect(verdict).to_have_attribute("data-exit", "0")
    expect(verdict.locator("strong")).to_have_text("通过")
    page.set_input_files("#verify-proof-file", str(NEGATIVE / "sha256" / "22-wrong-pi.json"))
    page.locator("#verify-run").click()
    expect(verdict).to_have_attribute("data-check", "result.pi")
    offline.close()


def test_gzip_file_as_the_portal_serves_it_is_verified(
    browser: Browser, live_server: object, tmp_path: Path
) -> None:
    """A proof saved still compressed (.json.gz) verifies like the plain file; a damaged one
    is refused as unreadable, not reported as a passing or failing proof."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/public/verify/")
    packed = tmp_path / "proof.json.gz"
    packed.write_bytes(gzip.compress((VECTORS / "proof-v2-sha256.json").read_bytes()))
    page.set_input_files("#verify-proof-file", str(packed))
    page.set_input_files("#verify-commitment-file", str(VECTORS / "commitment-v2-sha256.json"))
    page.locator("#verify-run").click()
    verdict = page.locator("#verify-verdict")
    expect(verdict).to_have_attribute("data-exit", "0")
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(packed.read_bytes()[:-40])
    page.set_input_files("#verify-proof-file", str(broken))
    page.locator("#verify-run").click()
    expect(page.locator("#verify-status")).to_contain_text("无法读取")
    context.close()

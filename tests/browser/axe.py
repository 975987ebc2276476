"""The accessibility scan shared by the browser tests: the vendored axe-core plus a check of
unique ids (tests/browser/vendor/axe-core/README.md says where axe comes from)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# WCAG 2.0/2.1 levels A and AA, and axe's best practices (landmarks, one main, headings).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
  }));
}"""
# axe 4.x no longer checks plain duplicate ids (WCAG 2.2 made 4.1.1 obsolete), but a label's
# ``for`` or an error summary's link finds the first element of a duplicated id: issue 15 asks
# for unique ids, so the scan checks them itself.
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => "#" + id);
}"""


def accessibility_problems(page: Page, where: str) -> list[str]:
    """Serious or critical axe violations and repeated ids of the page as it is now.

    axe is evaluated through DevTools: ``add_script_tag`` would insert an inline script, which
    the site's Content-Security-Policy rightly refuses (DevTools evaluation is not subject to
    the page's CSP)."""
    found = []
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS)
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        if violation["impact"] in FAILING_IMPACTS:
            found.append(
                f"{violation['id']} ({violation['impact']}) on {where}: "
                f"{violation['help']}; {', '.join(violation['targets'])}"
            )
    duplicates = page.evaluate(DUPLICATE_IDS)
    if duplicates:
        found.append(f"duplicate-id on {where}: {', '.join(duplicates)}")
    return found

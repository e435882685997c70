"""Helpers for browser tests: accessibility checks with axe-core, layout checks."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".peers" / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 AA, as the UK public sector standard asks (2.0/2.1 A and AA, plus 2.2 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), summary: n.failureSummary || ''})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now (WCAG 2.x A/AA rules); returns the violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated from outside the page, as devtools would: the page's CSP (no inline script) stays on.
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def format_violations(violations: list[dict], where: str = "") -> str:
    """One readable block per violation: rule id, impact, what to fix, and each element it found."""
    lines = [f"{len(violations)} accessibility violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.extend(f"      {line.strip()}" for line in node["summary"].splitlines() if line.strip())
    return "\n".join(lines)


def assert_accessible(page, context: str = "") -> None:
    """Fail the test, listing each axe-core violation, unless the page passes WCAG 2.2 A/AA checks."""
    violations = axe_violations(page)
    where = f"{page.url}{' (' + context + ')' if context else ''}"
    assert not violations, format_violations(violations, where)


def assert_no_horizontal_scroll(page) -> None:
    """The page fits its viewport's width: nothing makes a phone scroll sideways."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > width + 0.5 || e.getBoundingClientRect().left < -0.5)
                 .slice(0, 10).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                   + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))""",
            width,
        )
        raise AssertionError(f"{page.url} scrolls sideways at {width}px: scrollWidth {scroll_width}; "
                             f"elements sticking out: {', '.join(wide)}")

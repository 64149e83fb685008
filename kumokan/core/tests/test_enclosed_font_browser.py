"""The seeds' clause numbers (4⑴ア, ①) are drawn by kumokan's own font subset in Chromium on a machine
whose fonts have no ⑴ (Debian with IPAex and DejaVu only), served from our static files under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page


@pytest.mark.browser
def test_enclosed_numbers_are_drawn_by_the_vendored_font(page: Page) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/login/", wait_until="domcontentloaded")
    page.evaluate(
        """() => {
            const span = document.createElement("span");
            span.id = "clause";
            span.textContent = "4⑴ア ⑵ ⑷ ①";
            document.querySelector("main").append(span);
        }"""
    )
    page.evaluate("() => document.fonts.load('16px \"kumokan enclosed\"', '⑴')")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#clause"})["nodeId"]
    fonts = {
        f["familyName"]: f["glyphCount"]
        for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    }
    # ⑴ ⑵ ⑷ ① come from our font; 4 ア and the spaces from the machine's.
    assert fonts.get("kumokan enclosed") == 4, fonts
    assert not failed

"""Small helpers over the console's ``data-testid`` contract (src/web/TESTIDS.md)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def tid(page: Page | Locator, name: str, slug: str | None = None) -> Locator:
    """``[data-testid=name]``, optionally narrowed to ``[data-slug=slug]``."""
    selector = f'[data-testid="{name}"]'
    if slug is not None:
        selector += f'[data-slug="{slug}"]'
    return page.locator(selector)


def open_screen(page: Page, route: str) -> None:
    """Load the console at a hash route (``explore``, ``route``, …) and wait for its shell."""
    page.goto(f"/#/{route}")
    expect(tid(page, "nav-explore")).to_be_visible()


def wait_map_ready(page: Page) -> None:
    """The map loaded its sources and drew them (``data-error`` says WebGL or data failed)."""
    the_map = tid(page, "map")
    expect(the_map).to_have_attribute("data-ready", "true")
    error = the_map.get_attribute("data-error")
    assert error is None, f"map ready with data-error={error!r}"


def sign_in(page: Page, token: str, name: str) -> None:
    """Curate screen: paste a bearer token, sign in, wait for the principal's name."""
    open_screen(page, "curate")
    tid(page, "token-input").fill(token)
    tid(page, "sign-in").click()
    expect(tid(page, "signed-in-as")).to_contain_text(name)


def int_attr(locator: Locator, name: str) -> float:
    value = locator.get_attribute(name)
    assert value is not None, f"{name} missing on {locator}"
    return float(value)

"""A live API server in a thread and Debian's Chromium driven by Playwright."""

import os
from pathlib import Path

import httpx
import pytest

from tests.live import serving

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("LIFTRESCUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture()
def live_server(settings):
    """Base URL of the real app (with its background roles) on a free loopback port."""
    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app
    from adapters.runtime import roles as workers

    def build():
        services = bootstrap(settings)
        workers.start_all(services)
        return services

    app = create_app(build)
    with serving(app) as base:
        yield base, app


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def issue_token(live_server):
    """Issue a real token on the live server's store."""
    _, app = live_server

    def issue(role: str, unit_id: str | None = None, name: str = "browser") -> str:
        return app.state.services.tokens.create(role=role, name=name, unit_id=unit_id)[0]

    return issue


@pytest.fixture()
def login(browser, live_server):
    """A fresh browser context logged in with the given token; returns its page."""
    base, _ = live_server
    contexts = []

    def as_user(token: str):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{base}/console/login")
        page.fill("#token", token)
        page.click("#token-login button[type=submit]")
        return page

    yield as_user
    for context in contexts:
        context.close()


def password_login(page, base: str, username: str, password: str) -> None:
    """Log in on the console's login page with a username and password."""
    page.goto(f"{base}/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#password-login button[type=submit]")


def assign_and_arrive(page) -> None:
    """On a notified ticket's page: assign 王师傅 (13912345678), then arrive — with the mouse."""
    page.fill("form[data-action=assign] input[name=name]", "王师傅")
    page.fill("form[data-action=assign] input[name=mobile]", "13912345678")
    page.click("form[data-action=assign] button")
    page.wait_for_selector("[data-testid=status]:has-text('已响应')")
    page.click("form[data-action=arrive] button")
    page.wait_for_selector("[data-testid=status]:has-text('已到场')")


def assign_arrive_release(page) -> None:
    """On a notified ticket's page: assign a responder, arrive, release — with the mouse."""
    assign_and_arrive(page)
    page.select_option("form[data-action=release] select[name=released_by]", "rescuer")
    page.click("form[data-action=release] button")
    page.wait_for_selector("[data-testid=status]:has-text('已解困')")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture()
def admin(live_server, issue_token):
    """An HTTP client of the live server with an admin token (registry set-up, checks)."""
    base, _ = live_server
    with httpx.Client(base_url=base, headers={
            "Authorization": f"Bearer {issue_token('admin')}"}) as client:
        yield client

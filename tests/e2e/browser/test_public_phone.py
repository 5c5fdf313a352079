"""[16-public] The public QR lookup pages on a phone-sized window, without a login."""

import httpx

from tests.e2e.browser.conftest import screenshot
from tests.e2e.public_setup import DUTY, registry
from tests.e2e.registry_helpers import code
from tests.live import wait_for

PHONE = {"width": 390, "height": 844}


def test_lift_page_and_standing_on_a_phone_without_login(browser, live_server, issue_token):
    base, _ = live_server
    admin = httpx.Client(base_url=base, headers={
        "Authorization": f"Bearer {issue_token('admin')}"})
    registry(admin)
    wait_for(lambda: len(admin.get("/v1/lifts").json()["items"]) == 3)  # the registry view
    wait_for(lambda: len(admin.get("/v1/units").json()["items"]) == 2)
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/p/lifts/100001")  # the rescue code reaches the lift too
    page.wait_for_selector("[data-testid=registration]")
    assert page.text_content("[data-testid=registration]").strip() == code(1)
    assert page.text_content("[data-testid=unit]").strip() == "安达电梯维保"
    assert page.get_attribute("[data-testid=duty-phone] a", "href") == f"tel:{DUTY}"
    hotline = page.locator("[data-testid=hotline]")
    assert hotline.get_attribute("href") == "tel:96333" and hotline.is_visible()
    box = hotline.bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # a thumb-sized call button
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "13800138000" not in page.content() and "陈经理" not in page.content()
    screenshot(page, "public-lift-phone")
    page.click("text=维保单位公示")
    page.wait_for_selector("[data-testid=standing]")
    assert page.locator("[data-testid=unit-row]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "public-units-phone")
    missing = page.goto(f"{base}/p/lifts/{code(77)}")
    assert missing.status == 404 and page.is_visible("[data-testid=not-found]")
    context.close()
    admin.close()

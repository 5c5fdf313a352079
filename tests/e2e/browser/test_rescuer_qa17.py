"""Issue 17 on a weak network, as QA found it: a tap whose answer says "still being recorded"
is kept and asked again; an arrival waiting for the phone's position is not overtaken."""


from tests.e2e.rescuer_helpers import alarm, bound_lift, texted_links

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
# A phone that takes its time to find itself (a basement): the position comes after 2.5 s.
SLOW_FIX = """navigator.geolocation.getCurrentPosition = function (ok) {
  setTimeout(function () {
    ok({coords: {latitude: 22.5401, longitude: 113.9301, accuracy: 20}});
  }, 2500);
};"""


def texted(live_server, admin, ref: str) -> tuple[str, str]:
    _, app = live_server
    _, code = bound_lift(admin, workers=1, location={"lat": 22.54, "lng": 113.93})
    ticket_id = alarm(admin, code, ref)
    return ticket_id, next(iter(texted_links(app.state.services, ticket_id, 1).values()))["link"]


def types(admin, ticket_id: str) -> list[str]:
    return [e["type"] for e in admin.get(f"/v1/tickets/{ticket_id}/events").json()]


def test_a_tap_still_being_recorded_is_kept_and_sent_again(browser, live_server, admin):
    base, _ = live_server
    ticket_id, link = texted(live_server, admin, "qa17-busy")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    answers = []

    def busy_once(route):
        if answers:
            answers.append("sent")
            route.continue_()
            return
        answers.append("busy")
        route.fulfill(status=409, headers={"retry-after": "1",
                                           "content-type": "application/problem+json"},
                      body='{"title": "Idempotency-Key conflict", "status": 409, '
                           '"detail": "a request with this Idempotency-Key is in progress"}')

    page.route("**/r/*/accept", busy_once)
    page.goto(f"{base}/r/{link}")
    page.click("form[data-action=accept] button")
    page.wait_for_selector("[data-testid=done-accept]", timeout=20_000)
    assert answers[:2] == ["busy", "sent"]
    assert page.locator("[data-testid=error]").is_hidden()
    assert types(admin, ticket_id).count("ResponderAssigned") == 1
    context.close()


def test_an_arrival_waiting_for_its_position_is_not_overtaken(browser, live_server, admin):
    base, _ = live_server
    ticket_id, link = texted(live_server, admin, "qa17-slow-fix")
    context = browser.new_context(**PHONE)
    context.add_init_script(SLOW_FIX)
    page = context.new_page()
    page.goto(f"{base}/r/{link}")
    page.click("form[data-action=accept] button")
    page.wait_for_selector("[data-testid=done-accept]")
    page.click("form[data-action=arrive] button")
    page.wait_for_selector("form[data-action=arrive] .pending:has-text('已保存，发送中')")
    page.click("form[data-action=release] button")  # tapped while the phone still locates
    page.wait_for_selector("[data-testid=done-release]", timeout=30_000)
    recorded = types(admin, ticket_id)
    assert recorded.index("ArrivedOnSite") < recorded.index("PassengersReleased")
    arrival = next(e for e in admin.get(f"/v1/tickets/{ticket_id}/events").json()
               if e["type"] == "ArrivedOnSite")
    assert arrival["data"]["proof"] == "gps"
    assert page.locator("[data-testid=error]").is_hidden()
    context.close()


def test_opening_the_lift_label_records_the_arrival_once(browser, live_server, admin):
    base, _ = live_server
    ticket_id, link = texted(live_server, admin, "qa17-label")
    code = admin.get(f"/v1/tickets/{ticket_id}").json()["lift"]["registration_code"]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/r/{link}")  # the SMS link: this phone now holds the rescuer link
    page.goto(f"{base}/p/lifts/{code}")  # the label scanned on site, nothing tapped
    page.wait_for_selector("[data-testid=done-arrive]:has-text('qr_scan')", timeout=20_000)
    page.goto(f"{base}/p/lifts/{code}")  # scanned again: shown, not recorded twice
    page.wait_for_selector("[data-testid=done-arrive]")
    assert types(admin, ticket_id).count("ArrivedOnSite") == 1
    context.close()


def test_the_worker_who_taps_second_sees_who_accepted(browser, live_server, admin):
    base, app = live_server
    _, code = bound_lift(admin, workers=2)
    ticket_id = alarm(admin, code, "qa17-second")
    first, second = (m["link"] for m in texted_links(app.state.services, ticket_id, 2).values())
    phones = [browser.new_context(**PHONE) for _ in range(2)]
    pages = [phone.new_page() for phone in phones]
    for page, link in zip(pages, (first, second), strict=True):
        page.goto(f"{base}/r/{link}")  # both pages open before anyone accepts
    pages[0].click("form[data-action=accept] button")
    pages[0].wait_for_selector("[data-testid=done-accept]:has-text('您 (you)')")
    pages[1].click("form[data-action=accept] button")  # too late
    pages[1].wait_for_selector("[data-testid=error]:has-text('已由')", timeout=20_000)
    pages[1].wait_for_selector("[data-testid=done-accept]")  # the record, not the button
    assert pages[1].locator(".pending:visible").count() == 0  # no "sending…" left behind
    assert types(admin, ticket_id).count("ResponderAssigned") == 1
    for phone in phones:
        phone.close()

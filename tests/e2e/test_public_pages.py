"""[16-public] items 6-7: the QR lookup page, its QR code, the label sheet, units' standing;
no login, no personal data, rate-limited, cached, one 404 for malformed and unknown codes."""

import io
import subprocess
from types import SimpleNamespace

import pytest
import segno
from PIL import Image

from adapters.http.public.rate_limit import TokenBuckets, client_address
from tests.e2e.public_setup import DUTY, year_of_tickets
from tests.e2e.registry_helpers import code

BASE = "https://lift.example.cn"


@pytest.fixture()
def settings(settings):
    return settings.model_copy(update={"public_base_url": BASE})


@pytest.fixture()
def reg(client, views):
    return year_of_tickets(client)


def anonymous(client):
    client.headers.pop("Authorization", None)
    return client


def test_lift_page_shows_unit_duty_line_96333_and_figures(client, reg):
    page = anonymous(client).get(f"/p/lifts/{code(1)}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "安达电梯维保" in html and f'href="tel:{DUTY}"' in html and "tel:96333" in html
    assert 'data-testid="entrapments">3<' in html  # 3 within 12 months, not the 400-day one
    assert "66.7%（2/3）" in html  # unit A: arrivals 12, 45, 20 minutes vs the 30-minute limit
    for personal in ("13800138000", "138****8000", "陈经理", "13812345678", "王师傅", "工0"):
        assert personal not in html  # no lead, no worker, no caller
    by_rescue_code = client.get("/p/lifts/100001")
    assert by_rescue_code.status_code == 200 and code(1) in by_rescue_code.text
    assert "max-age" in page.headers["cache-control"] and page.headers["etag"]
    again = client.get(f"/p/lifts/{code(1)}", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_unknown_and_malformed_codes_get_the_same_plain_404(client, reg):
    answers = [anonymous(client).get(f"/p/lifts/{c}") for c in
               (code(99), "100009", "abc", "4403" + "0" * 30, code(1) + "x")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1 and "未找到" in answers[0].text
    assert answers[0].headers["content-type"].startswith("text/html")
    assert client.get(f"/p/lifts/{code(99)}/qr.png").status_code == 404


def test_every_public_not_found_is_the_same_bytes_and_headers(client, reg):
    """[16-qa] Unknown, malformed, another city's code, a cut or extended label URL, the QR
    images: one 404 page, identical headers (but the date and the request's own id)."""
    anon = anonymous(client)
    answers = [anon.get(p) for p in (
        f"/p/lifts/{code(99)}", "/p/lifts/abc", "/p/lifts/100009", "/p/lifts/" + "1" * 21,
        "/p/lifts/11000000000000000001", "/p/lifts/%3Cscript%3E", "/p/lifts/", "/p/lifts/a/b",
        f"/p/lifts/{code(99)}/qr.svg", "/p/lifts/abc/qr.png", "/p/nothing")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1 and "未找到" in answers[0].text
    same = [{k: v for k, v in a.headers.items() if k not in ("date", "x-correlation-id")}
            for a in answers]
    assert all(h == same[0] for h in same), same
    assert "nonce" not in same[0]["content-security-policy"]
    # a rescuer's link cookie turns the same URL into the arrival page: caches must key on it
    assert anon.get(f"/p/lifts/{code(1)}").headers["vary"] == same[0]["vary"] == "Cookie"


def modules(png: bytes, scale: int) -> list[list[bool]]:
    """The PNG read back to a module matrix (dark = True), one sample per module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale
    return [[image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128
             for x in range(size)] for y in range(size)]


def test_qr_png_and_svg_encode_the_absolute_page_url(client, reg):
    url = f"{BASE}/p/lifts/{code(1)}"
    png = anonymous(client).get(f"/p/lifts/{code(1)}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    expected = segno.make_qr(url, error="m")
    border = 4
    drawn = modules(png.content, 8)
    inner = [row[border:-border] for row in drawn[border:-border]]
    assert inner == [[bool(v) for v in row] for row in expected.matrix]
    assert inner != [[bool(v) for v in row] for row in segno.make_qr(
        f"{BASE}/p/lifts/{code(2)}", error="m").matrix]  # the comparison can tell lifts apart
    svg = client.get(f"/p/lifts/{code(1)}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and svg.headers["etag"]


def test_units_standing_ranks_by_on_time_share(client, reg):
    page = anonymous(client).get("/p/units")
    assert page.status_code == 200
    html = page.text
    assert html.index("安达电梯维保") < html.index("博远电梯维保")  # 66.7 % before 0 %
    assert "66.7%" in html and "0.0%" in html
    assert "15000.0" in html  # unit A: 3 entrapments / 2 lifts × 10,000
    assert "20.0 分钟" in html  # unit A's median arrival: 12, 20, 45
    assert "13800138000" not in html and "陈经理" not in html


def test_public_pages_refuse_beyond_the_budget_with_retry_after(client, reg):
    client.app.state.services.public_buckets = TokenBuckets(3)
    anonymous(client)
    answers = [client.get("/p/units").status_code for _ in range(3)]
    refused = client.get(f"/p/lifts/{code(1)}")
    assert answers == [200, 200, 200] and refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_token_bucket_refills_over_time():
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(60)] == [0.0] * 60
    assert buckets.take("a") == pytest.approx(1.0) and buckets.take("b") == 0.0
    now[0] += 2
    assert buckets.take("a") == 0.0


@pytest.mark.parametrize("hosts, one_client", [
    (["2001:db8:1:2::1", "2001:db8:1:2:ffff::9"], True), (["2001:db8:1:2::1", "2001:db8:1:3::1"],
                                                          False),
    (["::ffff:203.0.113.5", "203.0.113.5"], True), (["203.0.113.5", "203.0.113.6"], False)])
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(hosts, one_client):
    """[16-qa] Rotating through one's own IPv6 /64 does not buy a fresh budget."""
    keys = {client_address(SimpleNamespace(client=SimpleNamespace(host=h))) for h in hosts}
    assert (len(keys) == 1) == one_client


def test_label_sheet_pdf_per_using_unit_scoped(client, reg, token_for, tmp_path):
    unit_b = reg["units"][1]
    sheet = client.get("/v1/lifts/qr-sheet", params={"using_unit_code": "U-1"})
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(sheet.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert code(1) in text and code(2) in text and code(3) not in text
    assert text.count("96333") == 2 and "困人求救" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png")))
    assert page.width > 200 and page.convert("L").getextrema()[0] < 50  # something dark: QR
    other = client.get("/v1/lifts/qr-sheet", params={"using_unit_code": "U-1"},
                       headers=token_for("unit", unit_id=unit_b))
    assert other.status_code == 404  # unit B has no lifts at U-1 it may see
    assert client.get("/v1/lifts/qr-sheet").status_code == 422
    client.headers.pop("Authorization")
    assert client.get("/v1/lifts/qr-sheet", params={"using_unit_code": "U-1"}).status_code == 401


def test_on_time_counts_against_the_lifts_district_limit(client, reg):
    from datetime import UTC, datetime, timedelta

    from adapters.postgres.public_standing import PublicStanding
    from domain.arrival_limits import ArrivalLimits

    pool, since = client.app.state.services.pool, datetime.now(UTC) - timedelta(days=365)
    by_default = PublicStanding(pool, ArrivalLimits(30)).units(since, reg["units"][0])[0]
    nanshan_60 = PublicStanding(pool, ArrivalLimits(30, {"南山区": 60})).units(
        since, reg["units"][0])[0]
    assert (by_default["on_time"], nanshan_60["on_time"]) == (2, 3)  # the 45-minute arrival

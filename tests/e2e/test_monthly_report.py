"""The monthly analysis report as a PDF: figures from seeded tickets, text extracted with
pdftotext, a page rendered with pdftoppm; the public edition holds no personal data."""

import re
import subprocess
from pathlib import Path

from PIL import Image

from adapters.reference import FaultCauseTable
from tests.e2e.monthly_report_seed import CAUSES, MONTH, PERSONAL, PREVIOUS, expected, seed

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)1\d{2}\*{4}\d{4}(?!\d)")


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def num(value: float) -> str:
    return f"{round(value, 2):g}"


def test_monthly_pdf_has_the_months_figures_and_renders(client, views, tmp_path):
    seeded = seed(client)
    now, before = expected(MONTH), expected(PREVIOUS)
    response = client.get("/v1/reports/monthly", params={"month": MONTH, "format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(response.content, tmp_path, "full"))
    lifts = len(seeded["lifts"])
    for label in ("电梯困人救援月度分析报告", "困人率（深圳口径）", "困人率（南京口径）",
                  "超时占比", "到场用时分布", "故障原因", "重复困人电梯", "维保单位排名", "环比"):
        assert label in text, label
    assert f"{now['tickets']}件{before['tickets']}件" in text  # this month, last month
    assert f"{num(lifts / now['tickets'])}台/次" in text
    assert f"{num(now['tickets'] * 100 / lifts)}%" in text
    assert f"{len(now['late'])}件" in text
    assert f"{num(len(now['late']) * 100 / now['notified'])}%" in text
    assert f"中位数(median){num(now['median'])}分钟" in text
    delta = now["tickets"] - before["tickets"]
    assert f"{delta:+g}({delta * 100 / before['tickets']:+g}%)" in text
    table = FaultCauseTable()
    for name, (root, sub) in CAUSES.items():
        if name in now["names"]:
            assert flat(table.describe(root, sub)) in text
    repeated = [i for i, n in now["per_lift"].items() if n >= 2]
    assert repeated and all(f"{seeded['lifts'][i]}{now['per_lift'][i]}" in text
                            for i in repeated)
    assert "北辰维保" in text and text.index("北辰维保") < text.index("安达维保")  # 100 % first
    assert "未知维保单位" not in text  # a ticket of an unregistered lift counts, unranked
    assert all(station in text for station in seeded["stations"])  # internal edition
    page = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1",
                    str(tmp_path / "full.pdf"), str(page)], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    darkest, _ = image.getextrema()
    assert darkest < 128 and sum(p < 200 for p in image.get_flattened_data()) > 500  # text and charts


def test_public_edition_has_no_personal_or_internal_data(client, views, tmp_path):
    seeded = seed(client)
    full = client.get("/v1/reports/monthly", params={"month": MONTH, "format": "pdf"})
    public = client.get("/v1/reports/monthly", params={"month": MONTH, "format": "pdf",
                                                       "edition": "public"})
    html = client.get("/v1/reports/monthly", params={"month": MONTH, "edition": "public"})
    assert public.status_code == html.status_code == 200
    full_text = pdf_text(full.content, tmp_path, "full")
    late_no = client.get(f"/v1/tickets/{seeded['ids']['T2']}").json()["ticket_no"]
    for text in (pdf_text(public.content, tmp_path, "public"), html.text):
        assert "公开版" in text and "困人率" in text
        assert not any(secret in text for secret in PERSONAL)
        assert not PHONE.search(text)
        assert not any(station in text for station in seeded["stations"])
        assert "内部版" not in text and late_no not in text
    # the checks can fail: the internal edition names stations and the overtime ticket
    assert late_no in full_text and all(s in full_text for s in seeded["stations"])

"""The results site in a real browser (Debian chromium + chromedriver via Selenium), escaping, atomic builds."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import free_port, needs_browser, working_directory

from frameforecast import cli
from frameforecast.report import server


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href") and not attrs["href"].startswith(("#", "data:")):
            self.hrefs.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.srcs.append(attrs["src"])


@pytest.fixture(scope="module")
def served_site(smoke_suite):
    httpd = server.make_server(smoke_suite / "site", "127.0.0.1", free_port())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", smoke_suite / "site"
    httpd.shutdown()
    httpd.server_close()


def pages(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html"))


def severe_console_messages(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@needs_browser
def test_every_page_loads_cleanly_in_chromium(served_site, browser, tmp_path):
    base, site = served_site
    names = pages(site)
    assert {"index.html", "methodology.html", "reference.html", "related.html", "mnist-predict.html"} <= set(names)
    for name in names:
        browser.get(f"{base}/{name}")
        assert browser.title, name
        assert severe_console_messages(browser) == [], name
        broken = browser.execute_script(
            "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        # lazy images below the fold load on scroll: force them, then check again
        if broken:
            browser.execute_script("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
            browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
            import time

            time.sleep(0.5)
            broken = browser.execute_script(
                "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            )
        assert broken == [], (name, broken)
        parser = Links()
        parser.feed((site / name).read_text())
        for href in parser.hrefs + parser.srcs:
            with urllib.request.urlopen(f"{base}/{href}") as response:
                assert response.status == 200, (name, href)
        if name not in ("index.html", "methodology.html", "reference.html", "related.html"):
            rows = browser.execute_script(
                "return Array.from(document.querySelectorAll('table.metrics tr.baseline')).length"
            )
            models = browser.execute_script(
                "return Array.from(document.querySelectorAll('table.metrics tr.model')).length"
            )
            assert rows >= 1 and models >= 1, name
    browser.get(f"{base}/index.html")
    shot = tmp_path / "index.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def open_page(served_site, browser, page: str, where: str) -> None:
    """Opens a page of the smoke site from file:// or from the server."""
    base, site = served_site
    browser.get(f"file://{site}/{page}" if where == "file" else f"{base}/{page}")


OTHER_SCRIPTS = """return window.__ran || Array.from(document.querySelectorAll('main script')).filter(
    s => s.type !== 'application/json' && !['windows.js', 'browser.js'].includes(s.getAttribute('src'))).length"""


@needs_browser
def test_user_column_name_is_text_not_script(served_site, browser):
    from selenium.common.exceptions import NoAlertPresentException

    base, site = served_site
    page = next(p for p in pages(site) if p.startswith("lookback-shop"))
    for name in ("index.html", page):
        browser.get(f"{base}/{name}")
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 - raises if the script ran
        assert "<script>alert(1)</script>" in browser.find_element("tag name", "body").text
        # the page's own scripts are inline JSON data (Jinja's tojson escapes < and >) and files it ships; any
        # other script element in main was injected through the column name
        assert browser.execute_script(OTHER_SCRIPTS) == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (site / page).read_text()


def test_pages_use_relative_links_only(smoke_suite):
    for page in (smoke_suite / "site").glob("*.html"):
        parser = Links()
        parser.feed(page.read_text())
        for link in parser.hrefs + parser.srcs:
            assert not link.startswith(("/", "http:", "https:")), (page.name, link)


def test_video_cards_show_a_still_of_predicted_frames_not_the_first_input(smoke_suite):
    from PIL import Image

    index = (smoke_suite / "site" / "index.html").read_text()
    for name, output in (("mnist-predict", "prediction"), ("mnist-reconstruct", "reconstruction")):
        assert f'src="{name}/card.png"' in index, name  # the index's small copy of the run's thumbnail
        still = Image.open(smoke_suite / "site" / name / "card.png")
        whole = Image.open(smoke_suite / "site" / name / f"{output}-thumbnail.png")
        assert abs(still.height / still.width - whole.height / whole.width) < 0.02  # not cropped
        assert still.height > still.width / 2  # two rows: the truth above the prediction


def test_site_shows_no_path_of_the_build_machine(smoke_suite):
    machine_paths = {str(smoke_suite), str(Path.cwd()), str(Path(__file__).resolve().parents[1]), str(Path.home())}
    for page in (smoke_suite / "site").rglob("*"):
        if page.is_file() and page.suffix in (".html", ".css", ".js", ".json", ".txt"):
            text = page.read_text(errors="replace")
            for path in machine_paths:
                assert path not in text, (page.name, path)


def test_not_run_experiments_show_the_command(smoke_suite, tmp_path):
    runs = tmp_path / "runs"
    shutil.copytree(smoke_suite / "runs" / "milk-lookback", runs / "milk-lookback")
    with working_directory(tmp_path):
        assert cli.main(["site"]) == 0
    index = (tmp_path / "site" / "index.html").read_text()
    assert index.count("not run") >= 8
    assert "frameforecast run mnist-predict --profile quick" in index


def test_failed_build_leaves_previous_site_untouched(smoke_suite, tmp_path, capsys):
    shutil.copytree(smoke_suite / "runs" / "milk-lookback", tmp_path / "runs" / "milk-lookback")
    with working_directory(tmp_path):
        assert cli.main(["site"]) == 0
        before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
        (tmp_path / "runs" / "milk-lookback" / "metrics.json").write_text("{ not json")
        capsys.readouterr()
        assert cli.main(["site"]) != 0
        err = capsys.readouterr().err
        assert "metrics.json" in err and len(err.strip().splitlines()) == 1
        after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_published_standard_file_number_is_labelled_beside_a_generated_headline(smoke_suite):
    index = (smoke_suite / "site" / "index.html").read_text()
    card = index[index.index('id="mnist-predict"') :]
    card = card[: card.index("</article>")]
    assert "103.3" in card and "standard file — not comparable with this generated-set headline" in card


def test_baseline_bce_is_infinite_not_an_epsilon_number(smoke_suite):
    import json

    metrics = json.loads((smoke_suite / "runs" / "mnist-predict" / "metrics.json").read_text())
    assert metrics["results"]["prediction"]["all-black frame"]["bce_nats_per_frame"] is None
    page = (smoke_suite / "site" / "mnist-predict.html").read_text()
    assert "∞" in page and "their own entropy" in page


@needs_browser
@pytest.mark.parametrize("where", ["file", "served"])
def test_the_sequence_browser_steps_sorts_and_opens_sequences_with_the_numbers_of_metrics_json(
    served_site, browser, smoke_suite, where
):
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(served_site, browser, "mnist-predict.html", where)
    browse = json.loads((smoke_suite / "runs" / "mnist-predict" / "metrics.json").read_text())["browse"]
    model = browse["mse_by_frame"]["model"]
    means = [sum(frames) / len(frames) for frames in model]

    def shown():
        sprite = browser.find_element(By.ID, "browse-sprite")
        cells = browser.find_elements(By.CSS_SELECTOR, "#browse-scores tr[data-method='model'] td")
        return int(sprite.get_attribute("data-index")), sprite.get_attribute("src"), cells[0].text, cells[1].text

    index, src, mean, by_frame = shown()
    assert index == 0 and mean == f"{means[0]:.1f}"
    assert by_frame == " · ".join(f"{v:.1f}" for v in model[0])
    browser.find_element(By.ID, "browse-next").click()
    index, next_src, mean, _ = shown()
    assert index == 1 and next_src != src and mean == f"{means[1]:.1f}"
    assert browser.execute_script("return document.getElementById('browse-sprite').naturalWidth") > 0
    browser.find_element(By.ID, "browse-prev").click()
    assert shown()[0] == 0
    Select(browser.find_element(By.ID, "browse-sort")).select_by_value("worst")
    worst = max(range(len(means)), key=means.__getitem__)
    assert shown()[0] == worst and shown()[2] == f"{means[worst]:.1f}"
    last = browser.find_elements(By.CSS_SELECTOR, "#browse-list a")[-1]
    target = int(last.get_attribute("data-index"))
    last.click()
    assert shown()[0] == target and shown()[2] == f"{means[target]:.1f}"
    outside = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !(n.startsWith('file://') || n.startsWith(location.origin)))"
    )
    assert outside == []  # nothing but the site's own files
    assert severe_console_messages(browser) == []


def _window_rmse(metrics: dict) -> list[tuple[int, float]]:
    """(first forecast position, the model's RMSE) of every window a look-back page browses, computed here from
    metrics.json's observed series and stored forecasts, independently of the page's data."""
    import numpy as np

    y = np.asarray(metrics["observed"]["values"])
    out = []

    def add(start, forecast):
        forecast = np.asarray(forecast)
        out.append((start, float(np.sqrt(np.mean((forecast - y[start : start + len(forecast)]) ** 2)))))

    for res in metrics["modes"].values():
        add(res["targets"][0], res["forecast_ensemble"])
        if res.get("holdout"):
            add(res["holdout"]["origin"], res["holdout"]["forecasts"]["model"])
        if res.get("backtest"):
            for k, forecast in enumerate(res["backtest"]["forecasts"]["model"]):
                add(res["backtest"]["origins"][0] + k, forecast)
    return out


@needs_browser
@pytest.mark.parametrize("where", ["file", "served"])
def test_the_window_browser_steps_sorts_zooms_and_compares_with_the_numbers_of_metrics_json(
    served_site, browser, smoke_suite, where
):
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(served_site, browser, "milk-lookback.html", where)
    metrics = json.loads((smoke_suite / "runs" / "milk-lookback" / "metrics.json").read_text())
    windows = _window_rmse(metrics)

    def shown():
        label = browser.find_element(By.ID, "windows-position")
        model = browser.find_element(By.CSS_SELECTOR, "#windows-scores tr[data-method='model'] td").text
        line = browser.find_element(By.ID, "line-model").get_attribute("d")
        return int(label.get_attribute("data-start")), float(model), line

    def close(value, expected):
        return abs(value - expected) <= 5e-4 * max(abs(expected), 1)

    start, model, line = shown()
    assert start == windows[0][0] and close(model, windows[0][1])
    browser.find_element(By.ID, "windows-next").click()
    start, model, next_line = shown()
    assert (start, next_line != line) == (windows[1][0], True) and close(model, windows[1][1])
    browser.find_element(By.ID, "windows-prev").click()
    assert shown()[0] == windows[0][0]

    plot = browser.find_element(By.ID, "windows-plot")
    wide = plot.get_attribute("data-range")
    browser.find_element(By.ID, "windows-zoom-in").click()
    narrow = plot.get_attribute("data-range")
    lo, hi = (int(v) for v in narrow.split("-"))
    assert narrow != wide and lo <= windows[0][0] < hi  # zoomed in, the window still in view

    Select(browser.find_element(By.ID, "windows-sort")).select_by_value("worst")
    for expected in sorted(windows, key=lambda w: -w[1])[:4]:  # the worst four, in order
        start, model, _ = shown()
        assert close(model, expected[1]) and start == expected[0]
        browser.find_element(By.ID, "windows-next").click()

    compare = Select(browser.find_element(By.ID, "windows-compare"))
    choices = [o.get_attribute("value") for o in compare.options]
    assert "model" not in choices and {"persistence", "AutoARIMA"} <= set(choices)
    for name in ("persistence", "AutoARIMA"):
        compare.select_by_value(name)
        compared = browser.find_element(By.CSS_SELECTOR, "#windows-scores tr.compared th").text
        assert compared == name and browser.find_element(By.ID, "line-other").get_attribute("d")
    outside = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !(n.startsWith('file://') || n.startsWith(location.origin)))"
    )
    assert outside == []
    assert severe_console_messages(browser) == []


TALL_CELLS = """return Array.from(document.querySelectorAll('table.metrics th, table.metrics td')).filter(cell => {
    const style = getComputedStyle(cell);
    const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    const range = document.createRange();  // the cell's own text, not the height of its row
    range.selectNodeContents(cell);
    return cell.offsetParent !== null && range.getBoundingClientRect().height > 4 * line + 1;
}).map(cell => cell.textContent.trim().slice(0, 60))"""


@needs_browser
@pytest.mark.parametrize("width", [500, 1400])
def test_no_table_cell_is_taller_than_four_lines_on_a_narrow_or_a_wide_screen(served_site, browser, width):
    base, _ = served_site
    browser.set_window_size(width, 1000)
    try:
        for page in (
            "index.html",
            "mnist-predict.html",
            "airline-lookback.html",
            "usercount-seq2seq.html",
            "signals-2.html",
        ):
            browser.get(f"{base}/{page}")
            assert browser.execute_script(TALL_CELLS) == [], (width, page)
    finally:
        browser.set_window_size(1280, 1600)


LINKS_TO_DEFINITIONS = """return Array.from(document.querySelectorAll('a[href*="methodology.html#"]'))
    .map(a => a.getAttribute('href').split('#')[1])"""


@needs_browser
def test_every_metric_and_term_link_leads_to_a_definition_on_the_methodology_page(served_site, browser):
    base, site = served_site
    wanted = {}
    for page in pages(site):
        if page == "methodology.html":
            continue
        browser.get(f"{base}/{page}")
        for anchor in browser.execute_script(LINKS_TO_DEFINITIONS):
            wanted.setdefault(anchor, page)
    assert any(a.startswith("metric-") for a in wanted) and any(a.startswith("term-") for a in wanted), wanted
    for anchor, page in wanted.items():
        browser.get(f"{base}/methodology.html#{anchor}")
        defined = browser.execute_script(
            "const e = document.getElementById(arguments[0]); return !!e && e.textContent.trim().length > 20", anchor
        )
        assert defined, (page, anchor)


def test_the_direct_head_has_its_own_rows_verdicts_and_next_steps(smoke_suite):
    """--direct-head (the fixture's own-CSV look-back run): the direct LSTM beside the recursive ensemble in the
    hold-out and the backtest, each row with its own verdict, and its column in the table of the next steps."""
    import json

    site = smoke_suite / "site"
    page = next(p for p in pages(site) if p.startswith("lookback-shop"))
    html = (site / page).read_text()
    res = json.loads(next((smoke_suite / "runs").glob("lookback-shop*/metrics.json")).read_text())["modes"]["corrected"]
    assert set(res["holdout"]["others"]) == {"direct LSTM"} and res["backtest"]["others"] == ["direct LSTM"]
    assert len(res["direct"]["future"]) >= len(res["future"]["forecast"])  # `forecast --horizon` may ask fewer
    assert all(0 <= lam <= 1 for lam in res["direct"]["lambda"].values()) and len(res["direct"]["lambda"]) == 3
    assert html.count("direct LSTM (corrected, direct)") >= 2 and "<th>direct LSTM</th>" in html
    assert html.count("the whole ") >= 2 and ("loses on" in html or "beats every" in html)

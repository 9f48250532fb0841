"""Every experiment's smoke profile trains, evaluates and renders (one suite run per session)."""

import json
from html.parser import HTMLParser

import pytest

from frameforecast.config import experiments

VIDEO = ["mnist-predict", "mnist-reconstruct", "mnist-composite", "frame-forecast-original"]
SERIES = ["milk-lookback", "airline-lookback", "usercount-seq2seq", "signals-1", "signals-2", "signals-3"]


def load(suite, name):
    return json.loads((suite / "runs" / name / "metrics.json").read_text())


@pytest.mark.parametrize("name", VIDEO)
def test_video_experiment_trains_evaluates_renders(smoke_suite, name):
    run = smoke_suite / "runs" / name
    metrics = load(smoke_suite, name)
    assert (run / "model.keras").exists() and (run / "history.csv").exists()
    assert list(run.glob("*.gif")) and list(run.glob("*-sheet.png")) and list(run.glob("*-per-timestep.png"))
    head = metrics["results"][metrics["headline_output"]]
    assert set(head) == {"model", "all-black frame", "copy last frame", "mean input frame", "optical flow"}
    for scores in head.values():
        assert len(scores["per_timestep"]["mse"]) == (15 if name == "frame-forecast-original" else 10)
    assert metrics["test_set"]["name"] == "generated" and "seed" in metrics["test_set"]["origin"]


def test_original_shows_accuracy_next_to_all_black(smoke_suite):
    metrics = load(smoke_suite, "frame-forecast-original")
    head = metrics["results"]["reconstruction"]
    assert 0 <= head["model"]["binary_accuracy"] <= 1
    assert 0.5 < head["all-black frame"]["binary_accuracy"] < 1
    trained = metrics["training_data_results"]
    assert "binary_accuracy" in trained["model"] and "binary_accuracy" in trained["all-black frame"]
    page = (smoke_suite / "site" / "frame-forecast-original.html").read_text()
    assert "binary pixel accuracy" in page and "all-black frame" in page


def test_composite_scores_both_decoders(smoke_suite):
    assert set(load(smoke_suite, "mnist-composite")["results"]) == {"prediction", "reconstruction"}


def test_composite_warm_starts_from_the_suites_mnist_predict_and_says_so(smoke_suite):
    import json

    info = json.loads((smoke_suite / "runs" / "mnist-composite" / "train_info.json").read_text())
    assert info["warm_start"]["from"] == "mnist-predict/model.keras"
    assert "predictor_lstm" in info["warm_start"]["layers"]
    page = (smoke_suite / "site" / "mnist-composite.html").read_text()
    assert "warm-started from mnist-predict/model.keras" in page
    assert info["warm_start"]["frozen"] and "kept fixed (predictor_lstm" in page


def test_composite_keeps_its_warm_started_layers_fixed_and_trains_the_new_ones(smoke_suite):
    import numpy as np

    from frameforecast.training import load_model

    predict, composite = (
        load_model(smoke_suite / "runs" / n / "model.keras") for n in ("mnist-predict", "mnist-composite")
    )
    for layer in ("predictor_lstm", "predictor_kernels"):
        for ours, theirs in zip(composite.get_layer(layer).get_weights(), predict.get_layer(layer).get_weights()):
            np.testing.assert_array_equal(ours, theirs)
    assert composite.get_layer("reconstruction_draw").trainable and not composite.get_layer("predictor_lstm").trainable


@pytest.mark.parametrize("name", SERIES)
def test_series_experiment_trains_evaluates_plots(smoke_suite, name):
    run = smoke_suite / "runs" / name
    metrics = load(smoke_suite, name)
    assert list(run.glob("*.png"))
    if metrics["family"] == "lookback":
        assert set(metrics["modes"]) == {"faithful", "corrected"}
        for mode in metrics["modes"].values():
            assert {"persistence", "seasonal naive", "seasonal naive + last change", "drift", "Holt-Winters"} <= set(
                mode["baselines"]
            )
            assert len(mode["model"]["rmse"]["per_seed"]) == mode["seeds"] >= 2
            assert len(mode["forecast_ensemble"]) == mode["test_points"] and mode["ensemble"]["rmse"] >= 0
        assert 0 <= metrics["modes"]["corrected"]["shrinkage"]["lambda"] <= 1
        assert metrics["series"]["season_label"] == "season 12 (inferred from monthly timestamps)"
        corrected = metrics["modes"]["corrected"]
        assert set(corrected["peers"]) == {"AutoARIMA", "AutoETS", "AutoTheta"}
        assert corrected["holdout"]["horizon"] == (36 if name == "airline-lookback" else 24)
        backtest = corrected["backtest"]
        assert backtest["horizon"] == 12 and backtest["count"] == corrected["test_points"] - 12 + 1
        assert {"model", "AutoARIMA", "Holt-Winters"} <= set(backtest["rmse"])
        assert 0 <= backtest["coverage"]["80"] <= backtest["coverage"]["95"] <= 1
        assert (run / "forecast.csv").exists() and (run / "future.png").exists()
    elif metrics["family"] == "seq2seq":
        assert set(metrics["modes"]) == {"faithful", "corrected"} and metrics["headline_mode"] == "corrected"
        for mode in metrics["modes"].values():
            assert "mase" in mode["ensemble"] and "seasonal naive" in mode["baselines"]
            assert len(mode["model"]["mase"]["per_seed"]) == mode["seeds"]
        assert 0 <= metrics["modes"]["corrected"]["shrinkage"]["lambda"] <= 1
        assert metrics["series"]["season_label"] == "season 24 (inferred from hourly timestamps)"
        ahead = metrics["modes"]["corrected"]["future"]  # conformal intervals from the rolling-origin backtest
        assert ahead["times"][-1].startswith("2018-12-30 09:00") and len(ahead["forecast"]) == 24
        assert all(lo <= f <= hi for lo, f, hi in zip(ahead["lo80"], ahead["forecast"], ahead["hi80"], strict=True))
        assert metrics["modes"]["corrected"]["backtest"]["horizon"] == 24
    else:
        assert set(metrics["baselines"]) == {
            "zero",
            "persistence",
            "input mean",
            "drift",
            "linear least-squares map",
            "per-window AR(4) extrapolation",
        }
        assert set(metrics["modes"]) == {"faithful", "tuned"}
        for mode in metrics["modes"].values():
            assert mode["spread"] >= 0 and mode["rmse_other_seed"] >= 0 and len(mode["prediction"]) >= 1
        assert {"windows-faithful.png", "windows-tuned.png"} <= {p.name for p in run.glob("*.png")}


def test_faithful_mode_flags_leak_and_dropped_point(smoke_suite):
    metrics = load(smoke_suite, "milk-lookback")
    faithful = metrics["modes"]["faithful"]
    assert faithful["scaler_fit_rows"] == 168 and faithful["test_points"] == 54
    assert any("leak" in flag for flag in faithful["flags"])
    corrected = metrics["modes"]["corrected"]
    assert corrected["test_points"] == 56 and corrected["scaler_fit_rows"] < 112
    assert "leak" in (smoke_suite / "site" / "milk-lookback.html").read_text()


def test_user_csv_lookback_and_signals_4(smoke_suite):
    runs = sorted(p.name for p in (smoke_suite / "runs").iterdir())
    user = [r for r in runs if r.startswith("lookback-shop")]
    assert user, runs
    assert load(smoke_suite, user[0])["series"]["column"] == "<script>alert(1)</script>"
    prices = load(smoke_suite, "signals-4")
    assert prices["n_in"] == 40 and prices["n_out"] == 40 and prices["test_windows"] >= 1


def test_a_user_csv_gets_peers_and_a_forecast_with_intervals(smoke_suite):
    import csv

    from conftest import SHOP_ARGS, working_directory

    from frameforecast import cli

    user = next(p for p in (smoke_suite / "runs").iterdir() if p.name.startswith("lookback-shop"))
    assert set(load(smoke_suite, user.name)["modes"]["corrected"]["peers"]) == {"AutoARIMA", "AutoETS", "AutoTheta"}
    with working_directory(smoke_suite):
        assert cli.main(["forecast", "lookback", "--run-dir", str(user), "--horizon", "3"]) == 0
        assert cli.main(["forecast", "lookback", "--run-dir", str(user), "--horizon", "99"]) == 2
        # as the README says it: the run found by the data options, the command's own --horizon not one of them
        assert cli.main(["forecast", "lookback", "--profile", "smoke", *SHOP_ARGS, "--horizon", "4"]) == 0
        assert len(list(csv.DictReader((user / "forecast.csv").open()))) == 4
        assert cli.main(["forecast", "lookback", "--run-dir", str(user), "--horizon", "3"]) == 0
    rows = list(csv.DictReader((user / "forecast.csv").open()))
    assert [r["time"] for r in rows] == ["2008-01-01", "2008-02-01", "2008-03-01"]
    for r in rows:
        lo95, lo80, mean, hi80, hi95 = (float(r[k]) for k in ("lo95", "lo80", "forecast", "hi80", "hi95"))
        assert lo95 <= lo80 <= mean <= hi80 <= hi95


def test_every_suite_experiment_has_a_page(smoke_suite):
    for name in experiments.SUITE:
        assert (smoke_suite / "site" / f"{name}.html").exists(), name


def test_the_smoke_run_console_is_quiet(smoke_suite):
    """No TensorFlow C++ log line, no CUDA probing, no Python warning: only our lines and Keras's progress."""
    console = (smoke_suite / "console.txt").read_text()
    first = experiments.SUITE[0]
    assert f"[1/{len(experiments.SUITE)}] {first} · train · 0:" in console and "suite done" in console
    noises = ("I0000", "W0000", "E0000", "cuInit", "absl::InitializeLog", "Warning:", "WARNING:", "warnings.warn")
    for noise in noises:
        assert noise not in console, noise


class _Tables(HTMLParser):
    """The cells of every metrics table of a page, as text, and the CSV link under each."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self._cell, self._inside = [], [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._inside = (attrs.get("class") or "").split() == ["metrics"]
            if self._inside:
                self.tables.append([])
        elif tag == "tr" and self._inside and attrs.get("class") is not None:
            self.tables[-1].append([])
        elif tag == "td" and self._inside and self.tables[-1] and "muted" not in (attrs.get("class") or ""):
            self._cell = ""
        elif tag == "a" and (attrs.get("href") or "").endswith(".csv") and "table-" in attrs["href"]:
            self.links.append(attrs["href"])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None


def test_every_table_downloads_as_csv_and_json_with_the_numbers_the_page_shows(smoke_suite):
    import csv

    site, checked = smoke_suite / "site", 0
    for page in sorted(site.glob("*.html")):
        parsed = _Tables()
        parsed.feed(page.read_text(encoding="utf-8"))
        tables = [t for t in parsed.tables if t]
        if not tables or page.name in ("methodology.html", "reference.html", "related.html", "index.html"):
            continue
        assert len(parsed.links) == len(tables), page.name
        for shown, link in zip(tables, parsed.links, strict=True):
            rows = list(csv.reader((site / link).open(encoding="utf-8")))
            assert [r[2:-1] for r in rows[1:]] == shown, (page.name, link)
            as_json = json.loads((site / link.replace(".csv", ".json")).read_text())
            assert [list(r.values())[2:-1] for r in as_json["rows"]] == shown
            checked += 1
    assert checked >= 10


def test_every_metric_column_links_to_its_definition_on_the_methodology_page(smoke_suite):
    import re

    site = smoke_suite / "site"
    anchors = set(re.findall(r'id="(metric-[^"]+)"', (site / "methodology.html").read_text(encoding="utf-8")))
    linked = set()
    for page in sorted(site.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for head in re.findall(r"<thead>(.*?)</thead>", html, re.S):
            for cell in re.findall(r"<th>(.*?)</th>", head, re.S):
                if any(arrow in cell for arrow in ("↓", "↑")):  # a metric column: it says its direction
                    found = re.search(r'href="methodology\.html#(metric-[^"]+)"', cell)
                    assert found, (page.name, cell)
                    assert found.group(1) in anchors, (page.name, found.group(1))
                    linked.add(found.group(1))
    assert {"metric-ssim", "metric-mse-per-frame", "metric-mase", "metric-mape"} <= linked


def test_every_verdict_links_to_the_definition_of_what_it_covers(smoke_suite):
    import re

    site = smoke_suite / "site"
    methodology = (site / "methodology.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="(term-[^"]+)"', methodology))
    assert {"term-verdict", "term-backtest", "term-hold-out", "term-shrinkage", "term-conformal-interval"} <= anchors
    verdicts = 0
    for page in sorted(site.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'href="methodology\.html#(term-[^"]+)"', html):
            assert link in anchors, (page.name, link)
        for mark in re.finditer(r'<span class="verdict (?:yes|no)">.*?</span>\s*(<a [^>]*>)?', html, re.S):
            assert mark.group(1) and "methodology.html#term-verdict" in mark.group(1), (page.name, mark.group(0)[:120])
            verdicts += 1
    assert verdicts >= 10

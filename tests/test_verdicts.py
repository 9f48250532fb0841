"""The green mark: beats the best alternative on every metric shown, in each metric's own direction."""

from __future__ import annotations

from frameforecast.report.tables import verdict

VIDEO = [("mse_per_frame", "MSE / frame ↓"), ("ssim", "SSIM ↑"), ("bce_nats_per_frame", "BCE nats / frame ↓")]


def test_a_model_that_wins_on_mse_but_loses_on_ssim_is_red_and_says_by_how_much():
    alternatives = {"all-black frame": {"mse_per_frame": 120.0, "ssim": 0.80, "bce_nats_per_frame": None}}
    beats, note = verdict({"mse_per_frame": 90.0, "ssim": 0.70, "bce_nats_per_frame": 400.0}, alternatives, VIDEO)
    assert not beats
    assert note == "loses on SSIM 0.700 against all-black frame's 0.800 (+0.100, 12.5% worse)"


def test_an_infinite_cross_entropy_never_wins_and_an_unknown_value_is_not_compared():
    alternatives = {"copy last frame": {"mse_per_frame": 200.0, "ssim": 0.5, "bce_nats_per_frame": None}}
    beats, _ = verdict({"mse_per_frame": 90.0, "ssim": 0.7, "bce_nats_per_frame": 400.0}, alternatives, VIDEO)
    assert beats  # the baseline's ∞ BCE loses to any finite one
    beats, note = verdict({"mse_per_frame": 90.0, "ssim": 0.7, "bce_nats_per_frame": None}, alternatives, VIDEO)
    assert not beats and "BCE nats / frame ∞" in note
    beats, _ = verdict({"mse_per_frame": 90.0, "ssim": None}, {"x": {"mse_per_frame": 95.0, "ssim": 0.9}}, VIDEO[:2])
    assert beats


def test_a_tie_is_not_a_win_and_the_best_of_several_alternatives_is_named():
    columns = [("rmse", "RMSE ↓"), ("mae", "MAE ↓")]
    alternatives = {"AutoARIMA": {"rmse": 14.6, "mae": 11.0}, "seasonal naive": {"rmse": 41.8, "mae": 10.0}}
    beats, note = verdict({"rmse": 14.6, "mae": 9.0}, alternatives, columns)
    assert not beats and note.startswith("ties on RMSE 14.60, equal to AutoARIMA's")
    beats, note = verdict({"rmse": 14.5, "mae": 10.5}, alternatives, columns)
    assert not beats and "MAE 10.50 against seasonal naive's 10.00" in note
    assert verdict({"rmse": 14.5, "mae": 9.9}, alternatives, columns) == (
        True,
        "beats every alternative on every metric shown",
    )


def test_no_percentage_of_an_alternative_that_is_exact():
    """signals-1's linear map scores ~1e-17: a percentage of it read '403853635141196.1% worse'."""
    columns = [("rmse", "RMSE ↓")]
    beats, note = verdict({"rmse": 0.0018}, {"linear map": {"rmse": 4.4e-18}}, columns)
    assert not beats and "%" not in note and "linear map is exact here" in note
    beats, note = verdict({"rmse": 0.30}, {"linear map": {"rmse": 0.20}}, columns)
    assert "50.0% worse" in note


def _series_metrics(one_step_beats: bool, backtest_beats: bool) -> dict:
    """A lookback metrics.json reduced to what the verdicts read: the model against one peer, one-step and
    backtest."""
    model, peer = (
        {"rmse": 1.0, "mae": 1.0, "smape": 1.0, "mase": 1.0},
        {"rmse": 2.0, "mae": 2.0, "smape": 2.0, "mase": 2.0},
    )
    mode = {
        "ensemble": model if one_step_beats else peer,
        "model": model,
        "baselines": {},
        "peers": {"AutoETS": peer if one_step_beats else model},
        "seeds": 5,
        "backtest": {
            "count": 9,
            "rmse": {"model": {"mean": 1.0 if backtest_beats else 3.0, "sd": 0.1}, "AutoETS": {"mean": 2.0, "sd": 0.1}},
        },
    }
    return {"family": "lookback", "modes": {"corrected": mode}, "series": {"season_label": "season 12", "season": 12}}


def test_a_headline_over_several_protocols_is_green_only_if_each_is_and_names_the_one_that_loses():
    from frameforecast.report import series_view

    green = series_view.Lookback.headline(_series_metrics(True, True))
    assert green["beats"] and "one-step, backtest of 9 origins" in green["label"]
    red = series_view.Lookback.headline(_series_metrics(True, False))
    assert not red["beats"] and red["verdict_note"].startswith("backtest of 9 origins: loses on mean RMSE")
    assert "one-step" not in red["verdict_note"]  # the protocol it wins is not named as losing


def test_the_page_the_index_and_compare_show_the_verdict_the_headline_gives(smoke_suite):
    """Every run of the smoke site: the index card's mark is the page's headline mark, both the headline
    verdict that compare and the README rows read (summaries.headline); for a series run it is green exactly
    when every protocol of its mode is."""
    import json
    import re

    from frameforecast.report import series_view, site, summaries, variants

    collected = site.collect_runs(smoke_suite / "runs")
    checked = 0
    for metrics_path in sorted((smoke_suite / "runs").glob("*/metrics.json")):
        metrics = json.loads(metrics_path.read_text())
        head = summaries.headline(metrics)
        folder = metrics_path.parent.name
        if folder in collected:  # `compare`'s table of a run: the same mark
            compared = variants.table(metrics["experiment"], [(folder, collected[folder])])["rows"][0]
            assert compared["kind"] == ("model" if head["beats"] else "model loses"), folder
        if metrics.get("family") in ("lookback", "seq2seq"):
            verdicts = series_view.protocol_verdicts(metrics, series_view.headline_mode(metrics))
            assert head["beats"] == all(v["beats"] for v in verdicts), metrics_path
        name = metrics_path.parent.name
        if not (smoke_suite / "site" / f"{name}.html").exists():
            continue
        checked += 1
        page = (smoke_suite / "site" / f"{name}.html").read_text()
        index = (smoke_suite / "site" / "index.html").read_text()
        card = index[index.index(f'id="{name}"') :]
        card = card[: card.index("</article>")]
        mark = "yes" if head["beats"] else "no"
        assert f'class="verdict {mark}"' in card and f'class="verdict {mark}"' in page, name
        assert re.findall(r'class="verdict (yes|no)"', page)[0] == mark, name
    assert checked >= 8


def test_a_red_video_card_names_an_alternative_that_beats_the_model_not_one_it_beats():
    from frameforecast.report.video_view import Video

    scores = lambda mse, ssim: {"mse_per_frame": mse, "mae_per_frame": mse, "ssim": ssim, "psnr": 20.0}  # noqa: E731
    metrics = {
        "task": "reconstruct",
        "headline_output": "reconstruction",
        "test_set": {"name": "generated"},
        "results": {
            "reconstruction": {
                "model": scores(105.2, 0.69),
                "mean input frame": scores(121.3, 0.57),
                "optical flow": scores(155.2, 0.75),
            }
        },
    }
    head = Video.headline(metrics)
    assert not head["beats"] and head["baseline"] == "optical flow", head


def test_a_ratio_only_of_a_reference_well_away_from_zero():
    columns = [("rmse", "RMSE ↓")]
    _, near = verdict({"rmse": 0.24}, {"AR(4)": {"rmse": 0.0004}}, columns)
    assert "%" not in near and "near zero" in near, near
    _, far = verdict({"rmse": 0.24}, {"AR(4)": {"rmse": 0.2}}, columns)
    assert "20.0% worse" in far, far


def test_no_page_prints_a_percentage_of_a_reference_near_zero(smoke_suite):
    import html
    import re

    checked = 0
    for page in sorted((smoke_suite / "site").glob("*.html")):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
        for reference, percent in re.findall(r"'s (-?[\d.,]+) \(\+[\d.,]+, ([\d.,]+)% worse\)", text):
            checked += 1
            reference, percent = (float(v.replace(",", "")) for v in (reference, percent))
            assert reference != 0 and percent < 10_000, (page.name, reference, percent)
    assert checked >= 1


def test_the_readme_rows_mark_what_the_site_marks(smoke_suite):
    """The README's results rows are built from the same verdicts as the site: each row that states a site
    verdict (a run's headline, or one protocol of it) is met exactly when the site marks that claim green."""
    import json
    import sys
    from pathlib import Path

    from frameforecast.report import series_view, summaries

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import bench_quality
    import bench_table

    quality = bench_quality.bench_quality(smoke_suite / "runs", profile="smoke")
    rows = bench_table.Rows()
    for add in (bench_table._lookback_quality, bench_table._signals_quality, bench_table._usercount_quality):
        add(rows, quality)
    checked = 0
    for name in ("milk-lookback", "airline-lookback", "usercount-seq2seq", "signals-1", "signals-2", "signals-3"):
        metrics = json.loads((smoke_suite / "runs" / name / "metrics.json").read_text())
        claims = {"headline": summaries.headline(metrics)["beats"]}
        if metrics["family"] in ("lookback", "seq2seq"):
            for v in series_view.protocol_verdicts(metrics, series_view.headline_mode(metrics)):
                claims[v["protocol"]] = v["beats"]
        for row in (r for r in rows if r.startswith(f"| {name}") and "the site's" in r):
            said = (
                "headline"
                if ("headline verdict" in row or "the site's verdict:" in row)
                else next(p for p in claims if p != "headline" and f"({p}; the site's verdict)" in row)
            )
            assert row.rstrip(" |").endswith("yes" if claims[said] else "**no**"), (name, said, row)
            checked += 1
    assert checked >= 8


def test_every_column_of_a_table_has_one_precision():
    from frameforecast.report.tables import one_precision_per_column, row

    columns = [("rmse", "RMSE ↓"), ("mase", "MASE ↓")]
    table = {
        "columns": ["RMSE ↓", "MASE ↓"],
        "rows": [
            row("model", "model", {"rmse": 0.0004, "mase": 0.9}, columns),
            row("peer", "peer", {"rmse": 40.3, "mase": {"mean": 1.25, "sd": 0.1}}, columns),
        ],
    }
    one_precision_per_column(table)
    assert [r["cells"] for r in table["rows"]] == [["0.00", "0.900"], ["40.30", "1.250 ± 0.100"]]

"""Series loading, windows and the corrected mode's leak-free scaling."""

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameforecast.config import experiments
from frameforecast.datasets import series, signals, windows
from frameforecast.stages import lookback_data, seq2seq


def test_bundled_series_and_their_quirks():
    milk = series.load_builtin("milk")
    assert len(milk) == 168 and milk.values[:3, 0].tolist() == [589, 561, 640] and milk.values[-1, 0] == 843
    airline = series.load_builtin("airline")
    assert len(airline) == 144 and airline.values.sum() == 40363
    users = series.load_builtin("usercount")
    assert users.values.shape == (169, 3) and str(users.times[-1]) == "2018-12-29 09:00:00"


def test_windows():
    x, y = windows.lookback_windows(np.arange(6.0), 2)
    assert x.tolist() == [[0, 1], [1, 2], [2, 3], [3, 4]] and y.tolist() == [2, 3, 4, 5]
    x, y = windows.lookback_windows(np.arange(6.0), 2, faithful=True)  # range(len - look_back - 1)
    assert len(x) == 3
    X, Y = windows.seq2seq_windows(np.arange(10.0), 3, 2)
    assert X.shape == (6, 3, 1) and Y[0, :, 0].tolist() == [3, 4]


def test_bundled_series_infer_their_season():
    assert series.load_builtin("milk").season_label == "season 12 (inferred from monthly timestamps)"
    assert series.load_builtin("usercount").season_label == "season 24 (inferred from hourly timestamps)"
    assert series.load_builtin("airline", season=6).season_label == "season 6 (given by --season)"


def test_corrected_scaler_never_sees_test_values():
    cfg = experiments.get("milk-lookback").config("quick")
    mode = lookback_data.modes(cfg)["corrected"]
    y = series.load_builtin("milk").column()
    base = lookback_data.corrected_data(y, cfg, mode, 12)
    poisoned = y.copy()
    poisoned[base["train_end"] :] = 1e9
    other = lookback_data.corrected_data(poisoned, cfg, mode, 12)
    for scaler in ("scaler", "target_scaler"):
        assert np.allclose(base[scaler].low, other[scaler].low) and np.allclose(base[scaler].span, other[scaler].span)
    assert np.array_equal(base["x_train"], other["x_train"]) and np.array_equal(base["y_train"], other["y_train"])
    assert base["scaler"].fit_rows <= base["train_end"]


def test_faithful_scaler_does_see_test_values():
    cfg = experiments.get("milk-lookback").config("quick")
    y = series.load_builtin("milk").column()
    data = lookback_data.faithful_data(y, cfg, lookback_data.modes(cfg)["faithful"], 12)
    assert data["scaler"].fit_rows == len(y)


def test_seq2seq_chronological_split_has_no_overlap_of_targets():
    cfg = experiments.get("usercount-seq2seq").config("quick")
    for mode in ("faithful", "corrected"):
        d = seq2seq.prepare(cfg, mode)
        assert d["fit_origins"].max() + cfg.n_out <= d["split"] <= d["test_origins"].min()
    assert seq2seq.prepare(cfg, "faithful")["windows"].scaler.fit_rows == d["split"]


def test_seq2seq_corrected_mode_starts_at_the_seasonal_naive():
    """A zero output is the 24-hour seasonal naive forecast, and an untrained model outputs zero."""
    from frameforecast.models import baselines
    from frameforecast.models.series import build_seq2seq_attention

    cfg = experiments.get("usercount-seq2seq").config("smoke")
    d = seq2seq.prepare(cfg, "corrected")
    w, origins, y = d["windows"], d["test_origins"], d["values"][:, d["target"]]
    naive = baselines.forecast_at(baselines.seasonal_naive, y, origins, cfg.n_out, 24)
    assert np.allclose(w.base(origins)[..., d["target"]], naive)
    model = build_seq2seq_attention(cfg.n_in, cfg.n_out, 3, 8, 0.0, zero_start=True)
    untrained = w.to_units(model.predict(w.inputs(origins), verbose=0), origins)[..., d["target"]]
    assert np.allclose(untrained, naive)
    poisoned = d["values"].copy()
    poisoned[d["split"] :] = 1e9  # the spread is fit on training rows only
    other = seq2seq.Windows(poisoned, d["split"], cfg.n_in, cfg.n_out, 24, True)
    assert np.allclose(other.spread, w.spread)


def test_signal_generators_shapes_and_seeding():
    for version, (n, f) in {1: (10, 2), 2: (15, 1), 3: (30, 1)}.items():
        x, y = signals.GENERATORS[version](4, np.random.default_rng(0))
        assert x.shape == (4, n, f) and y.shape == (4, n, f)
        again, _ = signals.GENERATORS[version](4, np.random.default_rng(0))
        assert np.array_equal(x, again)
    x, y = signals.sin_cos_pair(1, np.random.default_rng(1))
    assert np.allclose(x[0, :, 0] ** 2 + x[0, :, 1] ** 2, 1)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["AutoARIMA", "seasonal-naive"]), st.integers(0, 20), st.floats(-200, 200))
def test_a_test_point_forecast_by_the_anchored_network_reads_nothing_from_it_on(anchor, after, shift):
    """The inputs and the anchor of the test point t (the network's whole forecast of y[t]) stay the same when
    y[t:] changes: the anchor is fit on the training part and updated without refitting."""
    cfg = experiments.get("milk-lookback").config("quick")
    mode = replace(lookback_data.modes(cfg)["corrected"], anchor=anchor)
    y = series.load_builtin("milk").column()
    base = lookback_data.corrected_data(y, cfg, mode, 12)
    k = after
    t = int(base["targets"][k])
    changed = y.copy()
    changed[t:] += shift
    other = lookback_data.corrected_data(changed, cfg, mode, 12)
    assert np.allclose(base["x_test"][k], other["x_test"][k])
    assert np.allclose(base["base"](np.array([t])), other["base"](np.array([t])))
    assert base["anchor"] == other["anchor"]

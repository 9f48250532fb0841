"""Contact sheets name their rows, so a reader knows which row is input, truth, prediction and error."""

import numpy as np
from PIL import Image

from frameforecast.report import gifs


def test_contact_sheet_rows_are_labelled(tmp_path):
    rng = np.random.default_rng(0)
    inputs, truth, pred = (rng.random((2, 3, 16, 16)) for _ in range(3))
    path = tmp_path / "sheet.png"
    gifs.write_contact_sheet(path, inputs, truth, pred, scale=2, output="reconstruction")
    image = np.asarray(Image.open(path))
    margin = image[:, : gifs.SHEET_LABEL_WIDTH]
    row_height = 16 * 2
    for sequence in range(2):
        for row, name in enumerate(("sequence", "truth", "reconstruction", "|error|")):
            top = (sequence * (4 * 16 + 4) + row * 16) * 2
            band = margin[top : top + row_height]
            assert (band > 200).any(), f"row {name} of sequence {sequence} has no label"
    assert not (image[-8:, : gifs.SHEET_LABEL_WIDTH] > 200).any()  # the separator carries no label


def test_a_gif_names_its_output_and_its_first_frame_says_what_comes():
    rng = np.random.default_rng(0)
    inputs, truth, pred = (rng.random((3, 16, 16)) for _ in range(3))
    frames = gifs.strip_frames(inputs, truth, pred, "t", output="reconstruction")
    assert len(frames) == 6
    first = np.asarray(frames[0].convert("L"))
    size = 16 * gifs.SCALE
    label_band = first[: gifs.LABEL_HEIGHT, gifs.GAP + size + gifs.GAP :]  # the other panels' labels
    assert (label_band > 200).sum() > 50  # they say what comes there, not blank

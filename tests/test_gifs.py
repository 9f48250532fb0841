"""Contact sheets name their rows, so a reader knows which row is input, truth, prediction and error."""

import numpy as np
from PIL import Image

from frameforecast.report import gifs


def test_contact_sheet_rows_are_labelled(tmp_path):
    rng = np.random.default_rng(0)
    inputs, truth, pred = (rng.random((2, 3, 16, 16)) for _ in range(3))
    path = tmp_path / "sheet.png"
    gifs.write_contact_sheet(path, inputs, truth, pred, scale=2)
    image = np.asarray(Image.open(path))
    margin = image[:, : gifs.SHEET_LABEL_WIDTH]
    row_height = 16 * 2
    for sequence in range(2):
        for row in range(len(gifs.SHEET_ROWS)):
            top = (sequence * (4 * 16 + 4) + row * 16) * 2
            band = margin[top : top + row_height]
            assert (band > 200).any(), f"row {gifs.SHEET_ROWS[row]} of sequence {sequence} has no label"
    assert not (image[-8:, : gifs.SHEET_LABEL_WIDTH] > 200).any()  # the separator carries no label

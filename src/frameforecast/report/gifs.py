"""Animated GIF strips and PNG contact sheets of video predictions (Pillow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from frameforecast.atomic import atomic_path

SCALE = 4  # frames are drawn 4× larger, so 64 × 64 digits are readable
GAP = 6
LABEL_HEIGHT = 18
FRAME_MS = 250


def _to_image(frame: np.ndarray) -> Image.Image:
    pixels = (np.clip(frame, 0, 1) * 255).round().astype(np.uint8)
    image = Image.fromarray(pixels, mode="L")
    return image.resize((image.width * SCALE, image.height * SCALE), Image.NEAREST)


def _error_image(pred: np.ndarray, truth: np.ndarray) -> Image.Image:
    """|prediction − truth| in red on black."""
    err = (np.clip(np.abs(pred - truth), 0, 1) * 255).astype(np.uint8)
    rgb = np.stack([err, err // 4, err // 4], axis=-1)
    image = Image.fromarray(rgb, mode="RGB")
    return image.resize((image.width * SCALE, image.height * SCALE), Image.NEAREST)


def _panel_row(panels: list[tuple[str, Image.Image | None]], size: int, caption: str) -> Image.Image:
    font = ImageFont.load_default()
    width = len(panels) * size + (len(panels) + 1) * GAP
    canvas = Image.new("RGB", (width, size + 2 * LABEL_HEIGHT + GAP), (32, 32, 40))
    draw = ImageDraw.Draw(canvas)
    for i, (label, image) in enumerate(panels):
        x = GAP + i * (size + GAP)
        draw.text((x, 3), label, fill=(230, 230, 230), font=font)
        if image is None:
            draw.rectangle([x, LABEL_HEIGHT, x + size - 1, LABEL_HEIGHT + size - 1], fill=(48, 48, 56))
        else:
            canvas.paste(image.convert("RGB"), (x, LABEL_HEIGHT))
    draw.text((GAP, LABEL_HEIGHT + size + 3), caption, fill=(200, 200, 120), font=font)
    return canvas


def strip_frames(
    inputs: np.ndarray, truth: np.ndarray, pred: np.ndarray, title: str = "", output: str = "prediction"
) -> list[Image.Image]:
    """One image per time step: first the inputs, then truth | output | |error| for each output frame. While
    the inputs play, the other panels say what comes in them (the first frame is never a row of blanks)."""
    size = inputs.shape[-1] * SCALE
    frames = []
    for t, frame in enumerate(inputs):
        frames.append(
            _panel_row(
                [
                    ("input", _to_image(frame)),
                    (f"{output}: after the {len(inputs)} inputs", None),
                    ("|error|: after the inputs", None),
                ],
                size,
                f"input frame {t + 1}/{len(inputs)}  {title}",
            )
        )
    for t in range(len(truth)):
        frames.append(
            _panel_row(
                [
                    ("truth", _to_image(truth[t])),
                    (output, _to_image(pred[t])),
                    ("|error|", _error_image(pred[t], truth[t])),
                ],
                size,
                f"output frame {t + 1}/{len(truth)}  {title}",
            )
        )
    return frames


def forecast_frames(inputs: np.ndarray, pred: np.ndarray, title: str = "") -> list[Image.Image]:
    """One image per time step without ground truth: the inputs, then the predicted frames beside the last input."""
    size = inputs.shape[-1] * SCALE
    frames = [
        _panel_row(
            [("input", _to_image(frame)), ("prediction", None)], size, f"input frame {t + 1}/{len(inputs)}  {title}"
        )
        for t, frame in enumerate(inputs)
    ]
    frames += [
        _panel_row(
            [("last input", _to_image(inputs[-1])), ("prediction", _to_image(frame))],
            size,
            f"predicted frame +{t + 1}/{len(pred)}  {title}",
        )
        for t, frame in enumerate(pred)
    ]
    return frames


def write_thumbnail(
    path: Path, truth: np.ndarray, pred: np.ndarray, title: str = "", output: str = "prediction"
) -> None:
    """A still for the index card: the truth (top) and the prediction (bottom) at the first, middle and last
    output frame, so the card shows what the model makes of the frames, not the first input."""
    steps = sorted({0, len(truth) // 2, len(truth) - 1})
    size = truth.shape[-1] * SCALE
    rows = [
        _panel_row([(f"{name} {t + 1}/{len(truth)}", _to_image(frames[t])) for t in steps], size, caption)
        for name, frames, caption in (("truth", truth, title), (output, pred, "output frames"))
    ]
    canvas = Image.new("RGB", (rows[0].width, sum(r.height for r in rows)), (32, 32, 40))
    for k, row in enumerate(rows):
        canvas.paste(row, (0, k * rows[0].height))
    with atomic_path(path, suffix=".png") as tmp:
        canvas.save(tmp, format="PNG")


CARD_WIDTH = 480  # 1.5 × the card's width on the index, sharp on most screens
CARD_COLOURS = 64
CARD_ASPECT = 1.6  # width / height of the card's picture frame


def write_card_image(source: Path, path: Path) -> None:
    """The index card's image of a page's picture (its first frame for a GIF; the top of a tall figure): scaled
    to CARD_WIDTH and reduced to a palette, so the index stays light (a full-size plot is 80–240 KB)."""
    with Image.open(source) as image:
        image.seek(0)
        still = image.convert("RGB")
    if still.height > still.width:  # a tall figure (one panel per window): its top panel
        still = still.crop((0, 0, still.width, round(still.width / CARD_ASPECT)))
    if still.width > CARD_WIDTH:
        still = still.resize((CARD_WIDTH, round(still.height * CARD_WIDTH / still.width)), Image.Resampling.LANCZOS)
    with atomic_path(path, suffix=".png") as tmp:
        still.quantize(colors=CARD_COLOURS, method=Image.Quantize.FASTOCTREE).save(tmp, format="PNG", optimize=True)


def write_gif(path: Path, frames: list[Image.Image]) -> None:
    with atomic_path(path, suffix=".gif") as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=FRAME_MS, loop=0)


def write_strip_gif(
    path: Path, inputs: np.ndarray, truth: np.ndarray, pred: np.ndarray, title: str = "", output: str = "prediction"
) -> None:
    write_gif(path, strip_frames(inputs, truth, pred, title, output))


SHEET_LABEL_WIDTH = 132  # pixels left of each row for its name ("reconstruction" fits), at the sheet's final scale
SHEET_FONT_SIZE = 15


def write_contact_sheet(
    path: Path, inputs: np.ndarray, truth: np.ndarray, pred: np.ndarray, scale: int = 2, output: str = "prediction"
) -> None:
    """Rows per sequence: input, truth, the output, |error| (each row named at its left, the sequence numbered as
    the GIFs number it); a column per frame."""
    n, t_in, h, w = inputs.shape
    t_out = truth.shape[1]
    cols = max(t_in, t_out)
    rows, labels, y = [], [], 0
    for i in range(n):
        names = ("input", "truth", output, "|error|")
        for name, frames in zip(names, (inputs[i], truth[i], pred[i], np.abs(pred[i] - truth[i]))):
            row = np.zeros((h, cols * (w + 2)), np.float32)
            for j, frame in enumerate(frames):
                row[:, j * (w + 2) : j * (w + 2) + w] = np.clip(frame, 0, 1)
            rows.append(row)
            labels.append((name if name != "input" else f"sequence {i + 1}", y))
            y += h
        rows.append(np.full((4, cols * (w + 2)), 0.25, np.float32))
        y += 4
    sheet = (np.concatenate(rows) * 255).astype(np.uint8)
    frames = Image.fromarray(sheet, mode="L").resize((sheet.shape[1] * scale, sheet.shape[0] * scale), Image.NEAREST)
    image = Image.new("L", (frames.width + SHEET_LABEL_WIDTH, frames.height), 40)
    image.paste(frames, (SHEET_LABEL_WIDTH, 0))
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=SHEET_FONT_SIZE)
    for name, top in labels:
        draw.text((4, top * scale + (h * scale - SHEET_FONT_SIZE) // 2), name, fill=230, font=font)
    with atomic_path(path, suffix=".png") as tmp:
        image.save(tmp, format="PNG")


def write_sequence_sprite(path: Path, rows: dict, label_width: int = 120) -> None:
    """One test sequence as rows of frames (uint8, (T, H, W) each), every row named at its left: the sequence
    browser shows one such image at a time."""
    h, w = next(iter(rows.values())).shape[1:]
    cols = max(len(frames) for frames in rows.values())
    sheet = np.zeros((len(rows) * (h + 2), cols * (w + 2)), np.uint8)
    for r, frames in enumerate(rows.values()):
        for c, frame in enumerate(frames):
            sheet[r * (h + 2) : r * (h + 2) + h, c * (w + 2) : c * (w + 2) + w] = frame
    image = Image.new("L", (sheet.shape[1] + label_width, sheet.shape[0]), 40)
    image.paste(Image.fromarray(sheet, mode="L"), (label_width, 0))
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=12)
    for r, name in enumerate(rows):
        draw.text((4, r * (h + 2) + h // 2 - 6), name, fill=230, font=font)
    with atomic_path(path, suffix=".png") as tmp:  # zlib's default level: 5 ms a sprite, 3 % larger than optimize's 30
        image.save(tmp, format="PNG")

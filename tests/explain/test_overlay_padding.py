"""A map of a picture the model saw padded to a square is drawn over the picture alone: the
padding's share of the map is cut away, not stretched over the picture."""

import numpy as np
from PIL import Image

from metagen.data.image_folder import fit_picture, pad_box
from metagen.explain.overlay import HEAT_WEIGHT, colormap, write_overlay


def test_pad_box_is_where_fit_picture_puts_the_picture() -> None:
    picture = Image.new("L", (96, 32), 255)
    square = np.asarray(fit_picture(picture, 32, "pad"))
    left, top, right, bottom = pad_box(96, 32, 32)
    rows = np.nonzero((square == 255).all(axis=1))[0]
    assert (left, right) == (0, 32) and (rows.min(), rows.max() + 1) == (top, bottom)


def test_only_the_pictures_share_of_a_padded_map_is_drawn(tmp_path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (96, 32), (100, 100, 100)).save(path)
    left, top, right, bottom = pad_box(96, 32, 32)
    heat = np.ones((32, 32), np.float32)  # hot on the padding
    heat[top:bottom] = 0.0  # cold where the picture is
    heat[top + 2 : bottom - 2, 40 // 3] = 0.5  # one warm column, to keep the map's range
    cut = np.asarray(Image.open(write_overlay(path, heat, tmp_path / "cut.png", padded_from=32)))
    whole = np.asarray(Image.open(write_overlay(path, heat, tmp_path / "whole.png")))
    cold = (1 - HEAT_WEIGHT) * 100 / 255 + HEAT_WEIGHT * np.array(colormap()(0.0)[:3])
    row = cut.shape[0] // 2
    np.testing.assert_allclose(cut[row, -5] / 255, cold, atol=0.02)  # the picture's own part
    assert cut.shape == whole.shape
    assert np.abs(whole[2].astype(float) - cut[2].astype(float)).mean() > 50  # top: padding heat

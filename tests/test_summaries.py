"""The layer tables of notebook 02_generator: same text for the same model, whatever was built before."""

import keras
import pytest
from keras import layers

from gan_helpers import models, summaries


def test_layer_rows_name_layers_by_class_and_drop_the_batch_axis():
    rows = summaries.layer_rows(models.build_generator("fast", 100))
    assert rows[0] == ("Dense", (6272,), 100 * 6272)
    assert rows[3] == ("Reshape", (7, 7, 128), 0)
    assert rows[-1][:2] == ("Conv2DTranspose", (28, 28, 1))
    assert sum(params for _, _, params in rows) == models.build_generator("fast", 100).count_params()


def test_layer_table_is_the_same_for_two_copies_and_ends_with_the_total():
    first = summaries.layer_table(models.build_generator("dcgan", 100), title="dcgan")
    second = summaries.layer_table(models.build_generator("dcgan", 100), title="dcgan")
    assert first == second
    lines = first.splitlines()
    assert lines[0] == "dcgan" and lines[1].split() == ["layer", "output", "shape", "parameters"]
    assert lines[-1].split() == ["total", "2,330,944"]
    assert "(7, 7, 256)" in first


def test_params_by_kind_sums_each_layer_class():
    totals = summaries.params_by_kind(models.build_generator("dcgan", 100))
    assert totals["Dense"] == 1_254_400
    assert totals["Conv2DTranspose"] == 5 * 5 * (256 * 128 + 128 * 64 + 64 * 1)
    assert sum(totals.values()) == 2_330_944


def test_bad_input_is_explained():
    with pytest.raises(TypeError, match="expected a keras.Model"):
        summaries.layer_rows(layers.Dense(3))
    with pytest.raises(ValueError, match="not built yet"):
        summaries.layer_rows(keras.Sequential([layers.Dense(3)]))

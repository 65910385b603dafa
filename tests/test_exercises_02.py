"""The checks of notebook 02_generator's exercises: right answers pass, typical wrong ones get the right hint."""

import pytest
from keras import layers

from gan_helpers.lab import exercises_02 as exercises


def keras_size(input_size, kernel_size, strides, padding):
    layer = layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding)
    return layer.compute_output_shape((None, input_size, input_size, 1))[1]


@pytest.mark.parametrize("case", exercises.TRANSPOSED_CASES + [(5, 1, 2, "valid"), (5, 2, 3, "valid")])
def test_reference_output_size_matches_keras(case):
    assert exercises.transposed_output_size(*case) == keras_size(*case)


def test_transposed_output_size_right_answer(capsys):
    def answer(input_size, kernel_size, strides, padding):
        return input_size * strides if padding == "same" else (input_size - 1) * strides + kernel_size

    assert exercises.check_transposed_output_size(answer)
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda n, k, s, p: n, "input_size * strides"),  # The unfinished starter.
        (lambda n, k, s, p: n * s, "nothing is cropped"),
        (lambda n, k, s, p: n * s if p == "same" else n * s + k, "(n - 1) * s"),
        (lambda n, k, s, p: (n - 1) * s + k, "input_size * strides"),  # The 'valid' rule used for 'same'.
        (lambda n, k, s, p: float(n * s), "an int"),
        (lambda n, k, s, p: 1 / 0, "ZeroDivisionError"),
        (lambda n: n, "TypeError"),
    ],
)
def test_transposed_output_size_wrong_answers(capsys, wrong, hint):
    assert exercises.check_transposed_output_size(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


def test_transposed_output_size_needs_a_function(capsys):
    assert exercises.check_transposed_output_size(14) is False
    assert "pass the function itself" in capsys.readouterr().out


def test_dense_params_matches_keras():
    layer = layers.Dense(exercises.DENSE_UNITS, use_bias=False)
    layer.build((None, 100))
    assert layer.count_params() == 100 * exercises.DENSE_UNITS == 1_254_400


def test_dense_params_right_answer(capsys):
    assert exercises.check_dense_params(lambda latent_dim: latent_dim * 7 * 7 * 256)
    assert "1,254,400" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda latent_dim: 0, "one weight for each"),  # The unfinished starter.
        (lambda latent_dim: latent_dim * 7 * 7 * 256 + 7 * 7 * 256, "use_bias=False"),
        (lambda latent_dim: 7 * 7 * 256, "matrix"),
        (lambda latent_dim: latent_dim + 7 * 7 * 256, "matrix"),
        (lambda latent_dim: 1_254_400, "one weight for each"),  # Right at 100 only.
        (lambda latent_dim: latent_dim * 7 * 7 * 256 / 1, "an int"),
        (lambda: 0, "TypeError"),
    ],
)
def test_dense_params_wrong_answers(capsys, wrong, hint):
    assert exercises.check_dense_params(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


def test_dense_params_needs_a_function(capsys):
    assert exercises.check_dense_params(1_254_400) is False
    assert "pass the function itself" in capsys.readouterr().out


def test_taps_per_position():
    assert set(exercises.taps_per_position(3, 2)) == {1, 2}
    assert set(exercises.taps_per_position(4, 2)) == {2}
    assert set(exercises.taps_per_position(5, 2)) == {2, 3}


@pytest.mark.parametrize("kernel_size", [2, 4, 6])
def test_kernel_size_right_answers(capsys, kernel_size):
    assert exercises.check_kernel_size(kernel_size)
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (3, "1 or 2 taps"),  # The starter.
        (5, "2 or 3 taps"),
        (1, "leaves gaps"),
        (0, "positive whole number"),
        (4.0, "positive whole number"),
        (True, "positive whole number"),
        ("4", "positive whole number"),
    ],
)
def test_kernel_size_wrong_answers(capsys, wrong, hint):
    assert exercises.check_kernel_size(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


def test_kernel_size_other_strides(capsys):
    assert exercises.check_kernel_size(6, strides=3)
    assert exercises.check_kernel_size(4, strides=3) is False

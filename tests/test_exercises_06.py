import numpy as np
import pytest

from gan_helpers import losses
from gan_helpers.lab import exercises_06 as exercises


def test_failure_name_understands_free_text():
    assert exercises.failure_name("Mode-Collapse") == "mode collapse"
    assert exercises.failure_name("vanishing gradient") == "vanishing gradients"
    assert exercises.failure_name("the discriminator overpowers the generator") == "vanishing gradients"
    assert exercises.failure_name("discriminator wins") == "vanishing gradients"
    assert exercises.failure_name("Oscillation") == "oscillation"
    assert exercises.failure_name("TODO") is None


def test_mystery_runs_are_reproducible_and_complete():
    first, second = exercises.mystery_runs(), exercises.mystery_runs()
    assert set(first) == {"A", "B", "C"}
    for name in first:
        assert set(first[name]) == {"d_loss", "g_loss", "real_score", "fake_score", "g_grad_norm", "spread"}
        for column, values in first[name].items():
            assert values.shape == (exercises.MYSTERY_STEPS,)
            assert np.all(np.isfinite(values)), (name, column)
            np.testing.assert_array_equal(values, second[name][column])
        assert np.all(first[name]["g_grad_norm"] > 0)  # Drawn on a log scale.


def test_mystery_runs_show_their_failures():
    runs = exercises.mystery_runs()
    assert runs["A"]["spread"][-50:].mean() < 0.1 < runs["A"]["spread"][:5].mean()
    assert runs["B"]["fake_score"][-50:].mean() < 0.01
    assert runs["B"]["g_grad_norm"][-50:].mean() < runs["B"]["g_grad_norm"][:5].mean() / 100
    assert np.ptp(runs["C"]["g_loss"][-100:]) > 2.0


def test_plot_mystery_runs_draws_one_row_per_run():
    figure = exercises.plot_mystery_runs()
    assert len(figure.axes) == 12


def test_check_diagnosis_accepts_the_right_answers(capsys):
    answers = {"A": "mode collapse", "B": "the discriminator overpowers the generator", "C": "oscillation"}
    assert exercises.check_diagnosis(answers) is True
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    "answers, hint",
    [
        ("mode collapse", "pass a dict"),
        ({"A": "mode collapse"}, "missing: B, C"),
        ({"A": "TODO", "B": "TODO", "C": "TODO"}, "names no failure"),
        ({"A": "oscillation", "B": "vanishing gradients", "C": "mode collapse"}, "run A is not oscillation"),
        ({"A": "mode collapse", "B": "mode collapse", "C": "oscillation"}, "run B is not mode collapse"),
        ({"A": "mode collapse", "B": "vanishing gradients", "C": "vanishing"}, "run C is not vanishing gradients"),
    ],
)
def test_check_diagnosis_hints(answers, hint, capsys):
    assert exercises.check_diagnosis(answers) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


@pytest.mark.parametrize("choices", [{"a", "c", "d", "f"}, "acdf", ["A", "C", "D", "F"], "a, c, d, f"])
def test_check_remedies_accepts_the_right_set_in_any_spelling(choices, capsys):
    assert exercises.check_remedies(choices) is True
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    "choices, hint",
    [
        (set(), "4 more of the options help"),
        ({"a", "c"}, "2 more of the options help"),
        ({"a", "b", "c", "d", "f"}, "b would make the discriminator stronger"),
        ({"a", "c", "d", "e", "f"}, "e would make the discriminator stronger"),
        ({"a", "z"}, "z is not an option"),
        (42, "pass the letters"),
    ],
)
def test_check_remedies_hints(choices, hint, capsys):
    assert exercises.check_remedies(choices) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


def noise_by_hand(images, stddev, rng):
    return images + stddev * rng.standard_normal(images.shape)


def test_check_instance_noise_accepts_fresh_gaussian_noise(capsys):
    assert exercises.check_instance_noise(noise_by_hand) is True
    assert capsys.readouterr().out.startswith("Correct:")


def test_the_librarys_instance_noise_passes_the_same_check(capsys):
    def library_noise(images, stddev, rng):
        return np.asarray(losses.add_instance_noise(images, stddev, seed=1))

    assert exercises.check_instance_noise(library_noise) is True


def in_place(images, stddev, rng):
    images += stddev * rng.standard_normal(images.shape).astype(images.dtype)
    return images


def raises(images, stddev, rng):
    raise RuntimeError("unfinished")


@pytest.mark.parametrize(
    "function, hint",
    [
        (lambda images, stddev, rng: images, "returned the images unchanged"),
        (lambda images, stddev, rng: images + stddev * rng.standard_normal(images.shape[1:]), "every image got the same noise"),
        (lambda images, stddev, rng: images + stddev**2 * rng.standard_normal(images.shape), "that is the variance"),
        (lambda images, stddev, rng: images + stddev * rng.uniform(0, 1, images.shape), "expected mean 0"),
        (lambda images, stddev, rng: images[..., 0] + stddev * rng.standard_normal(images.shape[:-1]), "returned shape"),
        (lambda images, stddev, rng: images + 0.1 * rng.standard_normal(images.shape), "standard deviation 0.1"),
        (in_place, "changed the images it was given"),
        (raises, "raised RuntimeError: unfinished"),
        ("not a function", "pass the function itself"),
    ],
)
def test_check_instance_noise_hints(function, hint, capsys):
    assert exercises.check_instance_noise(function) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out


def test_the_rescue_experiment_names_the_methods_and_hints_by_method(capsys, monkeypatch):
    from types import SimpleNamespace

    from gan_helpers.lab import toy

    assert exercises.check_toy_rescue("nope") is False
    assert "choose one of vanilla" in capsys.readouterr().out
    monkeypatch.setattr(toy, "train", lambda method, **_: SimpleNamespace(
        modes_captured={"vanilla": 1, "wgan-gp": 6}.get(method, 8), high_quality_share=0.9))
    assert exercises.check_toy_rescue("vanilla") is False and "change the method" in capsys.readouterr().out
    assert exercises.check_toy_rescue("wgan-gp") is False and "several samples at once" in capsys.readouterr().out
    assert exercises.check_toy_rescue("pacgan") is True and "all 8 modes" in capsys.readouterr().out


@pytest.mark.slow
def test_the_collapsed_run_stays_collapsed_and_pacgan_rescues_it(capsys):
    assert exercises.check_toy_rescue("vanilla") is False
    assert exercises.check_toy_rescue("pacgan") is True

"""Recipes side by side (gan_helpers.ablation): the ladder's settings, its table, and the pictures of notebook 07."""

import types

import numpy as np
import pytest

from gan_helpers import ablation, callbacks, evaluation, recipes


def test_the_ladder_starts_plain_and_ends_at_the_course_recipe():
    names = [name for name, _ in ablation.ladder()]
    assert names == ["plain"] + [f"+ {rung.name}" for rung in recipes.LADDER]
    configurations = dict(ablation.ladder(leave_one_out=True))
    assert configurations["plain"] == recipes.TrainSettings() and configurations[names[-1]] == recipes.recipe("course")
    course = recipes.recipe("course")
    for rung in recipes.LADDER:
        if rung.in_course:
            without = configurations[f"course without {rung.name}"]
            assert set(without.differences(course)) >= set(rung.changes)  # That trick, and only what needs it, is gone.
            assert set(without.differences(course)) <= set(rung.changes) | {"prior"}
        else:
            assert configurations[f"course with {rung.name}"] == course.replace(**rung.changes)


def fake_trained(name, seed, cs, fd, smallest, copies, steps=100, seconds=60.0):
    histogram = np.full(10, (1 - smallest) / 9)
    histogram[3] = smallest
    scores = evaluation.Scores(num_images=100, classifier_score=cs, frechet_distance=fd, class_histogram=histogram,
                               confident_share=0.9, copy_rate=copies)
    return ablation.Trained(name, seed, recipes.TrainSettings(seed=seed), None, steps, seconds, scores)


def test_the_table_gives_each_configuration_its_mean_and_worst_seed():
    results = [fake_trained("plain", 0, 6.0, 50.0, 0.05, 0.0, steps=100),
               fake_trained("plain", 1, 7.0, 30.0, 0.07, 0.01, steps=120),
               fake_trained("course", 0, 9.0, 10.0, 0.08, 0.002)]
    floor = types.SimpleNamespace(frechet_distance=2.0)
    table = ablation.markdown_table(results, floor).splitlines()
    assert len(table) == 4 and table[0].startswith("| configuration | seeds | steps |")
    assert table[2] == "| plain | 0, 1 | 110 | 6.50 (6.00) | 20.0x (25.0x) | 6.0% (5.0%) | 0.5% (1.0%) | 60 |"
    assert table[3].startswith("| course | 0 | 100 | 9.00 (9.00) | 5.0x (5.0x) | 8.0% (8.0%) | 0.2% (0.2%) |")


def test_the_learning_rate_curves_are_the_ones_the_runs_use():
    progress, plain = ablation.learning_rate_curve(recipes.recipe("plain"), num_steps=5)
    np.testing.assert_allclose(plain, 2e-4)
    course = recipes.recipe("course")
    _, rates = ablation.learning_rate_curve(course, num_steps=5)
    expected = [callbacks.held_cosine_rate(2e-3, p, course.cosine_hold, course.cosine_floor) for p in progress]
    np.testing.assert_allclose(rates, expected)
    assert rates[0] == rates[2] == pytest.approx(2e-3) and rates[-1] == pytest.approx(1e-4)


@pytest.mark.slow
def test_memorisation_scores_the_training_digits_and_unseen_ones(offline_digits):
    images, _ = offline_digits
    curves = ablation.memorisation(
        recipes.TrainSettings(latent_dim=16, batch_size=32), images[:64], images[-64:], steps=5, every=2,
    )
    np.testing.assert_array_equal(curves["step"], [2, 4, 5])
    for name in ("trained", "unseen"):
        assert curves[name].shape == (3,) and np.all((curves[name] > 0) & (curves[name] < 1))


@pytest.mark.parametrize(
    "args, message",
    [(["--epochs", "0"], "the budget must be positive"), (["--epochs", "1", "--only", "nope"], "no configuration 'nope'")],
)
def test_the_command_refuses_a_bad_budget_or_name(args, message, capsys):
    from tools import ablation as ablation_tool

    with pytest.raises(SystemExit) as stop:
        ablation_tool.main(args)
    assert stop.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.slow
def test_one_rung_trains_and_is_scored_as_evaluate_scores_a_run(tmp_path, offline_digits, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = offline_digits
    settings = recipes.recipe("course", latent_dim=32, codes=4, data="offline")
    trained = ablation.train_and_score("course", settings, tmp_path / "run", images[:128], epochs=1, num_samples=100)
    assert trained.steps == 2 and trained.scores.num_images == 100 and trained.seconds > 0
    gan = trained.gan()  # Rebuilt from the checkpoint, with its tricks.
    assert [type(trick).__name__ for trick in gan.tricks] == ["Shifts", "Categories", "LearnedPrior"]
    assert ablation.summary(trained).endswith(f"2 steps in {trained.seconds:.0f} s")

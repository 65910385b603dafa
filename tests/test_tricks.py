"""The tricks on top of the plain GAN (gan_helpers.tricks), each alone, and the course recipe's run."""

import json

import keras
import numpy as np
import pytest

from gan_helpers import (
    callbacks,
    checkpoints,
    codes,
    config,
    data,
    losses,
    models,
    recipes,
    runs,
    training,
    tricks,
    viz,
)


@pytest.fixture
def real_batch(offline_digits):
    images, _ = offline_digits
    return keras.ops.convert_to_tensor(data.normalize(images[:32])[..., np.newaxis])


def test_categories_of_gaussian_noise_are_uniform_and_one_hot():
    noise = training.fixed_noise(20_000, 30, seed=0)
    categories = keras.ops.convert_to_numpy(codes.noise_categories(noise, 10))
    shares = np.bincount(categories, minlength=10) / len(categories)
    assert np.all(np.abs(shares - 0.1) < 0.01)  # argmax of 10 Gaussians: each index equally likely.
    coded = keras.ops.convert_to_numpy(codes.CategoricalCode(10)(noise[:5]))
    assert coded.shape == (5, 30)
    np.testing.assert_array_equal(coded[:, :20], noise[:5, 10:])  # The rest of the noise passes through...
    np.testing.assert_array_equal(coded[:, 20:], np.eye(10)[np.argmax(noise[:5, :10], axis=1)])  # ...then one-hot.


def test_a_generator_with_codes_keeps_its_interface_and_survives_saving(tmp_path):
    generator = models.build_generator("fast", latent_dim=16, num_codes=4)
    plain = models.build_generator("fast", latent_dim=16)
    assert generator.input_shape == plain.input_shape and generator.output_shape == plain.output_shape
    assert generator.count_params() == plain.count_params()  # The code layer has no weights.
    assert codes.num_codes(generator) == 4 and codes.num_codes(plain) == 0
    generator.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", compile=False)
    noise = training.fixed_noise(3, 16)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(noise)), keras.ops.convert_to_numpy(generator(noise)))
    assert codes.num_codes(loaded) == 4


@pytest.mark.parametrize("num_codes", [-1, 16, 2.5])
def test_bad_numbers_of_codes_are_refused(num_codes):
    with pytest.raises(ValueError, match="num_codes must be an integer from 0 to latent_dim - 1 = 15"):
        models.build_generator("fast", latent_dim=16, num_codes=num_codes)


@pytest.mark.slow
def test_the_code_head_learns_to_read_the_category_back(real_batch):
    config.set_seed(0)
    gan = training.make_gan(latent_dim=16, codes=4, learning_rate=2e-3)
    trick = gan.find_trick(tricks.Categories)
    assert trick.head.output_shape == (None, 4)
    noise = training.fixed_noise(256, 16, seed=5)
    categories = keras.ops.convert_to_numpy(codes.noise_categories(noise, 4))

    def code_accuracy():
        features = trick.features(gan.generator(noise, training=False))
        guesses = np.argmax(keras.ops.convert_to_numpy(trick.head(features)), axis=1)
        return np.mean(guesses == categories)

    before = code_accuracy()
    head_before = [w.numpy().copy() for w in trick.head.weights]
    for _ in range(120):  # 40 steps reached 0.53-0.56 on an AMD EPYC with and without oneDNN; 120 reach 0.96-0.98.
        gan.train_step(real_batch)
    assert any(not np.array_equal(old, new.numpy()) for old, new in zip(head_before, trick.head.weights))
    assert code_accuracy() > max(0.6, before + 0.2)  # Chance is 0.25.


def test_categories_need_a_generator_that_reads_them_and_a_weight():
    plain = training.make_gan(latent_dim=16)
    with pytest.raises(ValueError, match="the Categories trick needs a generator that reads categories"):
        tricks.TrickGAN(plain.generator, plain.discriminator, [tricks.Categories(1.0)])
    assert not isinstance(training.make_gan(latent_dim=16, codes=4, code_weight=0.0), tricks.TrickGAN)  # No head to train.
    coded = models.build_generator("fast", 16, num_codes=4)  # A uniform prior: nothing to learn.
    with pytest.raises(
        ValueError, match="the LearnedPrior trick needs the Categories trick and a generator with learned_prior=True",
    ):
        tricks.TrickGAN(coded, plain.discriminator, [tricks.Categories(1.0), tricks.LearnedPrior()])


@pytest.mark.slow
def test_the_averaged_generator_follows_the_generator_slowly(real_batch):
    gan = training.make_gan(latent_dim=16, ema=0.99)
    averaged_generator = gan.find_trick(tricks.AveragedGenerator).averaged_generator
    assert gan.sampling_generator is averaged_generator
    start = [w.numpy().copy() for w in gan.generator.trainable_weights]
    for _ in range(30):
        gan.train_step(real_batch)
    latest = [w.numpy() for w in gan.generator.trainable_weights]
    averaged = [w.numpy() for w in averaged_generator.trainable_weights]
    moved = sum(np.abs(a - s).sum() for a, s in zip(averaged, start))
    distance = sum(np.abs(a - latest_weight).sum() for a, latest_weight in zip(averaged, latest))
    assert moved > 0 and 0 < distance < sum(np.abs(latest_weight - s).sum() for latest_weight, s in zip(latest, start))
    # By hand: the decay warms up as (1 + step) / (10 + step), capped at `ema`.
    assert min(0.99, (1 + 30) / (10 + 30)) == pytest.approx(0.775)
    plain = training.make_gan(latent_dim=16)
    assert plain.sampling_generator is plain.generator


def test_one_averaging_step_matches_the_formula(real_batch):
    gan = training.make_gan(latent_dim=16, ema=0.5)
    averaged_generator = gan.find_trick(tricks.AveragedGenerator).averaged_generator
    average_before = [w.numpy().copy() for w in averaged_generator.weights]
    gan.generator_step(32)
    decay = min(0.5, (1 + 1) / (10 + 1))  # The optimizer has taken one step.
    for before, weight, average in zip(average_before, gan.generator.weights, averaged_generator.weights):
        np.testing.assert_allclose(average.numpy(), decay * before + (1 - decay) * weight.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "make_trick, message",
    [
        (lambda: tricks.Categories(-1.0), "code_weight: expected a number >= 0, got -1.0"),
        (lambda: tricks.AveragedGenerator(1.0), r"ema: expected a number in \[0, 1\), got 1.0"),
        (lambda: tricks.Shifts(0.5), r"augment: expected a number in \[0, 0.5\), got 0.5"),
        (lambda: tricks.InstanceNoise(-0.1), "instance_noise: expected a number >= 0, got -0.1"),
        (lambda: tricks.GradientPenalty(float("nan")), "gp_weight: expected a number >= 0, got nan"),
    ],
)
def test_each_trick_checks_its_setting_with_the_settings_own_range(make_trick, message):
    with pytest.raises(ValueError, match=message):
        make_trick()


@pytest.mark.parametrize("rung", recipes.LADDER, ids=[rung.name for rung in recipes.LADDER])
def test_each_trick_of_the_course_can_be_switched_on_alone(rung, real_batch):
    changes = dict(rung.changes)
    if "codes" in changes or "prior" in changes:
        changes["codes"] = 4  # Fewer than the small test's 16 noise values (a learned prior needs categories too).
    gan = training.make_gan(latent_dim=16, **changes)
    logs = gan.train_step(keras.ops.convert_to_tensor(real_batch))
    assert all(np.isfinite(float(value)) for value in logs.values())
    expected = {"faster learning rate": 0, "shifts": 1, "averaged generator": 1, "categories": 1, "learned prior": 2}[rung.name]
    assert len(getattr(gan, "tricks", [])) == expected  # The schedule is a callback of the run, not a trick of the step.


def test_instance_noise_blurs_what_the_discriminator_sees(real_batch):
    gan = training.make_gan(latent_dim=16, instance_noise=0.3)
    seen = keras.ops.convert_to_numpy(gan.discriminator_view(keras.ops.convert_to_tensor(real_batch)))
    assert np.std(seen - real_batch) == pytest.approx(0.3, rel=0.05)


def test_the_gradient_penalty_is_added_for_wgan_gp_and_only_then(real_batch):
    gan = training.make_gan(latent_dim=16, loss="wgan-gp", gp_weight=3.0)
    penalty = gan.find_trick(tricks.GradientPenalty)
    assert penalty.weight == 3.0 and training.make_gan(latent_dim=16, loss="hinge").__class__.__name__ == "GAN"
    real = keras.ops.convert_to_tensor(real_batch)
    fake = training.generate_images(gan.generator, training.fixed_noise(32, 16, seed=1))
    state = gan.seed_generator.state.numpy()
    extra = float(gan.extra_discriminator_loss(real, keras.ops.convert_to_tensor(fake), None))
    gan.seed_generator.state.assign(state)  # Draw the same mixing weights again, by hand.
    alpha = keras.random.uniform((32, 1, 1, 1), seed=gan.seed_generator)
    assert extra == pytest.approx(3.0 * float(losses.gradient_penalty(gan.discriminator, real, fake, alpha)), rel=1e-5)


def test_checkpoints_carry_the_code_head_and_the_average(tmp_path, real_batch):
    config.set_seed(1)
    original = training.make_gan(latent_dim=16, codes=4, ema=0.9, seed=1)
    for _ in range(3):
        original.train_step(real_batch)
    checkpoints.save_checkpoint(tmp_path, original, epoch=1)
    restored = training.make_gan(latent_dim=16, codes=4, ema=0.9, seed=7)
    checkpoints.load_checkpoint(tmp_path, restored)
    networks = ("code_head", "averaged_generator")
    pairs = [(original.extra_networks()[name], restored.extra_networks()[name]) for name in networks]
    pairs += [(original.generator, restored.generator), (original.discriminator, restored.discriminator)]
    for before_network, after_network in pairs:
        for before, after in zip(before_network.weights, after_network.weights):
            np.testing.assert_array_equal(before.numpy(), after.numpy())
    original.reset_metrics()
    restored.reset_metrics()
    assert float(restored.train_step(real_batch)["d_loss"]) == pytest.approx(
        float(original.train_step(real_batch)["d_loss"]), rel=1e-6,
    )


class FakeBudget:
    budget_seconds = 100.0

    def __init__(self):
        self.seconds = 0.0

    def elapsed_seconds(self):
        return self.seconds


def test_cosine_learning_rate_by_steps_and_by_time():
    gan = training.make_gan(latent_dim=16, learning_rate=1e-3)
    by_steps = callbacks.CosineLearningRate(1e-3, total_steps=10, steps_done=5, floor=0.05)
    by_steps.set_model(gan)
    by_steps.on_train_batch_begin(0)  # Halfway: the cosine term is 0.5.
    assert by_steps.rate == pytest.approx(1e-3 * (0.05 + 0.95 * 0.5))
    assert float(gan.g_optimizer.learning_rate.numpy()) == pytest.approx(by_steps.rate)
    assert float(gan.d_optimizer.learning_rate.numpy()) == pytest.approx(by_steps.rate)
    for _ in range(10):
        by_steps.on_train_batch_begin(0)
    assert by_steps.rate == pytest.approx(5e-5)  # Past the end it stays at the floor.
    logs = {}
    by_steps.on_epoch_end(0, logs)
    assert logs["learning_rate"] == pytest.approx(5e-5)

    budget = FakeBudget()
    by_time = callbacks.CosineLearningRate(2e-3, budget=budget)
    by_time.set_model(gan)
    by_time.on_train_batch_begin(0)
    assert by_time.rate == pytest.approx(2e-3)
    budget.seconds = 25.0
    by_time.on_train_batch_begin(0)
    assert by_time.rate == pytest.approx(2e-3 * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi / 4))))
    with pytest.raises(ValueError, match="exactly one of total_steps and budget"):
        callbacks.CosineLearningRate(1e-3)


def test_cosine_learning_rate_can_hold_its_peak_first():
    gan = training.make_gan(latent_dim=16, learning_rate=1e-3)
    budget = FakeBudget()
    held = callbacks.CosineLearningRate(2e-3, budget=budget, hold=0.5)
    held.set_model(gan)
    rates = {}
    for seconds in (0.0, 49.0, 75.0, 100.0):
        budget.seconds = seconds
        held.on_train_batch_begin(0)
        rates[seconds] = held.rate
    assert rates[0.0] == rates[49.0] == pytest.approx(2e-3)  # The first half stays at the peak.
    assert rates[75.0] == pytest.approx(2e-3 * (0.05 + 0.95 * 0.5))  # Halfway through the cosine.
    assert rates[100.0] == pytest.approx(1e-4)
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match=r"hold must be a share of the run in \[0, 1\)"):
            callbacks.CosineLearningRate(1e-3, total_steps=10, hold=bad)


@pytest.mark.slow
def test_train_run_uses_codes_average_and_schedule_and_logs_the_rate(tmp_path, offline_digits, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = offline_digits
    result = runs.train_run(tmp_path / "run", epochs=2, latent_dim=32, images=images[:256], verbose=0)
    settings = json.loads((tmp_path / "run" / runs.CONFIG_FILE).read_text())
    assert (settings["codes"], settings["augment"], settings["schedule"]) == (30, 0.07, "cosine")
    history = viz.read_history(tmp_path / "run" / runs.HISTORY_FILE)
    assert history["learning_rate"][0] > history["learning_rate"][1]  # The rate falls over the run.
    assert result.steps == 2 * (256 // 64)
    generator = runs.load_generator(tmp_path / "run")
    assert codes.num_codes(generator) == settings["codes"]


@pytest.mark.slow
@pytest.mark.parametrize("budget", [dict(epochs=4), dict(epochs=1, minutes=10)], ids=["epochs", "minutes"])
def test_a_run_holds_the_peak_rate_for_its_first_half(tmp_path, offline_digits, monkeypatch, budget):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = offline_digits
    # 4 epochs of 2 steps: the first two epochs lie inside the hold, the last two on the cosine.
    # One short epoch inside a 10-minute budget ends well before the hold does.
    runs.train_run(tmp_path / "run", latent_dim=32, images=images[:128], verbose=0, **budget)
    rates = viz.read_history(tmp_path / "run" / runs.HISTORY_FILE)["learning_rate"]
    peak = recipes.recipe("course").learning_rate
    assert recipes.recipe("course").cosine_hold == 0.5
    assert rates[0] == pytest.approx(peak, rel=1e-12)
    if "minutes" not in budget:  # The rate logged for an epoch is its last step's: steps 1, 3, 5 and 7 of 8 done before it.
        expected = [peak * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * max(0.0, done / 8 - 0.5) / 0.5))) for done in (1, 3, 5, 7)]
        np.testing.assert_allclose(rates, expected, rtol=1e-6)


def test_codes_must_fit_in_the_latent_vector(tmp_path, offline_digits):
    images, _ = offline_digits
    with pytest.raises(ValueError, match="codes: expected fewer categories than latent_dim = 16, got 30"):
        runs.train_run(tmp_path / "run", epochs=1, latent_dim=16, images=images[:128], verbose=0)


@pytest.mark.slow
def test_an_older_run_without_the_new_settings_resumes_without_them(tmp_path, offline_digits, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = offline_digits
    runs.train_run(
        tmp_path / "run", epochs=1, latent_dim=32, codes=0, ema=0.0, schedule="constant", images=images[:128], verbose=0,
    )
    config_path = tmp_path / "run" / runs.CONFIG_FILE
    saved = json.loads(config_path.read_text())
    for key in ("codes", "ema", "schedule"):
        del saved[key]  # As a run saved before these settings existed.
    config_path.write_text(json.dumps(saved))
    runs.train_run(tmp_path / "run", epochs=2, resume=True, images=images[:128], verbose=0)
    resumed = json.loads(config_path.read_text())
    assert (resumed["codes"], resumed["ema"], resumed["schedule"]) == (0, 0.0, "constant")
    with pytest.raises(ValueError, match="was trained with codes=0"):
        runs.train_run(tmp_path / "run", epochs=3, resume=True, codes=30, images=images[:128], verbose=0)


def test_category_noise_picks_each_category_in_turn():
    noise = training.category_noise(5, 16, per_category=3, seed=0)
    assert noise.shape == (15, 16) and noise.dtype == np.float32
    categories = keras.ops.convert_to_numpy(codes.noise_categories(noise, 5))
    np.testing.assert_array_equal(categories, np.repeat(np.arange(5), 3))
    np.testing.assert_array_equal(noise[:, 5:], training.fixed_noise(15, 16, seed=0)[:, 5:])  # The rest is untouched.
    with pytest.raises(ValueError, match="num_codes must be an integer from 1 to latent_dim - 1 = 15"):
        training.category_noise(16, 16, per_category=2)


def test_the_gumbel_turn_keeps_the_order_of_gaussian_values():
    values = np.linspace(-12.0, 12.0, 2_001, dtype=np.float32)[np.newaxis, :]
    gumbel = keras.ops.convert_to_numpy(codes.gumbel_from_gaussian(values))[0]
    assert np.all(np.isfinite(gumbel)) and np.all(np.diff(gumbel) > 0)
    many = keras.ops.convert_to_numpy(codes.gumbel_from_gaussian(training.fixed_noise(50_000, 4, seed=3)))
    assert many.mean() == pytest.approx(np.euler_gamma, abs=0.02)  # A standard Gumbel's mean.
    assert many.std() == pytest.approx(np.pi / np.sqrt(6), abs=0.02)  # ...and its standard deviation.


def test_a_zero_prior_picks_the_plain_categories_and_a_learned_one_its_shares():
    noise = training.fixed_noise(40_000, 8, seed=0)
    plain = keras.ops.convert_to_numpy(codes.noise_categories(noise, 5))
    zero_prior = keras.ops.convert_to_numpy(codes.noise_categories(noise, 5, np.zeros(5, np.float32)))
    np.testing.assert_array_equal(zero_prior, plain)
    prior = np.array([0.4, 0.3, 0.15, 0.1, 0.05], np.float32)
    drawn = keras.ops.convert_to_numpy(codes.noise_categories(noise, 5, np.log(prior)))
    np.testing.assert_allclose(np.bincount(drawn, minlength=5) / len(drawn), prior, atol=0.01)


def test_the_learned_prior_moves_to_the_real_shares_and_keeps_a_floor(real_batch):
    gan = training.make_gan(latent_dim=16, codes=4, prior="learned", ema=0.9)
    layer = codes.code_layer(gan.generator)
    assert layer.learned_prior and not layer.log_prior.trainable
    np.testing.assert_allclose(layer.log_prior.numpy(), 0.0)  # Uniform until training says otherwise.
    prior_trick = gan.find_trick(tricks.LearnedPrior)
    for _ in range(1_000):
        prior_trick.move_towards(keras.ops.convert_to_tensor([0.6, 0.4, 0.0, 0.0]))
    floor = prior_trick.floor / 4
    expected = np.array([0.6 * (1 - 2 * floor), 0.4 * (1 - 2 * floor), floor, floor])  # The starved two sit at the floor.
    np.testing.assert_allclose(np.exp(layer.log_prior.numpy()), expected, rtol=2e-3)
    before = layer.log_prior.numpy().copy()
    gan.train_step(real_batch)  # A training step updates the prior from the real digits...
    after = layer.log_prior.numpy()
    assert not np.allclose(before, after) and np.exp(after).sum() == pytest.approx(1.0, abs=1e-5)
    averaged = codes.code_layer(gan.find_trick(tricks.AveragedGenerator).averaged_generator).log_prior.numpy()
    assert not np.allclose(averaged, 0.0)  # ...and the averaged generator follows it by averaging.


def test_a_generator_with_a_learned_prior_survives_saving_and_category_noise_still_picks(tmp_path):
    generator = models.build_generator("fast", latent_dim=16, num_codes=4, learned_prior=True)
    log_prior = np.log(np.array([0.97, 0.01, 0.01, 0.01], np.float32))
    codes.code_layer(generator).log_prior.assign(log_prior)
    generator.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", compile=False)
    np.testing.assert_allclose(codes.code_layer(loaded).log_prior.numpy(), log_prior)
    noise = training.category_noise(4, 16, per_category=2, seed=0)
    categories = keras.ops.convert_to_numpy(codes.code_layer(loaded).categories(noise))
    np.testing.assert_array_equal(categories, [0, 0, 1, 1, 2, 2, 3, 3])  # Even the rare categories.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(noise)), keras.ops.convert_to_numpy(generator(noise)))


@pytest.mark.slow
def test_the_prior_is_fixed_on_resume_and_checked(tmp_path, offline_digits, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = offline_digits
    with pytest.raises(ValueError, match="prior: expected one of: uniform, learned, got 'even'"):
        runs.train_run(tmp_path / "bad", epochs=1, latent_dim=32, prior="even", images=images[:128], verbose=0)
    runs.train_run(tmp_path / "run", epochs=1, latent_dim=32, prior="uniform", images=images[:128], verbose=0)
    with pytest.raises(ValueError, match="was trained with prior='uniform'"):
        runs.train_run(tmp_path / "run", epochs=2, resume=True, prior="learned", images=images[:128], verbose=0)

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import config, evaluation, losses, models, training
from gan_helpers.lab import failures


@pytest.fixture
def tiny_gan():
    config.set_seed(0)
    return training.make_gan(latent_dim=8)


def test_spectral_norm_wraps_every_dense_and_conv_layer_of_a_fresh_copy():
    plain = models.build_discriminator("fast")
    wrapped = failures.spectral_norm(plain)
    kinds = [layer.__class__.__name__ for layer in wrapped.layers]
    assert kinds.count("SpectralNormalization") == 4  # Three Conv2D and the final Dense.
    wrapped_kinds = [layer.layer.__class__.__name__ for layer in wrapped.layers if hasattr(layer, "power_iterations")]
    assert wrapped_kinds == ["Conv2D", "Conv2D", "Conv2D", "Dense"]
    assert wrapped.output_shape == plain.output_shape == (None, 1)
    assert plain.layers[0] is not wrapped.layers[0].layer  # A copy: the original keeps its own layers.


def test_spectral_norm_brings_each_largest_singular_value_to_one():
    config.set_seed(0)
    wrapped = failures.spectral_norm(models.build_discriminator("mlp"))
    batch = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    for _ in range(30):
        wrapped(batch, training=True)
    for layer in wrapped.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            kernel = layer.layer.kernel.numpy()
            assert np.linalg.norm(kernel.reshape(-1, kernel.shape[-1]), 2) == pytest.approx(1.0, abs=0.02)


def test_spectral_norm_rejects_a_functional_model():
    inputs = keras.Input((28, 28, 1))
    functional = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs)))
    with pytest.raises(TypeError, match="keras.Sequential"):
        failures.spectral_norm(functional)


def test_generator_gradient_norm_matches_a_hand_computation_and_changes_nothing(tiny_gan):
    noise = training.fixed_noise(16, 8, seed=1)
    before = [weight.numpy().copy() for weight in tiny_gan.generator.weights + tiny_gan.discriminator.weights]
    norm = float(failures.generator_gradient_norm(tiny_gan, noise))
    with tf.GradientTape() as tape:
        g_loss = losses.generator_loss("ns", tiny_gan.discriminator(tiny_gan.generator(noise, training=False)))
    gradients = tape.gradient(g_loss, tiny_gan.generator.trainable_weights)
    expected = np.sqrt(sum(float(np.sum(np.square(gradient))) for gradient in gradients))
    assert norm == pytest.approx(expected, rel=1e-5) and norm > 0
    after = [weight.numpy() for weight in tiny_gan.generator.weights + tiny_gan.discriminator.weights]
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)  # BatchNorm statistics included.


def test_train_steps_logs_every_step(tiny_gan, offline_digits):
    images, _ = offline_digits
    history = failures.train_steps(tiny_gan, images[:64], steps=5, batch_size=16)
    assert set(history) == set(failures.STEP_COLUMNS)
    for column, values in history.items():
        assert values.shape == (5,) and np.all(np.isfinite(values)), column
    assert np.all((history["real_score"] >= 0) & (history["real_score"] <= 1))
    assert int(tiny_gan.d_optimizer.iterations.numpy()) == 5  # The data repeat: 64 images give 4 batches of 16.


def test_step_log_records_each_steps_own_values_not_a_running_mean(tiny_gan, offline_digits):
    images, _ = offline_digits
    logged = []

    class Spy(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            logged.append(float(tiny_gan.d_loss_tracker.count.numpy()))

    step_log = failures.StepLog(training.fixed_noise(16, 8))
    dataset = tf.data.Dataset.from_tensor_slices(images[:48, ..., None].astype("float32") / 127.5 - 1).batch(16)
    tiny_gan.fit(dataset, epochs=1, verbose=0, callbacks=[step_log, Spy()])
    assert logged == [1.0, 1.0, 1.0]  # The tracker holds one step at a time.
    assert len(step_log.results()["d_loss"]) == 3


@pytest.mark.slow
def test_extra_generator_steps_update_only_the_generator(tiny_gan, offline_digits):
    images, _ = offline_digits
    failures.train_steps(tiny_gan, images[:64], steps=3, batch_size=16, extra_generator_steps=2)
    assert int(tiny_gan.d_optimizer.iterations.numpy()) == 3
    assert int(tiny_gan.g_optimizer.iterations.numpy()) == 9


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_step_counts_raise(bad, tiny_gan, offline_digits):
    with pytest.raises(ValueError):
        failures.train_steps(tiny_gan, offline_digits[0][:64], steps=bad)
    if bad != 0:
        with pytest.raises(ValueError):
            failures.ExtraGeneratorSteps(bad, 16)


def test_pairwise_distances_by_hand():
    images = np.zeros((3, 28, 28), dtype=np.float32)
    images[1, 0, :4] = 1.0  # Distance 2 from images[0].
    images[2, 0, :4] = -1.0  # Distance 2 from images[0], 4 from images[1].
    flat = images.reshape(3, -1)
    distances = evaluation.pairwise_distances(flat, flat)  # The one pairwise distance of the package.
    np.testing.assert_allclose(distances, [[0, 2, 2], [2, 0, 4], [2, 4, 0]], atol=1e-5)
    assert failures.mean_pairwise_distance(images) == pytest.approx(8 / 3)
    assert failures.mean_pairwise_distance(np.repeat(images[1:2], 5, axis=0)) == pytest.approx(0.0, abs=1e-6)


def test_mean_pairwise_distance_needs_two_images():
    with pytest.raises(ValueError, match="at least 2"):
        failures.mean_pairwise_distance(np.zeros((1, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        failures.mean_pairwise_distance(np.zeros((4, 784), dtype=np.float32))


def test_nearest_labels_and_diversity_on_known_inputs(offline_digits):
    images, labels = offline_digits
    assert np.array_equal(failures.nearest_labels(images[:40], images, labels), labels[:40])  # Each is its own neighbour.
    real = failures.diversity(images[:200], images, labels)
    assert real["classes"] == len(set(labels[:200].tolist())) == 10
    assert real["spread"] == pytest.approx(1.0)
    collapsed = failures.diversity(np.repeat(images[:1], 50, axis=0), images, labels)
    assert collapsed == {"classes": 1, "top_class_share": 1.0, "spread": pytest.approx(0.0, abs=1e-6)}


def test_nearest_labels_checks_its_reference(offline_digits):
    images, labels = offline_digits
    with pytest.raises(ValueError, match="labels"):
        failures.nearest_labels(images[:2], images[:10], labels[:9])


class FakeClock:
    """A clock that moves on by `tick` seconds each time it is read."""

    def __init__(self, tick):
        self.now, self.tick = 0.0, tick

    def __call__(self):
        self.now += self.tick
        return self.now


def test_time_budget_stops_fit_once_the_steps_have_used_the_seconds(tiny_gan, offline_digits):
    images, _ = offline_digits
    # Each step reads the clock twice, so it lasts one tick: 1 s. The first step is free.
    budget = failures.time_budget(3.0, clock=FakeClock(1.0))
    dataset = tf.data.Dataset.from_tensor_slices(images[:160, ..., None].astype("float32") / 127.5 - 1).batch(16)
    tiny_gan.fit(dataset, epochs=1, verbose=0, callbacks=[budget])
    assert budget.elapsed == [0.0, 1.0, 2.0, 3.0]  # Stopped after 4 of the 10 batches.
    assert int(tiny_gan.d_optimizer.iterations.numpy()) == 4


@pytest.mark.slow
def test_train_for_seconds_records_the_steps_and_seconds_it_got(tiny_gan, offline_digits):
    images, _ = offline_digits
    history = failures.train_for_seconds(tiny_gan, images[:64], seconds=0.2, batch_size=16, max_steps=400)
    steps = len(history["d_loss"])
    assert set(history) == set(failures.STEP_COLUMNS) | {"seconds"}
    assert 2 <= steps < 400 and int(tiny_gan.d_optimizer.iterations.numpy()) == steps
    assert history["seconds"].shape == (steps,) and history["seconds"][0] == 0.0  # The compiling step is free.
    assert np.all(np.diff(history["seconds"]) > 0) and history["seconds"][-1] >= 0.2
    assert history["seconds"][-2] < 0.2  # It stops at the first step past the budget.


@pytest.mark.slow
def test_train_for_seconds_stops_at_max_steps(tiny_gan, offline_digits):
    history = failures.train_for_seconds(tiny_gan, offline_digits[0][:64], seconds=60, batch_size=16, max_steps=3)
    assert len(history["d_loss"]) == 3


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), "1", True])
def test_time_budget_rejects_bad_seconds(bad):
    with pytest.raises(ValueError, match="seconds"):
        failures.time_budget(bad)


def test_class_coverage_counts_classes_above_the_share():
    assert failures.class_coverage(np.full(10, 0.1)) == 10
    assert failures.class_coverage([0.5, 0.5] + [0.0] * 8) == 2
    assert failures.class_coverage([0.96] + [0.04 / 9] * 9) == 1  # Nine classes at 0.4% each are not covered.
    assert failures.class_coverage([0.6, 0.2, 0.2] + [0.0] * 7, min_share=0.3) == 1
    with pytest.raises(ValueError, match="sum to 1"):
        failures.class_coverage([0.5, 0.2])


def test_summary_row_from_a_history_and_for_real_digits():
    steps = 20
    history = {column: np.arange(steps, dtype=float) for column in failures.STEP_COLUMNS}
    history["seconds"] = np.linspace(0.0, 9.96, steps)
    report = {"classes": 7, "top_class_share": 0.3456, "spread": 0.789}
    scores = evaluation.Scores(num_images=100, classifier_score=5.678, frechet_distance=12.34,
                               class_histogram=np.array([0.3, 0.3, 0.3, 0.04, 0.06, 0, 0, 0, 0, 0]),
                               confident_share=0.5, copy_rate=float("nan"))
    row = failures.summary_row(history, report, scores)
    assert row["steps"] == 20 and row["seconds"] == 10.0
    assert row["d_loss"] == 18.5  # The mean of the last 10% of steps: 18 and 19.
    assert row["D(G(z))"] == 18.5 and row["gradient norm"] == 18.5
    assert row["classifier score"] == 5.68 and row["Fréchet distance"] == 12.3
    assert row["classes >= 5%"] == 4 and row["smallest class"] == "0.0% (5s)"
    assert row["nearest-digit classes"] == 7 and row["top class share"] == 0.35 and row["spread"] == 0.79
    real_row = failures.summary_row(None, report, scores)
    assert real_row["steps"] is None and real_row["d_loss"] is None and real_row["classes >= 5%"] == 4
    assert list(real_row) == list(row)

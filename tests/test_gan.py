"""The plain GAN (gan_helpers.gan): its step is the hand-written step of notebook 05, and D holds still for G."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import config, data, losses, recipes, training, tricks
from gan_helpers.gan import GAN


def weights_of(network):
    """Every weight of a network, trainable or not (BatchNorm's moving statistics included), as arrays."""
    return [np.array(weight.numpy()) for weight in network.weights]


def discriminator_with_state():
    """A discriminator with BatchNorm and Dropout: layers that change state or behaviour in training mode."""
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 4, strides=2, padding="same"),
            keras.layers.BatchNormalization(),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Dropout(0.3),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )


@pytest.fixture
def real_batch(offline_digits):
    images, _ = offline_digits
    return data.normalize(images[:32])[..., np.newaxis]


def the_gan(kind):
    """A plain GAN, a TrickGAN with every trick, or a plain GAN whose discriminator has BatchNorm and Dropout."""
    config.set_seed(0)
    if kind == "every trick":
        return training.make_gan("course", latent_dim=16, codes=4, ema=0.999, instance_noise=0.1)
    gan = training.make_gan(latent_dim=16)
    if kind == "with BatchNorm and Dropout":
        gan = GAN(gan.generator, discriminator_with_state(), latent_dim=16)
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), loss="ns")
    return gan


@pytest.mark.parametrize("kind", ["plain", "with BatchNorm and Dropout", "every trick"])
def test_generator_step_leaves_the_discriminator_bit_identical(kind, real_batch):
    gan = the_gan(kind)
    gan.train_step(real_batch)  # Builds both optimizers, as in real training.
    extras = gan.extra_networks()  # The code head is held too; the averaged generator follows G by design.
    held = [gan.discriminator] + [network for name, network in extras.items() if name != "averaged_generator"]
    discriminator_before = [weights_of(network) for network in held]
    generator_before = [np.array(weight.numpy()) for weight in gan.generator.trainable_weights]
    for _ in range(3):
        gan.generator_step(32)
    for network, before_weights in zip(held, discriminator_before):
        for before, after in zip(before_weights, weights_of(network)):
            np.testing.assert_array_equal(before, after)
    for before, after in zip(generator_before, gan.generator.trainable_weights):
        assert not np.array_equal(before, after.numpy())  # The generator did learn.


def test_discriminator_step_leaves_the_generators_trainable_weights_alone(real_batch):
    gan = training.make_gan(latent_dim=16)
    before = [np.array(w.numpy()) for w in gan.generator.trainable_weights]
    gan.discriminator_step(real_batch)
    for b, a in zip(before, gan.generator.trainable_weights):
        np.testing.assert_array_equal(b, a.numpy())


def test_discriminator_learns_an_easy_problem(real_batch):
    # Real digits against an untrained generator's blur: a few discriminator steps lower its loss.
    config.set_seed(0)
    gan = training.make_gan(latent_dim=16, learning_rate=1e-3)
    fake_batch = training.generate_images(gan.generator, training.fixed_noise(32, 16, seed=1))

    def d_loss():
        real_logits = gan.discriminator(real_batch, training=False)
        fake_logits = gan.discriminator(fake_batch, training=False)
        return float(losses.discriminator_loss("ns", real_logits, fake_logits))

    start = d_loss()
    for _ in range(10):
        gan.discriminator_step(real_batch)
    assert d_loss() < 0.5 * start


def test_train_step_reports_the_four_metrics(real_batch):
    gan = training.make_gan(latent_dim=16)
    logs = {name: float(value) for name, value in gan.train_step(real_batch).items()}
    assert set(logs) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert 0 < logs["real_score"] < 1 and 0 < logs["fake_score"] < 1
    assert [metric.name for metric in gan.metrics] == ["d_loss", "g_loss", "real_score", "fake_score"]


@pytest.mark.slow
@pytest.mark.parametrize("loss", losses.LOSSES)
def test_every_loss_trains_with_fit(loss, offline_digits):
    images, _ = offline_digits
    gan = training.make_gan(latent_dim=16, loss=loss, instance_noise=0.1)
    history = gan.fit(data.make_dataset(images[:64], 32), epochs=1, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values())


@pytest.mark.slow
def test_d_steps_updates_the_discriminator_more_often(offline_digits):
    images, _ = offline_digits
    gan = training.make_gan(latent_dim=16, d_steps=3, label_smoothing=0.1)
    gan.fit(data.make_dataset(images[:64], 32), epochs=1, verbose=0)  # Two generator steps.
    assert int(gan.g_optimizer.iterations.numpy()) == 2
    assert int(gan.d_optimizer.iterations.numpy()) == 6


@pytest.mark.slow
def test_same_seed_same_training(offline_digits):
    images, _ = offline_digits

    def two_steps():
        config.set_seed(7)
        gan = training.make_gan(latent_dim=16, seed=7)
        gan.fit(data.make_dataset(images[:64], 32, seed=7), epochs=1, verbose=0)
        return weights_of(gan.generator)

    for first, second in zip(two_steps(), two_steps()):
        np.testing.assert_allclose(first, second, rtol=1e-6, atol=1e-7)


def test_fixed_noise_is_reproducible_and_shaped():
    noise = training.fixed_noise(5, 16, seed=3)
    assert noise.shape == (5, 16) and noise.dtype == np.float32
    np.testing.assert_array_equal(noise, training.fixed_noise(5, 16, seed=3))
    assert not np.array_equal(noise, training.fixed_noise(5, 16, seed=4))


def test_bad_settings_are_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="d_steps: expected a whole number >= 1, got 0"):
        training.make_gan(d_steps=0)
    with pytest.raises(ValueError, match="loss: expected one of: minimax, ns, lsgan, hinge, wgan-gp, got 'bce'"):
        training.make_gan(loss="bce")
    with pytest.raises(ValueError, match="instance_noise: expected a number >= 0"):
        training.make_gan(instance_noise=-1.0)
    with pytest.raises(ValueError, match=r"augment: expected a number in \[0, 0.5\), got 0.5"):
        training.make_gan(augment=0.5)
    with pytest.raises(ValueError, match="unknown setting 'learnin_rate'"):
        training.make_gan(learnin_rate=0.1)
    with pytest.raises(TypeError, match="settings must be a recipes.TrainSettings"):
        training.make_gan({"learning_rate": 0.1})


def test_compile_checks_what_it_is_given(real_batch):
    gan = GAN(training.make_gan(latent_dim=16).generator, discriminator_with_state(), latent_dim=16)
    for kwargs, message in [
        (dict(loss="bce"), "unknown loss 'bce'"),
        (dict(loss="ns", d_steps=0), "d_steps must be a positive integer, got 0"),
        (dict(loss="hinge", label_smoothing=0.1), "label smoothing applies to the minimax, ns, lsgan losses, not to 'hinge'"),
    ]:
        with pytest.raises(ValueError, match=message):
            gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **kwargs)


def test_the_plain_recipe_builds_the_plain_gan_and_the_course_adds_its_tricks():
    plain = training.make_gan("plain", latent_dim=16)
    assert type(plain) is GAN and plain.extra_networks() == {} and plain.sampling_generator is plain.generator
    assert float(plain.d_optimizer.learning_rate.numpy()) == pytest.approx(2e-4) and plain.d_optimizer.beta_1 == 0.5
    course = training.make_gan("course", latent_dim=16, codes=4)
    assert [type(trick).__name__ for trick in course.tricks] == ["Shifts", "Categories", "LearnedPrior"]
    assert sorted(course.extra_networks()) == ["code_head"] and course.sampling_generator is course.generator
    averaged = training.make_gan("course", latent_dim=16, codes=4, ema=0.999)  # The trick the course left out.
    assert [type(trick).__name__ for trick in averaged.tricks][-1] == "AveragedGenerator"
    assert sorted(averaged.extra_networks()) == ["averaged_generator", "code_head"]
    assert averaged.sampling_generator is averaged.find_trick(tricks.AveragedGenerator).averaged_generator


def test_the_library_step_is_the_step_written_by_hand(real_batch):
    # Notebook 05's step, written out: the library's GAN.train_step must make exactly this update.
    config.set_seed(3)
    gan = training.make_gan(latent_dim=16, seed=3)
    generator, discriminator = keras.models.clone_model(gan.generator), keras.models.clone_model(gan.discriminator)
    generator.set_weights(gan.generator.get_weights())
    discriminator.set_weights(gan.discriminator.get_weights())
    d_optimizer, g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)
    noise_seeds = keras.random.SeedGenerator(3)
    real_images = tf.constant(real_batch)
    for _ in range(2):
        noise = keras.random.normal((32, 16), seed=noise_seeds)
        fake_images = generator(noise, training=True)
        with tf.GradientTape() as tape:
            d_loss = losses.discriminator_loss(
                "ns", discriminator(real_images, training=True), discriminator(fake_images, training=True)
            )
        d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_weights), discriminator.trainable_weights))
        noise = keras.random.normal((32, 16), seed=noise_seeds)
        with tf.GradientTape() as tape:
            g_loss = losses.generator_loss("ns", discriminator(generator(noise, training=True), training=False))
        g_optimizer.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_weights), generator.trainable_weights))
        gan.reset_metrics()
        logs = gan.train_step(real_images)
        assert float(logs["d_loss"]) == pytest.approx(float(d_loss), rel=1e-5)
        assert float(logs["g_loss"]) == pytest.approx(float(g_loss), rel=1e-5)
    for by_hand, library in ((generator, gan.generator), (discriminator, gan.discriminator)):
        for hand_weight, library_weight in zip(by_hand.weights, library.weights):
            np.testing.assert_allclose(hand_weight.numpy(), library_weight.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_a_gan_with_no_tricks_trains_exactly_like_the_plain_gan(real_batch):
    def two_steps(gan_class, **kwargs):
        config.set_seed(5)
        plain = training.make_gan(latent_dim=16, seed=5)
        gan = gan_class(plain.generator, plain.discriminator, latent_dim=16, seed=5, **kwargs)
        gan.compile(plain.d_optimizer, plain.g_optimizer, loss="ns")
        for _ in range(2):
            gan.train_step(real_batch)
        return weights_of(gan.generator) + weights_of(gan.discriminator)

    for first, second in zip(two_steps(GAN), two_steps(tricks.TrickGAN, tricks=[])):
        np.testing.assert_array_equal(first, second)


def test_make_gan_takes_a_settings_object_and_changes_only_what_it_is_told():
    settings = recipes.recipe("course", latent_dim=16, codes=4)
    gan = training.make_gan(settings, ema=0.0)
    assert gan.find_trick(tricks.AveragedGenerator) is None and gan.find_trick(tricks.Categories) is not None


def test_augment_shifts_what_the_discriminator_sees_and_keeps_every_stroke(real_batch):
    gan = training.make_gan(latent_dim=16, augment=0.1)
    shifted = keras.ops.convert_to_numpy(gan.discriminator_view(real_batch))
    assert shifted.shape == real_batch.shape
    assert not np.array_equal(shifted, real_batch)  # Shifted...
    # ...by at most 2.8 pixels, which MNIST's 4-pixel margins absorb: every pixel value survives.
    np.testing.assert_array_equal(np.sort(shifted.reshape(len(shifted), -1)), np.sort(real_batch.reshape(len(real_batch), -1)))
    plain = training.make_gan(latent_dim=16)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(plain.discriminator_view(real_batch)), real_batch)  # Off by default.


def test_training_with_augment_updates_the_generator_through_the_shift(real_batch):
    gan = training.make_gan(latent_dim=16, augment=0.1)
    before = weights_of(gan.generator)
    logs = gan.train_step(keras.ops.convert_to_tensor(real_batch))
    assert all(np.isfinite(float(value)) for value in logs.values())
    assert any(not np.array_equal(old, new) for old, new in zip(before, weights_of(gan.generator)))

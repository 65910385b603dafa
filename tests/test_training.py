import keras
import numpy as np
import pytest

from gan_helpers import config, data, losses, training


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


@pytest.mark.parametrize("discriminator_kind", ["fast", "with BatchNorm and Dropout"])
def test_generator_step_leaves_the_discriminator_bit_identical(discriminator_kind, real_batch):
    config.set_seed(0)
    gan = training.make_gan("fast", latent_dim=16)
    if discriminator_kind != "fast":
        gan = training.GAN(gan.generator, discriminator_with_state(), latent_dim=16)
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    gan.train_step(real_batch)  # Builds both optimizers, as in real training.
    discriminator_before = weights_of(gan.discriminator)
    generator_before = [np.array(weight.numpy()) for weight in gan.generator.trainable_weights]
    for _ in range(3):
        gan.generator_step(32)
    for before, after in zip(discriminator_before, weights_of(gan.discriminator)):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(generator_before, gan.generator.trainable_weights):
        assert not np.array_equal(before, after.numpy())  # The generator did learn.


def test_discriminator_step_leaves_the_generators_trainable_weights_alone(real_batch):
    gan = training.make_gan("fast", latent_dim=16)
    before = [np.array(w.numpy()) for w in gan.generator.trainable_weights]
    gan.discriminator_step(real_batch)
    for b, a in zip(before, gan.generator.trainable_weights):
        np.testing.assert_array_equal(b, a.numpy())


def test_discriminator_learns_an_easy_problem(real_batch):
    # Real digits against an untrained generator's blur: a few discriminator steps lower its loss.
    config.set_seed(0)
    gan = training.make_gan("fast", latent_dim=16, learning_rate=1e-3)
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
    gan = training.make_gan("fast", latent_dim=16)
    logs = {name: float(value) for name, value in gan.train_step(real_batch).items()}
    assert set(logs) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert 0 < logs["real_score"] < 1 and 0 < logs["fake_score"] < 1
    assert [metric.name for metric in gan.metrics] == ["d_loss", "g_loss", "real_score", "fake_score"]


@pytest.mark.parametrize("loss", losses.LOSSES)
def test_every_loss_trains_with_fit(loss, offline_digits):
    images, _ = offline_digits
    gan = training.make_gan("fast", latent_dim=16, loss=loss, instance_noise=0.1)
    history = gan.fit(data.make_dataset(images[:64], 32), epochs=1, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values())


def test_d_steps_updates_the_discriminator_more_often(offline_digits):
    images, _ = offline_digits
    gan = training.make_gan("fast", latent_dim=16, d_steps=3, label_smoothing=0.1)
    gan.fit(data.make_dataset(images[:64], 32), epochs=1, verbose=0)  # Two generator steps.
    assert int(gan.g_optimizer.iterations.numpy()) == 2
    assert int(gan.d_optimizer.iterations.numpy()) == 6


def test_same_seed_same_training(offline_digits):
    images, _ = offline_digits

    def two_steps():
        config.set_seed(7)
        gan = training.make_gan("fast", latent_dim=16, seed=7)
        gan.fit(data.make_dataset(images[:64], 32, seed=7), epochs=1, verbose=0)
        return weights_of(gan.generator)

    for first, second in zip(two_steps(), two_steps()):
        np.testing.assert_allclose(first, second, rtol=1e-6, atol=1e-7)


def test_fixed_noise_is_reproducible_and_shaped():
    noise = training.fixed_noise(5, 16, seed=3)
    assert noise.shape == (5, 16) and noise.dtype == np.float32
    np.testing.assert_array_equal(noise, training.fixed_noise(5, 16, seed=3))
    assert not np.array_equal(noise, training.fixed_noise(5, 16, seed=4))


def test_compile_rejects_bad_settings():
    with pytest.raises(ValueError, match="d_steps must be a positive integer"):
        training.make_gan("fast", d_steps=0)
    with pytest.raises(ValueError, match="unknown loss"):
        training.make_gan("fast", loss="bce")
    with pytest.raises(ValueError, match="instance_noise"):
        training.make_gan("fast", instance_noise=-1.0)
    with pytest.raises(ValueError, match=r"augment must be a fraction of the image size in \[0, 0.5\)"):
        training.make_gan("fast", augment=0.5)


def test_augment_shifts_what_the_discriminator_sees_and_keeps_every_stroke(real_batch):
    gan = training.make_gan("fast", latent_dim=16, augment=0.1)
    shifted = keras.ops.convert_to_numpy(gan._discriminator_view(real_batch))
    assert shifted.shape == real_batch.shape
    assert not np.array_equal(shifted, real_batch)  # Shifted...
    # ...by at most 2.8 pixels, which MNIST's 4-pixel margins absorb: every pixel value survives.
    np.testing.assert_array_equal(np.sort(shifted.reshape(len(shifted), -1)), np.sort(real_batch.reshape(len(real_batch), -1)))
    plain = training.make_gan("fast", latent_dim=16)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(plain._discriminator_view(real_batch)), real_batch)  # Off by default.


def test_training_with_augment_updates_the_generator_through_the_shift(real_batch):
    gan = training.make_gan("fast", latent_dim=16, augment=0.1)
    before = weights_of(gan.generator)
    logs = gan.train_step(keras.ops.convert_to_tensor(real_batch))
    assert all(np.isfinite(float(value)) for value in logs.values())
    assert any(not np.array_equal(old, new) for old, new in zip(before, weights_of(gan.generator)))

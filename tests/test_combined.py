"""The classic combined-model idiom of notebook 05: its generator step moves exactly the generator."""

import numpy as np

from gan_helpers import combined, data, models, training


def weights(model):
    return [weight.copy() for weight in model.get_weights()]


def changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_the_combined_step_updates_exactly_the_generator_and_the_discriminator_still_learns(offline_digits):
    images, _ = offline_digits
    real = data.normalize(images[:32])[..., np.newaxis]
    generator, discriminator = models.build_generator("fast", latent_dim=16), models.build_discriminator("fast")
    pair = combined.compile_pair(generator, discriminator, real)
    assert not discriminator.trainable and len(pair.trainable_weights) == len(generator.trainable_weights)
    noise = training.fixed_noise(32, 16, seed=1)
    for _ in range(2):
        generator_before, discriminator_before = weights(generator), weights(discriminator)
        fake = generator.predict_on_batch(noise)
        discriminator.train_on_batch(fake, np.zeros((32, 1), np.float32))
        assert changed(discriminator_before, weights(discriminator))  # Frozen in `combined` only.
        assert not changed(generator_before, weights(generator))
        discriminator_after_its_step = weights(discriminator)
        pair.train_on_batch(noise, np.ones((32, 1), np.float32))
        assert changed(generator_before, weights(generator))
        assert not changed(discriminator_after_its_step, weights(discriminator))  # Bit-identical.
    d_loss, g_loss = combined.combined_step(generator, discriminator, pair, real, noise)
    assert np.isfinite(d_loss) and np.isfinite(g_loss)

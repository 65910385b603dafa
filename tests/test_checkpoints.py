import json

import numpy as np
import pytest

from gan_helpers import checkpoints, config, data, training


def state_of(gan):
    """Everything a checkpoint must carry: both networks, both optimizers and the noise seed."""
    arrays = [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]
    arrays += [v.numpy() for v in gan.g_optimizer.variables + gan.d_optimizer.variables]
    return arrays + [gan.seed_generator.state.numpy()]


@pytest.fixture
def real_batch(offline_digits):
    images, _ = offline_digits
    return data.normalize(images[:16])[..., np.newaxis]


def test_round_trip_restores_everything_and_training_continues_identically(tmp_path, real_batch):
    config.set_seed(1)
    original = training.make_gan(latent_dim=8, seed=1)
    for _ in range(2):
        original.train_step(real_batch)
    checkpoints.save_checkpoint(tmp_path, original, epoch=3)

    restored = training.make_gan(latent_dim=8, seed=99)  # Different weights and seed until restored.
    assert checkpoints.load_checkpoint(tmp_path, restored) == 3
    for before, after in zip(state_of(original), state_of(restored)):
        np.testing.assert_array_equal(before, after)

    for gan in (original, restored):
        gan.reset_metrics()  # The epoch's running means are not training state.
    next_original = {k: float(v) for k, v in original.train_step(real_batch).items()}
    next_restored = {k: float(v) for k, v in restored.train_step(real_batch).items()}
    assert next_restored == pytest.approx(next_original, rel=1e-6)
    for before, after in zip(state_of(original), state_of(restored)):
        np.testing.assert_allclose(before, after, rtol=1e-6, atol=1e-7)


def test_saving_twice_replaces_the_checkpoint(tmp_path, real_batch):
    gan = training.make_gan(latent_dim=8)
    checkpoints.save_checkpoint(tmp_path, gan, epoch=1)
    gan.train_step(real_batch)
    checkpoints.save_checkpoint(tmp_path, gan, epoch=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint"]
    assert json.loads((tmp_path / "checkpoint" / "state.json").read_text())["epoch"] == 2


def test_a_crash_mid_swap_leaves_the_previous_checkpoint_usable(tmp_path):
    gan = training.make_gan(latent_dim=8)
    checkpoints.save_checkpoint(tmp_path, gan, epoch=4)
    (tmp_path / "checkpoint").rename(tmp_path / "checkpoint.old")  # As if killed between the two renames.
    assert checkpoints.load_checkpoint(tmp_path, training.make_gan(latent_dim=8)) == 4


def test_missing_and_corrupt_checkpoints_are_clear_errors(tmp_path):
    gan = training.make_gan(latent_dim=8)
    with pytest.raises(ValueError, match="no checkpoint in"):
        checkpoints.load_checkpoint(tmp_path, gan)
    checkpoints.save_checkpoint(tmp_path, gan, epoch=1)
    (tmp_path / "checkpoint" / "generator.weights.npz").write_bytes(b"not an npz file")
    with pytest.raises(ValueError, match="corrupt or from another model"):
        checkpoints.load_checkpoint(tmp_path, gan)


def test_a_checkpoint_of_another_model_is_refused(tmp_path):
    checkpoints.save_checkpoint(tmp_path, training.make_gan(latent_dim=8), epoch=1)
    with pytest.raises(ValueError, match="corrupt or from another model"):
        checkpoints.load_checkpoint(tmp_path, training.make_gan(model="mlp", latent_dim=8))


def test_a_checkpoint_of_an_older_version_in_keras_weight_files_still_loads(tmp_path, real_batch):
    gan = training.make_gan(latent_dim=8, seed=1)
    gan.train_step(real_batch)
    checkpoints.save_checkpoint(tmp_path, gan, epoch=2)
    folder = tmp_path / "checkpoint"
    for name, network in checkpoints.networks(gan).items():  # As versions before the .npz weights wrote them.
        (folder / f"{name}{checkpoints.WEIGHTS_SUFFIX}").unlink()
        network.save_weights(folder / f"{name}.weights.h5")
    restored = training.make_gan(latent_dim=8, seed=99)
    assert checkpoints.load_checkpoint(tmp_path, restored) == 2
    for before, after in zip(state_of(gan), state_of(restored)):
        np.testing.assert_array_equal(before, after)

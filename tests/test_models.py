import keras
import numpy as np
import pytest

from gan_helpers import models


@pytest.mark.parametrize("name", sorted(models.GENERATORS))
def test_generators_draw_images_in_tanh_range(name):
    generator = models.build_generator(name, latent_dim=16)
    noise = np.random.default_rng(0).standard_normal((3, 16)).astype(np.float32)
    images = generator(noise, training=False).numpy()
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0


@pytest.mark.parametrize("name", sorted(models.DISCRIMINATORS))
def test_discriminators_return_one_unbounded_logit(name):
    discriminator = models.build_discriminator(name)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32)
    logits = discriminator(images, training=False).numpy()
    assert logits.shape == (4, 1)
    last_layer = discriminator.layers[-1]
    assert last_layer.activation.__name__ == "linear"  # Logits: no sigmoid at the end.


def test_dcgan_matches_the_tensorflow_tutorial_parameter_counts():
    # The TensorFlow DCGAN tutorial's model summaries report these totals.
    assert models.build_generator("dcgan", 100).count_params() == 2_330_944
    assert models.build_discriminator("dcgan").count_params() == 212_865


def test_mlp_layers_follow_keras_gan():
    generator = models.build_generator("mlp", 100)
    dense_units = [layer.units for layer in generator.layers if layer.__class__.__name__ == "Dense"]
    assert dense_units == [256, 512, 1024, 784]
    discriminator = models.build_discriminator("mlp")
    assert [layer.units for layer in discriminator.layers if hasattr(layer, "units")] == [512, 256, 1]


def test_upsampling_generator_uses_no_transposed_convolution():
    kinds = [layer.__class__.__name__ for layer in models.build_generator("upsampling", 100).layers]
    assert kinds.count("UpSampling2D") == 2 and "Conv2DTranspose" not in kinds


def test_fast_pair_is_much_smaller_than_dcgan():
    fast = models.build_generator("fast").count_params() + models.build_discriminator("fast").count_params()
    dcgan = models.build_generator("dcgan").count_params() + models.build_discriminator("dcgan").count_params()
    assert fast < dcgan / 2


def test_fast_discriminator_is_the_wide_one_narrowed():
    fast, wide = models.build_discriminator("fast"), models.build_discriminator("wide")
    assert [type(layer) for layer in fast.layers] == [type(layer) for layer in wide.layers]

    def convolutions(network):
        return [layer for layer in network.layers if isinstance(layer, keras.layers.Conv2D)]

    def multiply_adds(network):  # Per image: output positions x kernel area x input channels x filters.
        return sum(
            np.prod(layer.output.shape[1:3]) * np.prod(layer.kernel_size) * layer.input.shape[-1] * layer.filters
            for layer in convolutions(network)
        )

    assert [layer.filters for layer in convolutions(fast)] == [24, 48, 48]
    assert [layer.filters for layer in convolutions(wide)] == [64, 128, 128]
    assert multiply_adds(fast) == 1_994_496 and multiply_adds(wide) == 13_848_576  # A seventh of the work.
    assert models.model_pair("fast") == ("fast", "fast") and models.model_pair("wide") == ("fast", "wide")


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="fast, dcgan, upsampling, mlp"):
        models.build_generator("stylegan")
    with pytest.raises(ValueError, match="fast, dcgan, pooling, mlp"):
        models.build_discriminator("upsampling")
    with pytest.raises(ValueError, match="fast, dcgan, upsampling, mlp, pooling"):
        models.model_pair("big")
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        models.build_generator("fast", latent_dim=0)


def test_every_model_pair_names_existing_networks():
    for generator_name, discriminator_name in models.MODEL_PAIRS.values():
        assert generator_name in models.GENERATORS and discriminator_name in models.DISCRIMINATORS

"""InfoGAN's categorical code: the generator reads a category from the first values of its noise.

Notebook 07_beyond_dcgan introduces it; `tricks.Categories` trains it and `tricks.LearnedPrior`
learns how often each category is drawn.
"""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="gan_helpers")
class CategoricalCode(layers.Layer):
    """Turn the first `num_codes` noise values into a one-hot category: InfoGAN's code (Chen et al., 2016).

    The largest of `num_codes` independent Gaussians is equally likely to be any of them, so the
    category is uniform while the generator still takes plain Gaussian noise of shape
    (latent_dim,): every sampler in the course works unchanged. The output has the same shape:
    the other latent_dim - num_codes noise values, then the one-hot category.

    With `learned_prior=True` the layer also holds `log_prior`, a (non-trainable) log-probability
    for each category that training sets from how often the discriminator sees each category in
    real digits; the category is then drawn from that prior instead of uniformly (see
    noise_categories). With the prior at zero, both give the same categories.
    """

    def __init__(self, num_codes, learned_prior=False, **kwargs):
        super().__init__(**kwargs)
        self.num_codes = int(num_codes)
        self.learned_prior = bool(learned_prior)
        self.log_prior = None
        if self.learned_prior:
            # Averaged over replicas under tf.distribute; zeros are the uniform prior.
            self.log_prior = self.add_weight(
                shape=(self.num_codes,), initializer="zeros", trainable=False, aggregation="mean", name="log_prior"
            )

    def call(self, noise):
        categories = noise_categories(noise, self.num_codes, self.log_prior)
        one_hot = ops.one_hot(categories, self.num_codes)
        return ops.concatenate([noise[:, self.num_codes:], ops.cast(one_hot, noise.dtype)], axis=-1)

    def categories(self, noise):
        """The category each row of `noise` picks, under this layer's prior."""
        return noise_categories(noise, self.num_codes, self.log_prior)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "num_codes": self.num_codes, "learned_prior": self.learned_prior}


def noise_categories(noise, num_codes, log_prior=None):
    """The category each noise vector picks: the index of the largest of its first `num_codes` values.

    With `log_prior` (log-probabilities, shape (num_codes,)), each value is first turned into a
    Gumbel variable by its own Gaussian quantile; the largest Gumbel plus log-probability is then
    a draw from that prior (the Gumbel-max trick). The turn keeps the values' order, so a zero
    prior picks what the plain argmax picks.
    """
    values = noise[:, :num_codes]
    if log_prior is None:
        return ops.argmax(values, axis=-1)
    return ops.argmax(gumbel_from_gaussian(values) + ops.cast(log_prior, values.dtype), axis=-1)


def gumbel_from_gaussian(values):
    """Map standard Gaussian values to standard Gumbel ones through the Gaussian CDF, keeping their order."""
    # log Phi(x), accurate in both tails: erfc's small side gives the lower tail, log1p the upper one.
    lower = ops.log(0.5 * ops.erfc(-values / 2**0.5))
    upper = ops.log1p(-0.5 * ops.erfc(values / 2**0.5))
    log_cdf = ops.where(values < 0, lower, upper)
    return -ops.log(-log_cdf)


def code_layer(generator):
    """The generator's CategoricalCode layer, or None for a plain generator."""
    return next((layer for layer in generator.layers if isinstance(layer, CategoricalCode)), None)


def num_codes(generator):
    """How many categories `generator` reads from its noise (0 for a plain generator)."""
    layer = code_layer(generator)
    return layer.num_codes if layer is not None else 0

"""Tricks on top of the plain GAN, each a small unit that fills some of the plain step's hooks.

`TrickGAN(generator, discriminator, tricks)` is gan.GAN whose hooks ask each trick in turn;
with no tricks it trains exactly like the plain GAN. Notebook 07_beyond_dcgan adds the course's
tricks one at a time; notebook 06_failure_modes uses instance noise and WGAN-GP's penalty.
"""

import keras
from keras import ops

from gan_helpers import codes, config, losses, models, recipes
from gan_helpers.gan import GAN


def checked(name, value):
    """`value` checked against the range of training setting `name` (gan_helpers.recipes), or ValueError."""
    try:
        return recipes.FIELDS[name].metadata["check"](value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


class Trick:
    """One change to the plain step. Each hook's default changes nothing; a trick overrides the ones it needs."""

    sampling_generator = None  # A trick that draws the samples instead of the generator sets this.

    def attach(self, gan):
        """Remember the GAN, and build what the trick needs from its networks."""
        self.gan = gan

    def view(self, images):
        """What the discriminator sees of `images`."""
        return images

    def discriminate(self, view, training):
        """The discriminator's logits for `view` when the trick computes them itself, else None."""
        return None

    def discriminator_loss(self, real_view, fake_view, noise):
        """What the discriminator's update adds to its loss."""
        return 0.0

    def generator_loss(self, fake_view, noise):
        """What the generator's update adds to its loss."""
        return 0.0

    def after_discriminator_update(self, real_view):
        """Runs after each discriminator update."""

    def after_generator_update(self):
        """Runs after each generator update."""

    def weights(self):
        """Weights of the trick's own that the discriminator's optimizer trains."""
        return []

    def networks(self):
        """The trick's networks that a checkpoint keeps, by name."""
        return {}


class TrickGAN(GAN):
    """The plain GAN with `tricks` (a list of Trick) filling its hooks, in the order given."""

    def __init__(self, generator, discriminator, tricks=(), latent_dim=None, seed=config.DEFAULT_SEED, **kwargs):
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)
        self.tricks = list(tricks)
        for trick in self.tricks:
            trick.attach(self)

    def find_trick(self, kind):
        """The trick of class `kind` this GAN uses, or None."""
        return next((trick for trick in self.tricks if isinstance(trick, kind)), None)

    def discriminator_view(self, images):
        for trick in self.tricks:
            images = trick.view(images)
        return images

    def discriminate(self, view, training):
        for trick in self.tricks:
            logits = trick.discriminate(view, training)
            if logits is not None:
                return logits
        return self.discriminator(view, training=training)

    def extra_discriminator_loss(self, real_view, fake_view, noise):
        return sum((trick.discriminator_loss(real_view, fake_view, noise) for trick in self.tricks), 0.0)

    def extra_generator_loss(self, fake_view, noise):
        return sum((trick.generator_loss(fake_view, noise) for trick in self.tricks), 0.0)

    def after_discriminator_update(self, real_view):
        for trick in self.tricks:
            trick.after_discriminator_update(real_view)

    def after_generator_update(self):
        for trick in self.tricks:
            trick.after_generator_update()

    def discriminator_weights(self):
        return self.discriminator.trainable_weights + [weight for trick in self.tricks for weight in trick.weights()]

    def extra_networks(self):
        return {name: network for trick in self.tricks for name, network in trick.networks().items()}

    @property
    def sampling_generator(self):
        return next((trick.sampling_generator for trick in self.tricks if trick.sampling_generator is not None), self.generator)


class Shifts(Trick):
    """Shift every image the discriminator sees, real or fake, by up to `fraction` of its size.

    Differentiable augmentation (Zhao et al., 2020): the shift is applied to fakes inside the
    generator's tape too, so the generator learns through it. A discriminator that never sees
    the same picture twice cannot memorise a small training set. Introduced in notebook 07.
    """

    def __init__(self, fraction):
        self.fraction = checked("augment", fraction)

    def attach(self, gan):
        super().attach(gan)
        self.shifter = keras.layers.RandomTranslation(
            self.fraction, self.fraction, fill_mode="constant", fill_value=-1.0, interpolation="nearest",
            seed=gan.seed + 1,  # Its own stream, so the GAN's noise stream stays as without shifts.
        )
        self.shifter.build((None, *models.IMAGE_SHAPE))

    def view(self, images):
        return self.shifter(images, training=True)


class InstanceNoise(Trick):
    """Add Gaussian noise of standard deviation `stddev` to every image the discriminator sees (notebook 06)."""

    def __init__(self, stddev):
        self.stddev = checked("instance_noise", stddev)

    def view(self, images):
        return losses.add_instance_noise(images, self.stddev, seed=self.gan.seed_generator)


class GradientPenalty(Trick):
    """WGAN-GP's penalty on the discriminator, `weight` times (||grad D|| - 1)^2 between real and fake (notebook 04)."""

    def __init__(self, weight):
        self.weight = checked("gp_weight", weight)

    def discriminator_loss(self, real_view, fake_view, noise):
        alpha = keras.random.uniform((ops.shape(real_view)[0], 1, 1, 1), seed=self.gan.seed_generator)  # (batch, 1, 1, 1)
        return self.weight * losses.gradient_penalty(self.gan.discriminator, real_view, fake_view, alpha)


class AveragedGenerator(Trick):
    """Keep an exponential moving average of the generator's weights with `decay`; it draws the samples.

    The latest weights wobble from step to step as the two networks chase each other; their
    average over the last thousand or so steps draws steadier digits (Yazici et al., 2019).
    The decay warms up as (1 + step) / (10 + step), so early on the average follows closely.
    Introduced in notebook 07.
    """

    def __init__(self, decay):
        self.decay = checked("ema", decay)

    def attach(self, gan):
        super().attach(gan)
        self.averaged_generator = keras.models.clone_model(gan.generator)
        self.averaged_generator.set_weights(gan.generator.get_weights())
        self.sampling_generator = self.averaged_generator

    def after_generator_update(self):
        step = ops.cast(self.gan.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.decay, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.averaged_generator.weights, self.gan.generator.weights):
            average.assign(decay * average + (1.0 - decay) * weight)

    def networks(self):
        return {"averaged_generator": self.averaged_generator}


class Categories(Trick):
    """InfoGAN (Chen et al., 2016): a head on the discriminator's features guesses each fake's category.

    The generator reads a category from its noise (codes.CategoricalCode). Both networks
    minimise `weight` times the head's cross-entropy, so each category becomes one kind of digit
    that can be told apart, instead of a blend. The head reads the features of the
    discriminator's own pass over an image, so the discriminator's layers run once, not twice.
    Introduced in notebook 07.
    """

    def __init__(self, weight):
        self.weight = checked("code_weight", weight)

    def attach(self, gan):
        super().attach(gan)
        self.code_layer = codes.code_layer(gan.generator)
        if self.code_layer is None:
            raise ValueError(
                "the Categories trick needs a generator that reads categories (models.build_generator(num_codes=...))"
            )
        self.last_layer = gan.discriminator.layers[-1]  # The Dense layer that turns features into the logit.
        self.features = keras.Model(gan.discriminator.inputs, self.last_layer.input)  # The discriminator's own layers.
        self.head = keras.Sequential(
            [keras.Input(shape=self.last_layer.input.shape[1:]), keras.layers.Dense(self.code_layer.num_codes)], name="code_head"
        )
        self.code_logits = {}  # The head's guesses for each view the discriminator scored in this step, by id.
        self.real_code_logits = None  # The head's guesses for the last real batch, for LearnedPrior.

    def discriminate(self, view, training):
        features = self.features(view, training=training)  # (batch, features)
        self.code_logits[id(view)] = self.head(features)  # (batch, num_codes)
        return self.last_layer(features)  # (batch, 1): the same as the discriminator's output

    def code_loss(self, fake_view, noise, training):
        """The head's cross-entropy between its guesses for `fake_view` and the categories `noise` picked."""
        code_logits = self.code_logits.pop(id(fake_view), None)
        if code_logits is None:  # The discriminator has not scored this view: run it now.
            code_logits = self.head(self.features(fake_view, training=training))
        categories = self.code_layer.categories(noise)  # (batch,)
        return self.weight * ops.mean(ops.sparse_categorical_crossentropy(categories, code_logits, from_logits=True))

    def discriminator_loss(self, real_view, fake_view, noise):
        return self.code_loss(fake_view, noise, training=True)

    def generator_loss(self, fake_view, noise):
        return self.code_loss(fake_view, noise, training=False)

    def after_discriminator_update(self, real_view):
        self.real_code_logits = self.code_logits.pop(id(real_view), None)

    def weights(self):
        return self.head.trainable_weights

    def networks(self):
        return {"code_head": self.head}


class LearnedPrior(Trick):
    """Draw each category as often as the code head finds it among real digits (codes.CategoricalCode's prior).

    During each discriminator update the head also guesses the category of every real image;
    afterwards the prior moves `1 - momentum` of the way to those guesses' shares, never below
    `floor` times uniform. Needs the Categories trick, listed before it. Introduced in notebook 07.
    """

    def __init__(self, momentum=0.99, floor=0.1):
        self.momentum = float(momentum)
        self.floor = float(floor)

    def attach(self, gan):
        super().attach(gan)
        self.categories = gan.find_trick(Categories) if isinstance(gan, TrickGAN) else None
        if self.categories is None or not self.categories.code_layer.learned_prior:
            raise ValueError("the LearnedPrior trick needs the Categories trick and a generator with learned_prior=True")

    def after_discriminator_update(self, real_view):
        code_logits = self.categories.real_code_logits  # (batch, num_codes), from the update's own pass
        if code_logits is None:
            code_logits = self.categories.head(self.categories.features(real_view, training=True))
        self.move_towards(ops.stop_gradient(ops.mean(ops.softmax(code_logits), axis=0)))  # (num_codes,) shares

    def move_towards(self, shares):
        """Move the prior `1 - momentum` of the way to `shares` (one per category, summing to 1), above the floor."""
        code_layer = self.categories.code_layer
        prior = self.momentum * ops.exp(code_layer.log_prior) + (1.0 - self.momentum) * shares
        prior = ops.maximum(prior, self.floor / code_layer.num_codes)  # No category is starved for good.
        code_layer.log_prior.assign(ops.log(prior / ops.sum(prior)))


def tricks_for(settings):
    """The tricks a TrainSettings asks for, in the order their hooks run."""
    chosen = []
    if settings.augment > 0:
        chosen.append(Shifts(settings.augment))
    if settings.instance_noise > 0:
        chosen.append(InstanceNoise(settings.instance_noise))
    if settings.loss == "wgan-gp":
        chosen.append(GradientPenalty(settings.gp_weight))
    if settings.codes > 0 and settings.code_weight > 0:
        chosen.append(Categories(settings.code_weight))
        if settings.prior == "learned":
            chosen.append(LearnedPrior())
    if settings.ema > 0:
        chosen.append(AveragedGenerator(settings.ema))
    return chosen

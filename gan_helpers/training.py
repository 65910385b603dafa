"""The GAN as a keras.Model: one alternating training step, its metrics, and noise.

Introduced in notebook 05_training_loop, which writes the same step out by hand and checks
that it matches `GAN.train_step`.
"""

import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gan_helpers import config, losses, models

# fit() defaults to shuffle=True and Keras 3 then warns that a tf.data.Dataset is not reshuffled by
# fit; make_dataset reshuffles every epoch itself, so the warning would only confuse learners.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored")


def fixed_noise(num_images, latent_dim, seed=config.DEFAULT_SEED):
    """Return one reproducible noise batch of shape (num_images, latent_dim), drawn with NumPy.

    The progress grids reuse this batch every epoch, so each frame shows the same digits learning.
    """
    return np.random.default_rng(seed).standard_normal((num_images, latent_dim)).astype(np.float32)


def category_noise(num_codes, latent_dim, per_category, seed=config.DEFAULT_SEED):
    """Noise of shape (num_codes * per_category, latent_dim) whose rows pick categories 0, 0, ..., 1, 1, ...

    Each row is fixed_noise with its category's value raised to 10, far above any of the other
    first `num_codes` values, so a generator with models.CategoricalCode reads that category
    whatever its prior (only which value is largest reaches the generator's layers).
    Introduced in notebook 05_training_loop, to show what each category learnt to draw.
    """
    if not isinstance(num_codes, int) or isinstance(num_codes, bool) or not 0 < num_codes < latent_dim:
        raise ValueError(f"num_codes must be an integer from 1 to latent_dim - 1 = {latent_dim - 1}, got {num_codes!r}")
    noise = fixed_noise(num_codes * per_category, latent_dim, seed)
    categories = np.repeat(np.arange(num_codes), per_category)
    noise[np.arange(len(noise)), categories] = 10.0  # Gumbel value about 53 against at most about 12 for the others.
    return noise


def generate_images(generator, noise, batch_size=256):
    """Run `generator` in inference mode on `noise`; return float32 images of shape (N, 28, 28, 1)."""
    noise = np.asarray(noise, dtype=np.float32)
    batches = [generator(noise[start:start + batch_size], training=False) for start in range(0, len(noise), batch_size)]
    return np.concatenate([ops.convert_to_numpy(batch) for batch in batches])


# A learned category prior moves 1% of the way to each batch's estimate, and never below a tenth of uniform.
PRIOR_MOMENTUM = 0.99
PRIOR_FLOOR = 0.1


def _num_replicas():
    """How many replicas train in step: 1 on one device, N under a tf.distribute strategy over N devices."""
    if tf.distribute.in_cross_replica_context():
        return tf.distribute.get_strategy().num_replicas_in_sync
    return tf.distribute.get_replica_context().num_replicas_in_sync


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by `fit()`.

    Each `train_step` updates the discriminator `d_steps` times on the same real batch (fresh
    noise each time), then the generator once. During the generator's update the discriminator
    runs in inference mode and only the generator's weights receive gradients, so the
    discriminator's weights stay exactly as they were.
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=config.DEFAULT_SEED, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim or generator.input_shape[-1]
        self.seed = seed
        if _num_replicas() > 1:
            # Batch statistics from all replicas, so the generator does not depend on how many devices share a batch.
            for layer in generator.layers:
                if isinstance(layer, keras.layers.BatchNormalization):
                    layer.synchronized = True
        self.code_layer = models.code_layer(generator)
        self.num_codes = models.num_codes(generator)
        self.code_head = None  # Built by compile() when the generator reads categories and code_weight > 0.
        self.averaged_generator = None  # Built by compile() when ema > 0.
        # Both networks arrive built; without this, fit() under a tf.distribute strategy would try to
        # build the GAN by calling it on a batch of images, which it cannot take.
        self.built = True
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")

    def compile(
        self,
        d_optimizer,
        g_optimizer,
        loss=losses.DEFAULT_LOSS,
        d_steps=1,
        label_smoothing=0.0,
        instance_noise=0.0,
        gp_weight=10.0,
        augment=0.0,
        code_weight=1.0,
        ema=0.0,
        **kwargs,
    ):
        """Set each network's optimizer, the loss by name and the training tricks.

        `d_steps` discriminator updates per generator update; `label_smoothing` sets the real
        target to 1 - label_smoothing; `instance_noise` is the standard deviation of Gaussian
        noise added to every discriminator input; `gp_weight` scales WGAN-GP's penalty.
        `augment` > 0 shifts every image the discriminator sees, real and fake, by up to that
        fraction of its size (differentiable augmentation, Zhao et al. 2020), so that with 5,000
        digits the discriminator learns shapes instead of memorising the training set.
        When the generator reads categories (models.CategoricalCode), a small head on the
        discriminator's features guesses each fake image's category and both networks minimise
        `code_weight` times its cross-entropy (InfoGAN, Chen et al. 2016): each category then
        becomes a distinct kind of digit instead of a blend. `ema` > 0 keeps
        `averaged_generator`, an exponential moving average of the generator's weights with that
        decay, which draws smoother digits than the generator's latest weights (Yazici et al. 2019).
        """
        super().compile(**kwargs)
        losses.check_loss_name(loss)
        losses.check_label_smoothing(loss, label_smoothing)
        if not isinstance(d_steps, int) or isinstance(d_steps, bool) or d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}")
        if not 0 <= augment < 0.5:
            raise ValueError(f"augment must be a fraction of the image size in [0, 0.5), got {augment!r}")
        if instance_noise < 0:
            raise ValueError(f"instance_noise must be a standard deviation >= 0, got {instance_noise!r}")
        if not code_weight >= 0:
            raise ValueError(f"code_weight must be >= 0, got {code_weight!r}")
        if not 0 <= ema < 1:
            raise ValueError(f"ema must be a decay in [0, 1), e.g. 0.999, got {ema!r}")
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_name = loss
        self.d_steps = d_steps
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = float(instance_noise)
        self.gp_weight = float(gp_weight)
        self.augment = float(augment)
        self.augmenter = None
        if self.augment > 0:
            self.augmenter = keras.layers.RandomTranslation(
                self.augment, self.augment, fill_mode="constant", fill_value=-1.0, interpolation="nearest",
                seed=self.seed + 1,  # Its own stream, so the noise stream stays the one without augmentation.
            )
            self.augmenter.build((None, *models.IMAGE_SHAPE))
        self.code_weight = float(code_weight)
        if self.num_codes and self.code_weight > 0 and self.code_head is None:
            last_layer = self.discriminator.layers[-1]
            # The discriminator's features are what its last Dense layer reads; the head reads them too.
            self.discriminator_features = keras.Model(self.discriminator.inputs, last_layer.input)
            self.code_head = keras.Sequential(
                [keras.Input(shape=last_layer.input.shape[1:]), keras.layers.Dense(self.num_codes)], name="code_head"
            )
        self.ema = float(ema)
        if self.ema > 0 and self.averaged_generator is None:
            self.averaged_generator = keras.models.clone_model(self.generator)
            self.averaged_generator.set_weights(self.generator.get_weights())
        if tf.distribute.has_strategy():
            # Not lazily inside the first compiled step: a strategy needs every variable before training starts.
            self.build_optimizers()
        self.built = True  # Adding the head or the average above marked the GAN unbuilt again.

    @property
    def metrics(self):
        """The trackers fit() resets every epoch; their names are the keys of the logs."""
        return [self.d_loss_tracker, self.g_loss_tracker, self.real_score_tracker, self.fake_score_tracker]

    def call(self, noise, training=False):
        """Generate images from noise of shape (batch, latent_dim)."""
        return self.generator(noise, training=training)

    @property
    def sampling_generator(self):
        """The generator to draw digits with: the averaged one when `ema` > 0, else the generator itself."""
        return self.averaged_generator or self.generator

    def discriminator_variables(self):
        """What the discriminator's optimizer updates: its weights and, with categories, the code head's."""
        head = self.code_head.trainable_weights if self.code_head is not None else []
        return self.discriminator.trainable_weights + head

    def build_optimizers(self):
        """Create both optimizers' slot variables now (checkpoints and tf.distribute need them to exist)."""
        for optimizer, variables in ((self.d_optimizer, self.discriminator_variables()), (self.g_optimizer, self.generator.trainable_variables)):
            if not optimizer.built:
                optimizer.build(variables)

    def sample_noise(self, batch_size):
        """Draw a batch of Gaussian noise from the model's own seed generator.

        Under a tf.distribute strategy each of the N replicas holds `batch_size` images of a
        global batch N times larger: every replica draws the global batch's noise and keeps its
        own slice, so the noise is the same as on one device.
        """
        replica = tf.distribute.get_replica_context()
        if replica is None or replica.num_replicas_in_sync == 1:
            return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        noise = keras.random.normal((batch_size * replica.num_replicas_in_sync, self.latent_dim), seed=self.seed_generator)
        start = replica.replica_id_in_sync_group * batch_size
        return noise[start:start + batch_size]

    def discriminator_step(self, real_images):
        """Update the discriminator once; return (d_loss, real_logits, fake_logits)."""
        batch_size = ops.shape(real_images)[0]
        noise = self.sample_noise(batch_size)
        fake_images = self.generator(noise, training=True)
        variables = self.discriminator_variables()
        with tf.GradientTape() as tape:
            real_logits, real_usage = self._judge_reals(real_images)
            fake_logits, code_loss = self._judge_fakes(fake_images, noise, training=True)
            d_loss = losses.discriminator_loss(self.loss_name, real_logits, fake_logits, self.label_smoothing)
            if self.loss_name == "wgan-gp":
                alpha = keras.random.uniform((batch_size, 1, 1, 1), seed=self.seed_generator)
                d_loss += self.gp_weight * losses.gradient_penalty(self.discriminator, real_images, fake_images, alpha)
            # Under a tf.distribute strategy the replicas' gradients are summed: scale each to its share.
            total_loss = (d_loss + self.code_weight * code_loss) / _num_replicas()
        gradients = tape.gradient(total_loss, variables)
        self.d_optimizer.apply_gradients(zip(gradients, variables))
        if real_usage is not None:
            self._update_prior(real_usage)
        return d_loss, real_logits, fake_logits

    def generator_step(self, batch_size):
        """Update the generator once against a frozen discriminator; return g_loss."""
        noise = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            fake_logits, code_loss = self._judge_fakes(fake_images, noise, training=False)
            g_loss = losses.generator_loss(self.loss_name, fake_logits)
            total_loss = (g_loss + self.code_weight * code_loss) / _num_replicas()
        gradients = tape.gradient(total_loss, self.generator.trainable_weights)  # Only the generator's weights.
        self.g_optimizer.apply_gradients(zip(gradients, self.generator.trainable_weights))
        if self.averaged_generator is not None:
            self._update_average()
        return g_loss

    def train_step(self, real_images):
        """One alternating step: `d_steps` discriminator updates, then one generator update."""
        for _ in range(self.d_steps):
            d_loss, real_logits, fake_logits = self.discriminator_step(real_images)
        g_loss = self.generator_step(ops.shape(real_images)[0])
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_score_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))  # mean D(x)
        self.fake_score_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))  # mean D(G(z))
        return {metric.name: metric.result() for metric in self.metrics}

    def _learns_prior(self):
        """Whether the generator's categories follow a prior learnt from real digits (models.CategoricalCode)."""
        return self.code_head is not None and self.code_layer.learned_prior

    def _judge_reals(self, real_images):
        """The discriminator's logits for real images and, with a learned prior, the code head's mean guess."""
        view = self._discriminator_view(real_images)
        if not self._learns_prior():
            return self.discriminator(view, training=True), None
        real_logits, code_logits = self._logits_and_code_logits(view, training=True)
        real_usage = ops.mean(ops.softmax(code_logits), axis=0)  # (num_codes,): each category's share
        return real_logits, ops.stop_gradient(real_usage)

    def _logits_and_code_logits(self, view, training):
        """One pass of the discriminator's features: its logits (batch, 1) and the code head's (batch, num_codes)."""
        features = self.discriminator_features(view, training=training)
        return self.discriminator.layers[-1](features), self.code_head(features)

    def _update_prior(self, real_usage):
        """Move the generator's category prior towards each category's share of real digits, as the head sees them.

        The averaged generator's prior follows by averaging, like its other weights.
        """
        log_prior = self.code_layer.log_prior
        prior = PRIOR_MOMENTUM * ops.exp(log_prior) + (1.0 - PRIOR_MOMENTUM) * real_usage
        prior = ops.maximum(prior, PRIOR_FLOOR / self.num_codes)  # No category is starved for good.
        log_prior.assign(ops.log(prior / ops.sum(prior)))

    def _judge_fakes(self, fake_images, noise, training):
        """The discriminator's logits for fake images and, with categories, the code head's cross-entropy (else 0)."""
        view = self._discriminator_view(fake_images)
        if self.code_head is None:
            return self.discriminator(view, training=training), 0.0
        fake_logits, code_logits = self._logits_and_code_logits(view, training=training)
        categories = self.code_layer.categories(noise)
        code_loss = ops.mean(ops.sparse_categorical_crossentropy(categories, code_logits, from_logits=True))
        return fake_logits, code_loss

    def _update_average(self):
        """Move the averaged generator towards the generator; the decay warms up over the first steps."""
        step = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + step) / (10.0 + step))  # Early on, follow the generator closely.
        for average, weight in zip(self.averaged_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * weight)

    def _discriminator_view(self, images):
        """What the discriminator sees of `images`: shifted when `augment` > 0, plus instance noise."""
        if self.augmenter is not None:
            images = self.augmenter(images, training=True)
        return losses.add_instance_noise(images, self.instance_noise, seed=self.seed_generator)


def make_gan(
    model="fast",
    latent_dim=None,
    loss=losses.DEFAULT_LOSS,
    learning_rate=2e-4,
    beta_1=0.5,
    d_steps=1,
    label_smoothing=0.0,
    instance_noise=0.0,
    seed=config.DEFAULT_SEED,
    augment=0.0,
    codes=0,
    ema=0.0,
    learned_prior=False,
):
    """Build and compile a GAN from a `--model` pair name, with Adam for each network.

    Adam(2e-4, beta_1=0.5) is the DCGAN paper's setting (Radford et al., 2016).
    """
    latent_dim = latent_dim or config.default_latent_dim()
    generator_name, discriminator_name = models.model_pair(model)
    gan = GAN(
        models.build_generator(generator_name, latent_dim, num_codes=codes, learned_prior=learned_prior),
        models.build_discriminator(discriminator_name),
        latent_dim=latent_dim,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        loss=loss,
        d_steps=d_steps,
        label_smoothing=label_smoothing,
        instance_noise=instance_noise,
        augment=augment,
        ema=ema,
    )
    return gan

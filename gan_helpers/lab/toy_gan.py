"""The 2-D toy's networks and its GAN: small MLPs, each method's change, and the discriminator's decision surface."""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from gan_helpers import losses
from gan_helpers.lab.toy_data import (
    EXTENTS,
    check_method,
    check_samples,
    mode_centers,
    mode_std,
)

BASE_LOSS = {"ns": "ns", "wgan-gp": "wgan-gp"}  # Every other method is the minimax GAN with one change.

# One setting for every method, so that the table compares the fixes alone at an equal budget.
HIDDEN_LAYERS = 2  # Hidden layers of each network, as in the Unrolled GAN paper...
HIDDEN_UNITS = 128  # ...with 128 units each.
DEFAULT_BATCH_SIZE = 128  # Real and generated points per step.
DEFAULT_LATENT_DIM = 16  # Length of the generator's noise vector.
DEFAULT_D_LEARNING_RATE = 1e-3  # Adam (beta_1 = 0.5) for the discriminator...
DEFAULT_G_LEARNING_RATE = 3e-3  # ...and a faster generator, which chases the discriminator from mode to mode.
LEARNING_RATE_FLOOR = 0.05  # Both rates fall along a cosine to this fraction by the last step.
STEPS_PER_CALL = 100  # Training steps inside one compiled call, so Python stays out of the inner loop.
PACK = 2  # PacGAN2: points the discriminator judges together.
GROUP_SIZE = 4  # Minibatch standard deviation: points per group, as in ProGAN.
CRITIC_STEPS = 5  # WGAN-GP: critic updates per generator update.
GRADIENT_PENALTY_WEIGHT = 10.0  # WGAN-GP's lambda.
UNROLL_STEPS = 5  # Unrolled GAN: discriminator updates the generator looks ahead through.
SURFACE_RESOLUTION = 64  # Grid points per side of a decision surface.
CONTEXT_DRAWS = 16  # Partners each grid point is judged beside, for the discriminators that judge groups.


@keras.saving.register_keras_serializable(package="gan_helpers")
class MinibatchStd(layers.Layer):
    """Append one feature: how much the features vary within each group of `group_size` rows (ProGAN).

    Consecutive rows form a group. A collapsed generator makes groups with almost no spread, which
    the discriminator can then tell from groups of real points at once (Karras et al., 2018).
    """

    def __init__(self, group_size=GROUP_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, features):
        width = ops.shape(features)[-1]
        groups = ops.reshape(features, (-1, self.group_size, width))  # (batch, width) -> (groups, size, width)
        spread = ops.mean(ops.std(groups, axis=1), axis=-1, keepdims=True)  # (groups, 1)
        spread = ops.repeat(spread[:, None, :], self.group_size, axis=1)  # (groups, size, 1)
        return ops.concatenate([features, ops.reshape(spread, (-1, 1))], axis=-1)  # (batch, width + 1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


def build_generator(latent_dim=DEFAULT_LATENT_DIM):
    """An MLP from noise of shape (latent_dim,) to a point of shape (2,): 2 ReLU layers of 128, linear output."""
    model_layers = [keras.Input(shape=(latent_dim,))]
    model_layers += [layers.Dense(HIDDEN_UNITS, activation="relu") for _ in range(HIDDEN_LAYERS)]
    model_layers.append(layers.Dense(2))  # (batch, 2): a point in the plane.
    return keras.Sequential(model_layers, name="toy_generator")


def build_discriminator(method="vanilla"):
    """An MLP from points to one logit (2 LeakyReLU layers of 128), changed as `method` asks."""
    check_method(method)
    inputs = 2 * PACK if method == "pacgan" else 2  # PacGAN2 takes (batch / 2, 4): two points side by side.

    def dense(units):
        return layers.SpectralNormalization(layers.Dense(units)) if method == "spectral-norm" else layers.Dense(units)

    model_layers = [keras.Input(shape=(inputs,))]
    for index in range(HIDDEN_LAYERS):
        model_layers += [dense(HIDDEN_UNITS), layers.LeakyReLU(0.2)]
        if index == 0 and method == "minibatch-std":
            model_layers.append(MinibatchStd(GROUP_SIZE))  # (batch, 128) -> (batch, 129)
    model_layers.append(dense(1))  # One logit per point (per pair for PacGAN).
    return keras.Sequential(model_layers, name=f"toy_discriminator_{method.replace('-', '_')}")


def judged_together(discriminator):
    """How many consecutive points the discriminator judges as one: PacGAN's pack, or the spread feature's group."""
    for layer in discriminator.layers:
        if isinstance(layer, MinibatchStd):
            return layer.group_size
    return discriminator.input_shape[-1] // 2


def discriminator_view(points, discriminator):
    """Points of shape (batch, 2) as `discriminator` takes them: for PacGAN, (batch / 2, 4), pairs side by side."""
    pack = discriminator.input_shape[-1] // 2
    return ops.reshape(points, (-1, 2 * pack)) if pack > 1 else points


def decision_surface(discriminator, extent=EXTENTS["ring"], resolution=SURFACE_RESOLUTION, context=None):
    """D(x), the probability that x is real, on a resolution x resolution grid over [-extent, extent]^2.

    Row i is the i-th y from the bottom and column j the j-th x from the left: draw it with
    imshow(origin="lower"). A discriminator that judges several points together (PacGAN, the spread
    feature) judges each grid point beside points of `context` (say, the generator's samples),
    averaged over CONTEXT_DRAWS draws of them, or beside copies of itself when no context is given.
    """
    coordinates = np.linspace(-extent, extent, resolution, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(coordinates, coordinates)
    points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)[:, None, :]  # (resolution^2, 1, 2)
    together = judged_together(discriminator)
    if together == 1:
        groups = points[None]  # (1, resolution^2, 1, 2)
    elif context is None:
        groups = np.repeat(points, together, axis=1)[None]  # (1, resolution^2, together, 2)
    else:
        context = check_samples(context).astype(np.float32)
        partners = context[np.random.default_rng(0).integers(len(context), size=(CONTEXT_DRAWS, 1, together - 1))]
        groups = np.concatenate([np.broadcast_to(points, (CONTEXT_DRAWS, *points.shape)),
                                 np.broadcast_to(partners, (CONTEXT_DRAWS, len(points), together - 1, 2))], axis=2)
    # Each grid point leads its group; the logit of its own row is its score.
    logits = discriminator(discriminator_view(groups.reshape(-1, 2), discriminator), training=False)
    logits = ops.convert_to_numpy(logits).reshape(len(groups), len(points), -1)[:, :, 0]  # (draws, resolution^2)
    probabilities = (1.0 / (1.0 + np.exp(-logits))).mean(axis=0)
    return probabilities.reshape(resolution, resolution)



class ToyGAN:
    """The two networks of one method, their optimizers, and the training steps that `train` compiles."""

    def __init__(self, method, dataset, seed, steps, batch_size, latent_dim, d_learning_rate, g_learning_rate):
        self.method = method
        self.loss_name = BASE_LOSS.get(method, "minimax")
        self.critic_steps = CRITIC_STEPS if method == "wgan-gp" else 1
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.centers = tf.constant(mode_centers(dataset), tf.float32)
        self.std = mode_std(dataset)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.generator = build_generator(latent_dim)
        self.discriminator = build_discriminator(method)
        beta_2 = 0.9 if method == "wgan-gp" else 0.999  # WGAN-GP's own Adam setting.
        self.d_optimizer = keras.optimizers.Adam(
            cosine(d_learning_rate, steps * self.critic_steps), beta_1=0.5, beta_2=beta_2)
        self.g_optimizer = keras.optimizers.Adam(cosine(g_learning_rate, steps), beta_1=0.5, beta_2=beta_2)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def real_points(self):
        """A batch of real points, drawn inside the compiled step: (batch, 2)."""
        picks = keras.random.randint((self.batch_size,), 0, self.centers.shape[0], seed=self.seed_generator)
        offsets = keras.random.normal((self.batch_size, 2), stddev=self.std, seed=self.seed_generator)
        return ops.take(self.centers, picks, axis=0) + offsets

    def fake_points(self):
        """A batch of generated points: (batch, latent_dim) noise -> (batch, 2)."""
        noise = keras.random.normal((self.batch_size, self.latent_dim), seed=self.seed_generator)
        return self.generator(noise, training=True)

    def logits(self, points, weights=None, training=True):
        """The discriminator's logits for `points`, with its own weights or with the tensors `weights`."""
        view = discriminator_view(points, self.discriminator)
        if weights is None:
            return self.discriminator(view, training=training)
        logits, _ = self.discriminator.stateless_call(weights, self.discriminator.non_trainable_variables, view,
                                                      training=training)
        return logits

    def d_loss(self, real_points, fake_points, weights=None):
        """What the discriminator minimises; for WGAN-GP, with the gradient penalty on mixed points."""
        d_loss = losses.discriminator_loss(self.loss_name, self.logits(real_points, weights),
                                           self.logits(fake_points, weights))
        if self.method == "wgan-gp":
            alpha = keras.random.uniform((self.batch_size, 1), seed=self.seed_generator)  # One weight a point.
            d_loss += GRADIENT_PENALTY_WEIGHT * losses.gradient_penalty(self.logits, real_points, fake_points, alpha)
        return d_loss

    def d_step(self):
        """One discriminator update on a fresh real batch and a fresh generated one."""
        real_points = self.real_points()
        fake_points = ops.stop_gradient(self.fake_points())
        with tf.GradientTape() as tape:
            d_loss = self.d_loss(real_points, fake_points)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(d_loss, variables), variables)
        return d_loss

    def g_step(self):
        """One generator update; the unrolled GAN scores its points with the looked-ahead discriminator."""
        with tf.GradientTape() as tape:
            fake_points = self.fake_points()
            weights = self.unrolled_weights(fake_points) if self.method == "unrolled" else None
            g_loss = losses.generator_loss(self.loss_name, self.logits(fake_points, weights))
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(g_loss, variables), variables)
        return g_loss

    def unrolled_weights(self, fake_points):
        """The discriminator's weights UNROLL_STEPS Adam updates ahead, as tensors that depend on `fake_points`.

        The updates run under the generator's tape, so its gradient flows back through every one of
        them: the generator sees how the discriminator would answer its move (Metz et al., 2017).
        Each update is the one the discriminator's own Adam would make, from its running averages.
        """
        optimizer = self.d_optimizer
        weights = [tf.convert_to_tensor(variable.value) for variable in self.discriminator.trainable_variables]
        # Keras keeps Adam's running averages of the gradient and of its square in these two lists.
        momentums = [tf.convert_to_tensor(variable.value) for variable in optimizer._momentums]
        velocities = [tf.convert_to_tensor(variable.value) for variable in optimizer._velocities]
        learning_rate = ops.cast(optimizer.learning_rate, "float32")
        beta_1, beta_2 = optimizer.beta_1, optimizer.beta_2
        for ahead in range(1, UNROLL_STEPS + 1):
            real_points = self.real_points()
            with tf.GradientTape() as tape:
                tape.watch(weights)
                d_loss = self.d_loss(real_points, fake_points, weights)
            gradients = tape.gradient(d_loss, weights)
            step = ops.cast(optimizer.iterations + ahead, "float32")
            step_size = learning_rate * ops.sqrt(1.0 - beta_2**step) / (1.0 - beta_1**step)
            momentums = [beta_1 * momentum + (1.0 - beta_1) * gradient
                         for momentum, gradient in zip(momentums, gradients)]
            velocities = [beta_2 * velocity + (1.0 - beta_2) * ops.square(gradient)
                          for velocity, gradient in zip(velocities, gradients)]
            # A tiny floor under the square root keeps it differentiable where a velocity is 0.
            weights = [weight - step_size * momentum / (ops.sqrt(velocity + 1e-14) + optimizer.epsilon)
                       for weight, momentum, velocity in zip(weights, momentums, velocities)]
        return weights

    def train_steps(self, num_steps):
        """Run `num_steps` training steps in one loop (compiled by `train`); return each step's d_loss and g_loss."""
        d_losses = tf.TensorArray(tf.float32, size=num_steps)
        g_losses = tf.TensorArray(tf.float32, size=num_steps)
        for step in tf.range(num_steps):
            d_loss = self.d_step()
            for _ in range(self.critic_steps - 1):
                d_loss = self.d_step()
            d_losses = d_losses.write(step, d_loss)
            g_losses = g_losses.write(step, self.g_step())
        return d_losses.stack(), g_losses.stack()


def cosine(learning_rate, steps):
    """Adam's learning rate over a run: from `learning_rate` down a cosine to LEARNING_RATE_FLOOR of it."""
    return keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=LEARNING_RATE_FLOOR)





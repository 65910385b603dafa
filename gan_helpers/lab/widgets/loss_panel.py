"""The loss explorer of notebook 04_losses: every generator loss and its gradient at one output of the discriminator."""

import math

import numpy as np

from gan_helpers import losses
from gan_helpers.lab.widgets.base import Control, Explorer, Panel

LOGIT_RANGE = 6.0  # The slider runs over raw outputs from -6 to 6: D(G(z)) from 0.0025 to 0.9975.
CURVE_POINTS = 121  # Points per loss curve: a step of 0.1.



def loss_at(fake_logits, names=losses.LOSSES):
    """Each generator loss at a raw discriminator output on a fake, and its derivative there:
    {name: (g_loss, d g_loss / d output)}.

    `fake_logits` is one number (then each entry holds two floats) or a 1-D array (then two arrays
    of its length). Computed by losses.generator_loss and GradientTape, so it is the library's
    loss, not a copy. For minimax and ns the output is a logit and D(G(z)) = sigmoid(output).
    Introduced in notebook 04_losses.
    """
    import tensorflow as tf

    points = np.asarray(fake_logits, np.float32)
    if points.ndim > 1:
        raise ValueError(f"expected one raw output or a 1-D array of them, got shape {points.shape}")
    logits = tf.constant(points.reshape(-1, 1, 1))  # (N, 1, 1): N batches of one fake, whose mean is its own loss.
    results = {}
    for name in names:
        with tf.GradientTape() as tape:
            tape.watch(logits)
            g_losses = tf.map_fn(lambda batch, name=name: losses.generator_loss(name, batch), logits)  # (N,): one loss per fake
            total = tf.reduce_sum(g_losses)  # Each output's derivative is that of its own loss.
        gradients = tf.convert_to_tensor(tape.gradient(total, logits)).numpy().reshape(-1)  # (N,); dense even for N = 1
        g_losses = g_losses.numpy().astype(np.float64)
        results[name] = (
            (float(g_losses[0]), float(gradients[0])) if points.ndim == 0 else (g_losses, gradients.astype(np.float64))
        )
    return results


LOSS_COLORS = {"minimax": "tab:red", "ns": "tab:blue", "lsgan": "tab:green", "hinge": "tab:orange", "wgan-gp": "tab:purple"}


def plot_losses_at(fake_logit, curves, logits):
    """Every generator loss over the raw output, with each one's tangent at `fake_logit`, and the gradients there as bars."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 3.9), layout="constrained")
    curve_axes, bar_axes = figure.subplots(1, 2)
    point = loss_at(fake_logit, list(curves))
    for name, (values, _) in curves.items():
        style = "--" if name == "hinge" else "-"  # Hinge's generator loss is Wasserstein's: dashed over it.
        curve_axes.plot(logits, values, style, color=LOSS_COLORS[name], label=name)
        g_loss, gradient = point[name]
        reach = np.array([-0.8, 0.8])  # The tangent: the gradient is its slope.
        curve_axes.plot(fake_logit + reach, g_loss + gradient * reach, color=LOSS_COLORS[name], linewidth=3, alpha=0.5)
        curve_axes.plot(fake_logit, g_loss, "o", color=LOSS_COLORS[name])
    curve_axes.axvline(fake_logit, color="gray", linestyle=":", linewidth=1)
    curve_axes.set(xlabel="raw output of D on a fake (a logit for minimax and ns)", ylabel="g_loss", ylim=(-6.5, 7))
    curve_axes.set_title("Each generator loss, and its tangent where you are", fontsize=10)
    curve_axes.legend(fontsize=8, loc="upper right")
    names = list(point)
    gradients = [point[name][1] for name in names]
    bar_axes.barh(names, gradients, color=[LOSS_COLORS[name] for name in names])
    for index, gradient in enumerate(gradients):
        bar_axes.text(gradient, index, f" {gradient:+.3f} ", va="center", ha="right" if gradient < 0 else "left", fontsize=9)
    bar_axes.axvline(0, color="black", linewidth=0.8)
    bar_axes.set(xlim=(-LOGIT_RANGE - 1.5, LOGIT_RANGE - 0.5), xlabel="d g_loss / d output: below 0 pushes the output up")
    bar_axes.invert_yaxis()
    bar_axes.set_title("How hard each loss pushes this fake", fontsize=10)
    probability = 1.0 / (1.0 + math.exp(-fake_logit))
    figure.suptitle(
        f"raw output {fake_logit:+.1f}: for minimax and ns, D(G(z)) = sigmoid({fake_logit:+.1f}) = {probability:.4f}",
        fontsize=10,
    )
    return figure


def loss_explorer(names=losses.LOSSES):
    """A slider for the discriminator's raw output on a fake, and every generator loss and gradient there (notebook 04_losses)."""
    logits = np.linspace(-LOGIT_RANGE, LOGIT_RANGE, CURVE_POINTS)
    curves = loss_at(logits, names)  # Computed once: only the point moves.
    controls = {"fake_logit": Control("raw output D(G(z))", -4.0, -LOGIT_RANGE, LOGIT_RANGE, 0.1, readout=".1f")}

    def draw(fake_logit):
        return plot_losses_at(fake_logit, curves, logits)

    return Explorer([Panel("losses", "Where the discriminator puts a fake, and how hard each loss pushes it", draw, controls)])

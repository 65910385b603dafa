"""Run by tests/test_distribute.py in a fresh process: TensorFlow can split the CPU into logical
devices only before it first touches them.

Prints JSON: the per-step losses of the same training on one device and mirrored over two.
"""

import json
import sys

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402

from gan_helpers import codes, config, data, training, tricks  # noqa: E402

SETTINGS = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
STEPS = 10


class StepLosses(keras.callbacks.Callback):
    """Each step's d_loss and g_loss (fit reports running means; the step's own value is recovered from them)."""

    def __init__(self):
        super().__init__()
        self.means = {"d_loss": [], "g_loss": []}

    def on_train_batch_end(self, batch, logs=None):
        for name in self.means:
            self.means[name].append(float(logs[name]))

    def per_step(self, name):
        means = self.means[name]
        return [means[0]] + [(step + 1) * means[step] - step * means[step - 1] for step in range(1, len(means))]


def train(strategy):
    config.set_seed(7)
    with strategy.scope():
        gan = training.make_gan(latent_dim=32, learning_rate=1e-3, seed=7, **SETTINGS)
    images, _ = data.load_mnist("offline", max_images=64 * STEPS, verbose=False)
    recorder = StepLosses()
    gan.fit(data.make_dataset(images, 64, seed=0), epochs=1, verbose=0, callbacks=[recorder])
    averaged_moved = None
    average = gan.find_trick(tricks.AveragedGenerator) if isinstance(gan, tricks.TrickGAN) else None
    if average is not None:
        fresh = training.make_gan(latent_dim=32, seed=7, **SETTINGS).generator
        averaged_moved = any(
            float(tf.reduce_max(tf.abs(a - b))) > 0
            for a, b in zip(average.averaged_generator.trainable_weights, fresh.trainable_weights)
        )
    code_layer = codes.code_layer(gan.generator)
    prior_moved = (
        None if code_layer is None or code_layer.log_prior is None else float(tf.reduce_max(tf.abs(code_layer.log_prior))) > 0
    )
    return {
        "replicas": strategy.num_replicas_in_sync,
        "prior_moved": prior_moved,
        "d_loss": recorder.per_step("d_loss"),
        "g_loss": recorder.per_step("g_loss"),
        "averaged_moved": averaged_moved,
    }


one = train(tf.distribute.OneDeviceStrategy("/cpu:0"))
two = train(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
print(json.dumps({"one": one, "two": two}))

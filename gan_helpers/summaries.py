"""Short, reproducible summaries of a Keras model: each layer's kind, output shape and parameters.

Introduced in notebook 02_generator. Unlike `model.summary()`, these name each layer by its class
("Dense", "Conv2DTranspose") rather than by an automatic name such as "dense_7", which depends on
how many layers were built before; so the same model always prints the same text.
"""

import keras


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a keras.Model, got {type(model).__name__}")
    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet: give it an Input or call it on a batch first")


def layer_rows(model):
    """Return one (layer class name, output shape without the batch axis, parameter count) per layer."""
    _check_model(model)
    return [(layer.__class__.__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]


def params_by_kind(model):
    """Return {layer class name: parameter count} summed over the layers of `model`, in first-seen order."""
    totals = {}
    for kind, _, params in layer_rows(model):
        totals[kind] = totals.get(kind, 0) + params
    return totals


def layer_table(model, title=None):
    """Return the rows of `layer_rows(model)` as an aligned text table ending in a total line."""
    rows = [(kind, str(shape), f"{params:,}") for kind, shape, params in layer_rows(model)]
    header = ("layer", "output shape", "parameters")
    total = ("total", "", f"{model.count_params():,}")
    widths = [max(len(row[column]) for row in [header, *rows, total]) for column in range(3)]

    def line(row):
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}".rstrip()

    rule = "-" * (sum(widths) + 4)
    lines = ([title] if title else []) + [line(header), rule] + [line(row) for row in rows] + [rule, line(total)]
    return "\n".join(lines)

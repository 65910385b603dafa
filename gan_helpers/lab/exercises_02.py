"""Checks for the exercises of notebook 02_generator.

Each check prints "Correct: ..." or "Not yet: <hint>" and returns True or False. None of them
raises on a wrong answer, so a notebook with an unfinished exercise still runs from top to bottom.
"""

from gan_helpers import checks
from gan_helpers.lab import checking

# (input_size, kernel_size, strides, padding): the DCGAN generator's own layers first, then others.
TRANSPOSED_CASES = [
    (7, 5, 2, "same"),
    (14, 5, 2, "same"),
    (7, 5, 1, "same"),
    (7, 4, 2, "same"),
    (3, 3, 3, "same"),
    (2, 3, 2, "valid"),
    (7, 4, 2, "valid"),
    (7, 5, 2, "valid"),
    (14, 5, 1, "valid"),
    (4, 2, 2, "valid"),
]
DENSE_UNITS = 7 * 7 * 256  # The DCGAN generator's first layer: enough numbers for a 7x7x256 block.
LATENT_DIMS = (100, 64, 2, 128)


def transposed_output_size(input_size, kernel_size, strides, padding):
    """Reference answer: the height (or width) a Keras Conv2DTranspose outputs, with output_padding=None."""
    if padding == "same":
        return input_size * strides
    return (input_size - 1) * strides + max(kernel_size, strides)






def check_transposed_output_size(function):
    """Exercise 1: check a function (input_size, kernel_size, strides, padding) -> output size against Keras's rule."""
    if not callable(function):
        print(
            "Not yet: pass the function itself, e.g. check_transposed_output_size(transposed_output_size), "
            f"not {type(function).__name__}."
        )
        return False
    for input_size, kernel_size, strides, padding in TRANSPOSED_CASES:
        expected = transposed_output_size(input_size, kernel_size, strides, padding)
        answer, problem = checking.call(function, input_size, kernel_size, strides, padding)
        case = f"input {input_size}, kernel {kernel_size}, strides {strides}, padding {padding!r}"
        if problem:
            print(f"Not yet: for {case}, {problem}.")
            return False
        if not checks.is_whole_number(answer):
            print(f"Not yet: for {case} it returned {answer!r}; return a whole number of pixels (an int).")
            return False
        if answer == expected:
            continue
        if padding == "same":
            hint = "with padding='same', Keras crops the output to exactly input_size * strides, whatever the kernel."
        elif answer == input_size * strides:
            hint = (
                "with padding='valid' nothing is cropped: the last stamp still sticks out by the kernel "
                "beyond the last stride."
            )
        else:
            hint = (
                "with padding='valid', the n stamps start `strides` apart, at 0, s, ..., (n - 1) * s, "
                "and each is kernel_size wide."
            )
        print(f"Not yet: for {case} Keras gives {expected}, yours gives {answer}: {hint}")
        return False
    print(
        "Correct: with padding='same' a stride-2 layer exactly doubles the size (7 -> 14 -> 28), "
        "which is why the generators start from a 7x7 block."
    )
    return True


def check_dense_params(function):
    """Exercise 2: check a function latent_dim -> parameters of Dense(7*7*256, use_bias=False) on latent_dim inputs."""
    if not callable(function):
        print(f"Not yet: pass the function itself, e.g. check_dense_params(dense_params), not {type(function).__name__}.")
        return False
    for latent_dim in LATENT_DIMS:
        expected = latent_dim * DENSE_UNITS
        answer, problem = checking.call(function, latent_dim)
        if problem:
            print(f"Not yet: for latent_dim={latent_dim}, {problem}.")
            return False
        if not checks.is_whole_number(answer):
            print(f"Not yet: for latent_dim={latent_dim} it returned {answer!r}; a parameter count is an int.")
            return False
        if answer == expected:
            continue
        if answer == expected + DENSE_UNITS:
            hint = "that includes one bias per unit, but use_bias=False leaves them out (BatchNorm's beta does their job)."
        elif answer in (DENSE_UNITS, latent_dim + DENSE_UNITS):
            hint = "the weights form a matrix: every one of the 7*7*256 units has one weight per input number."
        else:
            hint = "count one weight for each (input, unit) pair: latent_dim inputs times 7*7*256 units."
        print(f"Not yet: for latent_dim={latent_dim} the layer has {expected:,} parameters, yours says {answer:,}: {hint}")
        return False
    print(
        f"Correct: at latent_dim=100 that first layer holds {100 * DENSE_UNITS:,} of the DCGAN generator's "
        "2,330,944 parameters, more than half."
    )
    return True


def taps_per_position(kernel_size, strides, length=16):
    """How many kernel taps land on each output position of a 1-D transposed convolution (away from the edges)."""
    counts = [0] * (length * strides + kernel_size)
    for start in range(0, length * strides, strides):
        for offset in range(kernel_size):
            counts[start + offset] += 1
    return counts[kernel_size:length * strides]  # Skip both edges, where fewer stamps reach.


def check_kernel_size(kernel_size, strides=2):
    """Exercise 3: check that `kernel_size` makes a stride-`strides` Conv2DTranspose overlap evenly (no checkerboard)."""
    if not checks.is_whole_number(kernel_size) or kernel_size < 1:
        print(f"Not yet: kernel_size should be a positive whole number such as 3, got {kernel_size!r}.")
        return False
    counts = sorted(set(taps_per_position(kernel_size, strides)))
    if kernel_size < strides:
        print(
            f"Not yet: a kernel of {kernel_size} with stride {strides} leaves gaps: some output pixels get no input "
            "at all. Make the kernel at least as wide as the stride."
        )
        return False
    if len(counts) > 1:
        print(
            f"Not yet: with kernel {kernel_size} and stride {strides}, output pixels get {' or '.join(map(str, counts))} "
            "taps in turn, which paints the checkerboard. Pick a kernel size that the stride divides exactly."
        )
        return False
    print(
        f"Correct: kernel {kernel_size} with stride {strides} gives every output pixel the same number of taps "
        f"({counts[0]} per axis), so no grid is painted brighter; the course's `fast` generator uses kernel 4 for this reason."
    )
    return True

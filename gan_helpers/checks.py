"""The argument checks the package shares: each returns the value or raises ValueError with a line that names it."""

import math
import numbers


def is_whole_number(value):
    """True for an integer (NumPy's too), False for a bool or anything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def whole_number(name, value, low=1, high=None, expected=None):
    """`value` when it is a whole number from `low` to `high` (no limit when None); ValueError otherwise."""
    if not is_whole_number(value) or value < low or (high is not None and value > high):
        if expected is None:
            expected = {1: "a positive integer", 0: "an integer >= 0"}.get(low, f"an integer >= {low}")
            if high is not None:
                expected = f"an integer from {low} to {high}"
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return int(value)


def positive_int(name, value):
    """`value` when it is an integer >= 1; ValueError naming `name` otherwise."""
    return whole_number(name, value, 1)


def positive_number(name, value):
    """`value` as a float when it is a finite number above 0; ValueError naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)

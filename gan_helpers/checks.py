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


def digits(value):
    """`value` as a tuple of digits from 0 to 9: one digit, or a non-empty sequence of them; ValueError otherwise."""
    values = (value,) if is_whole_number(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = ()
    if not values or not all(is_whole_number(digit) and 0 <= digit <= 9 for digit in values):
        raise ValueError(f"expected a digit from 0 to 9 or a list of them, got {value!r}")
    return tuple(int(digit) for digit in values)


def positive_number(name, value):
    """`value` as a float when it is a finite number above 0; ValueError naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def rule(expected, passes, convert=lambda value: value):
    """A check for one kind of value: call it with a value to get the value back or a ValueError.

    `expected` says in words what passes (the command line's help and errors show it); `passes(value)`
    tells whether a value does; `convert` turns a passing value into the stored one.
    """

    def check(value):
        if not passes(value):
            raise ValueError(f"expected {expected}, got {value!r}")
        return convert(value)

    check.expected = expected
    return check


def is_finite_number(value):
    """True for an int or float (NumPy's too) that is finite, False for a bool, NaN, infinity or anything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def accepts_whole_number(minimum, maximum=None):
    """A check: a whole number from `minimum` up to `maximum` (inclusive, when given)."""
    expected = f"a whole number >= {minimum}" if maximum is None else f"a whole number from {minimum} to {maximum:,}"
    return rule(
        expected, lambda value: is_whole_number(value) and minimum <= value and (maximum is None or value <= maximum), int
    )


def accepts_number(low, high=math.inf, high_included=False):
    """A check: a finite number from `low` (included) up to `high` (included only when `high_included`)."""
    if high == math.inf:
        expected = f"a number >= {low:g}"
    else:
        expected = f"a number in [{low:g}, {high:g}{']' if high_included else ')'}"

    def passes(value):
        return is_finite_number(value) and (low <= value <= high if high_included else low <= value < high)

    return rule(expected, passes, float)


def accepts_positive_number():
    """A check: a finite number above 0."""
    return rule("a positive number", lambda value: is_finite_number(value) and value > 0, float)


def accepts_one_of(choices):
    """A check: one of the strings in `choices`."""
    check = rule("one of: " + ", ".join(choices), lambda value: isinstance(value, str) and value in choices)
    check.choices = tuple(choices)
    return check


def accepts_text():
    """A check: a non-empty string."""
    return rule("a non-empty string", lambda value: isinstance(value, str) and bool(value))


def read(check, kind, text):
    """Read a value of type `kind` from command-line `text` and check it; ValueError says what was expected."""
    try:
        return check(kind(text))
    except ValueError:
        raise ValueError(f"expected {check.expected}, got {text!r}") from None

"""Maintainer tools, run from a checkout (python -m tools.NAME); not installed with gan_helpers."""

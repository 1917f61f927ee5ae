"""Hamafza: an open-innovation platform connecting city needs with local solvers."""

__version__ = "0.1.0"

"""library: a trilingual content library with a translation workflow."""

__version__ = "0.1.0"

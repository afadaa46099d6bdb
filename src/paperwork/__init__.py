"""paperwork: signed-ready Vietnamese administrative documents and their archive."""

__version__ = "0.1.0"

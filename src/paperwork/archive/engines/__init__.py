"""The search engines behind archive/index.py: each module imports its engine's package."""

"""api-claude: a thin, typed client for the Anthropic Claude API."""

__version__ = "0.1.0"

__all__ = ["__version__"]

"""lianjian (联建): a knowledge graph of Chinese grassroots party-building joint building."""

__version__ = "0.1.0"

from lianjian.errors import LianjianError, DataError, UsageError  # noqa: E402

__all__ = ["LianjianError", "DataError", "UsageError", "__version__"]

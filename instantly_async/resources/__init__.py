"""The API's resources, reached as ``client.campaigns`` and ``client.subsequences``."""

from ._campaigns import Campaigns
from ._subsequences import Subsequences

__all__ = ["Campaigns", "Subsequences"]

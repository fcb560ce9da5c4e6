"""The public registry of Safe Surgeries: the list, the map, the stats, the embeddable map and the open data API."""

from .api import api_bp
from .views import bp

__all__ = ["api_bp", "bp"]

"""The site's general pages."""

from .views import bp

__all__ = ["bp"]

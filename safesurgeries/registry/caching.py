"""HTTP caching for public reads: an ETag on every 200, Cache-Control, and 304 for a matching If-None-Match."""

from flask import Response, request

PAGE_MAX_AGE = 60  # seconds; a new listing shows on the pages within a minute
API_MAX_AGE = 300  # open data clients poll; five minutes keeps them cheap


def make_cacheable(response: Response, max_age: int) -> Response:
    """Add validators to a successful GET; answer 304 when the client already has this version."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.is_streamed:
        return response
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if not response.get_etag()[0]:
        response.add_etag()  # a hash of the body, so equal bodies share one tag across workers
    return response.make_conditional(request)

"""The production entry point: `gunicorn -c gunicorn.conf.py` (which names safesurgeries.wsgi:app).

Each gunicorn worker imports this module, so each builds its own app; with RENDER_WARM_UP on, the worker
waits here until its renderer is warm, before it takes its first request.
"""

from . import create_app
from .toolkit.service import wait_until_warm

app = create_app()
wait_until_warm(app)

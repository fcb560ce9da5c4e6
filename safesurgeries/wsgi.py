"""The production entry point: `gunicorn -c gunicorn.conf.py` (which names safesurgeries.wsgi:app).

Each gunicorn worker imports this module, so each builds its own app, and works out the installed fonts and
the PDF store's key fingerprints before it takes its first request (toolkits are made by `safesurgeries worker`).
"""

from . import create_app
from .toolkit.service import warm_up_lookups

app = create_app()
warm_up_lookups()

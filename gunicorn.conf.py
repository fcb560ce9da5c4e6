"""gunicorn settings for Safe Surgeries: `.venv/bin/gunicorn -c gunicorn.conf.py`.

Any of these can be overridden on the command line (`--bind 0.0.0.0:8000`) or in GUNICORN_CMD_ARGS.
"""

import os

# Production defaults for the toolkit renderer, unless the environment says otherwise: a warm render
# process beside each worker (a render that dies or hangs is a 503, not a lost worker), warmed before the
# worker takes requests.
os.environ.setdefault("SAFESURGERIES_RENDER_PROCESS", "true")
os.environ.setdefault("SAFESURGERIES_RENDER_WARM_UP", "true")

wsgi_app = "safesurgeries.wsgi:app"
bind = "127.0.0.1:8000"
workers = 2
# Threads, so that map and list requests are answered while threads wait for their toolkits from the
# render process (a waiting thread costs little: the rendering happens in that process).
worker_class = "gthread"
threads = 16
# Warming up (a sample toolkit) must finish within this. gthread workers keep answering their heartbeat while
# request threads wait, so a long toolkit (SAFESURGERIES_RENDER_TIMEOUT, 180 s) does not trip it.
timeout = 120
graceful_timeout = 30
keepalive = 5

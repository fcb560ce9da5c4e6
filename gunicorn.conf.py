"""gunicorn settings for Safe Surgeries: `.venv/bin/gunicorn -c gunicorn.conf.py`.

Any of these can be overridden on the command line (`--bind 0.0.0.0:8000`) or in GUNICORN_CMD_ARGS.
"""

wsgi_app = "safesurgeries.wsgi:app"
bind = "127.0.0.1:8000"
workers = 2
# Threads, so that map and list requests are answered while threads wait (a few seconds at most,
# SAFESURGERIES_TOOLKIT_WAIT_SECONDS) for toolkits that `safesurgeries worker` processes make.
worker_class = "gthread"
threads = 16
# Without a job queue (SAFESURGERIES_QUEUE_URL unset) toolkits render in the request: gthread workers keep
# answering their heartbeat while request threads render, so a long toolkit does not trip this.
timeout = 120
graceful_timeout = 30
keepalive = 5

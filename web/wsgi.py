"""WSGI entry point for gunicorn: `gunicorn web.wsgi:app`."""
import sys

from web import create_app

APP_LOAD_ERROR = 4  # gunicorn stops every worker and exits when one exits with this code

try:
    app = create_app()
except RuntimeError as exc:  # a configuration refused (e.g. SECRET_KEY): say it, no traceback
    print(exc, file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)

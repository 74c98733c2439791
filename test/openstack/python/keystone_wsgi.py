"""gunicorn module for Keystone: `gunicorn keystone_wsgi:application`.

Keystone parses sys.argv with oslo.config when it builds the application, and would
choke on gunicorn's own flags; the configuration comes from OS_KEYSTONE_CONFIG_FILES.
"""
import sys

sys.argv = sys.argv[:1]

from keystone.server.wsgi import initialize_public_application  # noqa: E402

application = initialize_public_application()

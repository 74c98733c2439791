"""Creates a Keystone database and bootstraps it, in one interpreter.

keystone_prepare.py CONFIG_FILE PUBLIC_URL   (OS_BOOTSTRAP_PASSWORD in the environment)

Equivalent to `keystone-manage db_sync` then `keystone-manage bootstrap`, but importing
keystone once (about 3 s) instead of twice. Bootstrap makes the default domain, the
admin project and user, roles admin > member > reader, region RegionOne and the
identity endpoints; admin gets admin on the project and on the system.
"""
import sqlite3
import sys

from keystone.cmd import cli
from keystone.conf import CONF

config_file, public_url = sys.argv[1], sys.argv[2]
manage = ["keystone-manage", "--config-file", config_file]

cli.main(argv=manage + ["db_sync"])
# Zed on sqlite: without WAL a connection leaked by the federation code holds a read
# lock and the next write waits 5 s, then fails with 500 "database is locked".
if CONF.database.connection.startswith("sqlite:///"):
    database = CONF.database.connection.removeprefix("sqlite:///").split("?")[0]
    sqlite3.connect(database).execute("PRAGMA journal_mode=WAL").fetchall()

CONF.clear()
cli.main(argv=manage + [
    "bootstrap",
    "--bootstrap-region-id", "RegionOne",
    "--bootstrap-public-url", public_url,
    "--bootstrap-internal-url", public_url,
    "--bootstrap-admin-url", public_url,
])

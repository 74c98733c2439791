"""Creates neutron's sqlite schema: neutron_prepare.py CONFIG_FILE DATABASE_URL.

Neutron's alembic migrations do not run on sqlite (ALTER TABLE), so the schema is
made from the models of the head revision, then stamped as `heads` the way
`neutron-db-manage stamp heads` does, so neutron-server accepts it as current.
"""
import sys

import sqlalchemy
from neutron.db.migration import cli
from neutron.db.migration.models import head

config_file, database_url = sys.argv[1], sys.argv[2]
head.get_metadata().create_all(sqlalchemy.create_engine(database_url))
sys.argv = ["neutron-db-manage", "--config-file", config_file, "stamp", "heads"]
cli.main()

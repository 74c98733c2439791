"""Creates nova's databases and cells, in one interpreter.

nova_prepare.py CONFIG_FILE CELL0_URL CELL1_URL TRANSPORT_URL

Equivalent to `nova-manage api_db sync`, `cell_v2 map_cell0`, `cell_v2 create_cell
--name cell1` and `db sync` (which also syncs cell0), but importing nova and parsing
its configuration once instead of four times (about 4 s each). nova-manage's own
main() cannot run twice in one process: its database factories start only once.
"""
import sys

from nova import config, objects
from nova.cmd import manage

config_file, cell0_url, cell1_url, transport_url = sys.argv[1:5]

sys.argv = ["nova-manage", "--config-file", config_file, "api_db", "sync"]
manage.CONF.register_cli_opts([manage.category_opt, manage.post_mortem_opt])
config.parse_args(sys.argv)
manage.logging.setup(manage.CONF, "nova")
objects.register_all()

manage.ApiDbCommands().sync()
cells = manage.CellV2Commands()
for status in (
    cells.map_cell0(database_connection=cell0_url),
    cells.create_cell(name="cell1", database_connection=cell1_url, transport_url=transport_url),
):
    if status:
        sys.exit(f"nova-manage cell_v2 failed with status {status}")
manage.DbCommands().sync()

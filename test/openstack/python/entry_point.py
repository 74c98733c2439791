"""Runs a console_scripts entry point: entry_point.py NAME [ARGS...].

Debian's python3-* OpenStack library packages install no console scripts
(keystone-manage, nova-api, ...); the service packages that do would also start
system daemons. This runs the same entry point from the installed metadata.
"""
import sys
from importlib.metadata import entry_points

name = sys.argv[1]
sys.argv = [name] + sys.argv[2:]
matches = [e for e in entry_points(group="console_scripts") if e.name == name]
if not matches:
    sys.exit(f"no console_scripts entry point named {name!r}: is its python3-* package installed?")
sys.exit(matches[0].load()())

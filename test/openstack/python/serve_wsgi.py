"""Serves a wsgi_scripts entry point on 127.0.0.1: serve_wsgi.py NAME PORT.

Used for placement-api, which Debian ships only as a library. A threaded wsgiref
server is enough for one nova-compute and the tests.
"""
import socketserver
import sys
from importlib.metadata import entry_points
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

name, port = sys.argv[1], int(sys.argv[2])
sys.argv = [name]


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


matches = [e for e in entry_points(group="wsgi_scripts") if e.name == name]
if not matches:
    sys.exit(f"no wsgi_scripts entry point named {name!r}: is its python3-* package installed?")
app = matches[0].load()()
server = make_server("127.0.0.1", port, app, server_class=ThreadedServer, handler_class=QuietHandler)
print(f"serving {name} on 127.0.0.1:{port}", flush=True)
server.serve_forever()

"""A small JSON API for tests/Checks.Tests.ps1 (python3 stdlib only).

Listens on 127.0.0.1 at the port given as the first argument (0 for any free one), prints the port on
its first line of output, and serves until it is killed. HTTP/1.1 with keep-alive: every answer has a
Content-Length. Routes:
  /ok           200 {"status":"ok", ...} with an ETag header
  /error        200 {"status":"error"}
  /mixed/<i>    200 {"status":"error"} when i % 4 == 0, else {"status":"ok"}
  /status/<c>   status c with {"status":"ok"}
  /text         200 text/plain "hello world"
  /notjson      200 text/html "<html>...</html>" (labelled as JSON)
  /big          200 a JSON document of about 20 KB whose "status" comes last
every answer carries X-Api-Version: 2.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = {
    "status": "ok",
    "id": 42,
    "price": 9.5,
    "name": "Ada",
    "tags": ["a", "b"],
    "a/b": 1,
    "m~n": 2,
    "nested": {"x": None, "flag": True, "list": [{"id": 7}]},
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, body, content_type="application/json", extra=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Api-Version", "2")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if path == "/ok":
            self.answer(200, json.dumps(OK), extra=[("ETag", '"v1"')])
        elif path == "/error":
            self.answer(200, json.dumps({"status": "error"}))
        elif parts[0] == "mixed" and len(parts) == 2 and parts[1].isdigit():
            status = "error" if int(parts[1]) % 4 == 0 else "ok"
            self.answer(200, json.dumps({"status": status}))
        elif parts[0] == "status" and len(parts) == 2 and parts[1].isdigit():
            self.answer(int(parts[1]), json.dumps({"status": "ok"}))
        elif path == "/text":
            self.answer(200, "hello world", "text/plain; charset=utf-8")
        elif path == "/notjson":
            self.answer(200, "<html>\n  <body>Service   unavailable</body>\n</html>")
        elif path == "/big":
            self.answer(200, json.dumps({"filler": "x" * 20000, "status": "ok"}))
        else:
            self.answer(404, json.dumps({"status": "not found"}))


class Server(ThreadingHTTPServer):
    # The default backlog of 5 overflows when 64 connections open at once, and connections left in the
    # overflowed queue hang until the client's timeout.
    request_queue_size = 1024
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()

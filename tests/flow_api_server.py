"""A token-protected JSON API for the flow tests: log in, create an item, read it back.

POST /login {"user": U}          -> 200 {"token": "tok-U"} and Set-Cookie: session=s-U (401 for users starting "bad")
POST /items {"name": N}          -> 201 Location: /items/K, {"id": K, "owner": U}  (needs Bearer tok-U and cookie session=s-U)
GET  /items/K                    -> 200 {"id": K, "owner": U, "name": N}            (needs Bearer tok-U; 404 if unknown)
GET  /stats                      -> what the server received, per route, and every mismatch it saw
Run: python3 flow_api_server.py PORT; prints "ready PORT" once it listens on 127.0.0.1.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
items = {}
stats = {"login": 0, "create": 0, "read": 0, "bad_token": 0, "bad_cookie": 0, "owner_mismatch": 0, "users": {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {}

    def user(self):
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer tok-"):
            with lock:
                stats["bad_token"] += 1
            return None
        return auth[len("Bearer tok-"):]

    def cookie_ok(self, user):
        cookies = dict(part.strip().split("=", 1) for part in (self.headers.get("Cookie") or "").split(";") if "=" in part)
        if cookies.get("session") != "s-" + user:
            with lock:
                stats["bad_cookie"] += 1
            return False
        return True

    def do_POST(self):
        if self.path == "/login":
            user = str(self.body().get("user", ""))
            with lock:
                stats["login"] += 1
                stats["users"][user] = stats["users"].get(user, 0) + 1
            if not user or user.startswith("bad"):
                return self.reply(401, {"error": "unknown user"})
            return self.reply(200, {"token": "tok-" + user}, {"Set-Cookie": "session=s-" + user + "; Path=/"})
        if self.path == "/items":
            user = self.user()
            if user is None:
                return self.reply(401, {"error": "no token"})
            if not self.cookie_ok(user):
                return self.reply(403, {"error": "no session"})
            name = str(self.body().get("name", ""))
            with lock:
                stats["create"] += 1
                key = len(items) + 1
                items[key] = {"id": key, "owner": user, "name": name}
            return self.reply(201, {"id": key, "owner": user}, {"Location": "/items/%d" % key})
        self.reply(404, {"error": "no route"})

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                return self.reply(200, stats)
        if self.path.startswith("/items/"):
            user = self.user()
            if user is None:
                return self.reply(401, {"error": "no token"})
            with lock:
                stats["read"] += 1
                item = items.get(int(self.path.rsplit("/", 1)[1] or 0))
            if item is None:
                return self.reply(404, {"error": "no item"})
            if item["owner"] != user:
                with lock:
                    stats["owner_mismatch"] += 1
            return self.reply(200, item)
        self.reply(404, {"error": "no route"})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("ready", server.server_address[1], flush=True)
    server.serve_forever()

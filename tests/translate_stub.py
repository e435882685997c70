"""A LibreTranslate-compatible HTTP server on loopback: answers "[target] text"; "boom" gets a 500."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Translator(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(body)
        if body["q"] == "boom":
            self.send_response(500)
            self.end_headers()
            return
        answer = json.dumps({"translatedText": f"[{body['target']}] {body['q']}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def server():
    server = HTTPServer(("127.0.0.1", 0), Translator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

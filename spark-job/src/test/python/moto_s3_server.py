"""An S3-compatible server for the S3 tests: moto's server, bound where the test says, and optionally
unreliable the way S3 is at scale.

Usage: python3 moto_s3_server.py -H 127.0.0.1 -p PORT [--faults 503=0.08,drop=0.03,slow=0.05 --seed 7
                                                       --fault-log FILE]

werkzeug answers "Expect: 100-continue" itself; Python's http.server answering too sends two
"100 Continue" lines, and the AWS SDK v2 (used by Hadoop's S3A) takes the second as the final
status of a PUT. So http.server's own answer is switched off.

With --faults, that share of requests (after the bucket exists) is answered with 503 SlowDown, or has
its connection closed without an answer, or waits a second before moto answers; each injected fault is
one line in --fault-log ("503 PUT /bucket/key"), so a test can say how many it survived.
"""
import argparse
import http.server
import os
import random
import socket
import sys
import threading
import time

http.server.BaseHTTPRequestHandler.handle_expect_100 = lambda self: True

from moto.server import DomainDispatcherApplication, create_backend_app  # noqa: E402
from werkzeug.serving import run_simple  # noqa: E402

SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
             b'<Message>Please reduce your request rate.</Message><RequestId>injected</RequestId></Error>')


class Unreliable:
    """WSGI middleware: a seeded share of requests fails as S3 fails under load."""

    def __init__(self, app, rates, seed, log):
        self.app = app
        self.rates = rates
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.log = log

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        # Creating the bucket is the test's own set-up, not the system under test.
        if method == "PUT" and path.strip("/").count("/") == 0:
            return self.app(environ, start_response)
        with self.lock:
            r = self.random.random()
        fault = None
        edge = 0.0
        for kind in ("503", "drop", "slow"):
            edge += self.rates.get(kind, 0.0)
            if r < edge:
                fault = kind
                break
        if fault:
            with self.lock, open(self.log, "a") as f:
                f.write(f"{fault} {method} {path}\n")
        if fault == "503":
            start_response("503 Slow Down", [("Content-Type", "application/xml"),
                                             ("Content-Length", str(len(SLOW_DOWN)))])
            return [SLOW_DOWN]
        if fault == "drop":
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            return []
        if fault == "slow":
            time.sleep(1.0)
        return self.app(environ, start_response)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    parser.add_argument("--faults", default="", help="e.g. 503=0.08,drop=0.03,slow=0.05")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fault-log", default="faults.log")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
    if args.faults:
        rates = {k: float(v) for k, v in (item.split("=") for item in args.faults.split(","))}
        app = Unreliable(app, rates, args.seed, args.fault_log)
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main(sys.argv[1:])

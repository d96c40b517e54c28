"""An S3-compatible server for the S3 tests: moto's server, bound where the test says.

Usage: python3 moto_s3_server.py -H 127.0.0.1 -p PORT

werkzeug answers "Expect: 100-continue" itself; Python's http.server answering too sends two
"100 Continue" lines, and the AWS SDK v2 (used by Hadoop's S3A) takes the second as the final
status of a PUT. So http.server's own answer is switched off.
"""
import http.server
import sys

http.server.BaseHTTPRequestHandler.handle_expect_100 = lambda self: True

from moto.server import main  # noqa: E402  (after the patch, so moto's handler inherits it)

if __name__ == "__main__":
    main(sys.argv[1:])

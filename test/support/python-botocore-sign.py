#!/usr/bin/python3
"""Sign one HTTP request with botocore's SigV4Auth: the independent SigV4 implementation our tests compare with.

Run with Debian's interpreter (/usr/bin/python3, package python3-botocore). Reads one JSON object on stdin:
  {"method", "url", "headers": {name: value}, "body_base64", "access_key", "secret_key", "token" (optional),
   "region", "service", "timestamp": "YYYYMMDDTHHMMSSZ"}
and prints {"headers": {...every header after signing...}, "canonical_request": "..."} on stdout.

botocore reads the signing time from datetime.datetime.utcnow(); the shim below pins it to `timestamp`, so the
same request signed by ampgate at the same instant must give the same Authorization header.
"""
import base64
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
fixed = datetime.datetime.strptime(spec["timestamp"], "%Y%m%dT%H%M%SZ")


class _PinnedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return fixed


class _DatetimeModule:
    datetime = _PinnedDatetime


botocore.auth.datetime = _DatetimeModule

body = base64.b64decode(spec["body_base64"])
request = AWSRequest(method=spec["method"], url=spec["url"], headers=dict(spec["headers"]), data=body)
credentials = Credentials(spec["access_key"], spec["secret_key"], spec.get("token"))
signer = botocore.auth.SigV4Auth(credentials, spec["service"], spec["region"])
captured = {}
_canonical_request = signer.canonical_request


def _capture(req):
    captured["canonical_request"] = _canonical_request(req)
    return captured["canonical_request"]


signer.canonical_request = _capture
signer.add_auth(request)
json.dump(
    {
        "headers": {name.lower(): value for name, value in request.headers.items()},
        "canonical_request": captured["canonical_request"],
    },
    sys.stdout,
)

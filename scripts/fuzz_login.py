"""Waits for a freshly started local stack, registers the fuzzer's account (or finds it
registered already) and prints a new access token for it. Standard library only."""

import json
import sys
import time
import urllib.error
import urllib.request

base = sys.argv[1]


def post(path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read() or b"null")


credentials = {"email": "fuzzer@example.com", "password": "fuzzing is fun 123"}
deadline = time.monotonic() + 60
while True:
    try:
        post(
            "/v1/accounts",
            {
                **credentials,
                "display_name": "Fuzzer",
                "date_of_birth": "1990-01-01",
                "country": "DE",
                "native_languages": ["de"],
                "learning_languages": ["en"],
                "accepted_terms_version": "2026-11-01",
            },
        )
        break
    except urllib.error.HTTPError as error:
        if error.code != 409:  # 409: registered by an earlier call
            raise
        break
    except urllib.error.URLError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
status, tokens = post("/v1/sessions", credentials)
assert status == 200, status
print(tokens["access_token"])

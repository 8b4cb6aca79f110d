"""The image's HEALTHCHECK: exit 0 when GET /healthcheck answers 200, else 1. Standard library only."""

import os
import sys
import urllib.error
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthcheck"
try:
    with urllib.request.urlopen(url, timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError) as e:
    print(f"unhealthy: {url}: {e}", file=sys.stderr)
    sys.exit(1)

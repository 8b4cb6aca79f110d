import sys

from .config import Config
from .server import serve

sys.exit(serve(Config.from_env()))

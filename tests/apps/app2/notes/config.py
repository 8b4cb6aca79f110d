"""Settings from the environment, read once at start."""

import os
from dataclasses import dataclass

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Config:
    host: str = "0.0.0.0"
    port: int = 8000
    version: str = "dev"
    db_host: str = "postgres"
    db_port: int = 5432
    db_user: str = "postgres"
    db_password: str = ""
    db_name: str = "postgres"
    # Short: a health check or a request must answer 503 quickly while the database is down,
    # not hang until the client gives up.
    db_connect_timeout: int = 3

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        return cls(
            host=env.get("HOST", "0.0.0.0"),
            port=int(env.get("PORT", "8000")),
            version=env.get("APP_VERSION", "dev"),
            db_host=env.get("POSTGRES_HOST", "postgres"),
            db_port=int(env.get("POSTGRES_PORT", "5432")),
            db_user=env.get("POSTGRES_USER", "postgres"),
            db_password=env.get("POSTGRES_PASSWORD", ""),
            db_name=env.get("POSTGRES_DB", "postgres"),
        )

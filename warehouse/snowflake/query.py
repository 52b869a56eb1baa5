"""Runs SQL on the Snowflake target (real or emulated) and prints JSON.

Reads a JSON object {"name": "sql", ...} from the file named by the first
argument (or stdin) and prints
{"name": [[value, ...], ...], ...}: every value as text, NULL as null.
Connection settings come from the SNOWFLAKE_* environment variables only.
"""

import json
import os
import sys

import snowflake.connector


def connection_settings() -> dict:
    env = os.environ
    settings = {
        "account": env["SNOWFLAKE_ACCOUNT"],
        "user": env["SNOWFLAKE_USER"],
        "database": env["SNOWFLAKE_DATABASE"],
        "warehouse": env.get("SNOWFLAKE_WAREHOUSE"),
        "role": env.get("SNOWFLAKE_ROLE"),
    }
    if env.get("SNOWFLAKE_PASSWORD"):
        settings["password"] = env["SNOWFLAKE_PASSWORD"]
    if env.get("SNOWFLAKE_PRIVATE_KEY_PATH"):
        settings["private_key_file"] = env["SNOWFLAKE_PRIVATE_KEY_PATH"]
        if env.get("SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"):
            settings["private_key_file_pwd"] = env["SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"]
    for name in ("host", "port", "protocol"):
        if env.get(f"SNOWFLAKE_{name.upper()}"):
            settings[name] = env[f"SNOWFLAKE_{name.upper()}"]
    return {key: value for key, value in settings.items() if value is not None}


def main() -> int:
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as source:
            queries = json.load(source)
    else:
        queries = json.load(sys.stdin)
    answers = {}
    with snowflake.connector.connect(**connection_settings()) as connection:
        cursor = connection.cursor()
        for name, sql in queries.items():
            cursor.execute(sql)
            answers[name] = [
                [None if value is None else str(value) for value in row]
                for row in cursor.fetchall()
            ]
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

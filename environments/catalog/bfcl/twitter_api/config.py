"""TwitterAPI state in BFCL's `initial_config` shape ↔ the `tw_` tables.

A config replaces the whole TwitterAPI state; keys it leaves out take the defaults in `DEFAULTS`
(the README lists them). Keys the API does not model are kept verbatim in `tw_extras`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from envfactory.environments import StateError

DEFAULTS: dict[str, Any] = {
    "username": "",
    "password": "",
    "authenticated": False,
    "tweets": {},
    "comments": {},
    "retweets": {},
    "following_list": [],
}
_MODELLED = {*DEFAULTS, "tweet_counter"}
_TWEET_FIELDS = ("id", "username", "content", "tags", "mentions")


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _int_key(value: Any, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StateError(f"TwitterAPI {where}: {value!r} is not an integer id.") from None


def _mapping(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = config.get(key, DEFAULTS[key])
    if not isinstance(value, Mapping):
        raise StateError(f"TwitterAPI {key!r} must be an object, got {type(value).__name__}.")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(f"TwitterAPI {where} must be a list, got {type(value).__name__}.")
    return value


def tables_from_config(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A TwitterAPI `initial_config` → rows of every `tw_` table (`_meta` is left to the caller)."""
    if not isinstance(config, Mapping):
        raise StateError(f"The TwitterAPI config must be an object, got {type(config).__name__}.")
    username = str(config.get("username", DEFAULTS["username"]))
    tweets = []
    for key, tweet in _mapping(config, "tweets").items():
        if not isinstance(tweet, Mapping):
            raise StateError(f"TwitterAPI tweet {key!r} must be an object.")
        tweet_id = _int_key(tweet.get("id", key), f"tweet {key!r}")
        if tweet_id != _int_key(key, "tweets key"):
            raise StateError(f"TwitterAPI tweet under key {key!r} has id {tweet_id}.")
        extra = {k: v for k, v in tweet.items() if k not in _TWEET_FIELDS}
        tweets.append(
            {
                "id": tweet_id,
                "username": str(tweet.get("username", username)),
                "content": str(tweet.get("content", "")),
                "tags": dump(_list(tweet.get("tags", []), f"tweet {key} tags")),
                "mentions": dump(_list(tweet.get("mentions", []), f"tweet {key} mentions")),
                "extra": dump(extra) if extra else None,
            }
        )
    comments = [
        {
            "tweet_id": _int_key(key, "comments key"),
            "position": i,
            "username": str(c.get("username", "")),
            "content": str(c.get("content", "")),
        }
        for key, items in _mapping(config, "comments").items()
        for i, c in enumerate(_list(items, f"comments of tweet {key}"))
    ]
    retweets = [
        {"username": str(user), "position": i, "tweet_id": _int_key(tweet_id, f"retweet of {user}")}
        for user, ids in _mapping(config, "retweets").items()
        for i, tweet_id in enumerate(_list(ids, f"retweets of {user}"))
    ]
    following = [
        {"position": i, "username": str(name)}
        for i, name in enumerate(_list(config.get("following_list", []), "following_list"))
    ]
    counter = config.get("tweet_counter")
    if counter is None:
        counter = max((t["id"] for t in tweets), default=-1) + 1
    account = {
        "id": 1,
        "username": username,
        "password": str(config.get("password", DEFAULTS["password"])),
        "authenticated": bool(config.get("authenticated", DEFAULTS["authenticated"])),
        "tweet_counter": _int_key(counter, "tweet_counter"),
    }
    extras = [{"key": k, "value": dump(v)} for k, v in config.items() if k not in _MODELLED and k != "_meta"]
    return {
        "tw_account": [account],
        "tw_tweets": tweets,
        "tw_comments": comments,
        "tw_retweets": retweets,
        "tw_following": following,
        "tw_extras": extras,
    }


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The `tw_` tables (as `export_tables` gives them) → a complete TwitterAPI config."""
    account = tables["tw_account"][0]
    tweets = {}
    for row in tables["tw_tweets"]:
        tweet = {
            "id": row["id"],
            "username": row["username"],
            "content": row["content"],
            "tags": json.loads(row["tags"]),
            "mentions": json.loads(row["mentions"]),
        }
        tweets[str(row["id"])] = tweet | (json.loads(row["extra"]) if row["extra"] else {})
    comments: dict[str, list[dict[str, str]]] = {}
    for row in sorted(tables["tw_comments"], key=lambda r: (r["tweet_id"], r["position"])):
        comments.setdefault(str(row["tweet_id"]), []).append(
            {"username": row["username"], "content": row["content"]}
        )
    retweets: dict[str, list[int]] = {}
    for row in sorted(tables["tw_retweets"], key=lambda r: (r["username"], r["position"])):
        retweets.setdefault(row["username"], []).append(row["tweet_id"])
    following = [r["username"] for r in sorted(tables["tw_following"], key=lambda r: r["position"])]
    config = {
        "username": account["username"],
        "password": account["password"],
        "authenticated": bool(account["authenticated"]),
        "tweets": tweets,
        "comments": comments,
        "retweets": retweets,
        "following_list": following,
        "tweet_counter": account["tweet_counter"],
    }
    return config | {row["key"]: json.loads(row["value"]) for row in tables["tw_extras"]}

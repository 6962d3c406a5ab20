"""Realistic values for a schema, drawn from a seeded RNG: names, emails, dates, amounts,
currencies, addresses, ids, and sentences, chosen by format first, then by the field's name,
always within the schema's constraints (enum, pattern, bounds, lengths, item counts).

`ValueGen(rng, today).value(spec, name)` is deterministic for a given RNG state.
"""

from __future__ import annotations

import base64
import random
import re
import string
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from . import regex
from .naming import words


def _split(text: str) -> list[str]:
    """Word lists written as text (easier to read than long literals)."""
    return text.split()


FIRST = _split(
    "Ada Grace Alan Linus Margaret Katherine Dennis Barbara Ken Frances Tim Radia Guido Hedy John Annie"
)
LAST = _split("""Lovelace Hopper Turing Torvalds Hamilton Johnson Ritchie Liskov Thompson Allen
    Berners Perlman Rossum Lamarr Backus Easley""")
ADJ = _split("""Silver Northern Bright Quiet Golden Coastal Urban Evergreen Crimson Rapid Central Harbor
    Summit Maple Blue""")
NOUN = _split(
    "Harbor Meadow Ridge Studio Works Garden Market Point Valley Bridge Forge Lane Field Grove Square"
)
CITIES = [
    ("London", "GB"),
    ("Melbourne", "AU"),
    ("Toronto", "CA"),
    ("Berlin", "DE"),
    ("Austin", "US"),
    ("Lyon", "FR"),
    ("Osaka", "JP"),
    ("Dublin", "IE"),
    ("Madrid", "ES"),
    ("Auckland", "NZ"),
]
COUNTRIES = {
    "GB": "United Kingdom",
    "AU": "Australia",
    "CA": "Canada",
    "DE": "Germany",
    "US": "United States",
    "FR": "France",
    "JP": "Japan",
    "IE": "Ireland",
    "ES": "Spain",
    "NZ": "New Zealand",
}
STREETS = [
    "High Street",
    "Collins Street",
    "King Street",
    "Queen Street",
    "Market Lane",
    "Park Avenue",
    "Elm Road",
    "Station Road",
]
CURRENCIES = ["USD", "EUR", "GBP", "AUD", "CAD", "JPY"]
SENTENCES = [
    "Please review before the end of the week.",
    "Follow up with the team about the next steps.",
    "Delivered on time and in good condition.",
    "Customer asked for an update on progress.",
    "Scheduled after the quarterly planning meeting.",
    "Includes the revised figures from finance.",
    "Awaiting confirmation from the supplier.",
    "Notes from the kickoff call are attached.",
]
TOPICS = [
    "Quarterly report",
    "Team offsite",
    "Product launch",
    "Budget review",
    "Onboarding plan",
    "Client workshop",
    "Spring sale",
    "Weekly sync",
    "Roadmap update",
    "Holiday schedule",
]
PERSON_HINTS = frozenset(
    {
        "user",
        "customer",
        "person",
        "contact",
        "guest",
        "driver",
        "author",
        "member",
        "employee",
        "recipient",
        "attendee",
        "registrant",
        "organizer",
        "panelist",
        "subscriber",
        "owner",
        "sender",
        "buyer",
        "seller",
        "patient",
        "profile",
        "delegate",
        "passenger",
    }
)
_SUBJECT_WORDS = frozenset({"subject", "summary", "headline", "topic"})
_PROSE_WORDS = frozenset(
    _split(
        """description notes note comment comments body message text content memo details reason bio
        about instructions"""
    )
)
_CATEGORY_WORDS = frozenset(_split("type kind category tag tags group source channel method mode"))
_LINK_WORDS = frozenset(
    _split(
        """url uri website link href homepage image photo avatar icon logo thumbnail picture callback
        webhook endpoint"""
    )
)
_DATE_WORDS = frozenset({"date", "day", "birthday", "dob", "due", "deadline", "expiry", "expires"})
_TIME_WORDS = frozenset({"at", "time", "timestamp", "created", "updated", "modified", "started", "ended"})


class ValueGen:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def value(self, spec: dict[str, Any], name: str = "", context: str = "", depth: int = 0) -> Any:
        """A value valid for `spec`; `name` (the field) and `context` (the entity) pick a
        realistic kind of value."""
        if spec.get("enum"):
            return self.rng.choice(spec["enum"])
        kind = spec.get("type")
        if kind == "string" or kind is None:
            return self.string(spec, name, context)
        if kind == "integer":
            return self.integer(spec, name)
        if kind == "number":
            return self.number(spec, name)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "array":
            return self.array(spec, name, context, depth)
        if kind == "object":
            return self.object(spec, context, depth)
        return self.string({}, name, context)

    # ----------------------------------------------------------------- strings
    def string(self, spec: dict[str, Any], name: str, context: str = "") -> str:
        low, high = spec.get("minLength", 0), spec.get("maxLength")
        pattern = spec.get("pattern") if isinstance(spec.get("pattern"), str) else None
        formatted = self._formatted(spec.get("format", ""), name)
        typed = spec.get("format") in ("date", "date-time", "uuid")  # parsed as such; patterns do not apply
        if formatted is not None and (typed or pattern is None or re.search(pattern, formatted)):
            return formatted
        if pattern is not None:
            for _ in range(4):
                text = regex.generate(pattern, self.rng)
                if text is not None and low <= len(text) <= (high if high is not None else len(text)):
                    return text
        return _fit(formatted or self._named(words(name), context), low, high, self.rng)

    def _formatted(self, fmt: str, name: str) -> str | None:
        rng = self.rng
        if fmt == "date":
            return (self.today + timedelta(days=rng.randint(-90, 120))).isoformat()
        if fmt == "date-time":
            return self.moment()
        if fmt == "time":
            return time(rng.randint(7, 19), rng.choice([0, 15, 30, 45])).isoformat()
        if fmt == "email":
            return self.email()
        if fmt == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if fmt in ("uri", "url", "uri-reference", "iri"):
            return self.url(name)
        if fmt == "ipv4":
            return ".".join(str(rng.randint(1, 254)) for _ in range(4))
        if fmt == "ipv6":
            return ":".join(f"{rng.getrandbits(16):x}" for _ in range(8))
        if fmt in ("byte", "base64"):
            return base64.b64encode(rng.randbytes(12)).decode()
        if fmt == "password":
            return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(14))
        if fmt == "hostname":
            return f"{rng.choice(NOUN).lower()}.example.com"
        return None

    def _named(self, parts: list[str], context: str) -> str:
        """A value that fits the field's name: people, places, text, links, dates, codes."""
        last, joined = (parts[-1] if parts else ""), "_".join(parts)
        for rule in (self._person, self._place, self._text, self._technical):
            value = rule(parts, last, joined, context)
            if value is not None:
                return value
        rng = self.rng
        return f"{rng.choice(ADJ)} {rng.choice(NOUN)}".lower() if parts else rng.choice(NOUN).lower()

    def _person(self, parts: list[str], last: str, joined: str, context: str) -> str | None:
        rng = self.rng
        if "email" in parts or last == "mail":
            return self.email()
        if last in ("phone", "mobile", "fax", "telephone") or "phone" in parts:
            return f"+1 555 01{rng.randint(10, 99)} {rng.randint(1000, 9999)}"
        if joined in ("first_name", "firstname", "given_name", "forename"):
            return rng.choice(FIRST)
        if joined in ("last_name", "lastname", "surname", "family_name"):
            return rng.choice(LAST)
        if last in ("username", "login", "handle") or joined == "user_name":
            return f"{rng.choice(FIRST).lower()}{rng.randint(10, 99)}"
        if last == "name" and any(w in PERSON_HINTS for w in [*parts, *words(context)]):
            return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return None

    def _place(self, parts: list[str], last: str, joined: str, context: str) -> str | None:
        rng = self.rng
        if last == "city" or joined in ("town", "locality"):
            return rng.choice(CITIES)[0]
        if last in ("country", "nationality") and "code" not in parts:
            return rng.choice(list(COUNTRIES.values()))
        if "country" in parts:
            return rng.choice(list(COUNTRIES))
        if "currency" in parts:
            return rng.choice(CURRENCIES)
        if last in ("street", "address", "line1", "address1", "street1"):
            return f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
        if last in ("zip", "postcode", "zipcode") or joined in ("postal_code", "post_code"):
            return f"{rng.randint(10000, 99999)}"
        if last in ("state", "province", "region") and "code" not in parts and "status" not in parts:
            return rng.choice(["CA", "NY", "VIC", "NSW", "ON", "BC", "TX"])
        if last in ("language", "locale", "lang"):
            return rng.choice(["en", "en-US", "en-GB", "fr", "de", "es"])
        if last in ("timezone", "tz") or joined == "time_zone":
            return rng.choice(["Europe/London", "America/New_York", "Australia/Melbourne", "Europe/Berlin"])
        return None

    def _text(self, parts: list[str], last: str, joined: str, context: str) -> str | None:
        rng = self.rng
        if last == "title" or last in _SUBJECT_WORDS:
            return rng.choice(TOPICS)
        if last == "name" or joined in ("display_name", "full_name", "label"):
            return f"{rng.choice(ADJ)} {rng.choice(NOUN)}"
        if last in _PROSE_WORDS:
            return rng.choice(SENTENCES)
        if last in ("status", "state"):
            return rng.choice(["active", "pending", "open"])
        if last in _CATEGORY_WORDS:
            return rng.choice(["standard", "premium", "internal", "external", "general", "priority"])
        return None

    def _technical(self, parts: list[str], last: str, joined: str, context: str) -> str | None:
        rng = self.rng
        if last in _LINK_WORDS:
            return self.url(joined)
        if last in ("color", "colour"):
            return "#" + "".join(rng.choice("0123456789ABCDEF") for _ in range(6))
        if last in _DATE_WORDS and "time" not in parts:
            return (self.today + timedelta(days=rng.randint(-60, 90))).isoformat()
        if last in _TIME_WORDS or joined.endswith(("_at", "_time")):
            return self.moment()
        if last in ("id", "key", "uuid", "guid", "token", "secret", "hash", "signature"):
            return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(12))
        if last in ("code", "sku", "reference", "ref", "number", "no", "num"):
            letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
            return f"{letters}-{rng.randint(1000, 99999)}"
        return None

    def email(self) -> str:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        return f"{first}.{last}@{self.rng.choice(['example.com', 'example.org', 'mail.example.net'])}".lower()

    def url(self, name: str) -> str:
        slug = "-".join(words(name)) or "item"
        return f"https://{self.rng.choice(NOUN).lower()}.example.com/{slug}/{self.rng.randint(100, 999)}"

    def moment(self) -> str:
        day = self.today + timedelta(days=self.rng.randint(-60, 60))
        at = datetime.combine(day, time(self.rng.randint(7, 19), self.rng.choice([0, 15, 30, 45])))
        return at.isoformat() + "Z"

    # ----------------------------------------------------------------- numbers
    def integer(self, spec: dict[str, Any], name: str) -> int:
        low, high = _bounds(spec, integer=True)
        part = words(name)[-1] if words(name) else ""
        typical = {
            "age": (18, 80),
            "year": (2019, 2026),
            "quantity": (1, 12),
            "qty": (1, 12),
            "count": (1, 40),
            "rating": (1, 5),
            "stars": (1, 5),
            "priority": (1, 5),
            "percent": (0, 100),
            "percentage": (0, 100),
            "minutes": (15, 240),
            "duration": (15, 240),
            "seconds": (30, 3600),
            "port": (1024, 9000),
        }.get(part, (1, 1000))
        lo = max(low, typical[0]) if low is not None else typical[0]
        hi = min(high, typical[1]) if high is not None else typical[1]
        if lo > hi:
            lo, hi = (low if low is not None else hi - 10), (high if high is not None else lo + 10)
        value = self.rng.randint(int(lo), int(hi))
        step = spec.get("multipleOf")
        if isinstance(step, int) and step > 0:
            value = max(int(lo), value - value % step)
            value = value if value >= lo else value + step
        return value

    def number(self, spec: dict[str, Any], name: str) -> float:
        low, high = _bounds(spec, integer=False)
        part = words(name)[-1] if words(name) else ""
        if part in ("lat", "latitude"):
            typical = (-45.0, 60.0)
        elif part in ("lng", "lon", "long", "longitude"):
            typical = (-120.0, 150.0)
        elif part in ("rate", "ratio", "percent", "percentage", "discount"):
            typical = (0.0, 25.0)
        else:
            typical = (5.0, 500.0)
        lo = max(low, typical[0]) if low is not None else typical[0]
        hi = min(high, typical[1]) if high is not None else typical[1]
        if lo > hi:
            lo, hi = (low if low is not None else hi - 10.0), (high if high is not None else lo + 10.0)
        value = round(self.rng.uniform(lo, hi), 2)
        step = spec.get("multipleOf")
        if isinstance(step, int | float) and step > 0:
            value = round(round(value / step) * step, 6)
        return min(max(value, lo), hi)

    # ----------------------------------------------------------------- containers
    def array(self, spec: dict[str, Any], name: str, context: str, depth: int) -> list[Any]:
        low, high = spec.get("minItems", 0), spec.get("maxItems")
        count = self.rng.randint(max(low, 1 if depth < 2 else 0), max(low, 2 if depth < 2 else 1))
        count = min(count, high) if high is not None else count
        out: list[Any] = []
        for _ in range(count * 3):
            if len(out) == count:
                break
            item = self.value(spec.get("items") or {"type": "string"}, name, context, depth + 1)
            if not spec.get("uniqueItems") or item not in out:
                out.append(item)
        return out

    def object(self, spec: dict[str, Any], context: str, depth: int) -> dict[str, Any]:
        props = {k: v for k, v in (spec.get("properties") or {}).items() if not v.get("readOnly")}
        required = set(spec.get("required", []))
        extra = spec.get("additionalProperties")
        if not props and isinstance(extra, dict) and depth < 3:
            names = self.rng.sample(["standard", "premium", "pending", "available", "archived", "draft"], 3)
            return {n: self.value(extra or {"type": "string"}, n, context, depth + 1) for n in sorted(names)}
        if depth >= 3:
            return {k: self.value(v, k, context, depth + 1) for k, v in props.items() if k in required}
        return {
            k: self.value(v, k, context, depth + 1)
            for k, v in props.items()
            if k in required or self.rng.random() < 0.6
        }


def _bounds(spec: dict[str, Any], integer: bool) -> tuple[float | None, float | None]:
    step = 1 if integer else 0.01
    low = spec.get("minimum")
    if isinstance(spec.get("exclusiveMinimum"), int | float):
        low = spec["exclusiveMinimum"] + step
    high = spec.get("maximum")
    if isinstance(spec.get("exclusiveMaximum"), int | float):
        high = spec["exclusiveMaximum"] - step
    if integer:
        low = None if low is None else int(-(-low // 1))
        high = None if high is None else int(high // 1)
    return low, high


def _fit(text: str, low: int, high: int | None, rng: random.Random) -> str:
    while len(text) < low:
        text += rng.choice(string.ascii_lowercase)
    return text[:high] if high is not None else text

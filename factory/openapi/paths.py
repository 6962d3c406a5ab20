"""What a path says about the resource an operation touches.

A path is read as groups of a static word and the parameters right after it:
`/v1/users/{userId}/messages/{id}/trash` is `v1`, `users {userId}`, `messages {id}`, `trash`.
Trailing words that are verbs (`trash`, `cancel`, `createorder`, Google's `:batchDelete`) name an
action or an RPC-style CRUD call; the group before them is the *anchor* (the resource) and its
parameter, when there is one, the item's key; earlier groups with one parameter are the parents
(`users {userId}`); groups without parameters are namespaces (`v1`). A word that some path follows
with a parameter (`/updates/{id}`) is a collection, never a verb, whatever it starts with.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .naming import words


def _split(text: str) -> list[str]:
    """Word lists written as text (easier to read than long literals)."""
    return text.split()


CREATE = frozenset({"create", "add", "new", "register", "insert", "post"})
LIST = frozenset({"list", "find", "search", "query", "browse", "all"})
GET = frozenset({"get", "view", "show", "fetch", "read", "retrieve", "lookup", "describe"})
UPDATE = frozenset({"update", "edit", "modify", "change", "set", "patch", "replace", "save", "rename"})
DELETE = frozenset({"delete", "remove", "destroy", "erase", "purge"})
READ_ONLY = (
    LIST
    | GET
    | frozenset(_split("download export check validate calculate compute estimate preview count test"))
)
ACTIONS = frozenset(
    _split("""cancel activate deactivate suspend approve reject archive unarchive restore send resend publish
    unpublish enable disable move copy clone share shuffle reorder trash untrash import upload verify
    reset login logout signin signout refresh reload stop start watch acknowledge refund capture revise
    void mark assign unassign hold batch clear elevate anonymize merge unmerge optin subscribe
    unsubscribe transcribe submit confirm close open complete accept decline pause resume lock unlock
    block unblock pin unpin star unstar like unlike follow unfollow invite notify authorize revoke renew
    charge pay transfer ship track rate reply forward schedule reschedule sync tag untag link unlink
    attach detach apply run execute trigger retry rerun convert duplicate print mute unmute reopen
    dismiss snooze finalize process fulfil fulfill receive sign quick reactivate""")
)
VERBS = CREATE | LIST | GET | UPDATE | DELETE | READ_ONLY | ACTIONS
#: Verbs recognized at the start of an all-lowercase word (`createorder`, `getrates`).
_PREFIX_VERBS = frozenset(
    _split("""create add get set list update delete remove find search register view cancel mark void restore
    hold refresh reactivate deactivate activate assign unassign subscribe unsubscribe send upload""")
)
_NOUNS = frozenset(
    {
        "address",
        "addresses",
        "settings",
        "setting",
        "setup",
        "addon",
        "addons",
        "getaway",
        "news",
        "newsletter",
    }
)
_NAMESPACE = re.compile(r"^(v\d+(\.\d+)*|api|apis|rest|\d+(\.\d+)*)$", re.IGNORECASE)
_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Segment:
    text: str
    param: bool
    glued: bool = False  # a parameter inside a static segment, e.g. `profiles{mediaTypeExtension}`


def tokenize(path: str) -> list[Segment]:
    segments: list[Segment] = []
    for raw_segment in path.split("?", 1)[0].split("/"):
        for raw in raw_segment.split(":"):  # Google-style custom methods: `{name}:cancel`
            segments.extend(_pieces(raw))
    return segments


def _pieces(raw: str) -> list[Segment]:
    if not raw or raw in ("*", "-"):
        return []
    full = _PARAM.fullmatch(raw)
    if full:
        return [Segment(full.group(1), True)]
    glued = bool(re.search(r"[A-Za-z0-9]", _PARAM.sub("", raw)))
    out = []
    for piece in _PARAM.split(raw):
        if piece and "{" + piece + "}" in raw:
            out.append(Segment(piece, True, glued))
        else:
            out.extend(Segment(part, False) for part in re.split(r"[,;]", piece) if part)
    return out


def collection_words(paths: list[str]) -> frozenset[str]:
    """Static words that some path follows with a parameter: these name collections."""
    found = set()
    for path in paths:
        segs = tokenize(path)
        for a, b in itertools.pairwise(segs):
            if not a.param and b.param and not b.glued:
                found.add(a.text)
    return frozenset(found)


def verb_words(word: str) -> list[str]:
    """The verb(s) a static word starts with, or [] when it reads as a noun.
    `batchDelete` -> ['batch', 'delete']; `createorder` -> ['create']; `messages` -> []."""
    parts = words(word)
    if not parts:
        return []
    if len(parts) > 1 or word.lower() not in _NOUNS:
        found = [p for p in parts if p in VERBS]
        if parts[0] in VERBS:
            return found
    if len(parts) == 1 and word.islower() and word not in _NOUNS:
        for verb in sorted(_PREFIX_VERBS, key=len, reverse=True):
            if word.startswith(verb) and len(word) > len(verb) + 2:
                return [verb]
    return []


def crud_kind(verbs: list[str]) -> str | None:
    """The CRUD kind an RPC-style verb names, if it names one."""
    head = verbs[-1] if verbs else None
    for kind, group in (
        ("create", CREATE),
        ("list", LIST),
        ("get", GET),
        ("update", UPDATE),
        ("delete", DELETE),
    ):
        if head in group:
            return kind
    return None


def is_read_verb(verbs: list[str]) -> bool:
    return (
        bool(verbs)
        and any(v in READ_ONLY for v in verbs)
        and not any(v in ACTIONS | CREATE | UPDATE | DELETE for v in verbs)
    )


@dataclass
class Shape:
    """The resource an operation's path points at."""

    anchor: str | None
    prefix: str
    key: str | None = None
    #: (word, parameter, prefix) of each enclosing item, outermost first.
    parents: list[tuple[str, str, str]] = field(default_factory=list)
    verb: str | None = None
    verbs: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


def shape(path: str, collections: frozenset[str]) -> Shape:
    groups: list[tuple[str, list[str]]] = []
    others: list[str] = []
    for seg in tokenize(path):
        if not seg.param:
            groups.append((seg.text, []))
        elif seg.glued or not groups:
            others.append(seg.text)
        else:
            groups[-1][1].append(seg.text)
    tail: list[str] = []
    while len(groups) > 1 and not groups[-1][1] and groups[-1][0] not in collections:
        verbs = verb_words(groups[-1][0])
        if not verbs:
            break
        tail.insert(0, groups.pop()[0])
    while len(groups) > 1 and not groups[-1][1] and _NAMESPACE.match(groups[-1][0]):
        groups.pop()
    if not groups:
        return Shape(anchor=None, prefix="/", others=others)
    anchor, params = groups[-1]
    key = params[0] if len(params) == 1 else None
    if len(params) > 1:
        others.extend(params)
    parents = []
    for i, (word, ps) in enumerate(groups[:-1]):
        if len(ps) == 1:
            parents.append((word, ps[0], _prefix(groups[: i + 1])))
        else:
            others.extend(ps)
    phrase = _phrase("_".join(tail))
    verbs = [v for v in verb_words("_".join(tail)) if any(p.startswith(v) for p in phrase)]
    return Shape(
        anchor=anchor,
        prefix=_prefix(groups),
        key=key,
        parents=parents,
        verb="_".join(tail) or None,
        verbs=verbs,
        others=others,
    )


def _prefix(groups: list[tuple[str, list[str]]]) -> str:
    """`/users/{}/messages`: the groups up to the last one's word, parameters anonymized."""
    head = "".join(f"/{word}" + "/{}" * len(ps) for word, ps in groups[:-1])
    return f"{head}/{groups[-1][0]}"


_CONNECTORS = frozenset(
    {"by", "with", "for", "all", "many", "multiple", "bulk", "one", "single", "from", "to", "as"}
)


def tail_nouns(shape: Shape) -> list[str]:
    """Words of the trailing verb phrase that are neither verbs nor connectors, up to `by`/`with`
    (which introduce filters): `getStats` -> ['stats'], `createorder` -> ['order'],
    `findByStatus` -> [], `batchDelete` -> []."""
    out: list[str] = []
    for part in _phrase(shape.verb or ""):
        if part in VERBS:
            continue
        verb = next((v for v in shape.verbs if part.startswith(v)), None)
        out.append(part[len(verb) :] if verb else part)
    return [w for w in out if w]


def _phrase(verb: str) -> list[str]:
    """The words of a verb phrase before the first connector."""
    out = []
    for word in verb.split("_"):
        for part in words(word):
            if part in _CONNECTORS:
                return out
            out.append(part)
    return out

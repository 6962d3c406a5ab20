"""The authoring API: definitions fail loudly, schemas are derived, calls are validated,
transactional, tracked and deterministic."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Literal

import pytest
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from envfactory.environments import CallTimeout, DefinitionError, Environment, StateError, ToolError, tool


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(primary_key=True)
    owner: Mapped[str]
    balance: Mapped[int]


class Audit(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    note: Mapped[str]


class Transfer(BaseModel):
    source: str
    target: str
    amount: int


class Ledger(Environment):
    name = "ledger"
    domain = "test"
    description = "A tiny ledger used by the tests."
    metadata = Base.metadata
    clock_start = "2026-05-01T12:00:00"

    def seed_data(self) -> None:
        self.db.add_all(
            [Account(id=f"A{i}", owner=f"owner{i}", balance=self.rng.randint(0, 1000)) for i in range(50)]
        )

    @tool()
    def balance(self, account_id: str) -> int:
        """Balance of an account.

        Args:
            account_id: the account, e.g. A1.
        """
        return self._account(account_id).balance

    @tool(write=True, trace_ignore=("memo",))
    def transfer(self, transfer: Transfer, memo: str = "") -> dict:
        """Move money between accounts.

        Args:
            transfer: source, target and amount in cents.
            memo: free text.
        """
        src, dst = self._account(transfer.source), self._account(transfer.target)
        dst.balance += transfer.amount
        self.db.add(Audit(note=f"{transfer.source}->{transfer.target}"))
        self.db.flush()
        if src.balance < transfer.amount:
            raise ToolError(f"Account {src.id} has {src.balance}, less than {transfer.amount}.")
        src.balance -= transfer.amount
        return {"source": src.balance, "target": dst.balance}

    @tool()
    def sneaky_read(self, account_id: str) -> int:
        """A read tool that (wrongly) writes.

        Args:
            account_id: the account.
        """
        self._account(account_id).balance = 0
        self.db.flush()
        return 0

    @tool(write=True)
    def set_balance_sql(self, account_id: str, balance: int) -> None:
        """Set a balance with plain SQL (bypassing the ORM).

        Args:
            account_id: the account.
            balance: the new balance.
        """
        self.conn.execute("UPDATE accounts SET balance = ? WHERE id = ?", (balance, account_id))

    @tool(write=True)
    def commit_early(self) -> None:
        """A write tool that commits by itself (not allowed)."""
        self.db.add(Audit(note="early"))
        self.db.commit()

    @tool(write=True)
    def stall(self, seconds: float, spin: bool = False) -> str:
        """Write an audit row, then take a while (sleeping, or spinning in a loop that swallows errors).

        Args:
            seconds: how long.
            spin: busy-loop instead of sleeping.
        """
        self.db.add(Audit(note="stalled"))
        self.db.flush()
        if not spin:
            time.sleep(seconds)
            return "slept"
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:  # noqa: SIM105 (the point: tool code that swallows errors)
                sum(range(1000))
            except Exception:
                pass
        return "spun"

    @tool()
    def crash(self) -> None:
        """Always fails with a bug."""
        raise KeyError("boom")

    @tool(write=True)
    def open_account(self, owner: str, kind: Literal["checking", "savings"] = "checking") -> dict:
        """Open an account with a fresh id.

        Args:
            owner: the owner's name.
            kind: checking or savings.
        """
        account = Account(id=self.new_id("AC"), owner=owner, balance=self.rng.randint(1, 10**6))
        self.db.add(account)
        return {"id": account.id, "bonus": account.balance, "kind": kind}

    @tool()
    def today_is(self) -> str:
        """The session date."""
        return self.today()

    @tool(write=True)
    def next_day(self) -> str:
        """Advance the clock by one day."""
        return self.advance_clock(timedelta(days=1)).isoformat()

    def _account(self, account_id: str) -> Account:
        account = self.db.get(Account, account_id)
        if account is None:
            raise ToolError(f"No account {account_id!r}.")
        return account


def test_schema_is_derived_from_signature_and_docstring() -> None:
    params = Ledger.tools["transfer"].parameters
    assert params["required"] == ["transfer"]
    assert params["additionalProperties"] is False
    assert params["properties"]["memo"] == {"type": "string", "default": "", "description": "free text."}
    nested = params["properties"]["transfer"]
    assert nested["description"] == "source, target and amount in cents."
    assert nested["properties"]["amount"] == {"type": "integer"}
    assert "$defs" not in params and "$ref" not in str(params)
    assert Ledger.tools["open_account"].parameters["properties"]["kind"]["enum"] == ["checking", "savings"]
    assert Ledger.tools["transfer"].description == "Move money between accounts."
    assert Ledger.tools["transfer"].write and not Ledger.tools["balance"].write


def test_tool_without_parentheses_says_to_call_it() -> None:
    with pytest.raises(DefinitionError, match="Did you forget to call it"):

        @tool
        def f(self) -> None:
            """Doc."""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "def t(self, x):\n    '''Doc.\n\n    Args:\n        x: an x.\n    '''",
            "'x' has no type annotation",
        ),
        ("def t(self, x: int):\n    '''Doc.'''", "'x' is not described"),
        ("def t(self, x: int):\n    pass", "has no docstring"),
        (
            "def t(self, **kw: int):\n    '''Doc.\n\n    Args:\n        kw: k.\n    '''",
            "plain keyword parameter",
        ),
        ("async def t(self):\n    '''Doc.'''", "is async"),
        ("def t(self):\n    '''Doc.\n\n    Args:\n        y: ghost.\n    '''", r"do not exist: \['y'\]"),
    ],
)
def test_misdefined_tool_fails_at_class_creation_naming_the_method(body: str, message: str) -> None:
    namespace: dict = {}
    exec(body, namespace)
    with pytest.raises(DefinitionError, match=message) as info:
        type(
            "Broken",
            (Environment,),
            {
                "name": "b",
                "domain": "test",
                "description": "d",
                "metadata": Base.metadata,
                "t": tool()(namespace["t"]),
            },
        )
    assert "Broken.t" in str(info.value)


def test_two_tools_with_the_same_name_fail_at_class_creation() -> None:
    def a(self) -> None:
        """A."""

    def b(self) -> None:
        """B."""

    with pytest.raises(DefinitionError, match="share the name 'same'"):
        type(
            "Dup",
            (Environment,),
            {
                "name": "d",
                "domain": "test",
                "description": "d",
                "metadata": Base.metadata,
                "a": tool(name="same")(a),
                "b": tool(name="same")(b),
            },
        )


def test_arguments_are_validated_before_the_tool_runs() -> None:
    env = Ledger.create()
    before = env.state_hash()
    bad = env.call("transfer", {"transfer": {"source": "A1", "target": "A2", "amount": "lots"}})
    assert not bad.ok and bad.error_kind == "invalid_arguments"
    assert "'transfer.amount'" in bad.error
    assert "missing required parameter 'account_id'" in env.call("balance", {}).error
    assert "unexpected parameter 'acount'" in env.call("balance", {"account_id": "A1", "acount": 1}).error
    assert env.call("balance", ["A1"]).error_kind == "invalid_arguments"
    assert env.call("balance", '{"account_id": "A1"}').ok
    broken = env.call("balance", '{"account_id": "A1"')
    assert broken.error_kind == "invalid_arguments" and "not valid JSON" in broken.error
    assert env.state_hash() == before


def test_unknown_tool_suggests_close_names() -> None:
    result = Ledger.create().call("balanse", {"account_id": "A1"})
    assert result.error_kind == "unknown_tool"
    assert "Did you mean: 'balance'" in result.error


def test_a_refused_call_rolls_back_its_partial_writes() -> None:
    env = Ledger.create()
    poor = min(env.export_state()["accounts"], key=lambda r: r["balance"])
    before = env.state_hash()
    result = env.call("transfer", {"transfer": {"source": poor["id"], "target": "A2", "amount": 10**9}})
    assert not result.ok and result.error_kind == "tool_error"
    assert result.content.startswith("Error: Account")
    assert env.state_hash() == before
    assert env.export_state()["audit"] == []


def test_reads_and_writes_are_tracked_per_call() -> None:
    env = Ledger.create()
    read = env.call("balance", {"account_id": "A1"})
    assert read.reads == {"accounts"} and read.writes == frozenset()
    rich = max(env.export_state()["accounts"], key=lambda r: r["balance"])
    write = env.call("transfer", {"transfer": {"source": rich["id"], "target": "A2", "amount": 1}})
    assert write.ok, write.error
    assert write.writes == {"accounts", "audit"}


def test_a_read_tool_that_writes_is_refused_and_changes_nothing() -> None:
    env = Ledger.create()
    before = env.state_hash()
    result = env.call("sneaky_read", {"account_id": "A1"})
    assert result.error_kind == "internal_error"
    assert "read tool but tried to change accounts" in result.error
    assert env.state_hash() == before


def test_a_tool_that_commits_by_itself_is_refused_and_rolled_back() -> None:
    env = Ledger.create()
    result = env.call("commit_early")
    assert result.error_kind == "internal_error" and "must not commit" in result.error
    assert env.export_state()["audit"] == []


def test_a_crashing_tool_becomes_an_error_result() -> None:
    result = Ledger.create().call("crash")
    assert not result.ok and result.error_kind == "internal_error"
    assert "KeyError" in result.error


def test_clock_is_the_session_clock_and_advances_only_explicitly() -> None:
    env = Ledger.create()
    assert env.call("today_is").output == "2026-05-01"
    fork = env.fork()
    assert env.call("next_day").output == "2026-05-02T12:00:00"
    assert env.call("today_is").output == "2026-05-02"
    assert fork.call("today_is").output == "2026-05-01"


def test_new_ids_and_rng_are_deterministic_and_history_independent() -> None:
    a, b = Ledger.create(), Ledger.create()
    b.call("balance", {"account_id": "A1"})
    b.call("transfer", {"transfer": {"source": "A1", "target": "A2", "amount": 10**9}})  # refused
    assert b.call("open_account", {"owner": "Zed"}).ok  # an unrelated successful write first
    first = a.call("open_account", {"owner": "Ann"}).output
    assert first == b.call("open_account", {"owner": "Ann"}).output
    second = a.call("open_account", {"owner": "Ann"}).output
    assert second["id"] != first["id"] and second["bonus"] != first["bonus"]
    assert first["id"].startswith("AC") and len(first["id"]) == 8


def test_seed_selects_a_different_deterministic_database() -> None:
    assert Ledger.create(seed=0).state_hash() == Ledger.create(seed=0).state_hash()
    assert Ledger.create(seed=0).state_hash() != Ledger.create(seed=1).state_hash()


def test_export_is_canonical_and_import_is_atomic() -> None:
    env = Ledger.create()
    state = env.export_state()
    assert list(state) == ["accounts", "audit", "_meta"]
    assert [r["id"] for r in state["accounts"]] == sorted(r["id"] for r in state["accounts"])
    before = env.state_hash()
    with pytest.raises(StateError, match=r"Unknown table 'acounts'.*Did you mean: 'accounts'"):
        env.import_state({"acounts": []})
    with pytest.raises(StateError, match="unknown column 'ownr'"):
        env.import_state({"accounts": [{"id": "Z", "ownr": "x", "balance": 1}]})
    with pytest.raises(StateError, match="does not fit"):
        env.import_state({"audit": [], "accounts": [{"id": "Z", "owner": None, "balance": 1}]})
    assert env.state_hash() == before


def test_partial_initial_state_replaces_only_the_named_tables() -> None:
    env = Ledger.create(state={"accounts": [{"id": "X1", "owner": "Xavier", "balance": 5}]})
    assert env.call("balance", {"account_id": "X1"}).output == 5
    assert env.call("balance", {"account_id": "A1"}).error == "No account 'A1'."


def test_orm_session_sees_imported_state() -> None:
    env = Ledger.create()
    assert env.call("balance", {"account_id": "A3"}).ok
    env.import_state({"accounts": [{"id": "A3", "owner": "new", "balance": 77}]})
    assert env.call("balance", {"account_id": "A3"}).output == 77
    assert env.db.scalars(select(Account.owner)).all() == ["new"]


def test_trace_records_every_call_in_order() -> None:
    env = Ledger.create()
    env.call("balance", {"account_id": "A1"})
    env.call("nope")
    assert [(c.tool, c.ok, c.error_kind) for c in env.trace] == [
        ("balance", True, None),
        ("nope", False, "unknown_tool"),
    ]


@pytest.mark.parametrize("spin", [False, True])
def test_a_call_past_its_timeout_is_interrupted_and_rolled_back_without_trace(spin: bool) -> None:
    env = Ledger.create()
    before = env.state_hash()
    started = time.monotonic()
    with pytest.raises(CallTimeout, match=r"stall did not finish within 0\.2 s"):
        env.call("stall", {"seconds": 5, "spin": spin}, timeout=0.2)
    assert time.monotonic() - started < 2
    assert env.state_hash() == before and env.trace == []
    assert env.call("stall", {"seconds": 0}, timeout=1).output == "slept"
    assert [r["note"] for r in env.export_state()["audit"]] == ["stalled"]


def test_orm_reads_see_writes_made_with_plain_sql_in_an_earlier_call() -> None:
    env = Ledger.create()
    assert env.call("balance", {"account_id": "A7"}).ok  # loads (and keeps) the ORM object
    assert env.call("set_balance_sql", {"account_id": "A7", "balance": 4242}).ok
    assert env.call("balance", {"account_id": "A7"}).output == 4242
    assert not env.call("transfer", {"transfer": {"source": "A7", "target": "A8", "amount": 10**9}}).ok
    assert env.call("balance", {"account_id": "A7"}).output == 4242


class BalanceSheet(Ledger):
    """The ledger with its own public state shape ({owner: balance}) and JSON errors."""

    name = "balance_sheet"
    error_format = "json"

    @classmethod
    def tables_from_state(cls, state):
        if "accounts" in state:  # already tables (e.g. replayed from an export of the tables)
            return state
        rows = [
            {"id": f"S{i}", "owner": owner, "balance": v}
            for i, (owner, v) in enumerate(sorted(state.items()))
        ]
        return {"accounts": rows}

    @classmethod
    def state_from_tables(cls, tables):
        return {row["owner"]: row["balance"] for row in tables["accounts"]}


def test_an_environment_can_accept_and_export_its_own_state_shape() -> None:
    env = BalanceSheet.create(state={"ada": 5, "bo": 7})
    assert env.export_state() == {"ada": 5, "bo": 7}
    assert env.call("balance", {"account_id": "S1"}).output == 7
    assert env.export_tables()["accounts"][0] == {"id": "S0", "owner": "ada", "balance": 5}
    copy = BalanceSheet.from_state(env.export_state())
    assert copy.export_state() == {"ada": 5, "bo": 7} and copy.state_hash() == env.state_hash()


def test_json_error_format_puts_the_failure_in_an_error_field() -> None:
    result = BalanceSheet.create().call("balance", {"account_id": "nope"})
    assert not result.ok
    assert result.content == '{"error":"No account \'nope\'."}'
    assert Ledger.create().call("balance", {"account_id": "nope"}).content == "Error: No account 'nope'."

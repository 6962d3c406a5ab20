"""A small MCP server for tests, run over stdio: a shop inventory kept in module globals (as many
MCP servers keep their state). It follows the load_scenario/save_scenario convention unless
started with `--reset-only`. `hang`, `crash` and `whoami` let tests misbehave and look inside."""

from __future__ import annotations

import json
import os
import socket
import sys
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

server = MCPServer("inventory")
READ_ONLY = ToolAnnotations(readOnlyHint=True)
STATE: dict[str, Any] = {"stock": {"apple": 3, "pear": 1}, "orders": []}


@server.tool(annotations=READ_ONLY)
def list_stock() -> str:
    """What is in stock, by item."""
    return json.dumps(STATE["stock"], sort_keys=True)


@server.tool()
def add_stock(item: str, quantity: int) -> str:
    """Receive a delivery of `quantity` units of `item`."""
    if quantity <= 0:
        raise ToolError(f"quantity must be positive, not {quantity}")
    STATE["stock"][item] = STATE["stock"].get(item, 0) + quantity
    return f"{item}: {STATE['stock'][item]} in stock"


@server.tool()
def place_order(item: str, quantity: int = 1) -> str:
    """Sell `quantity` units of `item` to a customer."""
    have = STATE["stock"].get(item, 0)
    if quantity > have:
        raise ToolError(f"only {have} {item} in stock, cannot sell {quantity}")
    STATE["stock"][item] = have - quantity
    STATE["orders"].append({"item": item, "quantity": quantity})
    return f"order {len(STATE['orders'])} placed"


@server.tool()
def hang() -> str:
    """Never returns."""
    while True:
        pass


@server.tool()
def crash() -> str:
    """Ends the server process."""
    os._exit(3)


@server.tool(annotations=READ_ONLY)
def dial(port: int) -> str:
    """Open a TCP connection to 127.0.0.1:`port` (to show whether the server has a network)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as exc:
        return f"no connection: {exc}"
    return "connected"


@server.tool(annotations=READ_ONLY)
def whoami() -> str:
    """The server's process id and the interpreter's marker variable."""
    return json.dumps({"pid": os.getpid(), "marker": os.environ.get("INTERPRETER_MARKER")})


if "--reset-only" not in sys.argv:

    @server.tool()
    def load_scenario(scenario: dict[str, Any]) -> str:
        """Replace the whole state."""
        STATE.clear()
        STATE.update(json.loads(json.dumps(scenario)))
        return "loaded"

    @server.tool()
    def save_scenario() -> str:
        """The whole state as JSON."""
        return json.dumps(STATE, sort_keys=True)


if __name__ == "__main__":
    server.run("stdio")

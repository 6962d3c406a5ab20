from envfactory.environments.docstrings import parse_docstring


def test_google_docstring_gives_summary_args_and_returns() -> None:
    doc = parse_docstring(
        """Book a flight.

        Seats are held for ten minutes.

        Args:
            flight_id: the flight, e.g. HAT123.
            seats (int): how many seats; the
                cabin must have them free.

        Returns:
            the reservation.

        Raises:
            ToolError: when sold out.
        """
    )
    assert doc.summary == "Book a flight.\n\nSeats are held for ten minutes."
    assert doc.args == {
        "flight_id": "the flight, e.g. HAT123.",
        "seats": "how many seats; the cabin must have them free.",
    }
    assert doc.description.endswith("Returns: the reservation.")
    assert "ToolError" not in doc.description

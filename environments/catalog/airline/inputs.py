"""Structured tool arguments and enumerations (their JSON schema is derived by pydantic)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Cabin = Literal["basic_economy", "economy", "business"]
TripType = Literal["one_way", "round_trip"]
CancelReason = Literal["change of plan", "airline cancelled flight", "other"]


class FlightRef(BaseModel):
    """One flight of an itinerary."""

    model_config = ConfigDict(extra="forbid")

    flight_number: str = Field(description="The flight number, e.g. BJ214.")
    date: dt.date = Field(description="The departure date, YYYY-MM-DD.")


class PassengerInfo(BaseModel):
    """One traveller, as on their ID."""

    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(description="First name as on the passenger's ID.")
    last_name: str = Field(description="Last name as on the passenger's ID.")
    date_of_birth: dt.date = Field(description="Date of birth, YYYY-MM-DD.")


class PaymentPart(BaseModel):
    """The share of a booking's price paid with one payment method."""

    model_config = ConfigDict(extra="forbid")

    payment_id: str = Field(description="A payment method on file, e.g. card_4821937 or gift_card_5510292.")
    amount: float = Field(description="Dollars charged to this method.")

"""BFCL TravelAPI: one traveller's account with a travel agency — sign in, look up airports and
fares, book and cancel flights, buy insurance, manage credit cards and a per-booking budget,
retrieve invoices, convert currencies and reach customer support.

`TravelApiTools` holds the tools (documented BFCL names) and is a plain mixin, so a combined BFCL
environment can host it next to the other APIs; `TravelApiEnv` is the stand-alone environment.
Its state is BFCL's `initial_config` shape (see `config.py` and the README for the choices).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, select

from envfactory.environments import Environment, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data, rules
from .config import config_from_tables, tables_from_config
from .models import TrAccount, TravelBase, TrBooking, TrCard, TrInsurance
from .responses import (
    Airports,
    Authentication,
    Booking,
    BookingHistory,
    Budget,
    Cancellation,
    CardBalance,
    CreditCards,
    Exchange,
    FiscalYears,
    FlightCost,
    Insurance,
    Invoice,
    LoginStatus,
    NearestAirport,
    RegisteredCard,
    SupportReply,
    Verification,
)
from .rules import Currency, Location, TravelClass

__all__ = ["TravelApiEnv", "TravelApiTools", "config_from_tables", "seed", "tables_from_config"]


def seed(env: Environment) -> None:
    """Fill the `tr_` tables with the seed traveller (see `data.py`)."""
    for table, rows in tables_from_config(data.seed_config()).items():
        if rows:
            env.db.execute(insert(TravelBase.metadata.tables[table]), rows)


class TravelApiTools:
    """The TravelAPI tools. Mix into an `Environment` whose metadata holds the `tr_` tables."""

    db: Any
    now: Any
    new_id: Any

    # ------------------------------------------------------------------ session
    @tool(write=True)
    def authenticate_travel(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        grant_type: Literal["read_write", "read", "write"],
        user_first_name: str,
        user_last_name: str,
    ) -> Authentication:
        """Sign the traveller in and get an access token for the other travel tools. A new sign-in
        replaces the previous token.

        Args:
            client_id: the app's client id.
            client_secret: the app's client secret.
            refresh_token: the traveller's refresh token.
            grant_type: what the token may do: read_write, read or write.
            user_first_name: the traveller's first name.
            user_last_name: the traveller's last name.

        Returns:
            access_token, token_type ("Bearer"), expires_in (seconds) and scope (the grant type).
        """
        given = {
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "user_first_name": user_first_name,
            "user_last_name": user_last_name,
        }
        empty = [name for name, value in given.items() if not value.strip()]
        if empty:
            raise ToolError(f"Authentication failed: {', '.join(empty)} must not be empty.")
        account = self._tr_account()
        account.access_token = self.new_id("tr-", 16).lower()
        account.token_type = "Bearer"
        account.token_expires_in = data.TOKEN_LIFETIME_S
        account.token_scope = grant_type
        account.user_first_name = user_first_name.strip()
        account.user_last_name = user_last_name.strip()
        return {
            "expires_in": data.TOKEN_LIFETIME_S,
            "access_token": account.access_token,
            "token_type": "Bearer",
            "scope": grant_type,
        }

    @tool()
    def travel_get_login_status(self) -> LoginStatus:
        """Whether the traveller is signed in to the travel system.

        Returns:
            status: true when an access token is active.
        """
        return {"status": self._tr_account().access_token is not None}

    # ------------------------------------------------------------------ reference
    @tool()
    def list_all_airports(self) -> Airports:
        """List the codes of every airport the agency flies between.

        Returns:
            airports: IATA-style codes, alphabetically.
        """
        return {"airports": rules.airport_codes()}

    @tool()
    def get_nearest_airport_by_city(self, location: Location) -> NearestAirport:
        """The airport nearest to a town or city.

        Args:
            location: the town or city, one of those the agency serves.

        Returns:
            nearest_airport: the airport's code.
        """
        return {"nearest_airport": data.AIRPORTS[location][0]}

    @tool()
    def get_flight_cost(
        self, travel_from: str, travel_to: str, travel_date: str, travel_class: TravelClass
    ) -> FlightCost:
        """The fare in USD of the flight between two airports on a day, in a class. Fares follow
        distance and class; departures within two weeks cost 30% more, Fridays and Sundays 10% more.

        Args:
            travel_from: code of the departure airport, e.g. SFO.
            travel_to: code of the arrival airport.
            travel_date: the day of travel, YYYY-MM-DD (today or later).
            travel_class: economy, business or first.

        Returns:
            travel_cost_list: the fare of the day's flight (one entry).
        """
        today = self.now().date()
        return {"travel_cost_list": [rules.fare(travel_from, travel_to, travel_date, travel_class, today)]}

    @tool()
    def compute_exchange_rate(
        self, base_currency: Currency, target_currency: Currency, value: float
    ) -> Exchange:
        """Convert an amount between currencies at the agency's rates (to the cent).

        Args:
            base_currency: the currency of the amount.
            target_currency: the currency to convert to.
            value: the amount to convert.

        Returns:
            exchanged_value: the amount in the target currency.
        """
        usd = value / data.RATES_PER_USD[base_currency]
        return {"exchanged_value": round(usd * data.RATES_PER_USD[target_currency], 2)}

    @tool()
    def get_budget_fiscal_year(
        self, lastModifiedAfter: str = "None", includeRemoved: str = "None"
    ) -> FiscalYears:
        """The budget fiscal years on file, optionally only those changed after a moment.

        Args:
            lastModifiedAfter: only years changed after this UTC time, YYYY-MM-DDTHH:MM:SS; "None"
                (the default) for all.
            includeRemoved: "true" to include removed years; "false" or "None" (the default) not.

        Returns:
            budget_fiscal_year: the matching years, oldest first, separated by ", " (empty if none).
        """
        after = None
        if lastModifiedAfter != "None":
            try:
                after = datetime.fromisoformat(lastModifiedAfter)
            except ValueError:
                raise ToolError(
                    f"lastModifiedAfter must look like 2016-03-29T16:12:20; got {lastModifiedAfter!r}."
                ) from None
        flag = includeRemoved.strip().lower()
        if flag not in ("true", "false", "none"):
            raise ToolError(f"includeRemoved must be true or false; got {includeRemoved!r}.")
        years = [
            name
            for name, modified, removed in data.FISCAL_YEARS
            if (flag == "true" or not removed) and (after is None or datetime.fromisoformat(modified) > after)
        ]
        return {"budget_fiscal_year": ", ".join(years)}

    @tool()
    def verify_traveler_information(
        self, first_name: str, last_name: str, date_of_birth: str, passport_number: str
    ) -> Verification:
        """Check a traveller's details before a trip: a name, an adult's date of birth and a passport
        number of 6 to 9 letters and digits (with at least one digit).

        Args:
            first_name: the traveller's first name.
            last_name: the traveller's last name.
            date_of_birth: the date of birth, YYYY-MM-DD.
            passport_number: the passport number.

        Returns:
            verification_status, and verification_failure saying why when it is false.
        """
        failure = rules.traveler_problem(
            first_name, last_name, date_of_birth, passport_number, self.now().date()
        )
        if failure:
            return {"verification_status": False, "verification_failure": failure}
        return {"verification_status": True}

    # ------------------------------------------------------------------ cards and budget
    @tool()
    def get_all_credit_cards(self) -> CreditCards:
        """The traveller's registered credit cards.

        Returns:
            credit_card_list: by card id, each card's number, expiration date, cardholder name,
                verification value and available balance (USD).
        """
        cards = self.db.scalars(select(TrCard).order_by(TrCard.card_id))
        return {
            "credit_card_list": {
                card.card_id: {
                    "card_number": card.card_number,
                    "expiration_date": card.expiration_date,
                    "cardholder_name": card.cardholder_name,
                    "card_verification_value": card.card_verification_number,
                    "balance": card.balance,
                }
                for card in cards
            }
        }

    @tool()
    def get_credit_card_balance(self, access_token: str, card_id: str) -> CardBalance:
        """The credit still available on a card.

        Args:
            access_token: the token from authenticate_travel.
            card_id: the card's id.

        Returns:
            card_balance in USD.
        """
        self._tr_authorize(access_token, write=False)
        return {"card_balance": self._tr_card(card_id).balance}

    @tool(write=True)
    def register_credit_card(
        self,
        access_token: str,
        card_number: str,
        expiration_date: str,
        cardholder_name: str,
        card_verification_number: int,
    ) -> RegisteredCard:
        """Register a new credit card; it comes with the issuer's standard $5,000 of credit.

        Args:
            access_token: the token from authenticate_travel.
            card_number: the card number, 13 to 19 digits (spaces and dashes are ignored).
            expiration_date: the expiry month, MM/YYYY; the card must not have expired.
            cardholder_name: the name on the card.
            card_verification_number: the 3- or 4-digit security code.

        Returns:
            card_id: the id of the new card.
        """
        self._tr_authorize(access_token, write=True)
        number = re.sub(r"[\s-]", "", card_number)
        if not re.fullmatch(r"\d{13,19}", number):
            raise ToolError("Invalid card number: it must have 13 to 19 digits.")
        if not re.fullmatch(r"(0[1-9]|1[0-2])/\d{4}", expiration_date.strip()):
            raise ToolError(f"Invalid expiration date {expiration_date!r}; use MM/YYYY.")
        if rules.card_expired(expiration_date.strip(), self.now().date()):
            raise ToolError(f"The card expired in {expiration_date.strip()}.")
        if not cardholder_name.strip():
            raise ToolError("The cardholder name is required.")
        if not 0 <= card_verification_number <= 9999:
            raise ToolError("Invalid card verification number: it must have 3 or 4 digits.")
        existing = self.db.scalar(select(TrCard.card_id).where(TrCard.card_number == number))
        if existing is not None:
            raise ToolError(f"This card is already registered as {existing}.")
        card_id = self.new_id("CC", 6)
        self.db.add(
            TrCard(
                card_id=card_id,
                card_number=number,
                expiration_date=expiration_date.strip(),
                cardholder_name=cardholder_name.strip(),
                card_verification_number=card_verification_number,
                balance=data.NEW_CARD_CREDIT,
                extra=None,
            )
        )
        return {"card_id": card_id}

    @tool(write=True)
    def set_budget_limit(self, access_token: str, budget_limit: float) -> Budget:
        """Set the most a single flight booking may cost.

        Args:
            access_token: the token from authenticate_travel.
            budget_limit: the limit in USD (more than 0).

        Returns:
            budget_limit: the limit now in force.
        """
        self._tr_authorize(access_token, write=True)
        if budget_limit <= 0:
            raise ToolError(f"The budget limit must be more than 0; got {budget_limit:g}.")
        self._tr_account().budget_limit = float(budget_limit)
        return {"budget_limit": float(budget_limit)}

    # ------------------------------------------------------------------ bookings
    @tool(write=True)
    def book_flight(
        self,
        access_token: str,
        card_id: str,
        travel_date: str,
        travel_from: str,
        travel_to: str,
        travel_class: TravelClass,
    ) -> Booking:
        """Book the day's flight between two airports and pay its fare with a card. The fare may
        not exceed the budget limit or the card's available balance, and the card must be valid.

        Args:
            access_token: the token from authenticate_travel.
            card_id: the card to pay with.
            travel_date: the day of travel, YYYY-MM-DD.
            travel_from: code of the departure airport, e.g. SFO.
            travel_to: code of the arrival airport.
            travel_class: economy, business or first.

        Returns:
            booking_id, transaction_id, booking_status (true) and booking_history (the new booking).
        """
        account = self._tr_authorize(access_token, write=True)
        card = self._tr_card(card_id)
        fare = rules.fare(travel_from, travel_to, travel_date, travel_class, self.now().date())
        if account.budget_limit is not None and fare > account.budget_limit:
            raise ToolError(
                f"The fare of ${fare:,.2f} exceeds your budget limit of ${account.budget_limit:,.2f}."
            )
        self._tr_charge(card, fare)
        booking = TrBooking(
            booking_id=self.new_id("BK", 6),
            card_id=card.card_id,
            travel_date=travel_date,
            travel_from=travel_from.upper(),
            travel_to=travel_to.upper(),
            travel_class=travel_class,
            travel_cost=fare,
            transaction_id=self.new_id("TX", 8),
            extra=None,
        )
        self.db.add(booking)
        return {
            "booking_id": booking.booking_id,
            "transaction_id": booking.transaction_id,
            "booking_status": True,
            "booking_history": {"booking_id": booking.booking_id, **_tr_details(booking)},
        }

    @tool(write=True)
    def cancel_booking(self, access_token: str, booking_id: str) -> Cancellation:
        """Cancel a booking whose flight has not departed. The fare goes back to the card it was
        paid with, and insurance bought for the booking is cancelled and refunded too.

        Args:
            access_token: the token from authenticate_travel.
            booking_id: the booking to cancel.

        Returns:
            cancel_status: true when cancelled.
        """
        self._tr_authorize(access_token, write=True)
        booking = self._tr_booking(booking_id)
        travel_day = rules.parse_date(booking.travel_date or "")
        if travel_day is not None and travel_day < self.now().date():
            raise ToolError(
                f"Booking {booking_id} flew on {booking.travel_date}; it can no longer be cancelled."
            )
        self._tr_refund(booking.card_id, booking.travel_cost or 0.0)
        for policy in self.db.scalars(select(TrInsurance).where(TrInsurance.booking_id == booking_id)):
            self._tr_refund(policy.card_id, policy.insurance_cost)
            self.db.delete(policy)
        self.db.delete(booking)
        return {"cancel_status": True}

    @tool()
    def get_booking_history(self, access_token: str) -> BookingHistory:
        """All of the traveller's bookings.

        Args:
            access_token: the token from authenticate_travel.

        Returns:
            booking_history: by booking id, its transaction id, date, airports, class and cost.
        """
        self._tr_authorize(access_token, write=False)
        bookings = self.db.scalars(select(TrBooking).order_by(TrBooking.booking_id))
        return {"booking_history": {b.booking_id: _tr_details(b) for b in bookings}}

    @tool()
    def retrieve_invoice(
        self, access_token: str, booking_id: str = "None", insurance_id: str = "None"
    ) -> Invoice:
        """The invoice of a booking, found by the booking or by an insurance policy bought for it.

        Args:
            access_token: the token from authenticate_travel.
            booking_id: the booking; "None" (the default) to go by the insurance id.
            insurance_id: an insurance policy of the booking; "None" (the default) if not used.

        Returns:
            invoice: the booking id, date, airports, class, cost and transaction id.
        """
        self._tr_authorize(access_token, write=False)
        if booking_id == "None" and insurance_id == "None":
            raise ToolError("Give a booking id or an insurance id.")
        if insurance_id != "None":
            policy = self.db.get(TrInsurance, insurance_id)
            if policy is None:
                raise ToolError(f"Insurance {insurance_id} not found.")
            if booking_id not in ("None", policy.booking_id):
                raise ToolError(f"Insurance {insurance_id} does not belong to booking {booking_id}.")
            booking_id = policy.booking_id
        booking = self._tr_booking(booking_id)
        return {"invoice": {"booking_id": booking.booking_id, **_tr_details(booking)}}

    @tool(write=True)
    def purchase_insurance(
        self, access_token: str, insurance_type: str, booking_id: str, insurance_cost: float, card_id: str
    ) -> Insurance:
        """Buy travel insurance for a booking (one policy per booking), paid with a card.

        Args:
            access_token: the token from authenticate_travel.
            insurance_type: the kind of cover, e.g. comprehensive or cancellation.
            booking_id: the booking to insure.
            insurance_cost: the premium in USD (more than 0).
            card_id: the card to pay with.

        Returns:
            insurance_id and insurance_status (true when bought).
        """
        self._tr_authorize(access_token, write=True)
        if not insurance_type.strip():
            raise ToolError("Say which type of insurance to buy.")
        if insurance_cost <= 0:
            raise ToolError(f"The insurance cost must be more than 0; got {insurance_cost:g}.")
        booking = self._tr_booking(booking_id)
        existing = self.db.scalar(
            select(TrInsurance.insurance_id).where(TrInsurance.booking_id == booking_id)
        )
        if existing is not None:
            raise ToolError(f"Booking {booking_id} is already insured (policy {existing}).")
        card = self._tr_card(card_id)
        self._tr_charge(card, float(insurance_cost))
        policy = TrInsurance(
            insurance_id=self.new_id("INS", 6),
            booking_id=booking.booking_id,
            insurance_type=insurance_type.strip(),
            insurance_cost=float(insurance_cost),
            card_id=card.card_id,
        )
        self.db.add(policy)
        return {"insurance_id": policy.insurance_id, "insurance_status": True}

    @tool()
    def contact_customer_support(self, booking_id: str, message: str) -> SupportReply:
        """Talk to customer support about a booking.

        Args:
            booking_id: the booking the question is about.
            message: what to tell support.

        Returns:
            customer_support_message: support's reply.
        """
        booking = self._tr_booking(booking_id)
        if not message.strip():
            raise ToolError("Tell support what the problem is.")
        return {
            "customer_support_message": (
                f"Thank you for contacting us about booking {booking.booking_id} "
                f"({booking.travel_from} to {booking.travel_to} on {booking.travel_date}). "
                "A travel specialist has your message and will reply within 24 hours."
            )
        }

    # ------------------------------------------------------------------ helpers
    def _tr_account(self) -> TrAccount:
        return self.db.get(TrAccount, 1)

    def _tr_authorize(self, access_token: str, *, write: bool) -> TrAccount:
        account = self._tr_account()
        if account.access_token is None:
            raise ToolError("You are not signed in to the travel system; authenticate first.")
        if access_token != account.access_token:
            raise ToolError("Invalid access token.")
        scope = account.token_scope or "read_write"
        if write and scope == "read":
            raise ToolError("This access token is read-only (scope 'read'); it cannot make changes.")
        if not write and scope == "write":
            raise ToolError("This access token is write-only (scope 'write'); it cannot read.")
        return account

    def _tr_card(self, card_id: str) -> TrCard:
        card = self.db.get(TrCard, card_id)
        if card is None:
            raise ToolError(f"Card {card_id} is not registered.")
        return card

    def _tr_booking(self, booking_id: str) -> TrBooking:
        booking = self.db.get(TrBooking, booking_id)
        if booking is None:
            raise ToolError(f"Booking {booking_id} not found.")
        return booking

    def _tr_charge(self, card: TrCard, amount: float) -> None:
        if card.expiration_date and rules.card_expired(card.expiration_date, self.now().date()):
            raise ToolError(f"Card {card.card_id} expired ({card.expiration_date}).")
        if amount > card.balance:
            raise ToolError(
                f"Insufficient balance on card {card.card_id}: ${card.balance:,.2f} available, "
                f"${amount:,.2f} needed."
            )
        card.balance = round(card.balance - amount, 2)

    def _tr_refund(self, card_id: str | None, amount: float) -> None:
        card = self.db.get(TrCard, card_id) if card_id else None
        if card is not None:
            card.balance = round(card.balance + amount, 2)


def _tr_details(booking: TrBooking) -> dict[str, Any]:
    return {
        "transaction_id": booking.transaction_id,
        "travel_date": booking.travel_date,
        "travel_from": booking.travel_from,
        "travel_to": booking.travel_to,
        "travel_class": booking.travel_class,
        "travel_cost": booking.travel_cost,
    }


class TravelApiEnv(TravelApiTools, BfclApiEnv):
    name = "bfcl_travel"
    description = (
        "BFCL's TravelAPI: a traveller's account with a travel agency: airports and fares, flight "
        "bookings, insurance, credit cards, budget and invoices; state in BFCL's initial_config shape."
    )
    metadata = TravelBase.metadata
    api = BfclApi("TravelAPI", seed, tables_from_config, config_from_tables)

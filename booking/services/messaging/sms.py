"""Texts (SMS) through Twilio's Messages API, with Twilio's maintained Python library.

Why Twilio: it sends to UK mobile numbers from a UK number or an alphanumeric sender name
(e.g. "StillWaters", which UK networks accept for one-way texts), reports errors with
documented codes, and its library is maintained by Twilio itself. Configured by
TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_FROM; without them, the outbox turns each text
into a phone call for the desk, saying why. SMS_API_BASE_URL points the library elsewhere
(the tests use a local server that answers as Twilio's API documents).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import current_app
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TIMEOUT_SECONDS = 20
NOT_SET_UP = "Texts are not set up here (no SMS provider), so please phone instead."


# Twilio's codes that mean this number will never take this text.
NUMBER_REFUSED = frozenset({21211, 21408, 21610, 21612, 21614})
NOT_A_MOBILE = 21614  # a landline, say: a call reaches them instead
NO_TEXTS_HERE = "This number cannot take texts (perhaps a landline), so please phone instead."


class SmsFailed(Exception):
    """The provider did not take the text; `permanent` when trying again cannot help, and
    `phone_instead` when a call would reach the person."""

    def __init__(self, reason: str, *, permanent: bool, phone_instead: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.phone_instead = phone_instead


def configured() -> bool:
    """Whether texts can be sent: an account, its token and a sender are all set."""
    config = current_app.config
    return bool(
        config.get("TWILIO_ACCOUNT_SID")
        and config.get("TWILIO_AUTH_TOKEN")
        and config.get("SMS_FROM")
    )


@dataclass
class Sender:
    """One Twilio client for a worker pass."""

    client: Client
    sender: str

    def send(self, number: str, body: str) -> str:
        """Send one text; returns the provider's id for it, or raises SmsFailed."""
        try:
            message = self.client.messages.create(to=number, from_=self.sender, body=body)
        except TwilioRestException as error:
            # A refused number (invalid, opted out, not a mobile) never gets better; a 400
            # about the text neither. Credentials or the account (401, 403), too many
            # requests (429) and the provider's trouble (5xx) may: try again, with back-off.
            refused = error.code in NUMBER_REFUSED
            raise SmsFailed(
                f"the SMS provider said {error.status} (code {error.code})",
                permanent=refused or error.status == 400,
                phone_instead=error.code == NOT_A_MOBILE,
            ) from None
        except (TwilioException, requests.RequestException) as error:
            raise SmsFailed(
                f"could not reach the SMS provider ({type(error).__name__})", permanent=False
            ) from None
        return message.sid


def sender_from_config() -> Sender:
    """A sender for the configured account (call only when `configured()`)."""
    config = current_app.config
    client = Client(
        config["TWILIO_ACCOUNT_SID"],
        config["TWILIO_AUTH_TOKEN"],
        http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS),
    )
    if config.get("SMS_API_BASE_URL"):
        client.api.base_url = config["SMS_API_BASE_URL"]
    return Sender(client, config["SMS_FROM"])

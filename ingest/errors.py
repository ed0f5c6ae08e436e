"""The product's error classes: one base, and one class for input the caller can fix.

Every error the project raises on purpose derives from :class:`CchcError` (each also keeps the
built-in base it had, so ``except ValueError`` still catches an unreadable file). Input errors (a
question too long, a file that cannot be read, an archive over a limit, a question file with bad
lines) derive from :class:`UserInputError`, whose ``status`` the service answers with and whose
message is shown as it is: the API maps the class, not a list of cases, and any other exception
stays a server error. It lives in ``ingest`` because that is the package every other one imports.
"""

from __future__ import annotations


class CchcError(Exception):
    """Base of every error cchc-assistant raises on purpose."""


class UserInputError(CchcError, ValueError):
    """The caller's input cannot be used as given; the message says why, in the user's language."""

    status: int = 422  # the HTTP status the service answers with

"""Why an input cannot be read, with the HTTP status the API answers and a sentence to show."""


class ExtractionInputError(ValueError):
    """Bad input for the extraction assistant. `status` is a 4xx code; str() is for the editor."""

    status: int = 400
    field: str = "non_field_errors"  # the request field at fault, for the API's `errors` map

    def __init__(self, message: str, *, status: int | None = None, field: str = "") -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        if field:
            self.field = field


class InputTooLarge(ExtractionInputError):
    status = 413


class UnsupportedInput(ExtractionInputError):
    """Binary or undecodable content, or a page that is not HTML or text."""

    status = 415


class NotAnArticle(ExtractionInputError):
    """Empty, too short, not prose, or not English."""

    status = 422


class FetchRefused(ExtractionInputError):
    """A URL the server will not fetch: a bad scheme, or a private or loopback address."""

    status = 400


class FetchFailed(ExtractionInputError):
    """The page could not be fetched: unreachable, timed out or an HTTP error."""

    status = 422

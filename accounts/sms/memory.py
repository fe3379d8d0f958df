"""Test backend: messages are kept in ``outbox`` as ``(phone, text)`` pairs."""

outbox: list[tuple[str, str]] = []


def send(*, phone: str, text: str) -> None:
    outbox.append((phone, text))

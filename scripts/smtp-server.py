#!/usr/bin/env python3
"""The SMTP server the integration tests deliver to (aiosmtpd, Debian package python3-aiosmtpd).

One process listens on three loopback ports:
  --starttls-port    offers STARTTLS and requires it, then requires AUTH (PLAIN or LOGIN);
  --smtps-port       implicit TLS from the first byte, then requires AUTH;
  --no-starttls-port plain text only: never offers STARTTLS (nor AUTH), so a client that
                     requires TLS must refuse it. Accepts mail without AUTH.

Every accepted message lands in --mailbox as <n>.json (mail_from, rcpt_tos, port, listener,
auth user) and <n>.eml (the DATA bytes exactly as received, dot-stuffing removed). Both are
written to a temporary name and renamed, the .json first and the .eml last, so a reader that
lists *.eml never sees half a message and always finds the .json beside it.

The local part of a recipient steers the answer, so tests choose the behaviour per message:
  tempfail-*  451 to RCPT the first time this exact address is seen (per server lifetime),
              accepted afterwards;
  reject-*    550 to RCPT with the text "osslwatch test server rejects this recipient";
  hold-*      the message is stored, then the final 250 to DATA is delayed by --hold-seconds
              (60 by default), the window in which a client can crash after the server has
              the message but before it learned so;
  drop-*      the message is stored, then the connection is cut without the final reply to
              DATA, as when a link dies after the whole message went over.

The password is read from --password-file, never from the command line.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Mailbox:
    """The directory of accepted messages plus the state shared by all listeners."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.tempfailed: set[str] = set()
        existing = [
            int(name.split(".")[0])
            for name in os.listdir(directory)
            if name.split(".")[0].isdigit()
        ]
        self.counter = max(existing, default=0)

    def _write(self, name: str, data: bytes) -> None:
        final = os.path.join(self.directory, name)
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, final)

    def store(self, envelope: dict, content: bytes) -> int:
        self.counter += 1
        number = self.counter
        self._write(f"{number}.json", (json.dumps(envelope, indent=2) + "\n").encode())
        self._write(f"{number}.eml", content)
        return number


class Listener:
    """The aiosmtpd handler of one port: steering by recipient, storing on DATA."""

    def __init__(self, mailbox: Mailbox, name: str, port: int, hold_seconds: float) -> None:
        self.mailbox = mailbox
        self.name = name
        self.port = port
        self.hold_seconds = hold_seconds

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 osslwatch test server rejects this recipient"
        if local.startswith("tempfail-") and address not in self.mailbox.tempfailed:
            self.mailbox.tempfailed.add(address)
            return "451 4.3.2 osslwatch test server defers this recipient, try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        user = None
        if isinstance(session.auth_data, LoginPassword):
            user = session.auth_data.login.decode("utf-8", "replace")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "port": self.port,
            "listener": self.name,
            "auth_user": user,
        }
        number = self.mailbox.store(record, envelope.original_content)
        logging.info("stored message %d on %s for %s", number, self.name, ", ".join(envelope.rcpt_tos))
        if any(rcpt.rsplit("@", 1)[0].lower().startswith("drop-") for rcpt in envelope.rcpt_tos):
            logging.info("dropping the connection of message %d without a reply", number)
            server.transport.abort()
            # aiosmtpd cancels this handler once it sees the connection lost; until then no
            # reply may go out.
            await asyncio.sleep(self.hold_seconds)
        if any(rcpt.rsplit("@", 1)[0].lower().startswith("hold-") for rcpt in envelope.rcpt_tos):
            logging.info("holding the reply to message %d for %s s", number, self.hold_seconds)
            await asyncio.sleep(self.hold_seconds)
        return f"250 2.0.0 OK queued as {number}"


def make_authenticator(user: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


async def serve(arguments) -> None:
    with open(arguments.password_file, encoding="utf-8") as handle:
        password = handle.read().strip()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(arguments.cert, arguments.key)
    authenticator = make_authenticator(arguments.user, password)
    mailbox = Mailbox(arguments.mailbox)
    loop = asyncio.get_running_loop()

    def factory(name: str, port: int, **options):
        """A protocol factory for one listener; `options` are what set the listeners apart."""

        def make():
            return SMTP(Listener(mailbox, name, port, arguments.hold_seconds), hostname="localhost", **options)

        return make

    starttls_factory = factory(
        "starttls",
        arguments.starttls_port,
        tls_context=tls,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=authenticator,
    )

    # The whole smtps connection is TLS, which aiosmtpd does not see (it only tracks STARTTLS),
    # so AUTH there must not wait for a STARTTLS that is never offered; its warning is moot.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    quiet = ("auth_require_tls == False", "login_data is deprecated")
    logging.getLogger("mail.log").addFilter(lambda record: not any(q in record.getMessage() for q in quiet))

    smtps_factory = factory(
        "smtps",
        arguments.smtps_port,
        auth_required=True,
        auth_require_tls=False,
        authenticator=authenticator,
    )
    plain_factory = factory("no-starttls", arguments.no_starttls_port, auth_required=False, auth_require_tls=True)

    servers = [
        await loop.create_server(starttls_factory, "127.0.0.1", arguments.starttls_port),
        await loop.create_server(smtps_factory, "127.0.0.1", arguments.smtps_port, ssl=tls),
        await loop.create_server(plain_factory, "127.0.0.1", arguments.no_starttls_port),
    ]
    logging.info(
        "listening: starttls %d, smtps %d, no-starttls %d; mailbox %s",
        arguments.starttls_port,
        arguments.smtps_port,
        arguments.no_starttls_port,
        arguments.mailbox,
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    logging.info("stopped")


def main() -> int:
    parser = argparse.ArgumentParser(description="SMTP test server for the osslwatch integration tests")
    parser.add_argument("--starttls-port", type=int, required=True)
    parser.add_argument("--smtps-port", type=int, required=True)
    parser.add_argument("--no-starttls-port", type=int, required=True)
    parser.add_argument("--cert", required=True, help="PEM server certificate")
    parser.add_argument("--key", required=True, help="PEM private key of --cert")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--mailbox", required=True, help="directory for <n>.eml and <n>.json")
    parser.add_argument("--hold-seconds", type=float, default=60)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiosmtpd logs every command line at DEBUG, AUTH data included; stay at INFO.
    logging.getLogger("mail.log").setLevel(logging.INFO)
    asyncio.run(serve(arguments))
    return 0


if __name__ == "__main__":
    sys.exit(main())

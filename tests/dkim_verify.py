"""Checks the DKIM signature of one message as an SMTP server received it,
with dkimpy (an independent verifier), given the public key directly
instead of through DNS.

    python dkim_verify.py MESSAGE_FILE DOMAIN SELECTOR ALGORITHM PUBLIC_KEY

ALGORITHM is rsa or ed25519; PUBLIC_KEY is the DNS record's p= value.
Exits 0 when the signature verifies, 1 when it does not.
"""
import sys

import dkim


def main() -> int:
    path, domain, selector, algorithm, public = sys.argv[1:6]
    with open(path, "rb") as f:
        message = f.read()
    record = f"v=DKIM1; k={algorithm}; p={public}".encode()
    expected = f"{selector}._domainkey.{domain}."

    def dns(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return record if name.rstrip(".") + "." == expected else None

    ok = dkim.verify(message, dnsfunc=dns)
    print("pass" if ok else "fail")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

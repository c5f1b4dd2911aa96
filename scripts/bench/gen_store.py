#!/usr/bin/env python3
"""Writes a `trunktui serve --data FILE` store holding N active trunks of one API key.

What it makes: the store's JSON (`{"version":1,"trunks":[...]}`, see src/server/store.rs),
each trunk owned by the key's fingerprint, "sha256:" + hex SHA-256 of
b"trunktui owner v1\\n" + the trimmed key (see src/server/auth.rs). The trunks are shaped like
the API's and like those of benches/stress.rs: "ST_" + 12 base62, 60% Twilio / 40% Exotel,
1 to 3 E.164 numbers, naive ISO timestamps with microseconds. A fixed seed makes every run
serve the same data.

Run: python3 scripts/bench/gen_store.py --count 100000 --api-key KEY --out /tmp/trunks.json
"""

import argparse
import hashlib
import json
import random
import string

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka",
             "Tyrell", "Cyberdyne", "Soylent", "Vandelay", "Aperture", "Oscorp", "Nakatomi",
             "Gringotts"]
PURPOSES = ["Sales", "Support", "Outbound", "Collections", "Reminders", "Survey", "Booking",
            "Dispatch"]
ENVS = ["prod", "staging", "dev", "eu", "us-east", "in-south"]


def fingerprint(key: str) -> str:
    return "sha256:" + hashlib.sha256(b"trunktui owner v1\n" + key.strip().encode()).hexdigest()


def trunk(rng: random.Random, i: int, owner: str) -> dict:
    company, env = rng.choice(COMPANIES), rng.choice(ENVS)
    twilio = rng.random() < 0.6
    if twilio:
        address = f"{company.lower()}-{env}-{rng.randrange(1000)}.pstn.twilio.com"
        numbers = [f"+1415555{rng.randrange(10_000):04}" for _ in range(rng.randint(1, 3))]
        username = "AC" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
    else:
        address = "sip.exotel.com"
        numbers = [f"+9180{rng.randrange(100_000_000):08}" for _ in range(rng.randint(1, 3))]
        username = f"{company.lower()}{rng.randrange(100)}"
    created = (f"{rng.randint(2025, 2026)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
               f"T{rng.randrange(24):02}:{rng.randrange(60):02}:{rng.randrange(60):02}"
               f".{rng.randrange(1_000_000):06}")
    return {
        "trunk_id": "ST_" + "".join(rng.choice(BASE62) for _ in range(12)),
        "owner": owner,
        "trunk_name": f"{company} {rng.choice(PURPOSES)} {env} {i}",
        "trunk_address": address,
        "trunk_numbers": numbers,
        "trunk_auth_username": username,
        "trunk_auth_password": "".join(rng.choice(BASE62) for _ in range(24)),
        "trunk_type": "twilio" if twilio else "exotel",
        "trunk_created_at": created,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(0x5EED + args.count)
    owner = fingerprint(args.api_key)
    trunks, ids = [], set()
    while len(trunks) < args.count:
        t = trunk(rng, len(trunks), owner)
        if t["trunk_id"] not in ids:  # the store refuses a file with an id twice
            ids.add(t["trunk_id"])
            trunks.append(t)
    with open(args.out, "w") as f:
        json.dump({"version": 1, "trunks": trunks}, f)


if __name__ == "__main__":
    main()

"""The password hasher: Argon2id at OWASP's recommended parameters, parallelism 1.

OWASP's Password Storage Cheat Sheet recommends Argon2id with at least 19 MiB of memory, an
iteration count of 2 and 1 degree of parallelism. Django's own defaults (100 MiB, 2 passes,
8 lanes) are stronger in memory but spread one check over 8 threads: on a server every core
already serves another request, so lanes only add contention. Parallelism 1 keeps one check
on one core, so login throughput is cores / one check (what the benchmark's hash floor
measures). The stored hash records its parameters (``$argon2id$v=19$m=19456,t=2,p=1$...``);
hashes made with other parameters still verify and are re-hashed at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Same algorithm name as Django's (``argon2``): existing hashes keep verifying."""

    time_cost = OWASP_MIN_TIME_COST
    memory_cost = OWASP_MIN_MEMORY_KIB  # KiB
    parallelism = 1

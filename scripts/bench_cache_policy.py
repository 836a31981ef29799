"""Which eviction policy the response cache should use, measured on reader traffic.

Replays request traces against byte-bounded caches of the candidate policies and prints each one's
hit rate (requests answered from the cache) and byte hit rate. The traces model what issue 15 asks the
library to serve: articles in four reader languages (en, ru, kk, kk-Latn) as API responses (about
3 KB) or pages (about 8 KB, the shared sidebar kept once, not per page), requested

- by readers: Zipf-distributed over the articles (s = 0.8 / 1.1: a few popular, a long tail), and
- by crawlers: a sweep over every URL of the library, once, mixed into the readers' traffic (a
  search engine re-reading the archive): the case where least-recently-used is known to flush the
  popular articles out for pages nobody asks for again.

Candidates: LRU (what the cache used), SIEVE (Zhang et al., NSDI 2024: a FIFO with a visited bit and a
moving hand) and S3-FIFO (Yang et al., SOSP 2023: a small probationary FIFO, a main FIFO and a ghost
list of keys recently evicted from the small one). The library uses the winner (`library.web.cache`).

Usage: .venv/bin/python scripts/bench_cache_policy.py [--articles 100000] [--requests 2000000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import OrderedDict, deque
from itertools import accumulate

from library.web.s3fifo import S3Fifo

LANGUAGES = 4


class Lru:
    name = "LRU"

    def __init__(self, capacity: int) -> None:
        self.capacity, self.used, self.entries = capacity, 0, OrderedDict()

    def get(self, key) -> bool:
        if key in self.entries:
            self.entries.move_to_end(key)
            return True
        return False

    def put(self, key, size: int) -> None:
        self.entries[key] = size
        self.used += size
        while self.used > self.capacity:
            _, dropped = self.entries.popitem(last=False)
            self.used -= dropped


class Sieve:
    name = "SIEVE"

    def __init__(self, capacity: int) -> None:
        self.capacity, self.used = capacity, 0
        self.entries: dict = {}  # key -> [size, visited]
        self.queue: deque = deque()  # oldest on the left; the hand walks from the left

    def get(self, key) -> bool:
        entry = self.entries.get(key)
        if entry is None:
            return False
        entry[1] = True
        return True

    def put(self, key, size: int) -> None:
        while self.used + size > self.capacity and self.queue:
            old = self.queue.popleft()
            entry = self.entries[old]
            if entry[1]:
                entry[1] = False
                self.queue.append(old)  # survives; the hand moves on
            else:
                del self.entries[old]
                self.used -= entry[0]
        self.entries[key] = [size, False]
        self.queue.append(key)
        self.used += size


class S3FifoPolicy:
    name = "S3-FIFO"

    def __init__(self, capacity: int) -> None:
        self.cache = S3Fifo(capacity)

    def get(self, key) -> bool:
        return self.cache.get(key) is not None

    def put(self, key, size: int) -> None:
        self.cache.put(key, size, size)


def trace(articles: int, requests: int, s: float, crawl: bool, page: bool, seed: int = 15):
    """(key, size) per request; keys are (article, language)."""
    rng = random.Random(seed)
    popularity = list(range(articles))
    rng.shuffle(popularity)
    weights = list(accumulate(1 / (rank + 1) ** s for rank in range(articles)))
    readers = rng.choices(popularity, cum_weights=weights, k=requests)
    mean = 8000 if page else 3000
    sizes = [int(mean * rng.lognormvariate(0, 0.4)) for _ in range(articles)]
    sweep = [(article, language) for article in range(articles) for language in range(LANGUAGES)]
    crawler = iter(sweep)
    for n, article in enumerate(readers):
        if crawl and n % 5 == 4:  # one request in five is the crawler's, while its sweep lasts
            key = next(crawler, None)
            if key is not None:
                yield key, sizes[key[0]]
                continue
        yield (article, rng.randrange(LANGUAGES)), sizes[article]


def replay(policy, requests) -> tuple[float, float]:
    hits = asked = hit_bytes = asked_bytes = 0
    for key, size in requests:
        asked += 1
        asked_bytes += size
        if policy.get(key):
            hits += 1
            hit_bytes += size
        else:
            policy.put(key, size)
    return hits / asked, hit_bytes / asked_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--mb", default="64,256", help="cache sizes to try, in MB")
    args = parser.parse_args()
    print(f"{args.articles} articles x {LANGUAGES} languages, {args.requests} requests per trace")
    print(f"{'trace':34} {'cache':>6} " + " ".join(f"{p.name:>16}" for p in (Lru, Sieve, S3FifoPolicy)))
    for page in (False, True):
        for s in (0.8, 1.1):
            for crawl in (False, True):
                for mb in (int(x) for x in args.mb.split(",")):
                    label = f"{'pages' if page else 'api'} zipf s={s}{' + crawler' if crawl else ''}"
                    cells = []
                    for policy in (Lru, Sieve, S3FifoPolicy):
                        began = time.perf_counter()
                        rate, byte_rate = replay(policy(mb * 1024 * 1024),
                                                 trace(args.articles, args.requests, s, crawl, page))
                        cells.append(f"{rate:6.1%} ({byte_rate:5.1%})")
                        del began
                    print(f"{label:34} {mb:>4}MB " + " ".join(f"{c:>16}" for c in cells), flush=True)
    print("cells: hit rate (byte hit rate)")


if __name__ == "__main__":
    main()

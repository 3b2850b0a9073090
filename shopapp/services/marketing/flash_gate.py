"""The 秒杀 gate: who may try to buy a flash sale's units, decided without a database transaction.

A sale's gate holds two things: the units `left` and the units each customer took (`bought`). A
shopper's try takes `qty` units at the gate atomically (limit checked, never below 0); only a try the
gate lets through goes on to write an order (checkout/flash_orders), so the many who cannot win are
answered from memory. With REDIS_URL the gate is an atomic Lua script in Redis, shared by every worker;
on the embedded default it is a dict behind a threading lock in the one process. Both are equally
correct: the gate only filters, the database's conditional update (flash_sales.take_units) is the
truth, and `reconcile` brings the gate back to the database when they disagree (a unit taken at the
gate by a worker that died before its order committed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import redis

from shopapp.services.core.remembered import Remembered
from shopapp.settings import get_settings

log = logging.getLogger(__name__)

OK, SOLD_OUT, LIMIT_REACHED = "ok", "sold_out", "limit_reached"
KEY_TTL_SECONDS = 14 * 24 * 3600  # a sale's gate outlives any sale by far; reloaded from the database if gone
# How long this process trusts a gate it saw empty: the rush's thousands of losers a second are then answered
# from memory, with no Redis round trip. A unit given back through this process is seen at once (give_back,
# adjust and forget clear it); one given back through another worker, at most this much later.
SOLD_OUT_SECONDS = 1.0
_seen_sold_out: Remembered[SaleKey, bool] = Remembered(SOLD_OUT_SECONDS)

# What the database says a sale's gate should hold: units left and units per customer in live orders.
Loader = Callable[[], tuple[int, dict[int, int]]]


@dataclass(frozen=True)
class SaleKey:
    """Names one sale's gate. `epoch` (the sale's creation time in µs) keeps two databases sharing a
    Redis (tests, a restored backup) from reading each other's sale 1."""

    sale_id: int
    epoch: int

    @property
    def left(self) -> str:
        return f"shopapp:flash:{self.sale_id}:{self.epoch}:left"

    @property
    def bought(self) -> str:
        return f"shopapp:flash:{self.sale_id}:{self.epoch}:bought"


class MemoryGate:
    """The embedded default: one process, one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._left: dict[SaleKey, int] = {}
        self._bought: dict[SaleKey, dict[int, int]] = {}

    def take(self, key: SaleKey, customer_id: int, qty: int, limit: int, load: Loader) -> str:
        with self._lock:
            if key not in self._left:
                self._left[key], bought = load()
                self._bought[key] = dict(bought)
            bought = self._bought[key]
            if bought.get(customer_id, 0) + qty > limit:
                return LIMIT_REACHED
            if self._left[key] < qty:
                return SOLD_OUT
            self._left[key] -= qty
            bought[customer_id] = bought.get(customer_id, 0) + qty
            return OK

    def left(self, key: SaleKey) -> int | None:
        with self._lock:
            return _noted(key, self._left.get(key))

    def give_back(self, key: SaleKey, customer_id: int, qty: int) -> None:
        _seen_sold_out.forget(key)
        with self._lock:
            if key in self._left:
                self._left[key] += qty
                bought = self._bought[key]
                bought[customer_id] = max(0, bought.get(customer_id, 0) - qty)

    def state(self, key: SaleKey) -> tuple[int, dict[int, int]] | None:
        with self._lock:
            if key not in self._left:
                return None
            return self._left[key], dict(self._bought[key])

    def adjust(self, key: SaleKey, left_delta: int, bought_deltas: dict[int, int]) -> None:
        _seen_sold_out.forget(key)
        with self._lock:
            if key in self._left:
                self._left[key] += left_delta
                for customer_id, delta in bought_deltas.items():
                    self._bought[key][customer_id] = max(0, self._bought[key].get(customer_id, 0) + delta)

    def forget(self, key: SaleKey) -> None:
        _seen_sold_out.forget(key)
        with self._lock:
            self._left.pop(key, None)
            self._bought.pop(key, None)


# KEYS: left, bought. ARGV: customer, qty, limit. -> units left after the take, or -1 not loaded,
# -2 sold out, -3 over the customer's limit. One script: nobody can slip between the check and the take.
_TAKE = """
local left = redis.call('GET', KEYS[1])
if not left then return -1 end
left = tonumber(left)
local qty = tonumber(ARGV[2])
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if had + qty > tonumber(ARGV[3]) then return -3 end
if left < qty then return -2 end
redis.call('DECRBY', KEYS[1], qty)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
return left - qty
"""
# KEYS: left, bought. ARGV: ttl, left, customer, units, customer, units ... Loads once (the first wins).
_LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[1]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1]))
return 1
"""
# KEYS: left, bought. ARGV: left delta, customer, delta, ... Only on a loaded gate.
_ADJUST = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
for i = 2, #ARGV, 2 do
  local now = redis.call('HINCRBY', KEYS[2], ARGV[i], tonumber(ARGV[i + 1]))
  if now < 0 then redis.call('HSET', KEYS[2], ARGV[i], 0) end
end
return 1
"""


class RedisGate:
    """Shared by every worker: each step one atomic script."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self._take = self._client.register_script(_TAKE)
        self._load = self._client.register_script(_LOAD)
        self._adjust = self._client.register_script(_ADJUST)

    def take(self, key: SaleKey, customer_id: int, qty: int, limit: int, load: Loader) -> str:
        for _ in range(2):
            answer = int(self._take(keys=[key.left, key.bought], args=[customer_id, qty, limit]))
            if answer >= 0:
                return OK
            if answer == -2:
                return SOLD_OUT
            if answer == -3:
                return LIMIT_REACHED
            left, bought = load()
            args: list = [KEY_TTL_SECONDS, left]
            for customer, units in bought.items():
                args += [customer, units]
            self._load(keys=[key.left, key.bought], args=args)
        return SOLD_OUT  # not reached: the load above always leaves a gate to take from

    def left(self, key: SaleKey) -> int | None:
        value = self._client.get(key.left)
        return _noted(key, None if value is None else int(value))

    def give_back(self, key: SaleKey, customer_id: int, qty: int) -> None:
        _seen_sold_out.forget(key)
        self._adjust(keys=[key.left, key.bought], args=[qty, customer_id, -qty])

    def state(self, key: SaleKey) -> tuple[int, dict[int, int]] | None:
        pipe = self._client.pipeline(transaction=True)
        pipe.get(key.left)
        pipe.hgetall(key.bought)
        left, bought = pipe.execute()
        if left is None:
            return None
        return int(left), {int(k): int(v) for k, v in bought.items()}

    def adjust(self, key: SaleKey, left_delta: int, bought_deltas: dict[int, int]) -> None:
        _seen_sold_out.forget(key)
        args: list = [left_delta]
        for customer, delta in bought_deltas.items():
            args += [customer, delta]
        self._adjust(keys=[key.left, key.bought], args=args)

    def forget(self, key: SaleKey) -> None:
        _seen_sold_out.forget(key)
        self._client.delete(key.left, key.bought)


_gates: dict[str, MemoryGate | RedisGate] = {}
_gates_lock = threading.Lock()


def gate() -> MemoryGate | RedisGate:
    """This process's gate: Redis's when REDIS_URL is set, else the in-process one."""
    url = get_settings().redis_url or ""
    found = _gates.get(url)
    if found is None:
        with _gates_lock:
            found = _gates.get(url)
            if found is None:
                found = _gates[url] = RedisGate(url) if url else MemoryGate()
    return found


def seen_sold_out(key: SaleKey) -> bool:
    """This process saw the sale's gate empty less than SOLD_OUT_SECONDS ago (no unit given back here since)."""
    return bool(_seen_sold_out.get(key))


def _noted(key: SaleKey, left: int | None) -> int | None:
    if left == 0:
        _seen_sold_out.put(key, True)
    return left


GateDown = redis.RedisError  # the gate could not answer: the database decides alone (slower, as correct)

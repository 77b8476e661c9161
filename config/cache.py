"""A Redis cache that fails open: with Redis down, a read is a miss and a write is dropped.

Nothing we keep in the cache is the record: throttle counts, rendered leaderboards and their
data version. Losing them for the length of an outage costs speed, not correctness, so the
site keeps answering instead of turning every request into a 500.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(default: Callable[..., Any]) -> Callable:
    def wrap(method: Callable) -> Callable:
        def guarded(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                logger.warning("Cache unavailable (%s); %s treated as a miss", exc, method.__name__)
                return default(*args, **kwargs)

        guarded.__name__ = method.__name__
        return guarded

    return wrap


def _given_default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


class ResilientRedisCache(RedisCache):
    get = _fail_open(_given_default)(RedisCache.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    add = _fail_open(lambda *a, **k: False)(RedisCache.add)
    set = _fail_open(lambda *a, **k: None)(RedisCache.set)
    set_many = _fail_open(lambda *a, **k: [])(RedisCache.set_many)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *a, **k: None)(RedisCache.clear)
    # incr on a missing key raises ValueError in Django; with Redis down there is no key.
    incr = _fail_open(lambda key, delta=1, *a, **k: delta)(RedisCache.incr)

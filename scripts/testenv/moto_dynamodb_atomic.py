"""Make moto's DynamoDB conditional writes atomic, as DynamoDB's are.

moto 5.2.1 evaluates a ConditionExpression and applies the write in two steps with no lock, and
ThreadedMotoServer answers requests on several threads: two concurrent conditional UpdateItem
calls can both pass ``attribute_not_exists(holder)`` and both succeed. Real DynamoDB applies each
conditional write atomically — the property the scale-in deletion lease relies on. This wraps
the backend's item writes in one lock (writes are rare and tiny in the tests).
"""
from __future__ import annotations

import functools
import threading

LOCK = threading.RLock()
WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


def install() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITES:
        original = getattr(DynamoDBBackend, name, None)
        if original is None or getattr(original, "_ranchhand_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self, *args, __original=original, **kwargs):
            with LOCK:
                return __original(self, *args, **kwargs)

        atomic._ranchhand_atomic = True
        setattr(DynamoDBBackend, name, atomic)

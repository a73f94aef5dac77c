"""The seed write-up's bounded client, rewritten for the bench: limited_as_completed over aiohttp.

At most `limit` requests are in flight; the next one starts when one finishes. Like the original, it
finds the finished future by polling (asyncio.sleep(0) in a loop), which keeps a core busy.
Usage: python3 seed_client.py <url with {}> <count> <limit>; prints one JSON line.
"""
import asyncio
import itertools
import json
import resource
import sys
import time

import aiohttp


async def fetch(session, url):
    async with session.get(url) as response:
        await response.read()
        return response.status


def limited_as_completed(coroutines, limit):
    pending = [asyncio.ensure_future(c) for c in itertools.islice(coroutines, 0, limit)]

    async def next_done():
        while True:
            await asyncio.sleep(0)
            for future in pending:
                if future.done():
                    pending.remove(future)
                    try:
                        pending.append(asyncio.ensure_future(next(coroutines)))
                    except StopIteration:
                        pass
                    return future.result()

    while pending:
        yield next_done()


async def main(url, count, limit):
    connector = aiohttp.TCPConnector(limit=limit)
    ok = 0
    async with aiohttp.ClientSession(connector=connector) as session:
        coroutines = (fetch(session, url.format(i)) for i in range(count))
        for result in limited_as_completed(coroutines, limit):
            if await result == 200:
                ok += 1
    return ok


if __name__ == "__main__":
    url, count, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    ok = asyncio.run(main(url, count, limit))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    print(json.dumps({"count": count, "ok": ok, "seconds": seconds, "cpuSeconds": cpu}))
